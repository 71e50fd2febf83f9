"""Use cases about the database file itself, for callers above the services (the CLI, the demo)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ElcaError
from ..store import session, vacuum
from ..store.session import failure as _failure


def settle(db_path: Path) -> None:
    """Fold the write-ahead log into the database file, so that the file can be moved on its own."""
    with session(db_path) as opened:
        vacuum(opened.db)


def failure(exc: BaseException) -> ElcaError | None:
    """The clear error for a full disk, a read-only folder or a damaged database (None: another kind of failure)."""
    return _failure(exc)
