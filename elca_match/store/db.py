"""Opening the database: WAL mode, busy timeout, schema creation, one transaction per use case."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from ..errors import StateError
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
    busy timeout instead of failing half-way with "database is locked".
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def secure_delete(db: sqlite_utils.Database) -> None:
    """Make deletes overwrite freed content with zeros (for erasing personal data)."""
    db.conn.execute("PRAGMA secure_delete = ON")


def vacuum(db: sqlite_utils.Database) -> None:
    """Rewrite the file without freed pages and empty the WAL, so deleted bytes are gone."""
    db.conn.execute("VACUUM")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
