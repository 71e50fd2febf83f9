"""Shared test fixtures: run the real `elca-match` entry point; fresh database paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: object, db: Path | None = None, cwd: Path | None = None, input: str | None = None,
            env: dict | None = None) -> CliResult:
    """Run the installed `elca-match` command (the real entry point) and capture its output."""
    exe = shutil.which("elca-match")
    command = [exe] if exe else [sys.executable, "-m", "elca_match"]
    if db is not None:
        command += ["--db", str(db)]
    command += [str(a) for a in args]
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    full_env.pop("ELCA_MATCH_DB", None)
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, input=input, env=full_env, timeout=300)
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli():
    """The `run_cli` function, for tests that drive the command line."""
    return run_cli


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path in a fresh temporary folder (the file does not exist yet)."""
    return tmp_path / "elca.db"
