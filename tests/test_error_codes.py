"""The error catalogue is closed: every code is an ErrorCode with a message, and no other code can be raised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from elca_match.errors import MESSAGES, ErrorCode, Problem, UsageError

TESTS = Path(__file__).parent


def test_error_codes__one_per_message():
    assert [code.value for code in ErrorCode] == list(MESSAGES)


def test_problem__code_not_in_the_catalogue__refused_where_it_is_made():
    with pytest.raises(ValueError, match="no_such_code"):
        Problem("no_such_code")
    with pytest.raises(ValueError):
        UsageError.of("no_such_code", detail="x")


def test_problem__code_as_text_or_member__the_same_problem():
    by_text, by_member = Problem("file_missing", file="a.csv"), Problem(ErrorCode.file_missing, file="a.csv")
    assert by_text == by_member
    assert by_text.code is ErrorCode.file_missing and by_text.code == "file_missing"
    assert json.loads(json.dumps(by_text.as_dict()))["code"] == "file_missing"


def _named_by_a_test(code: str) -> bool:
    texts = (p.read_text(encoding="utf-8") for p in TESTS.glob("*.py") if p.name != Path(__file__).name)
    return any(f'"{code}"' in text or f"ErrorCode.{code}" in text for text in texts)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_error_codes__each_named_by_a_test(code):
    """A test names each code (asserting the problem it raises)."""
    assert _named_by_a_test(code), f"no test names the error code {code!r}: add one that raises it"

