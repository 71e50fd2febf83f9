"""Tables and queries for action outcomes: events, meetings, third-country organisations,
cooperation cases, and the parties of each.

Records go in and come out as the dataclasses of :mod:`elca_match.outcomes.model`. Ids
compare without regard to case, per kind; saving a record with a known id replaces it
with its parties, so a corrected file can be imported again. Each row remembers where it
came from (file and row, or the command line) and when it was recorded.

Parties keep a snapshot of a member's name and org type, so the report still counts an
organisation that :func:`forget` has erased, without saying who it was.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from ..outcomes.model import Case, Event, Meeting, Outcomes, Party, PartnerOrg
from . import erasure

SCHEMA = """
CREATE TABLE IF NOT EXISTS outcome_orgs (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    country TEXT NOT NULL,               -- ISO 3166 alpha-2
    org_type TEXT NOT NULL,              -- cluster | intermediary | sme | large | rto | university | other
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,                -- file name and row, or "command line"
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcome_events (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    date TEXT NOT NULL,                  -- ISO YYYY-MM-DD
    kind TEXT NOT NULL,                  -- preparatory | c2c | b2b
    countries TEXT NOT NULL,             -- JSON list of alpha-2 codes (targeted third countries)
    mission_id TEXT,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outcome_events_date ON outcome_events(date);
CREATE TABLE IF NOT EXISTS outcome_meetings (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- c2c | b2b
    country TEXT NOT NULL,
    event_id TEXT,
    mission_id TEXT,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outcome_meetings_date ON outcome_meetings(date);
CREATE TABLE IF NOT EXISTS outcome_cases (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    case_type TEXT NOT NULL,             -- collaboration_project | formal_agreement | representation_office | other
    countries TEXT NOT NULL,             -- JSON list of alpha-2 codes
    objectives TEXT NOT NULL,            -- JSON list of objective codes
    status TEXT NOT NULL,
    agreement TEXT,                      -- cooperation | business | NULL
    sectors TEXT NOT NULL DEFAULT '[]',  -- JSON list of sector codes
    technology TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    confidential INTEGER NOT NULL DEFAULT 0,
    mission_id TEXT,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outcome_cases_date ON outcome_cases(date);
CREATE TABLE IF NOT EXISTS outcome_parties (
    record TEXT NOT NULL,                -- event | meeting | case
    record_id TEXT NOT NULL COLLATE NOCASE,
    side TEXT NOT NULL,                  -- eu | third
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,                  -- cluster | member (eu side) | org (third side)
    ref TEXT NOT NULL,                   -- cluster code, organisations.key, or outcome_orgs.id
    name TEXT NOT NULL DEFAULT '',       -- snapshot of a member's name
    org_type TEXT NOT NULL DEFAULT '',   -- snapshot of a member's org type
    cluster TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record, record_id, side, position)
);
CREATE INDEX IF NOT EXISTS outcome_parties_ref ON outcome_parties(kind, ref);
"""

ERASED_NAME = "(erased organisation)"
_TABLES = {"event": "outcome_events", "meeting": "outcome_meetings", "org": "outcome_orgs", "case": "outcome_cases"}
_COLUMNS = {
    "org": ("id", "name", "country", "org_type", "description"),
    "event": ("id", "name", "date", "kind", "countries", "mission_id", "description"),
    "meeting": ("id", "name", "date", "kind", "country", "event_id", "mission_id", "description"),
    "case": ("id", "name", "date", "case_type", "countries", "objectives", "status", "agreement", "sectors",
             "technology", "description", "confidential", "mission_id"),
}
_JSON = {"countries", "objectives", "sectors"}


def _involving(kind: str, table: str) -> str:
    return (f"SELECT r.id FROM {table} r JOIN outcome_parties p ON p.record = '{kind}' AND p.record_id = r.id"
            " WHERE p.kind = 'member' AND p.ref = :org_key")


# Typed text of the outcome records; a third-country organisation is involved with a member
# when they share an event, meeting or case.
FREE_TEXT = (
    erasure.FreeText("outcome_events", ("name", "description"), involves=_involving("event", "outcome_events")),
    erasure.FreeText("outcome_meetings", ("name", "description"), involves=_involving("meeting", "outcome_meetings")),
    erasure.FreeText("outcome_cases", ("name", "technology", "description"),
                     involves=_involving("case", "outcome_cases")),
    erasure.FreeText("outcome_orgs", ("description",), involves=(
        "SELECT t.ref FROM outcome_parties t JOIN outcome_parties m ON m.record = t.record"
        " AND m.record_id = t.record_id WHERE t.side = 'third' AND m.kind = 'member' AND m.ref = :org_key")),
)


def save(db: sqlite_utils.Database, outcomes: Outcomes, sources: dict[tuple[str, str], str], recorded_at: str) -> None:
    """Insert the records, replacing stored ones with the same id (call inside a transaction).

    ``sources`` maps (kind, id) to where the record came from.
    """
    for kind, records in (("org", outcomes.orgs), ("event", outcomes.events), ("meeting", outcomes.meetings),
                          ("case", outcomes.cases)):
        if not records:
            continue
        columns = _COLUMNS[kind] + ("source", "recorded_at")
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        sql = (f"INSERT INTO {_TABLES[kind]} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}")
        db.conn.executemany(sql, [[_encode(getattr(r, c)) for c in _COLUMNS[kind]]
                                  + [sources.get((kind, r.id), ""), recorded_at] for r in records])
        if kind != "org":
            _save_parties(db, kind, records)


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _save_parties(db: sqlite_utils.Database, kind: str, records: Sequence[Event | Meeting | Case]) -> None:
    conn = db.conn
    conn.executemany("DELETE FROM outcome_parties WHERE record = ? AND record_id = ?", [(kind, r.id) for r in records])
    rows = []
    for record in records:
        rows += [(kind, record.id, "eu", i, p.kind, p.ref, p.name, p.org_type, p.cluster)
                 for i, p in enumerate(record.parties)]
        rows += [(kind, record.id, "third", i, "org", ref, "", "", "") for i, ref in enumerate(record.partners)]
    conn.executemany("INSERT INTO outcome_parties (record, record_id, side, position, kind, ref, name, org_type, cluster)"
                     " VALUES (?,?,?,?,?,?,?,?,?)", rows)


def load(db: sqlite_utils.Database) -> Outcomes:
    """Every stored outcome record with its parties, each kind ordered by date then id."""
    parties: dict[tuple[str, str], list[Party]] = {}
    partners: dict[tuple[str, str], list[str]] = {}
    for row in db.query("SELECT * FROM outcome_parties ORDER BY record, record_id, side, position"):
        key = (row["record"], row["record_id"].casefold())
        if row["side"] == "eu":
            parties.setdefault(key, []).append(Party(row["kind"], row["ref"], row["name"], row["org_type"],
                                                     row["cluster"]))
        else:
            partners.setdefault(key, []).append(row["ref"])

    def linked(kind: str, record_id: str) -> dict[str, tuple]:
        key = (kind, record_id.casefold())
        return {"parties": tuple(parties.get(key, ())), "partners": tuple(partners.get(key, ()))}

    result = Outcomes()
    result.orgs = [PartnerOrg(**r) for r in _rows(db, "org", "ORDER BY name COLLATE NOCASE, id")]
    result.events = [Event(**r, **linked("event", r["id"])) for r in _rows(db, "event", "ORDER BY date, id")]
    result.meetings = [Meeting(**r, **linked("meeting", r["id"])) for r in _rows(db, "meeting", "ORDER BY date, id")]
    result.cases = [Case(**r, **linked("case", r["id"])) for r in _rows(db, "case", "ORDER BY date, id")]
    return result


def _rows(db: sqlite_utils.Database, kind: str, order: str) -> list[dict[str, Any]]:
    columns = _COLUMNS[kind]
    rows = []
    for row in db.query(f"SELECT {', '.join(columns)} FROM {_TABLES[kind]} {order}"):
        record = dict(row)
        for name in _JSON & set(columns):
            record[name] = tuple(json.loads(record[name]))
        if "confidential" in record:
            record["confidential"] = bool(record["confidential"])
        rows.append(record)
    return rows


def provenance(db: sqlite_utils.Database, kind: str) -> dict[str, tuple[str, str]]:
    """Where and when each stored record of ``kind`` was recorded: id (folded) -> (source, recorded_at)."""
    return {r["id"].casefold(): (r["source"], r["recorded_at"])
            for r in db.query(f"SELECT id, source, recorded_at FROM {_TABLES[kind]}")}


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many records of each kind are stored."""
    return {kind: db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for kind, table in _TABLES.items()}


def forget(db: sqlite_utils.Database, org_key: str) -> dict[str, int]:
    """Erase a member's identity from the outcome records; return how many rows changed.

    Its party rows keep their org type and cluster under an opaque token, so indicators
    already reported (SMEs benefited, cooperation cases) keep their counts; its name is
    removed, as whole words, from the text of the records it took part in.
    """
    conn = db.conn
    names = {r[0] for r in conn.execute(
        "SELECT DISTINCT name FROM outcome_parties WHERE kind = 'member' AND ref = ?", [org_key]) if r[0].strip()}
    rows = erasure.involved(db, org_key, list(FREE_TEXT))
    token = f"erased:{secrets.token_hex(8)}"
    changed = {"outcome_parties": conn.execute(
        "UPDATE outcome_parties SET ref = ?, name = ? WHERE kind = 'member' AND ref = ?",
        [token, ERASED_NAME, org_key]).rowcount}
    changed["outcome_texts"] = sum(erasure.scrub(db, rows, names, (), list(FREE_TEXT)).values())
    return changed
