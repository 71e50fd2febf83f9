"""The older way into the database, kept while callers move to :mod:`.session` (which holds the logic)."""

from __future__ import annotations

from pathlib import Path

from .session import BUSY_TIMEOUT_MS, Database, connect, failure, secure_delete, transaction, vacuum

__all__ = ["BUSY_TIMEOUT_MS", "failure", "open_db", "secure_delete", "transaction", "vacuum"]


def open_db(path: str | Path, create: bool = True) -> Database:
    """Open (and, when ``create``, initialise) the database at ``path``; the caller closes it.

    Prefer ``with session(path) as s:``, which always closes.
    """
    return connect(path, create=create)
