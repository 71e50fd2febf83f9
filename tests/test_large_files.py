"""Large and hostile files through the real command: 100,000 rows within 1 GiB; zip bombs,
a million columns and overlong cells refused with a clear message before memory runs out.

Each command runs in its own process, which reports its own peak memory (``VmHWM``). Times are not asserted beyond a generous ceiling (benchmarks/bench_ingest.py
prints them); memory is.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from elca_match.errors import InputError, Problem
from elca_match.tabular import MAX_CELL_LENGTH

from conftest import survey_rows, write_survey

pytestmark = pytest.mark.slow  # child processes and large files

GIB = 1024 ** 3
MIB = 1024 ** 2

if not Path("/proc/self/status").exists():  # pragma: no cover - Linux only
    pytest.skip("peak memory is read from /proc/self/status (Linux)", allow_module_level=True)


@dataclass
class Measured:
    exit_code: int
    stdout: str
    stderr: str
    peak_bytes: int
    seconds: float


# The command's own peak: VmHWM of the process after exec. (wait4's ru_maxrss would also
# count the pytest process it was forked from.)
PEAK_RUN = str(Path(__file__).resolve().parents[1] / "benchmarks" / "peak_run.py")


def measured(db: Path, *args: object) -> Measured:
    """Run the `elca-match` entry point in a child process; return its output, peak memory and duration."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("ELCA_MATCH_DB", None)
    with tempfile.TemporaryDirectory() as folder:
        env["ELCA_PEAK_FILE"] = str(Path(folder) / "peak")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, PEAK_RUN, "--db", str(db), *map(str, args)], capture_output=True,
                              text=True, env=env, timeout=600)
        seconds = time.perf_counter() - started
        peak = int((Path(folder) / "peak").read_text())
    return Measured(done.returncode, done.stdout, done.stderr, peak, seconds)


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # table names are constants
    finally:
        conn.close()


def test_large__100000_row_csv__ingested_within_1_gib(tmp_path):
    path = write_survey(tmp_path / "big.csv", survey_rows(100_000, seed=3, prefix="Big"))
    db = tmp_path / "elca.db"
    run = measured(db, "ingest", path, "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert run.peak_bytes < GIB, f"peak {run.peak_bytes / MIB:.0f} MiB"
    assert count(db, "submissions") == count(db, "raw_rows") == 100_000


def test_large__20000_row_xlsx__ingested_in_bounded_memory(tmp_path):
    # openpyxl reads ~2 s per 10,000 rows, so the suite takes 20,000 (the benchmark takes 100,000)
    path = write_survey(tmp_path / "big.xlsx", survey_rows(20_000, seed=4, prefix="Sheet"))
    db = tmp_path / "elca.db"
    run = measured(db, "ingest", path)
    assert run.exit_code == 0, run.stderr
    assert run.peak_bytes < 400 * MIB, f"peak {run.peak_bytes / MIB:.0f} MiB"
    assert count(db, "submissions") == 20_000


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(sheet_body: bytes) -> bytes:
    """A real workbook (so the bomb is found by size, not by a broken structure) with a bomb sheet."""
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["org_name"])
    workbook.save(buffer)
    parts = {i.filename: zipfile.ZipFile(buffer).read(i.filename) for i in zipfile.ZipFile(buffer).infolist()}
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/worksheets/sheet1.xml"] = (b'<?xml version="1.0"?><worksheet xmlns="' + ns + b'"><sheetData>'
                                         + sheet_body + b"</sheetData></worksheet>")
    return _zip(parts)


def _one_valid_row() -> bytes:
    """A canonical header and one valid answer row, as bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return write_survey(Path(folder) / "one.csv", survey_rows(1)).read_bytes()


HOSTILE = [
    # name, bytes, where the message must point
    ("cells.xlsx", lambda: _bomb(b'<row r="1"><c r="A1" t="inlineStr"><is><t>org_name</t></is></c></row><row r="2">'
                                 + b"<c/>" * 20_000_000 + b"</row>"), "unpacks to"),
    ("rows.xlsx", lambda: _bomb(b"<row/>" * 20_000_000), "unpacks to"),
    ("shared-strings.xlsx", lambda: _zip({"xl/worksheets/sheet1.xml": b"<worksheet/>",
                                          "xl/sharedStrings.xml": b"<sst>" + b"<si><t>x</t></si>" * 10_000_000}),
     "unpacks to"),
    ("million-columns.csv", lambda: b",".join(b"c%d" % i for i in range(1_000_000)) + b"\r\nA\r\n",
     "row 1: the file is refused because the row has 1000000 columns"),
    # a valid header and row 2 (a header the adapter refuses is now refused before any row is read)
    ("million-columns-row-3.csv", lambda: _one_valid_row() + b"," * 1_000_000 + b"\r\n",
     "row 3: the file is refused because the row has 1000001 columns"),
]


@pytest.mark.parametrize("name,make,where", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_large__hostile_file__refused_clearly_before_memory_runs_out(tmp_path, name, make, where):
    path = tmp_path / name
    path.write_bytes(make())
    db = tmp_path / "elca.db"
    run = measured(db, "ingest", path)
    assert run.exit_code == InputError.exit_code, run.stderr
    assert run.stderr.strip().startswith(f"Error: {name}") and where in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert run.peak_bytes < 400 * MIB, f"peak {run.peak_bytes / MIB:.0f} MiB"
    assert not db.exists()


@pytest.mark.parametrize("length", [MAX_CELL_LENGTH + 1, 1_000_000])
def test_large__overlong_cell__refused_naming_row_and_column(tmp_path, length):
    rows = list(survey_rows(3, prefix="Long"))
    rows[1]["capabilities"] = "x" * length
    path = write_survey(tmp_path / "long.csv", rows)
    run = measured(tmp_path / "elca.db", "ingest", path)
    assert run.exit_code == InputError.exit_code
    expected = Problem("cell_too_long", "long.csv", 3, "capabilities", "x" * 40,
                       {"length": length, "limit": MAX_CELL_LENGTH}).message()
    assert run.stderr.replace("\n", "").strip() == f"Error: {expected}"
