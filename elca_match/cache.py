"""Files that spare work already done: the compiled thesaurus, known lemmas, parsed data files,
pycountry's names, the store's list of tables.

All are derived data, written as JSON (never pickle) into a cache folder:
``ELCA_MATCH_CACHE`` when set, else ``$XDG_CACHE_HOME/elca-match``, else
``~/.cache/elca-match``. The compiled thesaurus is keyed by the content hash of its
source files, lemmas by the lemmatiser's version, the others (through :func:`remembered`)
by the content they were made from. A missing, unreadable or unwritable cache only costs
time: nothing here ever fails a command.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
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


def touch(name: str) -> None:
    """Mark the cached file ``name`` as just used (``drop_stale`` keeps the ones used last)."""
    try:
        os.utime(cache_dir() / name)
    except OSError:
        pass


def write_json(name: str, data: Any) -> None:
    """Replace the cached file ``name`` atomically (a concurrent reader sees the old or the new file)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # dumps, not dump: only the one-shot encoder is the C one (a compiled thesaurus: 0.05 s, not 0.7)
                handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home or a full disk: the next build recomputes


def drop_stale(prefix: str, keep: str, spare: int = 1) -> None:
    """Delete cached files named ``prefix*`` other than ``keep`` and the ``spare`` used most recently
    (older compiled versions; one spare, so that switching between two models does not compile again)."""
    try:
        others = sorted((p for p in cache_dir().glob(f"{prefix}*") if p.name != keep),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for path in others[spare:]:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def remembered(name: str, make: Callable[[], Any], usable: Callable[[Any], bool]) -> Any:
    """The cached JSON file ``name`` when ``usable`` says it is, else ``make()``, cached as ``name`` for next
    time when JSON gives it back as it is (older files of its kind, ``name`` up to its last ``-``, go)."""
    cached = read_json(name)
    if cached is not None and usable(cached):
        return cached
    value = make()
    if _same_through_json(value):
        drop_stale(name.rsplit("-", 1)[0] + "-", name)
        write_json(name, value)
    return value


def _same_through_json(value: Any) -> bool:
    """True when JSON gives ``value`` back as it is (not so for dates, numbers as keys, NaN)."""
    try:
        return json.loads(json.dumps(value)) == value
    except (TypeError, ValueError):
        return False
