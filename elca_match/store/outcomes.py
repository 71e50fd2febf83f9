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

from ..records.outcomes import (LISTS, Case, CaseSteps, ConsortiumMeeting, Contact, Dissemination, Event, Meeting,
                                Outcomes, Partnership, Party, Status)
from . import erasure
from . import partners as partner_store
from .session import Database

# Third-country organisations live in the partners register (store/partners.py, one id space).
# Comments stay inside the statements: schema.statements() splits SCHEMA into statements.
SCHEMA = """
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
    ref TEXT NOT NULL,                   -- cluster code, organisations.key, or partners.id
    name TEXT NOT NULL DEFAULT '',       -- snapshot of a member's name
    org_type TEXT NOT NULL DEFAULT '',   -- snapshot of a member's org type
    cluster TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record, record_id, side, position)
);
CREATE INDEX IF NOT EXISTS outcome_parties_ref ON outcome_parties(kind, ref);
CREATE TABLE IF NOT EXISTS outcome_event_roles (
    event_id TEXT PRIMARY KEY COLLATE NOCASE,
    organised INTEGER NOT NULL DEFAULT 0 -- organised by the partnership (call indicator 4), not only attended
);
CREATE TABLE IF NOT EXISTS outcome_steps (
    id TEXT PRIMARY KEY COLLATE NOCASE,  -- outcome_cases.id
    main_steps TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcome_disseminations (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    channel TEXT NOT NULL,               -- event | website | social_media | newsletter | article
    smes INTEGER NOT NULL DEFAULT 0,     -- stakeholders reached, by type
    rtos INTEGER NOT NULL DEFAULT 0,
    clusters INTEGER NOT NULL DEFAULT 0,
    policy INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcome_consortium_meetings (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcome_partnerships (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- cluster_partnership | eu_initiative | other
    description TEXT NOT NULL DEFAULT '',
    main_steps TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcome_contacts (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcome_status (
    record TEXT NOT NULL,                -- milestone | deliverable (of builtin/action.yaml)
    id TEXT NOT NULL COLLATE NOCASE,
    achieved INTEGER NOT NULL,
    date TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (record, id)
);
"""

ERASED_NAME = "(erased organisation)"
_TABLES = {"event": "outcome_events", "meeting": "outcome_meetings", "org": "partners", "case": "outcome_cases",
           "steps": "outcome_steps", "dissemination": "outcome_disseminations",
           "consortium_meeting": "outcome_consortium_meetings", "partnership": "outcome_partnerships",
           "contact": "outcome_contacts"}
_COLUMNS = {
    "event": ("id", "name", "date", "kind", "countries", "mission_id", "description"),
    "meeting": ("id", "name", "date", "kind", "country", "event_id", "mission_id", "description"),
    "case": ("id", "name", "date", "case_type", "countries", "objectives", "status", "agreement", "sectors",
             "technology", "description", "confidential", "mission_id"),
    "steps": ("id", "main_steps", "next_steps"),
    "dissemination": ("id", "name", "date", "channel", "smes", "rtos", "clusters", "policy", "description"),
    "consortium_meeting": ("id", "name", "date", "description"),
    "partnership": ("id", "name", "date", "kind", "description", "main_steps", "next_steps"),
    "contact": ("id", "name", "date", "description"),
}
# Kinds whose records have European parties or third-country partners (outcome_parties).
_WITH_PARTIES = ("event", "meeting", "case", "consortium_meeting", "partnership", "contact")
_STATUS_KINDS = {"milestone": "milestones", "deliverable": "deliverables"}
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
    erasure.FreeText("partners", ("description", "needs", "offers"), involves=(
        "SELECT t.ref FROM outcome_parties t JOIN outcome_parties m ON m.record = t.record"
        " AND m.record_id = t.record_id WHERE t.side = 'third' AND m.kind = 'member' AND m.ref = :org_key")),
    # a case's steps involve the members that are parties to the case
    erasure.FreeText("outcome_steps", ("main_steps", "next_steps"), involves=_involving("case", "outcome_cases")),
    # records without parties: only contact data quoted in them is erased
    erasure.FreeText("outcome_disseminations", ("name", "description")),
    erasure.FreeText("outcome_consortium_meetings", ("name", "description")),
    erasure.FreeText("outcome_partnerships", ("name", "description", "main_steps", "next_steps")),
    erasure.FreeText("outcome_contacts", ("name", "description")),
)


def save(db: Database, outcomes: Outcomes, sources: dict[tuple[str, str], str], recorded_at: str) -> None:
    """Insert the records, replacing stored ones with the same id (call inside a transaction).

    ``sources`` maps (kind, id) to where the record came from.
    """
    for kind, table in _TABLES.items():
        records = getattr(outcomes, LISTS[kind])
        if not records:
            continue
        if kind == "org":
            partner_store.save_orgs(db, records, {r.id: sources.get(("org", r.id), "") for r in records}, recorded_at)
            continue
        columns = _COLUMNS[kind] + ("source", "recorded_at")
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}")
        db.conn.executemany(sql, [[partner_store.encode(getattr(r, c)) for c in _COLUMNS[kind]]
                                  + [sources.get((kind, r.id), ""), recorded_at] for r in records])
        if kind in _WITH_PARTIES:
            _save_parties(db, kind, records)
        if kind == "case":
            # Steps given on the case row itself; a case row without them keeps earlier steps.
            _save_steps(db, [r for r in records if r.main_steps or r.next_steps], sources, recorded_at)
        if kind == "event":
            db.conn.executemany("INSERT INTO outcome_event_roles (event_id, organised) VALUES (?, ?) "
                                "ON CONFLICT(event_id) DO UPDATE SET organised = excluded.organised",
                                [(r.id, int(r.organised)) for r in records])
    for kind, attr in _STATUS_KINDS.items():
        db.conn.executemany(
            "INSERT INTO outcome_status (record, id, achieved, date, comment, source, recorded_at) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(record, id) DO UPDATE SET achieved = excluded.achieved, "
            "date = excluded.date, comment = excluded.comment, source = excluded.source, "
            "recorded_at = excluded.recorded_at",
            [(kind, r.id, int(r.achieved), r.date, r.comment, sources.get((kind, r.id), ""), recorded_at)
             for r in getattr(outcomes, attr)])


def _save_steps(db: Database, cases: Sequence[Case], sources: dict[tuple[str, str], str],
                recorded_at: str) -> None:
    db.conn.executemany(
        "INSERT INTO outcome_steps (id, main_steps, next_steps, source, recorded_at) VALUES (?,?,?,?,?) "
        "ON CONFLICT(id) DO UPDATE SET main_steps = excluded.main_steps, next_steps = excluded.next_steps, "
        "source = excluded.source, recorded_at = excluded.recorded_at",
        [(c.id, c.main_steps, c.next_steps, sources.get(("case", c.id), ""), recorded_at) for c in cases])


def _save_parties(db: Database, kind: str, records: Sequence[Event | Meeting | Case]) -> None:
    conn = db.conn
    conn.executemany("DELETE FROM outcome_parties WHERE record = ? AND record_id = ?", [(kind, r.id) for r in records])
    rows = []
    for record in records:
        rows += [(kind, record.id, "eu", i, p.kind, p.ref, p.name, p.org_type, p.cluster)
                 for i, p in enumerate(record.parties)]
        rows += [(kind, record.id, "third", i, "org", ref, "", "", "") for i, ref in enumerate(getattr(record, "partners", ()))]
    conn.executemany("INSERT INTO outcome_parties (record, record_id, side, position, kind, ref, name, org_type, cluster)"
                     " VALUES (?,?,?,?,?,?,?,?,?)", rows)


def load(db: Database) -> Outcomes:
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

    organised = {r[0].casefold() for r in db.conn.execute("SELECT event_id FROM outcome_event_roles WHERE organised")}
    steps = {r["id"].casefold(): r for r in _rows(db, "steps", "ORDER BY id")}

    def with_steps(record: dict[str, Any]) -> dict[str, Any]:
        found = steps.get(record["id"].casefold(), {})
        return {**record, "main_steps": found.get("main_steps", ""), "next_steps": found.get("next_steps", "")}

    by_date = "ORDER BY date, id"
    result = Outcomes()
    result.orgs = partner_store.load_orgs(db)
    result.events = [Event(**r, **linked("event", r["id"]), organised=r["id"].casefold() in organised)
                     for r in _rows(db, "event", by_date)]
    result.meetings = [Meeting(**r, **linked("meeting", r["id"])) for r in _rows(db, "meeting", by_date)]
    result.cases = [Case(**with_steps(r), **linked("case", r["id"])) for r in _rows(db, "case", by_date)]
    result.steps = [CaseSteps(**r) for r in steps.values()]
    result.disseminations = [Dissemination(**r) for r in _rows(db, "dissemination", by_date)]
    result.consortium_meetings = [ConsortiumMeeting(**r, parties=linked("consortium_meeting", r["id"])["parties"])
                                  for r in _rows(db, "consortium_meeting", by_date)]
    result.partnerships = [Partnership(**r, parties=linked("partnership", r["id"])["parties"])
                           for r in _rows(db, "partnership", by_date)]
    result.contacts = [Contact(**r, **linked("contact", r["id"])) for r in _rows(db, "contact", by_date)]
    for kind, attr in _STATUS_KINDS.items():
        setattr(result, attr, [Status(r["id"], bool(r["achieved"]), r["date"], r["comment"]) for r in db.query(
            "SELECT id, achieved, date, comment FROM outcome_status WHERE record = ? ORDER BY id", [kind])])
    return result


def _rows(db: Database, kind: str, order: str) -> list[dict[str, Any]]:
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


def provenance(db: Database, kind: str) -> dict[str, tuple[str, str]]:
    """Where and when each stored record of ``kind`` was recorded: id (folded) -> (source, recorded_at)."""
    return {r["id"].casefold(): (r["source"], r["recorded_at"])
            for r in db.query(f"SELECT id, source, recorded_at FROM {_TABLES[kind]}")}


def counts(db: Database) -> dict[str, int]:
    """How many records of each kind are stored (events, meetings, orgs and cases always; other kinds when any)."""
    found = {kind: db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for kind, table in _TABLES.items()}
    for kind in _STATUS_KINDS:
        found[kind] = db.conn.execute("SELECT COUNT(*) FROM outcome_status WHERE record = ?", [kind]).fetchone()[0]
    return {kind: n for kind, n in found.items() if n or kind in ("event", "meeting", "org", "case")}


def forget(db: Database, org_key: str) -> dict[str, int]:
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


def survey_measures(db: Database, org_keys: Sequence[str]) -> dict[str, list[tuple[str, Any, Any]]]:
    """Every survey submission (current and superseded) of these members: key -> [(submitted_at,
    export_share, employees)] in submission order, for call indicator 7."""
    found: dict[str, list[tuple[str, Any, Any]]] = {}
    keys = list(dict.fromkeys(org_keys))
    for chunk in range(0, len(keys), 500):
        part = keys[chunk:chunk + 500]
        for row in db.conn.execute(
                "SELECT org_key, COALESCE(submitted_at, ''), json_extract(answers, '$.export_share'), "
                f"json_extract(answers, '$.employees') FROM submissions WHERE org_key IN ({', '.join('?' * len(part))}) "
                "ORDER BY id", part):
            found.setdefault(row[0], []).append((row[1], _whole(row[2]), _whole(row[3])))
    return found


def _whole(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
