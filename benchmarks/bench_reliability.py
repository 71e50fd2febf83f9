"""Reliability figures: fuzz inputs tried, kills survived, concurrent files ingested, peak
memory for 100,000 rows.

Run: ``python benchmarks/bench_reliability.py`` (a few minutes) or
``python benchmarks/bench_reliability.py --profile long --kills 30 --files 8`` (the longer
run: hypothesis's ``long`` profile tries 2,000 inputs per fuzz and property test instead of
40, about 50 times as many: 34,000 inputs, about 20 minutes on 2 cores).

It runs the suite's own reliability tests with larger settings and counts what they did:

- fuzz: ``tests/test_fuzz.py`` and ``tests/test_properties_ingest.py`` under
  ``HYPOTHESIS_PROFILE`` (random bytes, mutated exports of every registered adapter, byte
  edits, valid answers in every encoding and delimiter); the count is hypothesis's own
  (``--hypothesis-show-statistics``), every phase included;
- crash: ``tests/test_crash_safety.py`` with ``ELCA_CRASH_KILLS`` SIGKILLs each of
  ``ingest``, ``forget`` and ``reprocess`` (half of them inside the write transaction);
- concurrency: ``tests/test_concurrency.py`` with ``ELCA_CONCURRENT_FILES`` files for each of
  two ingest processes, beside ``rank`` and ``members list`` in a loop, plus the same file
  three times at once and two ingests creating one new database;
- memory: ``elca-match ingest`` of a 100,000-row CSV in a child process (VmHWM);
- forget: organisations renamed, with set-aside rows and ids in several spellings, each
  forgotten by another of its names or spellings; then the database file and its WAL are
  searched for every name, id, contact name and e-mail they had (bytes left: 0).

Exit status is non-zero when any of those tests fails.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import MIB, run_measured  # noqa: E402

_EXAMPLES = re.compile(r"- (\d+) passing examples?, (\d+) failing examples?, (\d+) invalid examples?")
_SUMMARY = re.compile(r"(\d+) (passed|failed|error)")


def pytest(files: list[str], env: dict[str, str], *extra: str) -> tuple[bool, str, float]:
    """Run pytest on ``files`` with ``env`` added; (all passed, output, seconds)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, *files],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})
    return done.returncode == 0, done.stdout + done.stderr, time.perf_counter() - started


def summary(output: str) -> str:
    found = dict((kind, int(n)) for n, kind in _SUMMARY.findall(output.splitlines()[-1] if output else ""))
    return ", ".join(f"{n} {kind}" for kind, n in found.items()) or "no summary"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="ci", choices=("ci", "long"), help="hypothesis profile")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs per command (ingest, forget, reprocess)")
    parser.add_argument("--files", type=int, default=5, help="files per concurrent ingest process")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the memory run")
    parser.add_argument("--forget", type=int, default=60, help="organisations forgotten in the forget run")
    options = parser.parse_args()
    ok = True
    lines = []

    passed, output, seconds = pytest(["tests/test_fuzz.py", "tests/test_properties_ingest.py"],
                                     {"HYPOTHESIS_PROFILE": options.profile}, "--hypothesis-show-statistics")
    tried = sum(int(p) + int(f) for p, f, _ in _EXAMPLES.findall(output))
    ok &= passed
    lines.append(("fuzz and property inputs tried", f"{tried:,}",
                  f"profile {options.profile}; {summary(output)}; {seconds:.0f} s"))

    passed, output, seconds = pytest(["tests/test_crash_safety.py"], {"ELCA_CRASH_KILLS": str(options.kills)})
    ok &= passed
    lines.append(("SIGKILLs survived", f"{3 * options.kills if passed else 0}",
                  f"{options.kills} each for ingest, forget, reprocess; {summary(output)}; {seconds:.0f} s"))

    passed, output, seconds = pytest(["tests/test_concurrency.py"], {"ELCA_CONCURRENT_FILES": str(options.files)})
    ok &= passed
    files = 2 * options.files + 3 + 2
    lines.append(("files ingested concurrently", f"{files if passed else 0}",
                  f"2 processes x {options.files} beside rank + members list, same file x3, new database x2; "
                  f"{summary(output)}; {seconds:.0f} s"))

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import survey_rows, write_survey

    with tempfile.TemporaryDirectory(prefix="elca-bench-") as tmp:
        path = write_survey(Path(tmp) / "big.csv", survey_rows(options.rows, seed=1, prefix="Bench"))
        run = run_measured("--db", Path(tmp) / "elca.db", "ingest", path, "--format", "json")
    ok &= run.exit_code == 0 and run.peak_bytes < 1024 * MIB
    lines.append((f"peak memory, {options.rows:,}-row CSV ingest", f"{run.peak_bytes / MIB:.0f} MiB",
                  f"{run.seconds:.1f} s, {options.rows / run.seconds:,.0f} rows/s; target < 1024 MiB, < 10 s"))

    started = time.perf_counter()
    tried, left, kept = forget_cases(options.forget)
    ok &= left == 0 and kept
    lines.append(("forget cases tried, bytes left", f"{tried}, {left}",
                  f"former names, ids in 4 spellings, keys, set-aside rows; others kept: {'yes' if kept else 'NO'}; "
                  f"{time.perf_counter() - started:.1f} s"))

    for name, figure, detail, good in file_figures():
        ok &= good
        lines.append((name, figure, detail))

    width = max(len(name) for name, _, _ in lines)
    print(f"Reliability figures ({os.cpu_count()} cores)")
    for name, figure, detail in lines:
        print(f"  {name:<{width}}  {figure:>10}   {detail}")
    if not ok:
        print("some reliability tests FAILED: run them with pytest to see why", file=sys.stderr)
    return 0 if ok else 1


def forget_cases(count: int) -> tuple[int, int, bool]:
    """Forget ``count`` of twice as many organisations, each by another spelling; (tried, traces left, others kept)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import survey_rows, write_survey

    from elca_match.services.ingest import ingest_files
    from elca_match.services.members import forget

    total = 2 * count

    def first(i: int) -> dict[str, str]:
        return {"org_name": f"Forgettable {i:04d} GmbH", "org_id": f"DE9{i:08d}",
                "contact_name": f"Contact Q{i:04d}Z", "contact_email": f"q{i:04d}z@example.org",
                "submitted_at": "2026-01-01"}

    def renamed(i: int) -> dict[str, str]:
        oid = f"DE9{i:08d}"
        return {"org_name": f"Renamed {i:04d} AG", "org_id": f"{oid[:2]}.{oid[2:5]}.{oid[5:8]}.{oid[8:]}",
                "contact_name": f"Second R{i:04d}Z", "contact_email": f"r{i:04d}z@example.org",
                "submitted_at": "2026-02-01"}

    spellings = [lambda i: f"Forgettable {i:04d} GmbH", lambda i: f"renamed {i:04d} ag", lambda i: f"DE-9{i:08d}",
                 lambda i: f"DE 9{i:08d}", lambda i: f"id:DE9{i:08d}", lambda i: f"de.9{i:08d}"]
    with tempfile.TemporaryDirectory(prefix="elca-forget-") as tmp:
        folder = Path(tmp)
        db = folder / "elca.db"
        rows = list(survey_rows(total, seed=3, prefix="Keep"))
        late = [dict(r) for r in rows[:count]]
        ingest_files(db, [write_survey(folder / "a.csv", [{**r, **first(i)} for i, r in enumerate(rows)]),
                          write_survey(folder / "b.csv", [{**r, **renamed(i)} for i, r in enumerate(late)])])
        aside = [{**r, **first(i), "org_name": f"Forgettable {i:04d} G.m.b.H.", "trl": "12",
                  "org_id": f"DE/9{i:08d}"} for i, r in enumerate(rows[:count])]
        ingest_files(db, [write_survey(folder / "c.csv", aside)], skip_invalid=True)
        for i in range(count):
            forget(db, spellings[i % len(spellings)](i))
        wal = db.with_name(db.name + "-wal")
        data = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        # every name, id (bare digits too), contact name and e-mail; the set-aside spelling's "G.m.b.H"
        traces = {b"G.m.b.H"} | {value.encode() for i in range(count) for key, value in (
            *first(i).items(), *renamed(i).items(), ("digits", f"9{i:08d}")) if key != "submitted_at"}
        left = sum(1 for trace in traces if trace in data)
        kept = all(f"Forgettable {i:04d} GmbH".encode() in data for i in range(count, total))
    return count, left, kept


# --- files that cannot be read whole, or not at all (issue 15 items 3 and 4) ----------------

BIG_CSV_TARGET = 2 * 1024 * MIB
XFD_ROWS = 50_000


def file_figures() -> list[tuple[str, str, str, bool]]:
    """(name, figure, detail, target met) for a 512 MiB CSV, the XFD workbook and a FIFO."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import survey_rows, write_survey

    from elca_match.tabular import MAX_FILE_BYTES

    figures = []
    with tempfile.TemporaryDirectory(prefix="elca-files-") as tmp:
        folder = Path(tmp)
        # answers with long free text up to the file-size limit: the size of file the tool accepts at most
        text = "Lightweight structures by resin transfer moulding, adhesive bonding and testing. " * 40
        rows = survey_rows(int(MAX_FILE_BYTES * 0.97) // 3_300, seed=5, prefix="Big")
        big = write_survey(folder / "big.csv", ({**row, "capabilities": text[:3_000]} for row in rows))
        size = big.stat().st_size
        for label, args in (("ingested", ["ingest", big]),
                            ("refused for its header", ["ingest", _bad_header(big, folder / "bad.csv")])):
            run = run_measured("--db", folder / f"{label[:3]}.db", *args, "--format", "json")
            good = run.peak_bytes < BIG_CSV_TARGET and (run.exit_code == 0) == (label == "ingested")
            figures.append((f"peak memory, {size / MIB:.0f} MiB CSV {label}", f"{run.peak_bytes / MIB:.0f} MiB",
                            f"{run.seconds:.1f} s, exit {run.exit_code}; target < {BIG_CSV_TARGET // MIB} MiB", good))
        xfd = folder / "xfd.xlsx"
        xfd.write_bytes(_xfd_workbook(XFD_ROWS))
        run = run_measured("--db", folder / "xfd.db", "ingest", xfd)
        figures.append(("time to refuse the XFD workbook", f"{run.seconds:.1f} s",
                        f"{xfd.stat().st_size / MIB:.1f} MiB, {XFD_ROWS:,} rows each with an empty cell in column "
                        f"XFD; exit {run.exit_code}; {run.peak_bytes / MIB:.0f} MiB peak (122 s before)",
                        run.exit_code == 3 and run.seconds < 30))
        fifo = folder / "pipe.csv"
        os.mkfifo(fifo)
        run = run_measured("--db", folder / "fifo.db", "ingest", fifo)
        figures.append(("time to refuse a FIFO", f"{run.seconds:.1f} s", f"exit {run.exit_code} (hung before)",
                        run.exit_code == 3))
    return figures


def _bad_header(source: Path, target: Path) -> Path:
    """The same file with one header that matches no question."""
    with source.open("rb") as handle, target.open("wb") as out:
        out.write(handle.readline().replace(b"org_type", b"organisation_colour", 1))
        while chunk := handle.read(64 * MIB):
            out.write(chunk)
    return target


def _xfd_workbook(rows: int) -> bytes:
    """A workbook whose every row has an empty, styled cell in column XFD (Excel's last column)."""
    import io
    import zipfile

    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["org_name", "country"])
    workbook.save(buffer)
    parts = {i.filename: zipfile.ZipFile(buffer).read(i.filename) for i in zipfile.ZipFile(buffer).infolist()}
    body = [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Org {r}</t></is></c><c r="XFD{r}" s="0"/></row>'
            for r in range(2, rows + 2)]
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>org_name</t></is></c></row>'
        + "".join(body) + "</sheetData></worksheet>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


if __name__ == "__main__":
    raise SystemExit(main())
