"""Two people at once: concurrent `ingest` processes, `rank` and `members list` on one database.

WAL mode lets readers go on while one writer writes; ``BEGIN IMMEDIATE`` with a busy
timeout makes writers queue instead of failing with "database is locked". Nothing may be
lost: every file's rows end up in, each exactly once. ``ELCA_CONCURRENT_FILES`` sets how
many files each ingest process takes (benchmarks/bench_reliability.py runs more).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from elca_match.services.check import check_database

from conftest import FIXTURES, survey_rows, write_survey

pytestmark = pytest.mark.slow  # child processes and large files

FILES_PER_PROCESS = int(os.environ.get("ELCA_CONCURRENT_FILES", "2"))
ROWS = 1_500


def start(db: Path, *args: object) -> subprocess.Popen:
    exe = shutil.which("elca-match")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("ELCA_MATCH_DB", None)
    return subprocess.Popen(([exe] if exe else [sys.executable, "-m", "elca_match"]) + ["--db", str(db)]
                            + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def scalar(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("concurrent")
    return [write_survey(folder / f"part{i}.csv", survey_rows(ROWS, seed=100 + i, prefix=f"Part{i}"))
            for i in range(2 * FILES_PER_PROCESS)]


@pytest.fixture(scope="module")
def ranked_db(tmp_path_factory) -> Path:
    """Members and the built-in catalogue, so that `rank` has work to do."""
    db = tmp_path_factory.mktemp("base") / "elca.db"
    for args in (("ingest", FIXTURES / "survey" / "canonical_en.csv"), ("opportunities", "import", "--builtin")):
        code, _, err = finish(start(db, *args))
        assert code == 0, err
    return db


def test_concurrency__two_ingests_and_rank__nothing_locked_nothing_lost(tmp_path, ranked_db, files):
    db = tmp_path / "elca.db"
    shutil.copy(ranked_db, db)
    base = scalar(db, "SELECT COUNT(*) FROM submissions")
    half = len(files) // 2
    writers = [start(db, "ingest", *files[:half]), start(db, "ingest", *files[half:])]
    readers: list[tuple[int, str, str]] = []
    overlapped = 0
    # rank and list members over and over while the two ingests run
    while any(w.poll() is None for w in writers) or len(readers) < 4:
        overlapped += any(w.poll() is None for w in writers)
        readers.append(finish(start(db, "rank", "--country", "japan", "--top", "3", "--format", "json")))
        readers.append(finish(start(db, "members", "list", "--format", "csv")))
        if len(readers) > 200:
            break
    assert overlapped, "the readers never ran beside the ingests"
    results = [finish(w) for w in writers]
    for code, out, err in results + readers:
        assert code == 0, err
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
    assert scalar(db, "SELECT COUNT(*) FROM sources") == 1 + len(files)
    assert scalar(db, "SELECT COUNT(*) FROM submissions") == base + ROWS * len(files)
    assert scalar(db, "SELECT COUNT(DISTINCT org_key) FROM submissions") == base + ROWS * len(files)
    result = check_database(db)
    assert result.ok, [f.detail for f in result.findings]


def test_concurrency__same_file_twice_at_once__stored_once(tmp_path, ranked_db, files):
    db = tmp_path / "elca.db"
    shutil.copy(ranked_db, db)
    base = scalar(db, "SELECT COUNT(*) FROM submissions")
    results = [finish(p) for p in [start(db, "ingest", files[0], "--format", "csv") for _ in range(3)]]
    for code, _, err in results:
        assert code == 0, err
    statuses = sorted(line.split(",")[3] for _, out, _ in results for line in out.splitlines()[1:] if line)
    assert statuses == ["already ingested", "already ingested", "ingested"]
    assert scalar(db, "SELECT COUNT(*) FROM submissions") == base + ROWS


def test_concurrency__new_database_created_by_two_at_once(tmp_path, files):
    db = tmp_path / "fresh.db"
    results = [finish(p) for p in [start(db, "ingest", files[0]), start(db, "ingest", files[1])]]
    for code, _, err in results:
        assert code == 0, err
    assert scalar(db, "SELECT COUNT(*) FROM submissions") == 2 * ROWS
