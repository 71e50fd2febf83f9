"""Which saved plan a command reads: the plan of record, or the one ``--plan ID`` names.

Kept apart from :mod:`elca_match.services.plan` so that readers of the stored plan
(shortlists, reports, calendars) do not import the planner and its solvers.
"""

from __future__ import annotations

import sqlite_utils

from ..errors import NotFoundError, StateError, did_you_mean
from ..store import plans as plans_store
from ..text import closest


def saved_plan(db: sqlite_utils.Database, plan_id: int | None = None) -> plans_store.SavedPlan:
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


def describe(saved: plans_store.SavedPlan) -> str:
    """How outputs name the plan they used, e.g. ``plan #3 (adopted, 2026-11-30T07:00:00+00:00)``."""
    return f"plan #{saved.id} ({saved.status}, {saved.created_at})"
