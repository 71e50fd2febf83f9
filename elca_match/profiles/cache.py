"""Files that spare the first profile build its slow start: the compiled thesaurus and known lemmas.

Both are derived data, written as JSON (never pickle) into a cache folder:
``ELCA_MATCH_CACHE`` when set, else ``$XDG_CACHE_HOME/elca-match``, else
``~/.cache/elca-match``. The compiled thesaurus is keyed by the content hash of its
source files, lemmas by the lemmatiser's version. A missing, unreadable or unwritable
cache only costs time: nothing here ever fails a command.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

ENV = "ELCA_MATCH_CACHE"


def cache_dir() -> Path:
    """Where cached files live (not created here)."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "elca-match"


def read_json(name: str) -> Any:
    """The cached JSON file ``name``, or None when it is missing or unreadable."""
    try:
        return json.loads((cache_dir() / name).read_bytes())
    except (OSError, ValueError):
        return None


def write_json(name: str, data: Any) -> None:
    """Replace the cached file ``name`` atomically (a concurrent reader sees the old or the new file)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home or a full disk: the next build recomputes


def drop_stale(prefix: str, keep: str) -> None:
    """Delete cached files named ``prefix*`` other than ``keep`` (older compiled versions)."""
    try:
        for path in cache_dir().glob(f"{prefix}*"):
            if path.name != keep:
                path.unlink(missing_ok=True)
    except OSError:
        pass
