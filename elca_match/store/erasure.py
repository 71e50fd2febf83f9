"""Erasing an organisation from free text, and finishing an erasure on disk.

Each store module declares ``FREE_TEXT``: the tables and columns where people type text
that may name a member or quote its contact data, and which rows *involve* a member.
`forget` replaces the organisation's names only in rows that involve it, and its contact
data wherever it is quoted; always as whole words, so that forgetting a member called
"Forum" leaves another record's "Lightweight Mobility Forum" alone. A new table with
free text is one more :class:`FreeText` in its module.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .session import Database


ERASED_NAME = "[erased organisation]"
ERASED_CONTACT = "[erased contact]"
# A checkpoint waits this long for readers to let go before reporting that it could not finish.
FINISH_TIMEOUT_MS = 2_000


@dataclass(frozen=True)
class FreeText:
    """A table whose columns hold typed text that may quote a member.

    ``involves`` is SQL selecting the ``key`` of the rows that involve the member bound to
    ``:org_key`` (None: rows never involve a member; only quoted contact data is erased).
    ``json_columns`` hold JSON documents: every string inside them is scrubbed.
    """

    table: str
    columns: tuple[str, ...] = ()
    json_columns: tuple[str, ...] = ()
    key: str = "id"
    involves: str | None = None


def declared() -> list[FreeText]:
    """Every table with free text, as the store modules declare them."""
    from .schema import SCHEMA_MODULES  # the modules import this one for FreeText

    return [spec for module in SCHEMA_MODULES for spec in getattr(module, "FREE_TEXT", ())]


def words(terms: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``terms`` as whole words, ignoring case and the kind of spacing between words."""
    bodies = []
    for term in sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True):
        bodies.append(r"[\s_]+".join(re.escape(part) for part in re.split(r"[\s_]+", term)))
    if not bodies:
        return None
    # a letter or digit on either side means the term is part of a longer word
    return re.compile(r"(?<![^\W_])(?:" + "|".join(bodies) + r")(?![^\W_])", re.IGNORECASE)


def involved(db: Database, org_key: str, specs: list[FreeText] | None = None) -> dict[str, set]:
    """The rows of each free-text table that involve the organisation (read before anything is deleted)."""
    result = {}
    for spec in specs if specs is not None else declared():
        if spec.involves:
            result[spec.table] = {r[0] for r in db.conn.execute(spec.involves, {"org_key": org_key})}
    return result


def scrub(db: Database, rows_involved: dict[str, set], names: Iterable[str], contacts: Iterable[str],
          specs: list[FreeText] | None = None) -> dict[str, int]:
    """Erase names and contact data from involved rows, contact data from rows quoting it; count rows changed."""
    name_re, contact_re = words(names), words(contacts)
    contacts = sorted({c.strip() for c in contacts if c and c.strip()})
    changed: dict[str, int] = {}

    def contacts_out(text: str) -> str:
        return contact_re.sub(ERASED_CONTACT, text) if contact_re else text

    def all_out(text: str) -> str:
        # contact data first: an e-mail address may hold one of the names
        text = contacts_out(text)
        return name_re.sub(ERASED_NAME, text) if name_re else text

    for spec in specs if specs is not None else declared():
        mine = rows_involved.get(spec.table, set())
        columns = spec.columns + spec.json_columns
        # a cheap SQL filter for rows quoting contact data; the whole-word test is the pattern's
        quoting = " OR ".join(f"{c} LIKE :c{i} ESCAPE '\\'" for c in columns for i in range(len(contacts)))
        params: dict[str, Any] = {f"c{i}": "%" + re.sub(r"([%_\\])", r"\\\1", c) + "%" for i, c in enumerate(contacts)}
        candidates = list(db.conn.execute(
            f"SELECT {spec.key}, {', '.join(columns)} FROM {spec.table} WHERE {quoting}", params)) if quoting else []
        if mine:
            placeholders = ",".join("?" * len(mine))
            candidates += db.conn.execute(f"SELECT {spec.key}, {', '.join(columns)} FROM {spec.table} "
                                          f"WHERE {spec.key} IN ({placeholders})", list(mine)).fetchall()
        done = set()
        for key, *values in candidates:
            if key in done:
                continue
            done.add(key)
            # names only where the organisation took part: elsewhere a name may be a common word
            clean = all_out if key in mine else contacts_out
            new = [clean(v) if isinstance(v, str) else v for v in values[: len(spec.columns)]]
            new += [_clean_json(v, clean) for v in values[len(spec.columns):]]
            if new != list(values):
                sets = ", ".join(f"{c} = ?" for c in columns)
                db.conn.execute(f"UPDATE {spec.table} SET {sets} WHERE {spec.key} = ?", [*new, key])
                changed[spec.table] = changed.get(spec.table, 0) + 1
    return changed


def _clean_json(document: Any, clean) -> Any:
    if not isinstance(document, str):
        return document

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return clean(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    try:
        parsed = json.loads(document)
    except ValueError:
        return clean(document)
    cleaned = walk(parsed)
    return document if cleaned == parsed else json.dumps(cleaned, ensure_ascii=False)


@dataclass
class Finish:
    """Whether the deleted bytes are gone from the database file and its write-ahead log."""

    complete: bool
    reason: str = ""


def finish(db: Database) -> Finish:
    """VACUUM, then checkpoint and truncate the WAL; say truthfully whether both completed."""
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {FINISH_TIMEOUT_MS}")
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("VACUUM")
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as exc:
        return Finish(False, _reason(exc))
    except sqlite3.DatabaseError as exc:
        return Finish(False, f"the database file is damaged ({exc})")
    if busy:
        return Finish(False, "another program is reading the database (the write-ahead log could not be emptied: "
                             f"{max(done, 0)} of {log if log >= 0 else '?'} pages copied back)")
    return Finish(True)


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "full" in text:
        return "the disk is full"
    if "locked" in text or "busy" in text:
        return "another program is using the database"
    return text
