"""The canonical outcome file: check it and turn its rows into outcome records.

One table (CSV or XLSX), one row per record; the ``record`` column says which kind
(``event``, ``meeting``, ``org``, ``case``) and each kind uses some of the columns
(:data:`APPLIES`). See ``docs/outcomes-format.md``. Names are resolved against a
:class:`~elca_match.outcomes.model.Directory` (clusters, members, missions and outcomes
already stored) and against the file's own organisations and events, so a file may add a
partner and its meetings together. Nothing is raised: every problem becomes a
:class:`~elca_match.errors.Problem` naming file, row and column, so the caller can
report all of them at once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import markets
from ..catalogue.fields import Column, RowReader, check_unique_ids, is_blank, match_columns
from ..errors import Option, Problem, did_you_mean
from ..partners.records import close_duplicate
from ..questionnaire import Questionnaire
from ..records import Mission
from ..records.outcomes import (LISTS, WP3_EVENT_KINDS, Case, CaseSteps, ConsortiumMeeting, Contact, Dissemination,
                                Event, Meeting, Outcomes, PartnerOrg, Partnership, Party, Status)
from ..tabular import Row, SourceInfo, Table
from ..text import closest, fold, split_multi
from . import vocabulary as v
from .model import Directory

COLUMNS = (
    Column("record", required=True), Column("id", required=True), Column("name"), Column("date"),
    Column("country"), Column("kind"), Column("mission"), Column("event"), Column("parties"),
    Column("partners"), Column("objectives"), Column("sector"), Column("technology"), Column("agreement"),
    Column("status"), Column("confidential"), Column("description"),
    Column("organised"), Column("main_steps"), Column("next_steps"), Column("achieved"), Column("comment"),
    Column("reached_smes"), Column("reached_rtos"), Column("reached_clusters"), Column("reached_policy"),
)
FIELDS = tuple(c.name for c in COLUMNS)

# Which columns each record kind uses; a value in any other column is reported, since
# it usually means a shifted row or a value meant for another record.
APPLIES: dict[str, frozenset[str]] = {
    "org": frozenset({"record", "id", "name", "country", "kind", "description"}),
    "event": frozenset({"record", "id", "name", "date", "country", "kind", "mission", "parties", "partners",
                        "description", "organised"}),
    "meeting": frozenset({"record", "id", "name", "date", "country", "kind", "mission", "event", "parties",
                          "partners", "description"}),
    "case": frozenset({"record", "id", "name", "date", "country", "kind", "mission", "parties", "partners",
                       "objectives", "sector", "technology", "agreement", "status", "confidential",
                       "description", "main_steps", "next_steps"}),
    "steps": frozenset({"record", "id", "main_steps", "next_steps"}),
    "dissemination": frozenset({"record", "id", "name", "date", "kind", "description", "reached_smes",
                                "reached_rtos", "reached_clusters", "reached_policy"}),
    "consortium_meeting": frozenset({"record", "id", "name", "date", "parties", "description"}),
    "partnership": frozenset({"record", "id", "name", "date", "kind", "parties", "description", "main_steps",
                              "next_steps"}),
    "contact": frozenset({"record", "id", "name", "date", "parties", "partners", "description"}),
    "milestone": frozenset({"record", "id", "achieved", "date", "comment"}),
    "deliverable": frozenset({"record", "id", "achieved", "date", "comment"}),
}
# Kinds in the order they are read: organisations first, so that events, meetings and
# cases of the same file can name them; events before the meetings that happen at them;
# cases before their steps.
ORDER = ("org", "event", "meeting", "case", "steps", "dissemination", "consortium_meeting", "partnership",
         "contact", "milestone", "deliverable")
# Stakeholder types a dissemination record counts, by column (the template's split).
REACHED = {"reached_smes": "smes", "reached_rtos": "rtos", "reached_clusters": "clusters",
           "reached_policy": "policy"}

_LEADING_ZEROS = re.compile(r"(?<!\d)0+(\d)")
_YES = {"yes", "y", "true", "1", "x", "ja", "si", "sí", "oui", "tak"}
_NO = {"no", "n", "false", "0", "nein", "non", "nie", ""}


@dataclass
class CheckedOutcomes:
    """The outcome of checking a file: its records, the row each came from, and every problem."""

    outcomes: Outcomes = field(default_factory=Outcomes)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, id) -> row number
    problems: list[Problem] = field(default_factory=list)


def check_outcomes(table: Table, directory: Directory, questionnaire: Questionnaire) -> CheckedOutcomes:
    """Validate every row of an outcome file and build its records; collect all problems."""
    result = CheckedOutcomes()
    positions, result.problems = match_columns(table, COLUMNS, "outcomes")
    if any(p.code == "catalogue_missing_column" for p in result.problems):
        return result
    by_kind: dict[str, list[RowReader]] = {kind: [] for kind in ORDER}
    for row in table.rows:
        if is_blank(row):
            continue
        cells = RowReader(table, row, positions, result.problems)
        kind = _term(cells, "record", v.RECORD_KINDS, required=True)
        if kind is None:
            continue
        for name in positions:
            if name not in APPLIES[kind] and cells.raw(name):
                cells.problem("outcome_column_not_used", name, cells.raw(name), what=kind)
        by_kind[kind].append(cells)
    builder = _Builder(directory, questionnaire, result)
    builder.build(by_kind)
    id_header = table.header[positions["id"]]
    for kind in ORDER:
        records = getattr(result.outcomes, LISTS[kind])
        result.problems.extend(check_unique_ids([{"id": r.id} for r in records], builder.row_numbers[kind],
                                                table.source.name, "id", id_header))
    result.problems.sort(key=lambda p: (p.row or 0))
    return result


def check_record(kind: str, values: dict[str, str], directory: Directory,
                 questionnaire: Questionnaire) -> CheckedOutcomes:
    """Validate one record given as column -> text (``outcomes add``); problems name the column as an
    :class:`~elca_match.errors.Option` (the value was given as one), not a row."""
    header = ["record", *[name for name in FIELDS if name != "record"]]
    cells = [kind, *[str(values.get(name) or "") for name in header[1:]]]
    table = Table(SourceInfo("", "", "", "csv"), header, [Row(2, cells)])
    checked = check_outcomes(table, directory, questionnaire)
    checked.problems = [dataclasses.replace(p, file=None, row=None,
                                            column=Option(p.column) if p.column and p.column != "record" else None)
                        for p in checked.problems]
    return checked


class _Builder:
    """Turns the rows of one file into records, resolving every name they use."""

    def __init__(self, directory: Directory, questionnaire: Questionnaire, result: CheckedOutcomes):
        self.directory = directory
        self.questionnaire = questionnaire
        self.result = result
        self.orgs: dict[str, PartnerOrg] = {o.id.casefold(): o for o in directory.orgs}
        self.events: dict[str, Event] = {k.casefold(): e for k, e in directory.events.items()}
        self.missions = {str(k).casefold(): m for k, m in directory.missions.items()}
        self.clusters = {fold(code): code for code in directory.clusters}
        self.clusters.update({fold(label): code for code, label in directory.clusters.items()})
        self.cases: set[str] = set(directory.cases)
        self.row_numbers: dict[str, list[int]] = {kind: [] for kind in ORDER}

    def build(self, by_kind: dict[str, list[RowReader]]) -> None:
        for kind in ORDER:
            for cells in by_kind[kind]:
                getattr(self, f"_{kind}")(cells)

    def _keep(self, kind: str, cells: RowReader, record: Any) -> None:
        self.result.rows.setdefault((kind, record.id), cells.row.number)
        self.row_numbers[kind].append(cells.row.number)

    # --- records ---------------------------------------------------------------------

    def _org(self, cells: RowReader) -> None:
        record = PartnerOrg(
            id=cells.text("id", required=True),
            name=cells.text("name", required=True),
            country=self._countries(cells, single=True, required=True)[0],
            org_type=_term(cells, "kind", v.PARTNER_TYPES, required=True) or "",
            description=cells.text("description"),
        )
        twin = close_duplicate(record.name, record.country, self.orgs.values(), own_id=record.id)
        if twin is not None and record.name:
            cells.problem("partner_duplicate", "name", record.name, other=twin.name, other_id=twin.id)
        if record.id:
            self.orgs[record.id.casefold()] = record
            self.result.outcomes.orgs.append(record)
            self._keep("org", cells, record)

    def _event(self, cells: RowReader) -> None:
        mission = self._mission(cells)
        kind = _term(cells, "kind", v.EVENT_KINDS, required=True) or ""
        # A European event of work package 3 may take place anywhere, a third country or not.
        wp3 = kind in WP3_EVENT_KINDS
        countries = self._countries(cells, third_only=not wp3)
        if not countries and not cells.raw("country") and not wp3:
            if mission:
                countries = [mission.country]
            else:
                cells.problem("required_empty", "country")
        record = Event(
            id=cells.text("id", required=True),
            name=cells.text("name", required=True),
            date=cells.date("date", required=True) or "",
            kind=kind,
            countries=tuple(countries),
            mission_id=mission.id if mission else None,
            parties=tuple(self._parties(cells)),
            partners=tuple(o.id for o in self._partners(cells)),
            description=cells.text("description"),
            organised=_flag(cells, "organised"),
        )
        if record.id:
            self.events[record.id.casefold()] = record
            self.result.outcomes.events.append(record)
            self._keep("event", cells, record)

    def _meeting(self, cells: RowReader) -> None:
        partners = self._partners(cells, required=True)
        event = self._event_ref(cells)
        record = Meeting(
            id=cells.text("id", required=True),
            date=cells.date("date", required=True) or "",
            kind=_term(cells, "kind", v.MEETING_KINDS, required=True) or "",
            country=self._meeting_country(cells, partners),
            parties=tuple(self._parties(cells, required=True)),
            partners=tuple(o.id for o in partners),
            event_id=event.id if event else None,
            mission_id=_id(self._mission(cells)),
            description=cells.text("description"),
            name=cells.text("name"),
        )
        if record.id:
            self.result.outcomes.meetings.append(record)
            self._keep("meeting", cells, record)

    def _case(self, cells: RowReader) -> None:
        partners = self._partners(cells, required=True)
        countries = self._countries(cells)
        if not countries and not cells.raw("country"):
            countries = sorted({o.country for o in partners})
        case_type = _term(cells, "kind", v.CASE_TYPES, required=True) or ""
        agreement = _term(cells, "agreement", v.AGREEMENTS)
        if agreement is None and case_type == "formal_agreement" and not cells.raw("agreement"):
            # A formal agreement such as an MoU is a cooperation agreement (template footnote 3).
            agreement = "cooperation"
        status = _term(cells, "status", v.CASE_STATUSES)
        if status is None and not cells.raw("status"):
            status = "signed" if agreement else "ongoing"
        record = Case(
            id=cells.text("id", required=True),
            name=cells.text("name", required=True),
            date=cells.date("date", required=True) or "",
            case_type=case_type,
            countries=tuple(countries),
            parties=tuple(self._parties(cells, required=True)),
            partners=tuple(o.id for o in partners),
            objectives=tuple(_terms(cells, "objectives", v.OBJECTIVES, required=True)),
            status=status or "",
            agreement=agreement,
            sectors=tuple(cells.choices("sector", self.questionnaire, "sectors")),
            technology=cells.text("technology"),
            description=cells.text("description"),
            confidential=_flag(cells, "confidential"),
            mission_id=_id(self._mission(cells)),
            main_steps=cells.text("main_steps"),
            next_steps=cells.text("next_steps"),
        )
        if record.id:
            self.cases.add(record.id.casefold())
            self.result.outcomes.cases.append(record)
            self._keep("case", cells, record)

    def _steps(self, cells: RowReader) -> None:
        case_id = cells.text("id", required=True)
        if case_id and case_id.casefold() not in self.cases:
            cells.problem("unknown_reference", "id", case_id, what="cooperation case",
                          suggestion=did_you_mean(closest_id(case_id, self.cases)))
            return
        if not cells.raw("main_steps") and not cells.raw("next_steps"):
            cells.problem("required_empty", "main_steps")
        record = CaseSteps(case_id, cells.text("main_steps"), cells.text("next_steps"))
        if record.id:
            self.result.outcomes.steps.append(record)
            self._keep("steps", cells, record)

    def _dissemination(self, cells: RowReader) -> None:
        reached = {field_name: cells.integer(column, 0, 10_000_000) or 0 for column, field_name in REACHED.items()}
        record = Dissemination(
            id=cells.text("id", required=True),
            name=cells.text("name", required=True),
            date=cells.date("date", required=True) or "",
            channel=_term(cells, "kind", v.DISSEMINATION_CHANNELS, required=True) or "",
            description=cells.text("description"),
            **reached,
        )
        if record.id:
            self.result.outcomes.disseminations.append(record)
            self._keep("dissemination", cells, record)

    def _consortium_meeting(self, cells: RowReader) -> None:
        record = ConsortiumMeeting(
            id=cells.text("id", required=True),
            name=cells.text("name", required=True),
            date=cells.date("date", required=True) or "",
            parties=tuple(self._parties(cells)),
            description=cells.text("description"),
        )
        if record.id:
            self.result.outcomes.consortium_meetings.append(record)
            self._keep("consortium_meeting", cells, record)

    def _partnership(self, cells: RowReader) -> None:
        record = Partnership(
            id=cells.text("id", required=True),
            name=cells.text("name", required=True),
            date=cells.date("date", required=True) or "",
            kind=_term(cells, "kind", v.PARTNERSHIP_KINDS, required=True) or "",
            parties=tuple(self._parties(cells)),
            description=cells.text("description"),
            main_steps=cells.text("main_steps"),
            next_steps=cells.text("next_steps"),
        )
        if record.id:
            self.result.outcomes.partnerships.append(record)
            self._keep("partnership", cells, record)

    def _contact(self, cells: RowReader) -> None:
        record = Contact(
            id=cells.text("id", required=True),
            name=cells.text("name"),
            date=cells.date("date", required=True) or "",
            partners=tuple(o.id for o in self._partners(cells, required=True)),
            parties=tuple(self._parties(cells)),
            description=cells.text("description"),
        )
        if record.id:
            self.result.outcomes.contacts.append(record)
            self._keep("contact", cells, record)

    def _milestone(self, cells: RowReader) -> None:
        self._status(cells, "milestone", self.directory.milestones, self.result.outcomes.milestones)

    def _deliverable(self, cells: RowReader) -> None:
        self._status(cells, "deliverable", self.directory.deliverables, self.result.outcomes.deliverables)

    def _status(self, cells: RowReader, kind: str, plan: dict[str, str], into: list[Status]) -> None:
        """A milestone or deliverable of the action's plan, named by id (``D1.1``) or name."""
        raw = cells.text("id", required=True)
        if not raw:
            return
        by_spelling = {fold(i): i for i in plan} | {fold(name): i for i, name in plan.items()}
        known = by_spelling.get(fold(raw)) or by_spelling.get(fold(raw.replace(" ", "")))
        if known is None:
            guess = closest_id(raw, plan) or closest(raw, list(plan.values()))
            cells.problem("outcome_not_planned", "id", raw, what=kind,
                          suggestion=did_you_mean(by_spelling.get(fold(guess)) if guess else None),
                          allowed=", ".join(plan))
            return
        record = Status(known, _flag(cells, "achieved", required=True), cells.date("date") or "",
                        cells.text("comment"))
        into.append(record)
        self._keep(kind, cells, record)

    # --- references ------------------------------------------------------------------

    def _countries(self, cells: RowReader, single: bool = False, required: bool = False,
                   third_only: bool = True) -> list[str]:
        """Countries as alpha-2 codes, each once; EU and COSME countries are refused when ``third_only``."""
        raw = cells.raw("country")
        if not raw:
            if required:
                cells.problem("required_empty", "country")
            return [""] if single else []
        parts = [raw] if single else split_multi(raw)
        codes: list[str] = []
        for part in parts:
            code = markets.resolve_country(part)
            if code is None:
                cells.problem("unknown_country", "country", part, suggestion=did_you_mean(markets.suggest_country(part)))
            elif third_only and code in self.directory.excluded_countries:
                cells.problem("outcome_not_third_country", "country", part, country=markets.country_name(code))
            elif code not in codes:
                codes.append(code)
        if single:
            return codes[:1] or [""]
        return codes

    def _meeting_country(self, cells: RowReader, partners: list[PartnerOrg]) -> str:
        found = {o.country for o in partners}
        if cells.raw("country"):
            given = self._countries(cells, single=True)[0]
            for org in partners:
                if given and org.country != given:
                    cells.problem("outcome_partner_country", "country", cells.raw("country"), partner=org.name,
                                  partner_country=markets.country_name(org.country),
                                  country=markets.country_name(given))
            return given
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            cells.problem("outcome_country_ambiguous", "country",
                          countries=", ".join(markets.country_name(c) for c in sorted(found)))
        return ""

    def _mission(self, cells: RowReader) -> Mission | None:
        raw = cells.raw("mission")
        if not raw:
            return None
        mission = self.missions.get(raw.casefold())
        if mission is None:
            cells.problem("unknown_reference", "mission", raw, what="mission",
                          suggestion=did_you_mean(closest_id(raw, self.directory.missions)))
        return mission

    def _event_ref(self, cells: RowReader) -> Event | None:
        raw = cells.raw("event")
        if not raw:
            return None
        event = self.events.get(raw.casefold())
        if event is None:
            ids = [e.id for e in self.events.values()]
            cells.problem("unknown_reference", "event", raw, what="event", suggestion=did_you_mean(closest_id(raw, ids)))
        return event

    def _parties(self, cells: RowReader, required: bool = False) -> list[Party]:
        """European parties: cluster codes (or labels), or members by key, org_id or name."""
        parts = split_multi(cells.raw("parties"))
        if not parts and required:
            cells.problem("required_empty", "parties")
        parties: list[Party] = []
        for part in parts:
            party = self._party(cells, part)
            if party is not None and party.key not in {p.key for p in parties}:
                parties.append(party)
        return parties

    def _party(self, cells: RowReader, text: str) -> Party | None:
        code = self.clusters.get(fold(text))
        if code is not None:
            return Party("cluster", code, self.directory.clusters.get(code, code), "cluster", code)
        org_id = text.replace(" ", "").upper()
        hits = [m for m in self.directory.members
                if m.key == text or (m.org_id and m.org_id == org_id) or fold(m.name) == fold(text)]
        if len(hits) == 1:
            m = hits[0]
            return Party("member", m.key, m.name, m.org_type, m.cluster)
        if hits:
            cells.problem("ambiguous", "parties", text, what="member", allowed=", ".join(m.key for m in hits))
            return None
        options = [*self.directory.clusters, *(m.name for m in self.directory.members)]
        cells.problem("outcome_unknown_party", "parties", text, suggestion=did_you_mean(closest(text, options)),
                      clusters=", ".join(self.directory.clusters) or "none yet")
        return None

    def _partners(self, cells: RowReader, required: bool = False) -> list[PartnerOrg]:
        """Third-country organisations by id or name (this file's and those already stored)."""
        parts = split_multi(cells.raw("partners"))
        if not parts and required:
            cells.problem("required_empty", "partners")
        found: list[PartnerOrg] = []
        for part in parts:
            org = self.orgs.get(part.casefold())
            if org is None:
                hits = [o for o in self.orgs.values() if fold(o.name) == fold(part)]
                if len(hits) > 1:
                    cells.problem("ambiguous", "partners", part, what="organisation",
                                  allowed=", ".join(o.id for o in hits))
                    continue
                org = hits[0] if hits else None
            if org is None:
                options = [*(o.name for o in self.orgs.values()), *(o.id for o in self.orgs.values())]
                cells.problem("outcome_unknown_partner", "partners", part,
                              suggestion=did_you_mean(closest(part, options)))
            elif org.id not in {o.id for o in found}:
                found.append(org)
        return found


def closest_id(raw: str, ids: Iterable[str]) -> str | None:
    """The id ``raw`` most likely means: the same id but for leading zeros (``M6`` -> ``M06``), else the closest."""
    ids = list(ids)

    def bare(text: str) -> str:
        return _LEADING_ZEROS.sub(r"\1", fold(text))

    same = [i for i in ids if bare(i) == bare(raw)]
    return same[0] if len(same) == 1 else closest(raw, ids)


def _term(cells: RowReader, name: str, terms: tuple[v.Term, ...], required: bool = False) -> str | None:
    value = cells.text(name, required)
    if not value:
        return None
    code = v.lookup(terms, value)
    if code is None:
        _unknown(cells, name, value, terms)
    return code


def _terms(cells: RowReader, name: str, terms: tuple[v.Term, ...], required: bool = False) -> list[str]:
    parts = split_multi(cells.raw(name))
    if not parts and required:
        cells.problem("required_empty", name)
    found: list[str] = []
    for part in parts:
        code = v.lookup(terms, part)
        if code is None:
            _unknown(cells, name, part, terms)
        elif code not in found:
            found.append(code)
    return found


def _unknown(cells: RowReader, name: str, value: str, terms: Iterable[v.Term]) -> None:
    terms = list(terms)
    by_spelling = {s: t.code for t in terms for s in (t.code, t.label)}
    guess = closest(value, by_spelling)
    allowed = ", ".join(f"{t.code} ({t.number})" if t.number is not None else t.code for t in terms)
    cells.problem("unknown_choice", name, value, suggestion=did_you_mean(by_spelling.get(guess) if guess else None),
                  allowed=allowed)


def _flag(cells: RowReader, name: str, required: bool = False) -> bool:
    if required and not cells.raw(name):
        cells.problem("required_empty", name)
        return False
    value = fold(cells.raw(name))
    if value in _YES:
        return True
    if value not in _NO:
        cells.problem("outcome_bad_flag", name, cells.raw(name))
    return False


def _id(mission: Mission | None) -> str | None:
    return mission.id if mission else None
