"""`export calendar`: the plan of record (or ``--plan ID``) as one calendar event per mission.

Reads the saved plan as stored (no planner import) and the organisations' names;
``member`` or ``cluster`` keeps the missions that member or cluster travels on. The
events go to :func:`elca_match.export.ics.write_ics` (RFC 5545) or, as one table, to
the other writers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import markets
from ..errors import NotFoundError, Option, UsageError, did_you_mean
from ..export.ics import CalendarEvent
from ..records import Mission
from ..store import session
from ..store import survey as survey_store
from ..text import closest, fold
from . import plan_record
from .members import find_member


@dataclass
class CalendarResult:
    """The events of one saved plan, and which plan and filter they come from."""

    plan_id: int
    plan: str  # how outputs name it, e.g. "plan #3 (adopted, ...)"
    scope: str  # "every mission", "member NAME", "cluster CODE"
    events: list[CalendarEvent] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  # missions left out: no start date

    @property
    def name(self) -> str:
        """The calendar's name, e.g. ``ELCA missions, plan #3 (adopted, ...), member Acme``."""
        return f"ELCA missions, {self.plan}" + ("" if self.scope == "every mission" else f", {self.scope}")


def calendar(db_path: Path, *, plan_id: int | None = None, member: str | None = None,
             cluster: str | None = None) -> CalendarResult:
    """One event per mission of the plan of record (or plan ``plan_id``), with its travellers.

    ``member`` (key, org_id or name) or ``cluster`` (code) keeps only the missions on
    which that member, or a member of that cluster, travels.
    """
    if member and cluster:
        raise UsageError.of("options_conflict", option=Option("member"), other=Option("cluster"))
    with session(db_path, create=False) as opened:
        saved = plan_record.saved_plan(opened.db, plan_id)
        names = {m.org_key: m.name for m in survey_store.current_members(opened.db)}
        member_key = find_member(opened.db, member)["key"] if member else None
    plan = saved.plan
    travellers: dict[str, list[dict]] = {}
    for a in plan["assignments"]:
        travellers.setdefault(a["mission"], []).append(a)
    scope = "every mission"
    if member_key:
        scope = f"member {names.get(member_key, member_key)}"
    elif cluster:
        clusters = sorted({a["cluster"] for a in plan["assignments"]})
        match = next((c for c in clusters if fold(c) == fold(cluster)), None)
        if match is None:
            raise NotFoundError.of("not_found", what="cluster travelling in this plan", value=cluster,
                                   suggestion=did_you_mean(closest(cluster, clusters)),
                                   hint=f"elca-match plan show {saved.id}")
        cluster, scope = match, f"cluster {match}"
    result = CalendarResult(saved.id, plan_record.describe(saved), scope)
    for m in plan_record.plan_missions(plan):
        on = travellers.get(m.id, [])
        if member_key and not any(a["member"] == member_key for a in on):
            continue
        if cluster and not any(a["cluster"] == cluster for a in on):
            continue
        if not m.start_date:
            result.undated.append(m.id)
            continue
        result.events.append(_event(m, on, names, result.plan))
    return result


def _event(m: Mission, on: list[dict], names: dict[str, str], plan: str) -> CalendarEvent:
    start = dt.date.fromisoformat(str(m.start_date)[:10])
    end = dt.date.fromisoformat(str(m.end_date or m.start_date)[:10])
    country = _country(m.country)
    kind = (m.type or "").replace("_", " ")
    return CalendarEvent(
        uid=f"{m.id}@elca-match",
        summary=f"{kind.capitalize()} mission to {country} ({m.id})".strip(),
        start=start, end=end, country=country, region=m.region, type=kind,
        travellers=[f"{names.get(a['member'], '(erased organisation)')} ({a['cluster']})" for a in on],
        lead_cluster=m.lead_cluster or "", seats=int(m.seats or 0), source=plan)


def _country(code: str) -> str:
    try:
        return markets.country_name(code)
    except Exception:  # an unknown code still shows as itself
        return code

