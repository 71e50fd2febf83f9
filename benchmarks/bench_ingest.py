"""Ingest speed and memory for a 100,000-row canonical response file, CSV and XLSX.

Run: ``python benchmarks/bench_ingest.py`` (``--rows N``, ``--formats csv,xlsx``).
Targets (2 cores): 100,000 rows in under 10 s and under 1 GiB, as CSV and as XLSX (read by
python-calamine after ``elca_match.workbooks`` has measured the sheet; openpyxl took 24 s to
parse the same workbook).

For each format the file is written once (22 questions, every organisation distinct, as
``tests/conftest.py:survey_rows`` makes them), then ``elca-match ingest`` runs on a fresh
database in a child process, which reports its own peak resident memory (VmHWM; the
child's, not this script's). Printed: wall time of the whole command (start-up
included), rows per second, peak memory, then where the time goes, measured in this
process: reading the table, mapping and validating, storing.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import survey_rows, write_survey  # noqa: E402  (the tests' generator of valid rows)

MIB = 1024 ** 2

# The entry point, reporting the process's own peak memory when it exits.
_PEAK_RUN = str(Path(__file__).with_name("peak_run.py"))  # elca-match, reporting its own peak


@dataclass
class Run:
    """One timed command."""

    seconds: float
    peak_bytes: int
    exit_code: int
    stderr: str


def run_measured(*args: object) -> Run:
    """Run `elca-match ARGS` in a child process: its wall time and its own peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "ELCA_PEAK_FILE": str(Path(folder) / "peak"), "NO_COLOR": "1"}
        env.pop("ELCA_MATCH_DB", None)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, _PEAK_RUN, *map(str, args)], capture_output=True, text=True,
                              env=env)
        seconds = time.perf_counter() - started
        peak_file = Path(folder) / "peak"
        peak = int(peak_file.read_text()) if peak_file.exists() else 0
    return Run(seconds, peak, done.returncode, done.stderr)


def phases(path: Path, db: Path) -> dict[str, float]:
    """Seconds spent reading, mapping and validating, and storing (in this process).

    Storing is a whole ingest minus a separate read and validation, so it carries their noise.
    """
    from elca_match.ingest.adapters import read_with_adapter
    from elca_match.ingest.validate import validate_rows
    from elca_match.questionnaire import load_questionnaire
    from elca_match.services.ingest import ingest_files
    from elca_match.tabular import read_table

    questionnaire = load_questionnaire()
    gc.disable()  # as ingest_files does
    started = time.perf_counter()
    table = read_table(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    output = read_with_adapter(table, questionnaire)
    validate_rows(output.rows, questionnaire, table.source.name)
    validate = time.perf_counter() - started
    del table, output
    gc.enable()
    started = time.perf_counter()
    ingest_files(db, [path])
    whole = time.perf_counter() - started
    return {"read": read, "map and validate": validate, "store": max(0.0, whole - read - validate)}


def bench(rows: int, fmt: str, folder: Path) -> tuple[Run, dict[str, float]]:
    path = folder / f"survey-{rows}.{fmt}"
    started = time.perf_counter()
    write_survey(path, survey_rows(rows, seed=1, prefix="Bench"))
    print(f"  wrote {path.name}: {path.stat().st_size / MIB:.1f} MiB in {time.perf_counter() - started:.1f} s",
          flush=True)
    run = run_measured("--db", folder / f"{fmt}.db", "ingest", path, "--format", "json")
    if run.exit_code != 0:
        raise SystemExit(f"ingest failed: {run.stderr}")
    return run, phases(path, folder / f"{fmt}-phases.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx")
    options = parser.parse_args()
    print(f"Ingest of a {options.rows:,}-row canonical response file ({os.cpu_count()} cores)")
    results = {}
    with tempfile.TemporaryDirectory(prefix="elca-bench-") as tmp:
        for fmt in options.formats.split(","):
            results[fmt] = bench(options.rows, fmt, Path(tmp))
    print(f"\n{'format':<8}{'seconds':>9}{'rows/s':>10}{'peak MiB':>10}   target")
    for fmt, (run, _) in results.items():
        target = "< 10 s, < 1024 MiB"
        ok = run.peak_bytes < 1024 * MIB and run.seconds < 10
        print(f"{fmt:<8}{run.seconds:>9.2f}{options.rows / run.seconds:>10,.0f}{run.peak_bytes / MIB:>10.0f}   "
              f"{target} {'met' if ok else 'MISSED'}")
    print("\nwhere the time goes (in-process, seconds):")
    for fmt, (_, split) in results.items():
        print(f"  {fmt}: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in split.items()))


if __name__ == "__main__":
    main()
