"""Tables and queries for saved mission plans (D2.1): each plan with its parameters and input hash.

A plan is stored as one ``plans`` row (parameters, objective, certificate and the
per-mission facts as JSON) plus one ``plan_rows`` row per assignment, waitlist entry,
left-out member and change against the base plan, keyed by organisation so that ``forget`` can erase a member from
every saved plan. The ``input_hash`` covers everything the planner read (members,
missions, scores, parameters, rules): saving a plan whose input equals the latest
saved plan's keeps the existing row, so re-running ``plan`` does not pile up copies.

Every saved plan is a draft until adopted; ``plan_adoptions`` is the audit trail of
adoptions and its newest row names the *plan of record*, the one exports read. The
first plan ever saved is adopted when it is saved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .erasure import FreeText
from .session import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    input_hash TEXT NOT NULL,        -- sha256 of members, missions, scores, parameters and rules
    params TEXT NOT NULL,            -- JSON: the planner's parameters (PlanParams.as_dict)
    objective REAL NOT NULL,
    dual_bound REAL NOT NULL,
    gap REAL NOT NULL,
    body TEXT NOT NULL               -- JSON: the plan without its per-member rows (missions, certificate, ...)
);
CREATE INDEX IF NOT EXISTS plans_input_hash ON plans(input_hash);
CREATE TABLE IF NOT EXISTS plan_rows (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,              -- assignments | waitlist | left_out | changes (a re-plan's, against its base)
    position INTEGER NOT NULL,       -- order within the kind, as the plan lists them
    org_key TEXT NOT NULL,
    mission_id TEXT NOT NULL,
    data TEXT NOT NULL,              -- JSON: the row as in Plan.as_dict()
    PRIMARY KEY (plan_id, kind, position)
);
CREATE INDEX IF NOT EXISTS plan_rows_org ON plan_rows(org_key);
CREATE TABLE IF NOT EXISTS plan_adoptions (
    seq INTEGER PRIMARY KEY,         -- the newest row names the plan of record
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    adopted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_discards (
    plan_id INTEGER PRIMARY KEY,     -- a discarded draft's id: never given to another plan
    discarded_at TEXT NOT NULL
);
"""

ADOPTED, DRAFT = "adopted", "draft"

ROW_KINDS = ("assignments", "waitlist", "left_out", "changes")
# a plan's body (missions, certificate) may quote the names of the members it placed
FREE_TEXT = (FreeText("plans", json_columns=("body",),
                      involves="SELECT DISTINCT plan_id FROM plan_rows WHERE org_key = :org_key"),)
# Parameters that hold ORG@MISSION pairs (forget removes the member's pairs from them).
PAIR_PARAMS = ("require", "lock")


@dataclass(frozen=True)
class SavedPlan:
    """A plan as stored: its id, when, the input hash, the parameters and the plan itself.

    ``plan`` is the dict of ``elca_match.planning.Plan.as_dict()`` (rebuild the
    dataclass with ``Plan.from_dict``): ``missions`` in date order, ``assignments``
    (mission, member, cluster, score, required, why), ``unfilled``, ``waitlist``,
    ``left_out``, ``objective``, ``certificate``, ``quotas``, ``rules``, ``notes``.
    ``meta`` holds what the service added (the profile build the scores came from).
    Member names are not stored: join ``org_key`` with the organisations.
    """

    id: int
    created_at: str
    input_hash: str
    params: dict[str, Any]
    plan: dict[str, Any]
    meta: dict[str, Any]
    status: str = DRAFT  # adopted (the plan of record) | draft

    @property
    def based_on(self) -> int | None:
        """The plan this one was re-planned from (``plan --from``), if any."""
        value = self.meta.get("based_on")
        return None if value is None else int(value)


def save_plan(db: Database, plan: dict[str, Any], *, input_hash: str, created_at: str,
              meta: dict[str, Any] | None = None) -> tuple[int, bool]:
    """Store ``plan`` (a ``Plan.as_dict()``) as a draft unless a saved plan has the same input; call inside a transaction.

    Returns ``(plan id, reused)``: ``reused`` is True when a saved plan had the same
    ``input_hash`` and was kept instead. The first plan saved becomes the plan of record.
    """
    same = db.conn.execute("SELECT id FROM plans WHERE input_hash = ? ORDER BY id DESC LIMIT 1",
                           [input_hash]).fetchone()
    if same is not None:
        return int(same[0]), True
    body = {k: v for k, v in plan.items() if k not in ROW_KINDS and k != "params"}
    body["meta"] = meta or {}
    cert = plan["certificate"]
    # a number is never used twice, even after its plan was discarded (people quote plan numbers)
    last = db.conn.execute("SELECT MAX(id) FROM (SELECT id FROM plans UNION ALL "
                           "SELECT plan_id FROM plan_discards)").fetchone()[0]
    plan_id = int(last or 0) + 1
    db.conn.execute(
        "INSERT INTO plans (id, created_at, input_hash, params, objective, dual_bound, gap, body) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [plan_id, created_at, input_hash, _dumps(plan["params"]), plan["objective"], cert["dual_bound"], cert["gap"],
         _dumps(body)],
    )
    rows = [
        (plan_id, kind, position, row["member"], row["best_mission"] if kind == "left_out" else row["mission"],
         _dumps(row))
        for kind in ROW_KINDS for position, row in enumerate(plan[kind])
    ]
    db.conn.executemany(
        "INSERT INTO plan_rows (plan_id, kind, position, org_key, mission_id, data) VALUES (?,?,?,?,?,?)", rows)
    if record_id(db) == plan_id:
        adopt(db, plan_id, created_at)
    return plan_id, False


def record_id(db: Database) -> int | None:
    """The id of the plan of record: the latest adopted, else the first plan saved; None when there is no plan.

    (Databases saved before adoption existed have plans but no adoption: their first
    plan is the one the first-plan rule would have adopted.)
    """
    row = db.conn.execute("SELECT plan_id FROM plan_adoptions ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        row = db.conn.execute("SELECT MIN(id) FROM plans").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def adopt(db: Database, plan_id: int, adopted_at: str) -> None:
    """Make ``plan_id`` the plan of record (call inside a transaction; the id must exist)."""
    db.conn.execute("INSERT INTO plan_adoptions (plan_id, adopted_at) VALUES (?, ?)", [plan_id, adopted_at])


def discard(db: Database, plan_id: int, discarded_at: str) -> None:
    """Delete a saved plan and its rows, and note its number as used (the caller refuses the plan of record)."""
    db.conn.execute("DELETE FROM plan_rows WHERE plan_id = ?", [plan_id])
    db.conn.execute("DELETE FROM plans WHERE id = ?", [plan_id])
    db.conn.execute("INSERT OR REPLACE INTO plan_discards (plan_id, discarded_at) VALUES (?, ?)",
                    [plan_id, discarded_at])


def latest_plan(db: Database) -> SavedPlan | None:
    """The most recently saved plan, or None when no plan was made yet."""
    row = db.conn.execute("SELECT id FROM plans ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else get_plan(db, int(row[0]))


def get_plan(db: Database, plan_id: int) -> SavedPlan | None:
    """One saved plan by id, or None."""
    row = db.conn.execute("SELECT id, created_at, input_hash, params, body FROM plans WHERE id = ?",
                          [plan_id]).fetchone()
    if row is None:
        return None
    body = json.loads(row[4])
    meta = body.pop("meta", {})
    plan = {"params": json.loads(row[3]), **body, **{kind: [] for kind in ROW_KINDS}}
    for kind, data in db.conn.execute(
            "SELECT kind, data FROM plan_rows WHERE plan_id = ? ORDER BY kind, position", [plan_id]):
        plan[kind].append(json.loads(data))
    status = ADOPTED if record_id(db) == int(row[0]) else DRAFT
    return SavedPlan(int(row[0]), row[1], row[2], plan["params"], plan, meta, status)


def list_plans(db: Database) -> list[dict[str, Any]]:
    """Every saved plan, newest first: id, date, input hash, objective, gap, parameters, seats filled,
    status (adopted | draft) and the plan it was based on."""
    record = record_id(db)
    out = []
    for row in db.conn.execute(
            "SELECT p.id, p.created_at, p.input_hash, p.objective, p.dual_bound, p.gap, p.params, p.body, "
            "(SELECT COUNT(*) FROM plan_rows r WHERE r.plan_id = p.id AND r.kind = 'assignments') "
            "FROM plans p ORDER BY p.id DESC"):
        item = dict(zip(("id", "created_at", "input_hash", "objective", "dual_bound", "gap"), row[:6]))
        body = json.loads(row[7])
        item.update(params=json.loads(row[6]), assigned=int(row[8]),
                    seats=sum(int(m.get("seats") or 0) for m in body.get("missions", ())),
                    status=ADOPTED if record == row[0] else DRAFT,
                    based_on=body.get("meta", {}).get("based_on"))
        out.append(item)
    return out


def forget(db: Database, org_key: str) -> dict[str, int]:
    """Erase an organisation from every saved plan: its rows, and its key in the parameters.

    A plan that had the organisation on a mission keeps its other assignments; its total
    fit and seats per cluster are recounted from them, and a note says that the plan's
    optimality certificate was for the members it was made with.
    """
    placed_in = [row[0] for row in db.conn.execute(
        "SELECT DISTINCT plan_id FROM plan_rows WHERE org_key = ? AND kind = 'assignments'", [org_key])]
    deleted = db.conn.execute("DELETE FROM plan_rows WHERE org_key = ?", [org_key]).rowcount
    for plan_id in placed_in:
        _recount(db, plan_id)
    scrubbed = 0
    for plan_id, params in db.conn.execute("SELECT id, params FROM plans").fetchall():
        p = json.loads(params)
        exclude = [k for k in p.get("exclude", []) if k != org_key]
        pinned = {name: [r for r in p.get(name, []) if r.rsplit("@", 1)[0] != org_key] for name in PAIR_PARAMS}
        if exclude != p.get("exclude", []) or any(pinned[k] != p.get(k, []) for k in pinned):
            p["exclude"] = exclude
            p.update({k: v for k, v in pinned.items() if k in p})
            db.conn.execute("UPDATE plans SET params = ? WHERE id = ?", [_dumps(p), plan_id])
            scrubbed += 1
    return {"plan_rows": deleted, "plans_scrubbed": scrubbed}


ERASED_NOTE = ("A member placed by this plan was erased (forget): total fit and seats per cluster are recounted "
               "without it; the optimality certificate was for the members the plan was made with. "
               "`elca-match plan --from {id}` re-plans the free seats.")


def _recount(db: Database, plan_id: int) -> None:
    """Total fit and seats per cluster of a saved plan, counted again from its assignment rows."""
    assignments = [json.loads(data) for (data,) in db.conn.execute(
        "SELECT data FROM plan_rows WHERE plan_id = ? AND kind = 'assignments' ORDER BY position", [plan_id])]
    objective = sum(float(a["score"]) for a in assignments)
    body = json.loads(db.conn.execute("SELECT body FROM plans WHERE id = ?", [plan_id]).fetchone()[0])
    seats = {cluster: 0 for cluster in body.get("cluster_seats", {})}
    for a in assignments:
        seats[a["cluster"]] = seats.get(a["cluster"], 0) + 1
    body.update(objective=objective, cluster_seats=seats)
    note = ERASED_NOTE.format(id=plan_id)
    if note not in body.get("notes", []):
        body["notes"] = [*body.get("notes", []), note]
    db.conn.execute("UPDATE plans SET objective = ?, body = ? WHERE id = ?", [objective, _dumps(body), plan_id])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
