"""Operating-system failures are clear errors with their own exit code (never 70), saying what was and was
not saved: a full disk during ingest and forget, a read-only --out folder, a damaged database page."""

from __future__ import annotations

import importlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from elca_match.errors import StorageError
from elca_match.services.ingest import ingest_files

from conftest import run_main, survey_rows, write_survey

# the module, not the function of the same name that elca_match.store exports
session_module = importlib.import_module("elca_match.store.session")


def counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM raw_rows)").fetchone()
    finally:
        conn.close()


@pytest.fixture
def small_db(tmp_path) -> Path:
    db = tmp_path / "elca.db"
    ingest_files(db, [write_survey(tmp_path / "first.csv", survey_rows(20, prefix="First"))])
    return db


def test_ingest__disk_full__clear_error_nothing_saved(small_db, tmp_path, monkeypatch):
    connect = session_module.connect

    def full_soon(path, **options):
        # SQLite's page limit fails writes exactly as a full disk does (SQLITE_FULL), without a mount
        db = connect(path, **options)
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        return db

    monkeypatch.setattr(session_module, "connect", full_soon)
    before = counts(small_db)
    big = write_survey(tmp_path / "big.csv", survey_rows(2000, prefix="Big"))
    result = run_main("ingest", big, db=small_db)
    assert result.exit_code == StorageError.exit_code, result.stderr
    assert "is full" in result.stderr and "nothing of this command was saved" in result.stderr
    assert "no transaction is active" not in result.stderr and "internal error" not in result.stderr
    assert counts(small_db) == before


@pytest.fixture
def readonly_folder(tmp_path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    # root writes through permissions: a read-only mount is the real thing
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only folder here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_out__read_only_folder__clear_error_nothing_written(small_db, readonly_folder):
    target = readonly_folder / "members.csv"
    result = run_main("members", "list", "--out", target, db=small_db)
    assert result.exit_code == StorageError.exit_code, result.stderr
    assert f"refused to write {target}" in result.stderr and f"nothing was written to {target}" in result.stderr
    assert list(readonly_folder.iterdir()) == []


def test_forget__damaged_page__clear_error_not_a_crash(small_db):
    conn = sqlite3.connect(small_db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size, pages = conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(small_db, "r+b") as handle:
        for page in range(pages - 6, pages):  # the schema stays readable; the last pages of answers turn to noise
            handle.seek(page * page_size)
            handle.write(b"\xa5" * page_size)
    result = run_main("forget", "First 3", "--yes", db=small_db)
    assert result.exit_code == StorageError.exit_code, result.stderr
    assert "is damaged" in result.stderr and "restore a backup" in result.stderr


@pytest.mark.slow
def test_forget__disk_full_after_the_delete__says_bytes_may_remain(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs a small mount to fill the disk")
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small disk here")
    try:
        db = folder / "elca.db"
        ingest_files(db, [write_survey(tmp_path / "m.csv", survey_rows(400, prefix="Full"))])
        filler = folder / "filler"
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:
                pass
        # room for the delete, none for VACUUM's rewrite of the whole file
        os.truncate(filler, max(0, filler.stat().st_size - 256 * 1024))
        result = run_main("forget", "Full 7", "--yes", db=db)
        assert result.exit_code not in (0, 70), result.stderr
        if result.exit_code == 6:  # the delete committed; the rewrite did not
            assert "records are deleted, but the disk is full" in result.stderr
            assert "forget --finish" in result.stderr
        else:  # the disk was too full even for the delete: nothing changed
            assert result.exit_code == StorageError.exit_code and "nothing" in result.stderr
        filler.unlink()
        assert run_main("forget", "--finish", db=db).exit_code == 0
        assert b"p7@example.org" not in db.read_bytes() or result.exit_code == StorageError.exit_code
    finally:
        subprocess.run(["umount", str(folder)], check=False)
