"""Which saved plan a command reads: the plan of record, or the one ``--plan ID`` names.

Kept apart from :mod:`elca_match.services.plan` so that readers of the stored plan
(shortlists, reports, calendars) do not import the planner and its solvers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from ..errors import NotFoundError, StateError, UsageError, did_you_mean
from ..records import Mission, from_values
from ..store import Database, session, transaction
from ..store import plans as plans_store
from ..store import survey as survey_store
from ..text import closest


def saved_plan(db: Database, plan_id: int | None = None) -> plans_store.SavedPlan:
    """The saved plan ``plan_id``, or the plan of record when None.

    Raises StateError when no plan was made yet and NotFoundError for an unknown id.
    """
    if plan_id is None:
        plan_id = plans_store.record_id(db)
        if plan_id is None:
            raise StateError.of("empty_database", what="mission plan", hint="make one with `elca-match plan`")
    saved = plans_store.get_plan(db, int(plan_id))
    if saved is None:
        ids = [str(p["id"]) for p in plans_store.list_plans(db)]
        raise NotFoundError.of("not_found", what="saved plan", value=str(plan_id),
                               suggestion=did_you_mean(closest(str(plan_id), ids)), hint="elca-match plan list")
    return saved


def plan_missions(plan: Mapping[str, Any]) -> list[Mission]:
    """The missions of a saved plan, as stored (``Plan.as_dict()``), as mission records in the plan's order."""
    return [from_values(Mission, {**m, "region": m.get("region") or ""}) for m in plan["missions"]]


def describe(saved: plans_store.SavedPlan) -> str:
    """How outputs name the plan they used, e.g. ``plan #3 (adopted, 2026-11-30T07:00:00+00:00)``."""
    return f"plan #{saved.id} ({saved.status}, {saved.created_at})"


# --- plan list | adopt | discard | diff -------------------------------------------------------

@dataclass
class PlanSummary:
    """One saved plan as `plan list` shows it."""

    id: int
    created_at: str
    status: str  # adopted | draft
    based_on: int | None
    changed: dict[str, Any]  # parameters that differ from the defaults
    assigned: int
    seats: int
    objective: float
    gap: float


@dataclass
class PlanChange:
    """One member whose missions differ between two plans."""

    member: str
    name: str
    cluster: str
    change: str  # joins | leaves | moves
    before: list[str]  # missions it leaves (in the first plan only)
    after: list[str]  # missions it joins (in the second plan only)
    fit_before: float
    fit_after: float

    @property
    def fit_change(self) -> float:
        return self.fit_after - self.fit_before


@dataclass
class PlanDiff:
    """Who joins, leaves or moves mission between plan ``a`` and plan ``b``, with the fit change."""

    a: str  # plan labels, e.g. "plan #1 (adopted, ...)"
    b: str
    changes: list[PlanChange] = field(default_factory=list)
    objective_a: float = 0.0
    objective_b: float = 0.0


def list_plans(db_path: Path) -> list[PlanSummary]:
    """Every saved plan, newest first, with the parameters that differ from the defaults."""
    from ..planning import PlanParams

    defaults = PlanParams().as_dict()
    with session(db_path, create=False) as opened:
        db = opened.db
        rows = plans_store.list_plans(db)
    return [PlanSummary(r["id"], r["created_at"], r["status"], r["based_on"],
                        {k: v for k, v in r["params"].items() if defaults.get(k, [] if isinstance(v, list) else None) != v},
                        r["assigned"], r["seats"], float(r["objective"]), float(r["gap"])) for r in rows]


def adopt(db_path: Path, plan_id: int) -> plans_store.SavedPlan:
    """Make ``plan_id`` the plan of record (adopting the plan of record again changes nothing)."""
    with session(db_path, create=False) as opened:
        db = opened.db
        with transaction(db):
            saved = saved_plan(db, plan_id)
            if saved.status != plans_store.ADOPTED:
                plans_store.adopt(db, saved.id, _now())
            return saved_plan(db, saved.id)


def discard(db_path: Path, plan_id: int) -> plans_store.SavedPlan:
    """Delete the draft ``plan_id``; the plan of record is refused (adopt another first)."""
    with session(db_path, create=False) as opened:
        db = opened.db
        with transaction(db):
            saved = saved_plan(db, plan_id)
            if saved.status == plans_store.ADOPTED:
                raise UsageError.of("plan_discard_record", value=str(plan_id))
            plans_store.discard(db, saved.id, _now())
            return saved


def diff(db_path: Path, a: int, b: int) -> PlanDiff:
    """Compare two saved plans member by member: who joins, leaves or moves mission, and the fit change."""
    with session(db_path, create=False) as opened:
        db = opened.db
        first, second = saved_plan(db, a), saved_plan(db, b)
        names = {m.org_key: m.name for m in survey_store.current_members(db)}
    return diff_saved(first, second, names)


def diff_saved(first: plans_store.SavedPlan, second: plans_store.SavedPlan, names: dict[str, str]) -> PlanDiff:
    """:func:`diff` on two plans already read."""
    def by_member(saved):
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for row in saved.plan["assignments"]:
            out.setdefault(row["member"], {})[row["mission"]] = row
        return out

    before, after = by_member(first), by_member(second)
    changes = []
    for member in sorted(set(before) | set(after), key=lambda k: (names.get(k, k), k)):
        old, new = before.get(member, {}), after.get(member, {})
        left = sorted(set(old) - set(new))
        joined = sorted(set(new) - set(old))
        if not left and not joined:
            continue
        change = "moves" if left and joined else ("joins" if joined else "leaves")
        cluster = next(iter({**old, **new}.values()))["cluster"]
        changes.append(PlanChange(member, names.get(member, ""), cluster, change, left, joined,
                                  sum(float(old[j]["score"]) for j in left),
                                  sum(float(new[j]["score"]) for j in joined)))
    return PlanDiff(describe(first), describe(second), changes, float(first.plan["objective"]),
                    float(second.plan["objective"]))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
