"""Tables of mission meeting agendas: sessions, meeting requests, availability, the schedule.

Participants are ``(kind, ref)``: ``member`` with an organisations.key, or ``partner`` with
a partners.id. The schedule of a mission is replaced whole each time it is solved, with
its locks; ``held`` records whether a meeting took place.
Free text: agenda_requests.note and agenda_requests.why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .erasure import FreeText
from .session import Database

# Requests of other participants may quote a member's contact data in their note or reason
# (a member's own requests are deleted by `forget`).
FREE_TEXT = (FreeText("agenda_requests", ("note", "why"), key="rowid"),)

SCHEMA = """
CREATE TABLE IF NOT EXISTS agenda_sessions (
    mission_id TEXT NOT NULL COLLATE NOCASE,
    day TEXT NOT NULL,                   -- YYYY-MM-DD
    start INTEGER NOT NULL,              -- minutes after midnight
    end INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL,
    tables INTEGER NOT NULL,
    breaks TEXT NOT NULL DEFAULT '[]',   -- JSON list of [start, end] minutes
    source TEXT NOT NULL,
    PRIMARY KEY (mission_id, day, start)
);
CREATE TABLE IF NOT EXISTS agenda_requests (
    mission_id TEXT NOT NULL COLLATE NOCASE,
    from_kind TEXT NOT NULL,             -- member | partner
    from_ref TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_ref TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 2, -- 1 high .. 3 low
    note TEXT NOT NULL DEFAULT '',
    fit REAL NOT NULL DEFAULT 0,         -- profile fit 0..1 (from `agenda suggest`, else computed on scheduling)
    why TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (mission_id, from_kind, from_ref, to_kind, to_ref)
);
CREATE TABLE IF NOT EXISTS agenda_availability (
    mission_id TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    day TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agenda_availability_who ON agenda_availability(mission_id, kind, ref);
CREATE TABLE IF NOT EXISTS agenda_meetings (
    mission_id TEXT NOT NULL COLLATE NOCASE,
    request TEXT NOT NULL,               -- the pair key: both "kind:ref" ids, sorted, joined by PAIR_SEPARATOR
    day TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    held INTEGER,                        -- NULL unknown, 1 took place, 0 did not
    PRIMARY KEY (mission_id, request)
);
CREATE TABLE IF NOT EXISTS agenda_unscheduled (
    mission_id TEXT NOT NULL COLLATE NOCASE,
    request TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (mission_id, request)
);
CREATE TABLE IF NOT EXISTS agenda_runs (
    mission_id TEXT PRIMARY KEY COLLATE NOCASE,
    status TEXT NOT NULL,
    objective INTEGER NOT NULL,
    bound INTEGER NOT NULL,
    seconds REAL NOT NULL,
    moved INTEGER NOT NULL,
    capacity TEXT NOT NULL,              -- JSON list of failed capacity checks
    solved_at TEXT NOT NULL
);
"""

# Joins the two participant ids of a pair key: member keys may hold '|' and ':', never a control character.
PAIR_SEPARATOR = "\x1f"
SESSION_FIELDS = ("mission_id", "day", "start", "end", "slot_minutes", "tables", "breaks", "source")
REQUEST_FIELDS = ("mission_id", "from_kind", "from_ref", "to_kind", "to_ref", "priority", "note", "fit", "why",
                  "source", "recorded_at")


def save_sessions(db: Database, rows: Sequence[dict[str, Any]]) -> None:
    """Insert sessions, replacing one that starts at the same day and time (inside a transaction)."""
    db.conn.executemany(
        f"INSERT OR REPLACE INTO agenda_sessions ({', '.join(SESSION_FIELDS)}) VALUES ({', '.join('?' * 8)})",
        [[json.dumps(r[f]) if f == "breaks" else r[f] for f in SESSION_FIELDS] for r in rows])


def sessions(db: Database, mission_id: str) -> list[dict[str, Any]]:
    rows = [dict(r) for r in db.query("SELECT * FROM agenda_sessions WHERE mission_id = ? ORDER BY day, start",
                                      [mission_id])]
    for r in rows:
        r["breaks"] = [tuple(b) for b in json.loads(r["breaks"])]
    return rows


def save_requests(db: Database, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """Insert requests; a known (mission, from, to) is updated. Returns (added, updated)."""
    added = updated = 0
    for r in rows:
        exists = db.conn.execute(
            "SELECT 1 FROM agenda_requests WHERE mission_id = ? AND from_kind = ? AND from_ref = ? AND to_kind = ? "
            "AND to_ref = ?", [r["mission_id"], r["from_kind"], r["from_ref"], r["to_kind"], r["to_ref"]]).fetchone()
        db.conn.execute(f"INSERT OR REPLACE INTO agenda_requests ({', '.join(REQUEST_FIELDS)}) "
                        f"VALUES ({', '.join('?' * len(REQUEST_FIELDS))})", [r[f] for f in REQUEST_FIELDS])
        updated += bool(exists)
        added += not exists
    return added, updated


def requests(db: Database, mission_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT rowid AS seq, * FROM agenda_requests WHERE mission_id = ? "
                                      "ORDER BY recorded_at, rowid", [mission_id])]


def replace_availability(db: Database, mission_id: str, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the windows of every participant named in ``rows`` (inside a transaction)."""
    for kind, ref in {(r["kind"], r["ref"]) for r in rows}:
        db.conn.execute("DELETE FROM agenda_availability WHERE mission_id = ? AND kind = ? AND ref = ?",
                        [mission_id, kind, ref])
    db.conn.executemany("INSERT INTO agenda_availability (mission_id, kind, ref, day, start, end, source) "
                        "VALUES (?,?,?,?,?,?,?)",
                        [[mission_id, r["kind"], r["ref"], r["day"], r["start"], r["end"], r["source"]] for r in rows])


def availability(db: Database, mission_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT * FROM agenda_availability WHERE mission_id = ? ORDER BY day, start",
                                      [mission_id])]


def save_schedule(db: Database, mission_id: str, meetings: Sequence[dict[str, Any]],
                  unscheduled: Sequence[dict[str, Any]], run: dict[str, Any]) -> None:
    """Replace the mission's schedule (meetings keep what was recorded as held; inside a transaction)."""
    held = {r["request"]: r["held"] for r in db.query(
        "SELECT request, held FROM agenda_meetings WHERE mission_id = ?", [mission_id])}
    db.conn.execute("DELETE FROM agenda_meetings WHERE mission_id = ?", [mission_id])
    db.conn.execute("DELETE FROM agenda_unscheduled WHERE mission_id = ?", [mission_id])
    db.conn.executemany(
        "INSERT INTO agenda_meetings (mission_id, request, day, start, end, table_no, locked, held) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [[mission_id, m["request"], m["day"], m["start"], m["end"], m["table"], int(m["locked"]),
          held.get(m["request"])] for m in meetings])
    db.conn.executemany("INSERT INTO agenda_unscheduled (mission_id, request, reason, detail) VALUES (?,?,?,?)",
                        [[mission_id, u["request"], u["reason"], u["detail"]] for u in unscheduled])
    db.conn.execute("INSERT OR REPLACE INTO agenda_runs (mission_id, status, objective, bound, seconds, moved, "
                    "capacity, solved_at) VALUES (?,?,?,?,?,?,?,?)",
                    [mission_id, run["status"], run["objective"], run["bound"], run["seconds"], run["moved"],
                     json.dumps(run["capacity"], ensure_ascii=False), run["solved_at"]])


def meetings(db: Database, mission_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT * FROM agenda_meetings WHERE mission_id = ? ORDER BY day, start, "
                                      "table_no", [mission_id])]


def unscheduled(db: Database, mission_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query("SELECT * FROM agenda_unscheduled WHERE mission_id = ? ORDER BY request",
                                      [mission_id])]


def run(db: Database, mission_id: str) -> dict[str, Any] | None:
    rows = [dict(r) for r in db.query("SELECT * FROM agenda_runs WHERE mission_id = ?", [mission_id])]
    if not rows:
        return None
    rows[0]["capacity"] = json.loads(rows[0]["capacity"])
    return rows[0]


def set_locked(db: Database, mission_id: str, request: str, locked: bool) -> int:
    return db.conn.execute("UPDATE agenda_meetings SET locked = ? WHERE mission_id = ? AND request = ?",
                           [int(locked), mission_id, request]).rowcount


def set_held(db: Database, mission_id: str, held: dict[str, bool]) -> None:
    db.conn.executemany("UPDATE agenda_meetings SET held = ? WHERE mission_id = ? AND request = ?",
                        [[int(v), mission_id, k] for k, v in held.items()])


def drop_outcome_meetings(db: Database, ids: Sequence[str]) -> int:
    """Remove outcome meetings an agenda recorded that turn out not to have taken place."""
    conn = db.conn
    conn.executemany("DELETE FROM outcome_parties WHERE record = 'meeting' AND record_id = ?", [[i] for i in ids])
    return sum(conn.execute("DELETE FROM outcome_meetings WHERE id = ?", [i]).rowcount for i in ids)


def rename_participant(db: Database, kind: str, old: str, new: str) -> dict[str, int]:
    """Point requests and availability of ``old`` at ``new`` (partners merged); duplicates are dropped."""
    conn = db.conn
    moved = 0
    for side in ("from", "to"):
        moved += conn.execute(f"UPDATE OR IGNORE agenda_requests SET {side}_ref = ? WHERE {side}_kind = ? "
                              f"AND {side}_ref = ?", [new, kind, old]).rowcount
        conn.execute(f"DELETE FROM agenda_requests WHERE {side}_kind = ? AND {side}_ref = ?", [kind, old])
    moved += conn.execute("UPDATE agenda_availability SET ref = ? WHERE kind = ? AND ref = ?", [new, kind, old]).rowcount
    old_key, new_key = f"{kind}:{old}", f"{kind}:{new}"
    for table in ("agenda_meetings", "agenda_unscheduled"):
        for (mission, request) in conn.execute(f"SELECT mission_id, request FROM {table}").fetchall():
            parts = request.split(PAIR_SEPARATOR)
            if old_key in parts:
                renamed = PAIR_SEPARATOR.join(sorted(new_key if p == old_key else p for p in parts))
                conn.execute(f"UPDATE OR REPLACE {table} SET request = ? WHERE mission_id = ? AND request = ?",
                             [renamed, mission, request])
    return {"agenda": moved}


def forget(db: Database, org_key: str) -> dict[str, int]:
    """Erase a member's requests, windows and meetings (the `forget` hook)."""
    return forget_participant(db, "member", org_key)


def forget_participant(db: Database, kind: str, ref: str) -> dict[str, int]:
    conn = db.conn
    count = conn.execute("DELETE FROM agenda_requests WHERE (from_kind = ? AND from_ref = ?) OR "
                         "(to_kind = ? AND to_ref = ?)", [kind, ref, kind, ref]).rowcount
    count += conn.execute("DELETE FROM agenda_availability WHERE kind = ? AND ref = ?", [kind, ref]).rowcount
    key = f"{kind}:{ref}"
    for table in ("agenda_meetings", "agenda_unscheduled"):
        for (mission, request) in conn.execute(f"SELECT mission_id, request FROM {table}").fetchall():
            if key in request.split(PAIR_SEPARATOR):
                count += conn.execute(f"DELETE FROM {table} WHERE mission_id = ? AND request = ?",
                                      [mission, request]).rowcount
    return {"agenda": count}
