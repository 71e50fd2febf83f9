"""SIGKILL `elca-match ingest`, `forget` and `reprocess` at random points: the database
still opens, passes ``PRAGMA integrity_check`` and holds all of the change or none of it.

Kill points are drawn with a fixed seed from the whole run; half of them wait until the
command holds the write lock, so the kill lands inside its transaction rather than in
Python's start-up. ``ELCA_CRASH_KILLS`` sets how many kills
each command gets (benchmarks/bench_reliability.py runs more).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from elca_match.services.check import check_database

from conftest import FIXTURES, survey_rows, write_survey

pytestmark = pytest.mark.slow  # child processes and large files

KILLS = int(os.environ.get("ELCA_CRASH_KILLS", "4"))
ROWS = 6_000  # enough that the write takes a good part of a second
SEED = int(os.environ.get("ELCA_CRASH_SEED", "20260301"))

if sys.platform == "win32":  # pragma: no cover - SIGKILL is POSIX
    pytest.skip("SIGKILL is POSIX-only", allow_module_level=True)


def command(db: Path, *args: object) -> list[str]:
    exe = shutil.which("elca-match")
    return ([exe] if exe else [sys.executable, "-m", "elca_match"]) + ["--db", str(db)] + [str(a) for a in args]


@dataclass
class Kill:
    """Where one kill landed."""

    after: float  # seconds after start
    writing: bool  # the command held the write lock (its transaction had begun)
    finished: bool  # the command ended on its own first


def writer_active(db: Path) -> bool:
    """Does another connection hold the write lock? (A probe that takes it gives it back at once.)"""
    try:
        conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def run_and_kill(db: Path, args: list[object], rng: random.Random, duration: float) -> Kill:
    """Start the command, SIGKILL it at a random point (half the time inside its transaction)."""
    in_transaction = rng.random() < 0.5
    delay = rng.uniform(0.0, duration * 0.2) if in_transaction else rng.uniform(0.0, duration * 1.1)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ELCA_MATCH_DB", None)
    started = time.perf_counter()
    process = subprocess.Popen(command(db, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    writing = False
    if in_transaction:
        while process.poll() is None and not writing and time.perf_counter() - started < duration * 3:
            writing = writer_active(db)
            time.sleep(0.003)
    deadline = time.perf_counter() + delay
    while process.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.002)
    finished = process.poll() is not None
    if not finished:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return Kill(round(time.perf_counter() - started, 3), writing, finished)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def scalar(db: Path, sql: str, params: tuple = ()) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def timed(db: Path, *args: object) -> float:
    started = time.perf_counter()
    done = subprocess.run(command(db, *args), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    return write_survey(tmp_path_factory.mktemp("crash") / "big.csv", survey_rows(ROWS, seed=5, prefix="Crash"))


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    """A database with the canonical fixture's three members, checkpointed (no WAL)."""
    db = tmp_path_factory.mktemp("small") / "elca.db"
    timed(db, "ingest", FIXTURES / "survey" / "canonical_en.csv")
    return db


@pytest.fixture(scope="module")
def full_db(tmp_path_factory, small_db, big_file) -> tuple[Path, float]:
    """The small database with the big file in it too, and how long that ingest took."""
    db = tmp_path_factory.mktemp("full") / "elca.db"
    shutil.copy(small_db, db)
    return db, timed(db, "ingest", big_file)


def fresh_copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "elca.db"
    shutil.copy(source, db)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def assert_sound(db: Path) -> None:
    assert integrity(db) == "ok"
    result = check_database(db, rederive=False)
    assert result.ok, [f.detail for f in result.findings]


def test_crash__ingest_killed__all_of_the_file_or_none(tmp_path, small_db, big_file, full_db):
    _, duration = full_db
    rng = random.Random(SEED)
    base = scalar(small_db, "SELECT COUNT(*) FROM submissions")
    outcomes = []
    for attempt in range(KILLS):
        db = fresh_copy(small_db, tmp_path / f"kill{attempt}")
        kill = run_and_kill(db, ["ingest", big_file], rng, duration)
        assert_sound(db)
        submissions = scalar(db, "SELECT COUNT(*) FROM submissions")
        raw = scalar(db, "SELECT COUNT(*) FROM raw_rows WHERE source_sha256 IN "
                         "(SELECT sha256 FROM sources WHERE file_name = 'big.csv')")
        sources = scalar(db, "SELECT COUNT(*) FROM sources WHERE file_name = 'big.csv'")
        assert (submissions, raw, sources) in {(base, 0, 0), (base + ROWS, ROWS, 1)}, (kill, submissions, raw)
        outcomes.append((kill, "all" if sources else "none"))
        if sources == 0:  # after a crash the same command simply works
            timed(db, "ingest", big_file)
            assert scalar(db, "SELECT COUNT(*) FROM submissions") == base + ROWS
    assert any(k.writing and not k.finished and result == "none" for k, result in outcomes) or KILLS < 2, outcomes


def test_crash__forget_killed__organisation_all_there_or_all_gone(tmp_path, full_db):
    source, duration = full_db
    duration = max(duration / 4, timed(fresh_copy(source, tmp_path / "timing"), "forget", "Crash 17", "--yes"))
    rng = random.Random(SEED + 1)
    members = scalar(source, "SELECT COUNT(*) FROM organisations")
    for attempt in range(KILLS):
        name = f"Crash {rng.randrange(ROWS)}"
        db = fresh_copy(source, tmp_path / f"kill{attempt}")
        kill = run_and_kill(db, ["forget", name, "--yes"], rng, duration)
        assert_sound(db)
        left = {table: scalar(db, f"SELECT COUNT(*) FROM {table} WHERE {column} LIKE ?", (pattern,))  # constants
                for table, column, pattern in [("organisations", "name", name),
                                               ("submissions", "answers", f'%"org_name": "{name}"%'),
                                               ("raw_rows", "cells", f'%"{name}"%')]}
        assert set(left.values()) in ({0}, {1}), (kill, left)
        assert scalar(db, "SELECT COUNT(*) FROM organisations") == members - (1 - left["organisations"])
        if left["organisations"] == 0:
            # killed after the commit, perhaps before VACUUM: once the database has been opened
            # again (which checkpoints), no byte of the contact's name is left (secure_delete)
            timed(db, "check", "--quick")
            data = db.read_bytes() + (Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else b"")
            assert f'"Person {name}"'.encode() not in data, kill


def test_crash__reprocess_killed__every_answer_old_or_every_answer_new(tmp_path, full_db):
    source, duration = full_db
    template = fresh_copy(source, tmp_path / "template")
    conn = sqlite3.connect(template)
    conn.execute("UPDATE submissions SET answers = json_set(answers, '$.trl', 0), questionnaire_version = 'before'")
    conn.commit()
    conn.close()
    total = scalar(template, "SELECT COUNT(*) FROM submissions")
    rng = random.Random(SEED + 2)
    for attempt in range(KILLS):
        db = fresh_copy(template, tmp_path / f"kill{attempt}")
        kill = run_and_kill(db, ["reprocess"], rng, duration)
        assert integrity(db) == "ok"
        before = scalar(db, "SELECT COUNT(*) FROM submissions WHERE questionnaire_version = 'before'"
                            " AND json_extract(answers, '$.trl') = 0")
        assert before in (0, total), (kill, before, total)
        if before == 0:
            assert_sound(db)
