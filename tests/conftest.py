"""Shared test fixtures: run the real `elca-match` entry point; fresh database paths."""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
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


def run_main(*args: object, db: Path | None = None) -> CliResult:
    """The real entry point (``main``, which turns errors into messages and exit codes), in-process."""
    import io

    from elca_match.cli import main

    patch = pytest.MonkeyPatch()
    out, err = io.StringIO(), io.StringIO()
    patch.setattr(sys, "argv", ["elca-match", *(["--db", str(db)] if db else []), *map(str, args)])
    patch.setenv("COLUMNS", "200")
    patch.setattr(sys, "stdout", out)
    patch.setattr(sys, "stderr", err)
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        patch.undo()
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    """The `run_cli` function, for tests that drive the command line."""
    return run_cli


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path in a fresh temporary folder (the file does not exist yet)."""
    return tmp_path / "elca.db"


def survey_rows(count: int, *, seed: int = 0, prefix: str = "Org") -> Iterator[dict[str, str]]:
    """``count`` valid canonical answer rows (text by question code), each a distinct organisation.

    Cheap enough for 100,000 rows; the same seed gives the same rows.
    """
    from elca_match.questionnaire import load_questionnaire

    q = load_questionnaire()
    rng = random.Random(seed)
    codes = {c: q.choice_codes(c) for c in ("cluster", "org_type", "sectors", "value_chain_stages", "materials",
                                            "technologies", "certifications", "cooperation_types")}
    markets = ["JP", "US", "IN", "MX", "BR", "CL", "CO", "KR", "CA"]
    for i in range(count):
        yield {
            "org_name": f"{prefix} {i}", "org_id": "", "cluster": rng.choice(codes["cluster"]),
            "country": rng.choice(["DE", "IT", "PL", "FR", "ES"]), "region": "", "org_type": rng.choice(codes["org_type"]),
            "employees": str(rng.randint(1, 5000)), "sectors": ";".join(rng.sample(codes["sectors"], 2)),
            "value_chain_stages": ";".join(rng.sample(codes["value_chain_stages"], 2)),
            "materials": ";".join(rng.sample(codes["materials"], 2)),
            "technologies": ";".join(rng.sample(codes["technologies"], 3)), "trl": str(rng.randint(1, 9)),
            "certifications": rng.choice(codes["certifications"]), "target_markets": ";".join(rng.sample(markets, 2)),
            "market_experience": rng.choice(markets), "cooperation_types": ";".join(rng.sample(codes["cooperation_types"], 2)),
            "capabilities": f"Lightweight parts by RTM and adhesive bonding, line {i}", "products": "Panels",
            "contact_name": f"Person {prefix} {i}", "contact_email": f"p{i}@example.org",
            "consent": rng.choice(["yes", "no"]), "submitted_at": "2026-03-01",
        }


def write_survey(path: Path, rows: Iterable[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Write answer rows as a canonical CSV (or XLSX when ``path`` ends in .xlsx); header = the rows' keys."""
    rows = iter(rows)
    first = next(rows)
    header = list(first)
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in _chain(first, rows):
            sheet.append([row.get(h, "") for h in header])
        workbook.save(path)
        return path
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([row.get(h, "") for h in header] for row in _chain(first, rows))
    return path


def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest
