"""The README is the source of this test: every `$ elca-match ...` line in it runs, in order, and succeeds."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP_COMMANDS = ("python3 -m venv .venv", "source .venv/bin/activate", 'pip install -e ".[test]"', "pytest")


def readme_commands() -> list[str]:
    """The `$ ` lines of the README's console blocks, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [line[2:].strip() for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_readme__setup_commands_are_the_ones_ci_runs():
    commands = readme_commands()
    assert list(SETUP_COMMANDS) == commands[:len(SETUP_COMMANDS)]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # CI follows the README to the letter: the same commands, in the same order
    ci_lines = [line.strip() for line in ci.splitlines()]
    positions = [ci_lines.index(command) for command in SETUP_COMMANDS]
    assert positions == sorted(positions)


@pytest.mark.slow
def test_readme__every_command_runs(tmp_path):
    commands = [c for c in readme_commands() if c not in SETUP_COMMANDS]
    assert any(c.startswith("elca-match demo") for c in commands)
    # the examples read the repository's fixtures and docs by relative path
    for folder in ("tests", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("ELCA_MATCH_DB", None)
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"README command failed: {command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, command
    for written in ("japan.xlsx", "japan.html", "fragebogen.xlsx", "d12-xlsform.xlsx", "plan.xlsx",
                    "jp-aut-01.csv", "indicators.xlsx", "progress-report.xlsx"):
        assert (tmp_path / written).stat().st_size > 0, written
