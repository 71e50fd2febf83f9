"""The error catalogue is closed: every code is an ErrorCode with a message, and no other code can be raised."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from elca_match.errors import MESSAGES, ErrorCode, Problem, UsageError
from test_architecture import parsed

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



PACKAGE = TESTS.parent / "elca_match"
# A flag typed as such (--top), outside backticks: backticks quote a command line to run, which may name flags.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _makes_an_error(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):  # SomeError.of(...), cells.problem(...)
        return func.attr == "problem" or (func.attr == "of" and isinstance(func.value, ast.Name)
                                          and func.value.id.endswith("Error"))
    return isinstance(func, ast.Name) and (func.id == "Problem" or func.id.endswith("Error"))


def _flags_in_library_errors() -> set[tuple[str, str]]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("cli/"):
            continue
        for call in ast.walk(parsed(path)):
            if isinstance(call, ast.Call) and _makes_an_error(call):
                texts = [n.value for n in ast.walk(call) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                found |= {(where, flag) for text in texts for flag in FLAG.findall(re.sub(r"`[^`]*`", "", text))}
    return found


def test_library_errors__name_options_never_flags():
    """Flags are the command line's to add (errors.Option, ``{opt[name]}``); the library names parameters."""
    assert _flags_in_library_errors() == set()


def test_catalogue__templates_name_options_by_placeholder():
    """A template names an option as {opt[name]} or an {option} parameter, never as a typed flag."""
    typed = {code: FLAG.findall(re.sub(r"`[^`]*`", "", text)) for code, text in MESSAGES.items()}
    assert {code: flags for code, flags in typed.items() if flags} == {}


def test_catalogue__every_option_a_template_names_is_one_the_command_line_has():
    from elca_match.cli import _command
    from elca_match.cli.conventions import ALIASES

    params: set[str] = set()
    commands = [_command()]
    while commands:
        command = commands.pop()
        params |= {p.name for p in command.params}
        commands += list(getattr(command, "commands", {}).values())
    named = {(code, name) for code, text in MESSAGES.items() for name in re.findall(r"\{opt\[(\w+)\]\}", text)}
    assert named and {(code, name) for code, name in named if ALIASES.get(name, name) not in params} == set()
