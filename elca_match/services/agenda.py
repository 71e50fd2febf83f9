"""Use cases of a mission's meeting agenda: requests, sessions and availability in; suggestions
of who should meet whom; the optimal schedule; locks; agendas; the meetings held.

The participants of a mission are the members travelling on it (the plan of record, or
``--plan ID``) and the partners in its country. Files are checked in full inside the write
transaction that would store them; any problem rejects the whole file and nothing changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agenda import Instance, Placement, Request, Session, Window, schedule
from ..agenda.files import MissionInfo, Participant, check_availability, check_requests, check_sessions
from ..agenda.model import hhmm
from ..errors import (InfeasibleError, NotFoundError, Option, Problem, StateError, UsageError, ValidationError,
                      did_you_mean)
from ..records.outcomes import Meeting, Outcomes, Party
from ..store import agenda as store
from ..store import catalogue as catalogue_store
from ..store import session, transaction
from ..store import outcomes as outcomes_store
from ..store import partners as partner_store
from ..store import survey as survey_store
from ..tabular import Row, SourceInfo, Table, read_table
from ..text import closest, fold
from . import plan_record

COMMAND_LINE = "command line"
SUGGESTED = "agenda suggest"
# Partner kinds that count as the third-country side of a cluster-to-cluster (C2C) meeting.
C2C_KINDS = frozenset({"cluster", "intermediary"})


# --- results ------------------------------------------------------------------------------

@dataclass
class AgendaImportResult:
    """What an import or a one-record command stored."""

    file: str
    what: str  # requests | sessions | availability
    added: int = 0
    updated: int = 0
    missions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AgendaMeeting:
    """A scheduled meeting as agendas show it."""

    requester: str
    requested: str
    requester_id: str
    requested_id: str
    day: str
    start: str
    end: str
    table: int
    locked: bool = False
    held: bool | None = None
    mutual: bool = False
    priority: int = 2
    fit: float = 0.0
    why: str = ""
    requester_is: str = ""
    requested_is: str = ""


@dataclass(frozen=True)
class AgendaUnscheduled:
    """A request left out, and why."""

    requester: str
    requested: str
    requester_id: str
    requested_id: str
    reason: str
    detail: str


@dataclass
class AgendaResult:
    """A mission's schedule: meetings, requests left out, how good it is, and consented contacts when asked."""

    mission: str
    country: str
    status: str
    objective: int
    bound: int
    gap: float
    seconds: float
    moved: int
    meetings: list[AgendaMeeting]
    unscheduled: list[AgendaUnscheduled]
    capacity: list[dict[str, Any]] = field(default_factory=list)
    standby_minutes: dict[str, int] = field(default_factory=dict)  # participant -> minutes waiting (on scheduling)
    without_meeting: list[str] = field(default_factory=list)  # could have met someone, meet no one (on scheduling)
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)  # participant name -> name, email
    participant: str | None = None  # the one participant shown, when asked


@dataclass(frozen=True)
class Suggestion:
    """A member and a partner who should meet, with the fit's breakdown and a one-line why."""

    member_key: str
    member: str
    partner_id: str
    partner: str
    score: float
    breakdown: dict[str, float]
    why: str


@dataclass
class SuggestResult:
    mission: str
    country: str
    suggestions: list[Suggestion]
    accepted: int = 0


@dataclass
class HeldResult:
    """Meetings recorded as held, and the outcome meetings they became."""

    mission: str
    held: int
    not_held: int
    outcome_meetings: list[str]


# --- the mission directory -------------------------------------------------------------------

def _directory(db, plan_id: int | None = None) -> tuple[dict[str, MissionInfo], dict[str, Any], dict[str, Any]]:
    """Every mission with its participants; also members by key and partners by id."""
    try:
        saved = plan_record.saved_plan(db, plan_id)
    except StateError:
        saved = None  # no plan yet: nobody travels, partners can still be named
    travelling: dict[str, list[str]] = defaultdict(list)
    for row in (saved.plan.get("assignments", []) if saved else []):
        travelling[fold(row["mission"])].append(row["member"])
    members = {m.org_key: m for m in survey_store.current_members(db)}
    by_key, _, _ = survey_store.organisation_index(db)
    partners = {p.id: p for p in partner_store.load(db) if not p.id.startswith("erased:")}
    missions = {}
    for m in catalogue_store.list_missions(db):
        people = [Participant("member", k, members[k].name, tuple(a for a in [by_key.get(k, {}).get("org_id")] if a),
                              f"{members[k].cluster} member, {members[k].org_type}, {members[k].country}")
                  for k in travelling.get(fold(m.id), []) if k in members]
        people += [Participant("partner", p.id, p.name, (), f"{p.kind}, {p.region or p.country}")
                   for p in partners.values() if p.country == m.country]
        missions[fold(m.id)] = MissionInfo(m.id, m.country, m.start_date, m.end_date, people)
    return missions, members, partners


def _mission(missions: dict[str, MissionInfo], text: str) -> MissionInfo:
    info = missions.get(fold(text))
    if info is None:
        raise NotFoundError.of("not_found", what="mission", value=text,
                               suggestion=did_you_mean(closest(text, [m.id for m in missions.values()])),
                               hint="elca-match missions list")
    return info


def _rejected(file: str, problems, single: str | None = None) -> ValidationError:
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    head = f"the {single} was not recorded" if single else f"{file} rejected, nothing was stored"
    return ValidationError(f"{head}: {count} (fix them and run the command again).", problems)


def _one_row(columns: list[str], values: dict[str, Any]) -> Table:
    return Table(SourceInfo("", "", "", "csv"), columns, [Row(2, ["" if values.get(c) is None else str(values[c])
                                                                  for c in columns])])


def _as_options(problems):
    return [dataclasses.replace(p, file=None, row=None, column=p.column and Option(p.column)) for p in problems]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# --- requests, sessions, availability ------------------------------------------------------

def import_file(db_path: Path, what: str, path: Path, mission: str | None = None,
                plan_id: int | None = None) -> AgendaImportResult:
    """Import a requests, sessions or availability file: all its rows, or none."""
    table = read_table(path)
    return _import(db_path, what, table, table.source.name, mission, plan_id)


def add_request(db_path: Path, mission: str, source: str, target: str, priority: int | None = None,
                note: str | None = None, plan_id: int | None = None) -> AgendaImportResult:
    """Record one meeting request (``agenda request``)."""
    table = _one_row(["mission", "from", "to", "priority", "note"],
                     {"mission": mission, "from": source, "to": target, "priority": priority, "note": note})
    return _import(db_path, "requests", table, COMMAND_LINE, None, plan_id, single="request")


def add_session(db_path: Path, mission: str, day: str, start: str, end: str, slot_minutes: int, tables: int,
                breaks: str | None = None) -> AgendaImportResult:
    """Record one session (``agenda session``)."""
    table = _one_row(["mission", "day", "start", "end", "slot_minutes", "tables", "breaks"],
                     {"mission": mission, "day": day, "start": start, "end": end, "slot_minutes": slot_minutes,
                      "tables": tables, "breaks": breaks})
    return _import(db_path, "sessions", table, COMMAND_LINE, None, None, single="session")


def _import(db_path: Path, what: str, table: Table, file: str, mission: str | None, plan_id: int | None,
            single: str | None = None) -> AgendaImportResult:
    if what not in ("requests", "sessions", "availability"):
        raise UsageError.of("unknown_name", what="agenda file", value=what,
                            suggestion=did_you_mean(closest(what, ["requests", "sessions", "availability"])),
                            allowed="requests, sessions, availability")
    with session(db_path, create=False) as opened:
        db = opened.db
        with transaction(db):
            missions, _, _ = _directory(db, plan_id)
            if what == "availability":
                if not mission:
                    raise UsageError.of("option_required", what="an availability file", option=Option("mission"))
                info = _mission(missions, mission)
                checked = check_availability(table, info)
            else:
                checked = (check_requests if what == "requests" else check_sessions)(table, missions)
            if checked.problems:
                problems = _as_options(checked.problems) if single else checked.problems
                raise _rejected(file, problems, single)
            result = AgendaImportResult(file, what)
            sources = [f"{file} row {row}" if not single else COMMAND_LINE for row in checked.rows]
            recorded = _now()
            if what == "requests":
                rows = [{"mission_id": r["mission"], "from_kind": r["from"].kind, "from_ref": r["from"].ref,
                         "to_kind": r["to"].kind, "to_ref": r["to"].ref, "priority": r["priority"], "note": r["note"],
                         "fit": 0.0, "why": "", "source": s, "recorded_at": recorded}
                        for r, s in zip(checked.records, sources)]
                result.added, result.updated = store.save_requests(db, rows)
            elif what == "sessions":
                rows = [{"mission_id": r["mission"], **{k: r[k] for k in ("day", "start", "end", "slot_minutes",
                                                                            "tables", "breaks")}, "source": s}
                        for r, s in zip(checked.records, sources)]
                store.save_sessions(db, rows)
                result.added = len(rows)
            else:
                rows = [{"kind": r["participant"].kind, "ref": r["participant"].ref, "day": r["day"],
                         "start": r["start"], "end": r["end"], "source": s} for r, s in zip(checked.records, sources)]
                store.replace_availability(db, info.id, rows)
                result.added = len(rows)
            result.missions = sorted({r["mission_id"] if "mission_id" in r else info.id for r in rows})
    return result


# --- fit: members against partners -------------------------------------------------------

@dataclass(frozen=True)
class PartnerProfile:
    """A partner shaped like an opportunity (the fields the rank model reads), so both share one vector space.

    No country: every partner of a mission shares it, so it would only make empty profiles look alike.
    """

    id: str
    title: str
    sector: tuple[str, ...]
    value_chain_stage: tuple[str, ...]
    materials: tuple[str, ...]
    technologies: tuple[str, ...]
    description: str


def _partner_record(partner) -> PartnerProfile:
    return PartnerProfile(partner.id, partner.name, tuple(partner.sectors), tuple(partner.value_chain_stages),
                          tuple(partner.materials), tuple(partner.technologies),
                          "\n".join(t for t in (partner.needs, partner.offers, partner.description) if t))


def _fits(members: list[Any], partners: list[Any]) -> dict[tuple[str, str], tuple[float, dict[str, float], str]]:
    """(member key, partner id) -> (score, breakdown, why), as `rank` computes them."""
    if not members or not partners:
        return {}
    from .rank import build_profiles, explain_pairs

    build = build_profiles(members, [_partner_record(p) for p in partners])
    found = explain_pairs(build, [(i, j) for i in range(len(members)) for j in range(len(partners))])
    keys = build.member_keys
    return {(keys[c.member], partners[c.opportunity].id): (min(1.0, max(0.0, c.score)), c.breakdown, c.why)
            for c in found}


def suggest(db_path: Path, mission: str, per_member: int = 5, accept: bool = False,
            plan_id: int | None = None) -> SuggestResult:
    """The partners each travelling member should meet, best fit first; ``accept`` stores them as requests."""
    with session(db_path, create=False) as opened:
        db = opened.db
        missions, members, partners = _directory(db, plan_id)
        info = _mission(missions, mission)
        travellers = [members[p.ref] for p in info.participants if p.kind == "member"]
        local = [partners[p.ref] for p in info.participants if p.kind == "partner"]
        if not travellers:
            raise StateError.of("empty_database", what=f"member travelling on mission {info.id}",
                                hint="make a plan with `elca-match plan`, or choose a saved one with `--plan ID`")
        if not local:
            raise StateError.of("empty_database", what=f"partner in {info.country}",
                                hint="import them with `elca-match partners import FILE`")
        fits = _fits(travellers, local)
        result = SuggestResult(info.id, info.country, [])
        for member in travellers:
            ranked = sorted(((fits[(member.org_key, p.id)], p) for p in local), key=lambda fp: (-fp[0][0], fp[1].id))
            for (score, breakdown, why), partner in ranked[:per_member]:
                if score > 0:
                    result.suggestions.append(Suggestion(member.org_key, member.name, partner.id, partner.name,
                                                         round(score, 4), breakdown, why))
        if accept and result.suggestions:
            recorded = _now()
            with transaction(db):
                store.save_requests(db, [{"mission_id": info.id, "from_kind": "member", "from_ref": s.member_key,
                                          "to_kind": "partner", "to_ref": s.partner_id, "priority": 2, "note": "",
                                          "fit": s.score, "why": s.why, "source": SUGGESTED, "recorded_at": recorded}
                                         for s in result.suggestions])
            result.accepted = len(result.suggestions)
    return result


# --- the schedule ----------------------------------------------------------------------------

def _pair_key(a: str, b: str) -> str:
    return store.PAIR_SEPARATOR.join(sorted((a, b)))


def _instance(db, info: MissionInfo, members, partners) -> tuple[Instance, dict[str, dict[str, Any]]]:
    """The scheduler's instance for a mission, and per request key what agendas show about it."""
    rows = store.requests(db, info.id)
    names = {p.id: p.name for p in info.participants}
    pairs: dict[str, dict[str, Any]] = {}
    for r in rows:
        a, b = f"{r['from_kind']}:{r['from_ref']}", f"{r['to_kind']}:{r['to_ref']}"
        key = _pair_key(a, b)
        pair = pairs.setdefault(key, {"requester": a, "requested": b, "priority": r["priority"], "mutual": False,
                                      "fit": r["fit"], "why": r["why"]})
        if pair["requester"] != a:
            pair["mutual"] = True
        pair["priority"] = min(pair["priority"], r["priority"])
        if r["fit"] > pair["fit"]:
            pair["fit"], pair["why"] = r["fit"], r["why"]
    # fit for member-partner pairs that came without one (imported or typed requests)
    missing = [(p["requester"], p["requested"]) for p in pairs.values() if not p["why"]]
    wanted_members = {x.split(":", 1)[1] for pair in missing for x in pair if x.startswith("member:")}
    wanted_partners = {x.split(":", 1)[1] for pair in missing for x in pair if x.startswith("partner:")}
    fits = _fits([members[k] for k in sorted(wanted_members) if k in members],
                 [partners[k] for k in sorted(wanted_partners) if k in partners]) if missing else {}
    for pair in pairs.values():
        ends = {x.split(":", 1)[0]: x.split(":", 1)[1] for x in (pair["requester"], pair["requested"])}
        if not pair["why"] and "member" in ends and "partner" in ends and (ends["member"], ends["partner"]) in fits:
            score, _, why = fits[(ends["member"], ends["partner"])]
            pair["fit"], pair["why"] = score, why
    requests = tuple(Request(key, p["requester"], p["requested"], p["priority"], p["mutual"], p["fit"])
                     for key, p in pairs.items())
    sessions = tuple(Session(s["day"], s["start"], s["end"], s["slot_minutes"], s["tables"], tuple(s["breaks"]))
                     for s in store.sessions(db, info.id))
    windows: dict[str, list[Window]] = defaultdict(list)
    for w in store.availability(db, info.id):
        windows[f"{w['kind']}:{w['ref']}"].append(Window(w["day"], w["start"], w["end"]))
    stored = store.meetings(db, info.id)
    locks = tuple(Placement(m["request"], m["day"], m["start"], m["table_no"]) for m in stored if m["locked"])
    previous = tuple(Placement(m["request"], m["day"], m["start"], m["table_no"]) for m in stored)
    for request in requests:
        for who in request.pair:
            names.setdefault(who, who.split(":", 1)[1])
    return Instance(sessions, requests, {k: tuple(v) for k, v in windows.items()}, locks, previous, names), pairs


def schedule_mission(db_path: Path, mission: str, time_limit: float = 10.0, require_all: bool = False,
                     plan_id: int | None = None) -> AgendaResult:
    """Schedule a mission's requests (keeping locks, moving as few meetings as possible) and store the schedule."""
    with session(db_path, create=False) as opened:
        db = opened.db
        missions, members, partners = _directory(db, plan_id)
        info = _mission(missions, mission)
        instance, _ = _instance(db, info, members, partners)
        if not instance.requests:
            raise StateError.of("empty_database", what=f"meeting request for mission {info.id}",
                                hint="add them with `elca-match agenda import requests FILE`, `agenda request` "
                                     "or `agenda suggest --accept`")
        try:
            solved = schedule(instance, time_limit=time_limit, require_all=require_all)
        except InfeasibleError as exc:
            raise InfeasibleError("", [_named(p, instance) for p in exc.problems]) from None
        with transaction(db):
            store.save_schedule(db, info.id,
                                [{"request": m.request.id, "day": m.day, "start": m.start, "end": m.end,
                                  "table": m.table, "locked": m.locked} for m in solved.meetings],
                                [{"request": u.request.id, "reason": u.reason, "detail": u.detail}
                                 for u in solved.unscheduled],
                                {"status": solved.status, "objective": solved.objective, "bound": solved.bound,
                                 "seconds": solved.seconds, "moved": solved.moved,
                                 "capacity": [vars(n) for n in solved.capacity], "solved_at": _now()})
        result = _view(db, info, members, partners)
        result.standby_minutes = {instance.name(k): v for k, v in solved.standby_minutes.items()}
        result.without_meeting = [instance.name(p) for p in solved.participants_without_meeting]
    return result


def _named(problem: Problem, instance: Instance) -> Problem:
    """A scheduler problem with pair keys ("kind:ref" ids) replaced by the participants' names."""
    def names(value):
        if isinstance(value, str) and store.PAIR_SEPARATOR in value:
            return " / ".join(instance.name(p) for p in value.split(store.PAIR_SEPARATOR))
        return value

    return dataclasses.replace(problem, value=names(problem.value),
                               params={k: names(v) for k, v in problem.params.items()})


def _view(db, info: MissionInfo, members, partners, participant: str | None = None,
          with_contacts: bool = False) -> AgendaResult:
    run = store.run(db, info.id)
    if run is None:
        raise StateError.of("agenda_no_schedule", value=info.id)
    instance, pairs = _instance(db, info, members, partners)
    details = {p.id: p.detail for p in info.participants}
    name = instance.name
    meetings, shown = [], set()
    for m in store.meetings(db, info.id):
        pair = pairs.get(m["request"])
        if pair is None:
            continue
        a, b = pair["requester"], pair["requested"]
        meetings.append(AgendaMeeting(name(a), name(b), a, b, m["day"], hhmm(m["start"]), hhmm(m["end"]),
                                      m["table_no"], bool(m["locked"]), None if m["held"] is None else bool(m["held"]),
                                      pair["mutual"], pair["priority"], round(pair["fit"], 4), pair["why"],
                                      details.get(a, ""), details.get(b, "")))
    unscheduled = []
    for u in store.unscheduled(db, info.id):
        pair = pairs.get(u["request"])
        if pair is not None:
            a, b = pair["requester"], pair["requested"]
            unscheduled.append(AgendaUnscheduled(name(a), name(b), a, b, u["reason"], u["detail"]))
    chosen = None
    if participant:
        found, suggestion = info.resolve(participant)
        if found is None:
            raise NotFoundError.of("agenda_unknown_participant", value=participant, mission=info.id,
                                   country=info.country, suggestion=suggestion)
        chosen = found.id
        meetings = [m for m in meetings if chosen in (m.requester_id, m.requested_id)]
        unscheduled = [u for u in unscheduled if chosen in (u.requester_id, u.requested_id)]
    for m in meetings:
        shown.update((m.requester_id, m.requested_id))
    contacts = _contacts(shown, members, partners, name) if with_contacts else {}
    gap = 0.0 if run["bound"] <= 0 else max(0.0, (run["bound"] - run["objective"]) / run["bound"])
    return AgendaResult(info.id, info.country, run["status"], run["objective"], run["bound"], round(gap, 4),
                        run["seconds"], run["moved"], meetings, unscheduled, run["capacity"],
                        contacts=contacts, participant=name(chosen) if chosen else None)


def _contacts(ids, members, partners, name) -> dict[str, dict[str, str]]:
    """Contact details of the participants shown, only for those who consented."""
    found = {}
    for pid in ids:
        kind, ref = pid.split(":", 1)
        if kind == "member" and ref in members and members[ref].consent is True:
            answers = members[ref].answers
            contact = {"name": str(answers.get("contact_name") or ""), "email": str(answers.get("contact_email") or "")}
        elif kind == "partner" and ref in partners and partners[ref].consent:
            contact = {"name": partners[ref].contact_name, "email": partners[ref].contact_email}
        else:
            continue
        if contact["name"] or contact["email"]:
            found[name(pid)] = contact
    return found


def agenda(db_path: Path, mission: str, participant: str | None = None, with_contacts: bool = False,
           plan_id: int | None = None) -> AgendaResult:
    """The stored schedule of a mission (or one participant's agenda); contacts only with consent and on request."""
    with session(db_path, create=False) as opened:
        db = opened.db
        missions, members, partners = _directory(db, plan_id)
        return _view(db, _mission(missions, mission), members, partners, participant, with_contacts)


def lock(db_path: Path, mission: str, first: str, second: str, remove: bool = False,
         plan_id: int | None = None) -> AgendaMeeting:
    """Keep the scheduled meeting of two participants where it is on every re-schedule (or release it)."""
    with session(db_path, create=False) as opened:
        db = opened.db
        missions, members, partners = _directory(db, plan_id)
        info = _mission(missions, mission)
        ends = []
        for text in (first, second):
            found, suggestion = info.resolve(text)
            if found is None:
                raise NotFoundError.of("agenda_unknown_participant", value=text, mission=info.id,
                                       country=info.country, suggestion=suggestion)
            ends.append(found.id)
        key = _pair_key(*ends)
        with transaction(db):
            if not store.set_locked(db, info.id, key, not remove):
                raise NotFoundError.of("agenda_no_meeting", value=f"{first} and {second}", mission=info.id)
        view = _view(db, info, members, partners)
    return next(m for m in view.meetings if _pair_key(m.requester_id, m.requested_id) == key)


def held(db_path: Path, mission: str, file: Path | None = None, plan_id: int | None = None) -> HeldResult:
    """Record which meetings took place (all scheduled ones, or those a file marks held) as outcome meetings.

    The attendance file has columns from, to and held (yes/no). A held meeting between a
    member and a partner becomes an outcome meeting: C2C when the member is a cluster and
    the partner a cluster or intermediary, B2B otherwise. Outcome ids are derived from the
    mission and the pair, so recording twice changes nothing.
    """
    from ..questionnaire import load_questionnaire

    questionnaire = load_questionnaire()
    with session(db_path, create=False) as opened:
        db = opened.db
        missions, members, partners = _directory(db, plan_id)
        info = _mission(missions, mission)
        stored = store.meetings(db, info.id)
        if store.run(db, info.id) is None:
            raise StateError.of("agenda_no_schedule", value=info.id)
        marks = {m["request"]: True for m in stored}
        if file is not None:
            marks = {m["request"]: False for m in stored}
            marks.update(_attendance(read_table(file), info, {m["request"] for m in stored}, questionnaire))
        meetings, dropped = [], []
        for m in stored:
            digest = hashlib.sha256(f"{info.id}|{m['request']}".encode()).hexdigest()[:8]
            if not marks.get(m["request"]):
                dropped.append(f"MT-{info.id}-{digest}")
                continue
            ends = dict(x.split(":", 1) for x in m["request"].split(store.PAIR_SEPARATOR))
            member, partner = members.get(ends.get("member", "")), partners.get(ends.get("partner", ""))
            if member is None or partner is None:
                continue  # the report counts meetings between a European and a third-country party
            kind = "c2c" if member.org_type == "cluster" and partner.kind in C2C_KINDS else "b2b"
            meetings.append(Meeting(f"MT-{info.id}-{digest}", m["day"], kind, partner.country,
                                    (Party("member", member.org_key, member.name, member.org_type, member.cluster),),
                                    (partner.id,), mission_id=info.id, name=f"{member.name} / {partner.name}"))
        with transaction(db):
            store.set_held(db, info.id, marks)
            store.drop_outcome_meetings(db, dropped)
            outcomes_store.save(db, Outcomes(meetings=meetings),
                                {("meeting", x.id): f"agenda held, mission {info.id}" for x in meetings}, _now())
    count = sum(1 for v in marks.values() if v)
    return HeldResult(info.id, count, len(marks) - count, [x.id for x in meetings])


def _attendance(table: Table, info: MissionInfo, scheduled: set[str], questionnaire) -> dict[str, bool]:
    from ..catalogue.fields import Column, RowReader, is_blank, match_columns

    columns = (Column("from", required=True), Column("to", required=True), Column("held", required=True))
    positions, problems = match_columns(table, columns, "attendance")
    marks: dict[str, bool] = {}
    if not any(p.code == "catalogue_missing_column" for p in problems):
        for row in table.rows:
            if is_blank(row):
                continue
            cells = RowReader(table, row, positions, problems)
            ends = []
            for column in ("from", "to"):
                text = cells.text(column, required=True)
                found, suggestion = info.resolve(text) if text else (None, "")
                if text and found is None:
                    cells.problem("agenda_unknown_participant", column, text, mission=info.id, country=info.country,
                                  suggestion=suggestion)
                ends.append(found)
            flag = questionnaire.match_choice("consent", cells.text("held", required=True) or "")
            if cells.raw("held") and flag is None:
                cells.problem("outcome_bad_flag", "held", cells.raw("held"))
            if all(ends):
                key = _pair_key(ends[0].id, ends[1].id)
                if key not in scheduled:
                    cells.problem("agenda_no_meeting", "to", f"{cells.raw('from')} and {cells.raw('to')}",
                                  mission=info.id)
                elif flag is not None:
                    marks[key] = flag == "yes"
    if problems:
        raise _rejected(table.source.name, sorted(problems, key=lambda p: p.row or 0))
    return marks
