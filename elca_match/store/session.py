"""The one way into the database: open, configure, upgrade, nestable transactions, always close.

::

    with session(path, create=False) as s:
        rows = survey.current_members(s.db)
        with s.transaction():           # BEGIN IMMEDIATE
            ...
            with s.transaction():       # SAVEPOINT: undone alone if it fails
                ...

Opening checks the schema version (``PRAGMA user_version``) before anything is written: a
database from a newer elca-match is refused and left exactly as it was; an older one is
upgraded by :mod:`.migrations`.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ElcaError, SchemaError, StateError, StorageError, os_failure

# Long enough for another ingest to finish its transaction; short enough to report a hang.
BUSY_TIMEOUT_MS = 60_000

_savepoints = itertools.count(1)


class Database:
    """An open SQLite connection as the store's functions take it: ``conn``, and rows as dicts.

    (sqlite-utils' ``Database`` served here until it was clear that these were all the store used of
    it; importing it was a fifth of a short command's time.)
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, params: Any = None) -> Iterator[dict[str, Any]]:
        """The rows ``sql`` selects, each a dict by column name."""
        cursor = self.conn.execute(sql, () if params is None else params)
        names = [column[0] for column in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row))

    def table_names(self) -> list[str]:
        return [name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def close(self) -> None:
        self.conn.close()


@dataclass
class Session:
    """An open, configured database: ``db`` for the store's functions, ``transaction()`` for writes."""

    path: Path
    db: Database

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def transaction(self):
        """A write transaction; inside another one it is a SAVEPOINT (see :func:`transaction`)."""
        return transaction(self.db)


@contextmanager
def session(path: str | Path, *, create: bool = True, upgrade: bool = True) -> Iterator[Session]:
    """Open the database at ``path`` for one use case and close it afterwards, whatever happens.

    ``create=False`` refuses a missing file (read-only commands must not leave an empty database
    behind); ``upgrade=False`` opens without migrating (``check`` only reads).
    """
    db = connect(path, create=create, upgrade=upgrade)
    try:
        yield Session(Path(path), db)
    except sqlite3.Error as exc:
        error = failure(exc, db, "nothing of this command was saved")
        if error is not None:
            raise error from None
        raise
    finally:
        db.conn.close()


def connect(path: str | Path, *, create: bool = True, upgrade: bool = True) -> Database:
    """Open and configure the database at ``path``; the caller closes it (prefer :func:`session`)."""
    from . import migrations

    path = Path(path)
    if not create and not path.exists():
        raise StateError.of("empty_database", what="data (no database file at " + str(path) + ")",
                            hint="run `elca-match ingest FILE` or `elca-match demo` first")
    conn = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # before anything that writes (even journal_mode does): a newer file stays untouched
        migrations.refuse_newer(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        if upgrade:
            migrations.upgrade(db)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        error = failure(exc, None, "nothing was read or changed", target=str(path))
        raise error or StateError.of("db_unreadable", value=str(path), detail=str(exc)) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return db


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a block as one write transaction: all of it is stored, or none of it.

    The outermost level is ``BEGIN IMMEDIATE``, which takes the write lock up front, so two
    writers queue on the busy timeout instead of failing half-way with "database is locked".
    Inside it, a nested block is a SAVEPOINT: its failure undoes only that block. A full disk
    or a damaged file becomes a :class:`StorageError` saying that nothing was saved.
    """
    if db.conn.in_transaction:
        yield from _savepoint(db)
    else:
        yield from _outermost(db)


def _savepoint(db: Database) -> Iterator[Database]:
    conn, name = db.conn, f"elca_{next(_savepoints)}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


def _outermost(db: Database) -> Iterator[Database]:
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


def failure(exc: BaseException, db: Database | None = None,
            saved: str = "changes in progress were rolled back and no half-written file was kept",
            target: str | None = None) -> ElcaError | None:
    """The clear error for a full disk, a read-only folder or a damaged database (None: another kind of failure)."""
    target = target or (_path(db) if db is not None else "the database")
    if isinstance(exc, OSError):
        return os_failure(exc, getattr(exc, "filename", None) or target, saved)
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc).lower()
    if "full" in text or ("disk i/o" in text and _little_space(target)):
        return StorageError.of("disk_full", value=target, saved=saved)
    if "readonly" in text or "read-only" in text:
        return StorageError.of("os_refused", value=target, detail=str(exc), saved=saved)
    if "malformed" in text or "not a database" in text or "disk i/o" in text:
        return StorageError.of("db_damaged", value=target, detail=str(exc), saved=saved)
    if "no such column" in text or "no such table" in text or "has no column" in text:
        return SchemaError.of("db_schema_differs", value=target, detail=str(exc))
    return None


def _little_space(target: str) -> bool:
    """Is the disk holding ``target`` (nearly) full? SQLite reports a full disk as an I/O error when
    it cannot even create its write-ahead log or shared-memory file."""
    try:
        return shutil.disk_usage(Path(target).parent).free < 1024 * 1024
    except OSError:
        return False


def _path(db: Database) -> str:
    try:
        return db.conn.execute("PRAGMA database_list").fetchone()[2] or "the database"
    except sqlite3.Error:
        return "the database"


def secure_delete(db: Database) -> None:
    """Make deletes overwrite freed content with zeros (for erasing personal data)."""
    db.conn.execute("PRAGMA secure_delete = ON")


def vacuum(db: Database) -> None:
    """Rewrite the file without freed pages and empty the WAL, so deleted bytes are gone."""
    db.conn.execute("VACUUM")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
