"""`plan`: assign members to missions (D2.1), explain it, and save it with its parameters.

Reads the missions (``store.catalogue.list_missions``), the current members
(``store.survey.current_members``) and their fit for each mission (the ranking
model's profiles and ``matching.mission_scores``, through
``services.rank.mission_fit``), runs the pure planner (:mod:`elca_match.planning`), fills
in *why* each assigned member fits (the shared features with the mission's best
opportunity for it) and stores the plan in one transaction. (A profile build the scores
need is cached in its own transaction by ``ensure_profiles``, so an infeasible plan does
not throw that work away.) The same input (members, missions, scores, parameters,
rules) gives the same plan, and saving it again keeps the stored copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NotFoundError, Option, StateError, UsageError, did_you_mean
from ..planning import Plan, PlanMember, PlanMission, PlanParams, load_rules, make_plan
from ..questionnaire import Questionnaire, load_questionnaire
from ..records import Mission
from ..store import catalogue as catalogue_store
from ..store import session, transaction
from ..store import plans as plans_store
from ..store import survey as survey_store
from ..text import closest, fold
from . import plan_record, required
from .catalogue import citation_note_for
from .members import find_member

# Attributes a rule may test besides the questionnaire's codes.
EXTRA_ATTRIBUTES = ("cluster", "country", "org_type", "sectors")
# `plan --from record`: re-plan from the plan of record.
RECORD = "record"
# Parameters that are sets: a re-plan adds the new ones to the base plan's.
SET_FIELDS = ("exclude", "require", "lock")


@dataclass
class PlanResult:
    """A plan as the CLI shows it: the plan, its saved id and status, member names and how it was made."""

    plan: Plan
    plan_id: int
    reused: bool  # a saved plan had the same input, so it was kept
    input_hash: str
    names: dict[str, str] = field(default_factory=dict)  # org key -> name
    countries: dict[str, str] = field(default_factory=dict)  # mission id -> country name
    profiles: str = ""  # which profile build the scores came from
    seconds: float = 0.0  # time spent in the planner
    status: str = plans_store.DRAFT  # adopted (the plan of record) | draft
    created_at: str = ""
    based_on: int | None = None  # the plan it was re-planned from (plan --from)
    catalogue_note: str | None = None  # opportunities to check before citing (see `opportunities check`)

    @property
    def label(self) -> str:
        """How outputs name this plan, e.g. ``plan #3 (adopted, 2026-11-30T07:00:00+00:00)``."""
        return f"plan #{self.plan_id} ({self.status}, {self.created_at})"


def parse_requires(values: Sequence[str], option: str = "require") -> list[tuple[str, str]]:
    """Split ``ORG@MISSION`` options (the last ``@`` separates, so an organisation name may contain one)."""
    pairs = []
    for value in values:
        org, sep, mission = str(value).rpartition("@")
        if not sep or not org.strip() or not mission.strip():
            raise UsageError.of("require_syntax", value=value, option=Option(option))
        pairs.append((org.strip(), mission.strip()))
    return pairs


def plan_missions(db_path: Path, params: PlanParams, *, exclude: Sequence[str] = (),
                  require: Sequence[str] = (), rules_path: Path | None = None,
                  questionnaire: Questionnaire | None = None, adopt: bool = False, lock: Sequence[str] = (),
                  base: int | str | None = None, given: Collection[str] | None = None) -> PlanResult:
    """Make, explain and save the plan for the database at ``db_path`` (a draft; ``adopt`` adopts it).

    ``exclude``, ``require`` and ``lock`` are what a person typed: organisations by key,
    org_id or name, and ``ORG@MISSION`` pairs; they replace ``params.exclude``,
    ``params.require`` and ``params.lock``.

    ``base`` re-plans with the fewest changes from a saved plan (its id, or
    :data:`RECORD` for the plan of record): its assignments that are still allowed stay
    and only the freed seats are filled again (``Plan.changes`` says who left, who
    joined and why). The base plan's parameters apply except the ``PlanParams`` fields
    named in ``given`` (None: all of ``params``); its exclusions, requirements and locks
    are kept and the new ones added.
    """
    questionnaire = questionnaire or load_questionnaire()
    rules = load_rules(rules_path, known_attributes=[*questionnaire.codes, *EXTRA_ATTRIBUTES])
    with session(db_path, create=False) as opened:
        db = opened.db
        state = survey_store.members_state(db)
        members = required.members(db)
        missions = required.missions(db)
        opportunities = required.opportunities(db)
        params = replace(params,
                         exclude=frozenset(_member_key(db, text) for text in exclude),
                         require=_pairs(db, missions, require, "require"),
                         lock=_pairs(db, missions, lock, "lock"))
        keep, based_on = None, None
        if base is not None:
            saved_base = plan_record.saved_plan(db, None if base == RECORD else _plan_id(base))
            params = _inherit(PlanParams.from_dict(saved_base.params), params, given)
            keep = sorted((a["member"], a["mission"]) for a in saved_base.plan["assignments"])
            based_on = saved_base.id
        from .rank import mission_fit

        build, _, fit, info = mission_fit(db, missions, questionnaire, members=members, opportunities=opportunities)
        row = {key: i for i, key in enumerate(build.member_keys)}
        rows = np.array([row[m.org_key] for m in members], dtype=np.int64)
        # rounded like the input hash, so that an equal hash means an equal plan to the last digit
        # (a fresh profile build and a stored one may differ in the 16th digit)
        scores = np.round(fit.scores[rows], 12)
        best = fit.best[rows]
        plan_members = [_plan_member(m) for m in members]
        plan_missions_ = [_plan_mission(x) for x in missions]
        started = time.perf_counter()
        plan = make_plan(plan_members, plan_missions_, scores, params, rules, keep=keep)
        seconds = time.perf_counter() - started
        plan = _with_why(plan, build, opportunities, members, missions, rows, best)
        digest = input_hash(plan_members, plan_missions_, scores, params, rules.source, keep)
        meta = {"profiles": info.describe(), "profile_build": info.id, "model_version": info.model_version}
        if based_on is not None:
            meta["based_on"] = based_on
        with transaction(db):
            if survey_store.members_state(db) != state:
                raise StateError.of("data_changed")
            now = _now()
            plan_id, reused = plans_store.save_plan(db, plan.as_dict(), input_hash=digest, meta=meta,
                                                    created_at=now)
            if adopt and plans_store.record_id(db) != plan_id:
                plans_store.adopt(db, plan_id, now)
            saved = plans_store.get_plan(db, plan_id)
        if reused:
            # show what is kept: a plan saved by an earlier version may have chosen differently among
            # plans of equal total fit
            plan = Plan.from_dict(saved.plan)
    return PlanResult(plan, plan_id, reused, digest, names={m.org_key: m.name for m in members},
                      # the stored plan's profiles: a reused plan was made from them, not from this run's
                      countries=_country_names(missions), profiles=saved.meta.get("profiles", ""), seconds=seconds,
                      status=saved.status, created_at=saved.created_at, based_on=saved.based_on,
                      catalogue_note=citation_note_for(opportunities, missions))


def plan_of_record(db_path: Path, plan_id: int | None = None) -> PlanResult:
    """The plan a command should read: ``plan_id``, or the plan of record (the adopted plan) when None.

    The result names its id (``plan_id``), ``status`` (adopted | draft) and ``label``.
    Raises StateError when no plan was made yet, NotFoundError for an unknown id.
    """
    with session(db_path, create=False) as opened:
        db = opened.db
        saved = plan_record.saved_plan(db, plan_id)
        names = {m.org_key: m.name for m in survey_store.current_members(db)}
        missions = catalogue_store.list_missions(db)
    return _result(saved, names, missions)


def _result(saved: plans_store.SavedPlan, names: dict[str, str], missions: list[Mission]) -> PlanResult:
    return PlanResult(Plan.from_dict(saved.plan), saved.id, True, saved.input_hash, names=names,
                      countries=_country_names(missions), profiles=saved.meta.get("profiles", ""),
                      status=saved.status, created_at=saved.created_at, based_on=saved.based_on)


def input_hash(members: Sequence[PlanMember], missions: Sequence[PlanMission], scores: np.ndarray,
               params: PlanParams, rules_source: str, keep: Sequence[tuple[str, str]] | None = None) -> str:
    """sha256 of everything the planner reads (with a re-plan's base assignments), independent of row order."""
    digest = hashlib.sha256()
    order = sorted(range(len(members)), key=lambda i: members[i].key)
    morder = sorted(range(len(missions)), key=lambda j: missions[j].id)
    payload = {
        "members": [[m.key, m.cluster, m.consent, list(m.sectors), m.attributes]
                    for m in (members[i] for i in order)],
        "missions": [[x.id, x.country, x.type, x.seats, x.start_date, x.end_date, list(x.sectors), x.lead_cluster,
                      x.region] for x in (missions[j] for j in morder)],
        "params": params.as_dict(),
    }
    if keep is not None:  # only re-plans carry the key, so plain plans keep their hash
        payload["keep"] = sorted(f"{m}@{j}" for m, j in keep)
    digest.update(json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode())
    if len(order) and len(morder):
        digest.update(np.ascontiguousarray(np.round(scores[np.ix_(order, morder)], 12)).tobytes())
    try:
        digest.update(Path(rules_source).read_bytes())
    except OSError:
        digest.update(rules_source.encode())
    return digest.hexdigest()


def _plan_member(m: Any) -> PlanMember:
    answers = dict(m.answers)
    answers.update(cluster=m.cluster, country=m.country, org_type=m.org_type)
    sectors = answers.get("sectors") or ()
    return PlanMember(key=m.org_key, cluster=m.cluster, consent=bool(m.consent),
                      sectors=tuple(sectors) if isinstance(sectors, (list, tuple)) else (str(sectors),),
                      attributes=answers, name=m.name)


def _plan_mission(x: Mission) -> PlanMission:
    return PlanMission(id=x.id, country=x.country, type=x.type, seats=x.seats, start_date=x.start_date,
                       end_date=x.end_date, sectors=x.sectors, lead_cluster=x.lead_cluster or None,
                       region=x.region or None)


def _pairs(db, missions: list[Mission], values: Sequence[str], option: str) -> frozenset[tuple[str, str]]:
    return frozenset((_member_key(db, org), _mission_id(missions, mission))
                     for org, mission in parse_requires(values, option))


def _plan_id(value: int | str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UsageError.of("plan_base_invalid", option=Option("base"), record=RECORD, given=value) from None


def _inherit(base: PlanParams, params: PlanParams, given: Collection[str] | None) -> PlanParams:
    """The base plan's parameters, overridden by those a person gave; pair and exclusion sets add up.

    A member excluded now loses the base plan's --require and --lock pairs: the later word wins
    (cancelling a locked member must not need a plan from scratch).
    """
    chosen = {f.name for f in fields(PlanParams)} if given is None else set(given)
    merged = replace(base, **{name: getattr(params, name) for name in chosen if name not in SET_FIELDS})
    kept = {name: frozenset(p for p in getattr(base, name) if p[0] not in params.exclude)
            for name in ("require", "lock")}
    return replace(merged, exclude=base.exclude | params.exclude, require=kept["require"] | params.require,
                   lock=kept["lock"] | params.lock)


def _member_key(db, text: str) -> str:
    return find_member(db, text)["key"]


def _mission_id(missions: list[Mission], text: str) -> str:
    ids = [x.id for x in missions]
    for mission_id in ids:
        if fold(mission_id) == fold(text):
            return mission_id
    raise NotFoundError.of("not_found", what="mission", value=text, suggestion=did_you_mean(closest(text, ids)),
                           hint="elca-match missions list")


def _with_why(plan: Plan, build, opportunities, members, missions, rows, best) -> Plan:
    """Fill the *why* of each assignment and alternate: the mission's opportunity the member fits best, and the
    shared features."""
    from .rank import explain_pairs

    member_index = {m.org_key: i for i, m in enumerate(members)}
    mission_index = {x.id: j for j, x in enumerate(missions)}
    placed = [*plan.assignments, *plan.waitlist]
    pairs, where = [], []
    for k, a in enumerate(placed):
        i, j = member_index[a.member], mission_index[a.mission]
        if best[i, j] >= 0:
            pairs.append((int(rows[i]), int(best[i, j])))
            where.append(k)
    explained = explain_pairs(build, pairs)
    whys = {k: f"{opportunities[c.opportunity].id}: {c.why}".rstrip(": ") for k, c in zip(where, explained)}
    assignments = []
    for k, a in enumerate(plan.assignments):
        why = whys.get(k, "no shared features")
        if a.required:
            why = f"{a.why}; {why}"  # the planner's words: required (--require) or locked (--lock)
        assignments.append(replace(a, why=why))
    first = len(plan.assignments)
    waitlist = [replace(w, why=whys.get(first + k, "no shared features")) for k, w in enumerate(plan.waitlist)]
    return replace(plan, assignments=tuple(assignments), waitlist=tuple(waitlist))


def _country_names(missions: list[Mission]) -> dict[str, str]:
    from .. import markets

    names = {}
    for x in missions:
        try:
            names[x.id] = markets.country_name(x.country)
        except Exception:  # an unknown code still shows as itself
            names[x.id] = x.country
    return names


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
