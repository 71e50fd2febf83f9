"""Ingest speed and memory for a canonical response file, CSV and XLSX, against a floor.

Run: ``python benchmarks/bench_ingest.py`` (``--rows N``, default 50,000; ``--formats csv,xlsx``).
Targets (2 cores): ingest of the CSV within 4x the floor, in the same run (the ratio holds
under load, absolute seconds do not); 100,000 rows in under 10 s and under 1 GiB, as CSV
and as XLSX (read by python-calamine after ``elca_match.workbooks`` has measured the
sheet; openpyxl took 24 s to parse the same workbook).

The floor is the least any ingest can do with the same file: read it with the csv
module, check every choice cell against its question's code list (a set lookup), and
store every row, its cells as one JSON document, with ``executemany`` in one
transaction. The project's figure for the ratio is ``ingest_files`` in this process
(read, map, validate with messages, key, store raw rows and answers), run next to it.

For each format the file is written once (22 questions, every organisation distinct, as
``tests/conftest.py:survey_rows`` makes them), then ``elca-match ingest`` runs on a fresh
database in a child process, which reports its own peak resident memory (VmHWM; the
child's, not this script's). Printed: wall time of the whole command (start-up
included), rows per second, peak memory, then where the time goes, measured in this
process: reading the table, mapping and validating, storing.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import sqlite3
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


def floor(path: Path, db: Path) -> float:
    """Seconds for the floor: csv read, a set lookup per choice, executemany of one JSON per row."""
    from elca_match import markets
    from elca_match.questionnaire import load_questionnaire

    questionnaire = load_questionnaire()
    countries = set(markets.country_codes())
    started = time.perf_counter()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE raw_rows (id INTEGER PRIMARY KEY, row_number INTEGER, cells TEXT)")
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        checks = []
        for index, code in enumerate(header):
            question = next((q for q in questionnaire.questions if q.code == code), None)
            if question is not None and question.is_choice:
                allowed = countries if question.choices_from == "countries" else set(
                    questionnaire.choice_codes(code))
                checks.append((index, allowed, question.is_multi))
        records, bad = [], 0
        for number, cells in enumerate(reader, 2):
            for index, allowed, multi in checks:
                cell = cells[index]
                if cell and any(part not in allowed for part in (cell.split(";") if multi else (cell,))):
                    bad += 1
            records.append((number, encode(dict(zip(header, cells)))))
    with conn:
        conn.executemany("INSERT INTO raw_rows (row_number, cells) VALUES (?, ?)", records)
    conn.close()
    seconds = time.perf_counter() - started
    assert bad == 0, f"the floor found {bad} cells outside their code lists"
    return seconds


def side_by_side(path: Path, folder: Path, repeats: int = 3) -> tuple[float, float]:
    """(project, floor) seconds, each the best of ``repeats`` alternating runs in this process."""
    from elca_match.services.ingest import ingest_files

    project, reference = [], []
    for attempt in range(repeats):
        reference.append(floor(path, folder / f"floor-{attempt}.db"))
        started = time.perf_counter()
        ingest_files(folder / f"project-{attempt}.db", [path])
        project.append(time.perf_counter() - started)
    return min(project), min(reference)


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
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs of project and floor")
    options = parser.parse_args()
    print(f"Ingest of a {options.rows:,}-row canonical response file ({os.cpu_count()} cores)")
    results = {}
    with tempfile.TemporaryDirectory(prefix="elca-bench-") as tmp:
        for fmt in options.formats.split(","):
            results[fmt] = bench(options.rows, fmt, Path(tmp))
        if "csv" not in results:
            return
        project, reference = side_by_side(Path(tmp) / f"survey-{options.rows}.csv", Path(tmp), options.repeats)
    ratio = project / reference
    print(f"\nCSV ingest vs the floor (best of {options.repeats}, in-process, same run):")
    print(f"  elca-match {project:.2f} s   floor (csv + set lookups + executemany) {reference:.2f} s   "
          f"ratio {ratio:.2f}x   target <= 4x {'met' if ratio <= 4 else 'MISSED'}")
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
