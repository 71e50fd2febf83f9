"""The fast loop (`pytest -m "not slow"`) trims property tests' examples; every other run keeps them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FAST_LOOP_MIN_EXAMPLES, fast_loop_examples

HERE = Path(__file__).parent

PROPERTY_TEST = '''
import os

from hypothesis import given, settings, strategies as st

SEEN = []


@settings(max_examples=40, database=None)
@given(st.integers(0, 10 ** 9))
def test_property(n):
    SEEN.append(n)


@given(st.integers(0, 10 ** 9))
def test_property_with_the_profile_count(n):
    pass


def test_examples_run():
    assert len(SEEN) == int(os.environ["EXPECTED_EXAMPLES"])
'''


def test_fast_loop_examples__a_quarter_within_bounds():
    assert fast_loop_examples(200) == 50
    assert fast_loop_examples(40) == FAST_LOOP_MIN_EXAMPLES
    assert fast_loop_examples(12) == FAST_LOOP_MIN_EXAMPLES
    assert fast_loop_examples(5) == 5  # never more than the test states


@pytest.mark.slow
@pytest.mark.parametrize("args,expected", [
    (["-m", "not slow"], fast_loop_examples(40)),
    ([], 40),
    (["-m", "slow or not slow"], 40),
    (["-k", "property or examples"], 40),
])
def test_property_examples__only_the_fast_loop_trims_them(tmp_path, args, expected):
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_inner.py").write_text(PROPERTY_TEST, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_PROFILE"}
    env["EXPECTED_EXAMPLES"] = str(expected)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           *args, "test_inner.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
