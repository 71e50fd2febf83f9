"""Opening the database: WAL mode, busy timeout, schema creation, one transaction per use case."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from ..errors import ElcaError, StateError, StorageError, os_failure
from . import schema

# Long enough for another ingest to finish its transaction; short enough to report a hang.
BUSY_TIMEOUT_MS = 60_000


def open_db(path: str | Path, create: bool = True) -> sqlite_utils.Database:
    """Open (and, when ``create``, initialise) the database at ``path``."""
    path = Path(path)
    if not create and not path.exists():
        raise StateError.of("empty_database", what="data (no database file at " + str(path) + ")",
                            hint="run `elca-match ingest FILE` or `elca-match demo` first")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        schema.ensure(db)
    except sqlite3.DatabaseError as exc:
        raise StateError.of("db_unreadable", value=str(path), detail=str(exc)) from None
    return db


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run a block as one write transaction: all of it is stored, or none of it.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so two writers queue on the
    busy timeout instead of failing half-way with "database is locked". A full disk or a
    damaged file becomes a :class:`StorageError` saying that nothing was saved.
    """
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield db
        conn.execute("COMMIT")
    except BaseException as exc:
        # SQLite may already have rolled back by itself (a full disk does): a second
        # ROLLBACK would replace the real cause with "no transaction is active"
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the journal undoes the transaction when the file is next opened
        if isinstance(exc, (sqlite3.Error, OSError)):
            error = failure(exc, db, "nothing of this command was saved (its changes were rolled back)")
            if error is not None:
                raise error from None
        raise


def failure(exc: BaseException, db: sqlite_utils.Database | None = None,
            saved: str = "changes in progress were rolled back and no half-written file was kept") -> ElcaError | None:
    """The clear error for a full disk, a read-only folder or a damaged database (None: another kind of failure)."""
    target = _path(db) if db is not None else "the database"
    if isinstance(exc, OSError):
        return os_failure(exc, getattr(exc, "filename", None) or target, saved)
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc).lower()
    if "full" in text:
        return StorageError.of("disk_full", value=target, saved=saved)
    if "readonly" in text or "read-only" in text:
        return StorageError.of("os_refused", value=target, detail=str(exc), saved=saved)
    if "malformed" in text or "not a database" in text or "disk i/o" in text:
        return StorageError.of("db_damaged", value=target, detail=str(exc), saved=saved)
    return None


def _path(db: sqlite_utils.Database) -> str:
    try:
        return db.conn.execute("PRAGMA database_list").fetchone()[2] or "the database"
    except sqlite3.Error:
        return "the database"


def secure_delete(db: sqlite_utils.Database) -> None:
    """Make deletes overwrite freed content with zeros (for erasing personal data)."""
    db.conn.execute("PRAGMA secure_delete = ON")


def vacuum(db: sqlite_utils.Database) -> None:
    """Rewrite the file without freed pages and empty the WAL, so deleted bytes are gone."""
    db.conn.execute("VACUUM")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
