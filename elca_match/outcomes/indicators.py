"""The progress report's tables, computed from outcome records: pure functions, no database.

Counting rules (the template's, part II of the progress report):

* every table is cumulative: it counts every record dated from ``start`` (default: the
  beginning of the action) to ``end`` (default: no end), both days included;
* one row per target third country; an event that targets two countries is counted in
  both rows and listed once below the table; the TOTAL row counts it once;
* the stakeholder table counts distinct organisations: European parties in the row of
  every country their event, meeting or case targets, third-country organisations in the
  row of their own country; its TOTAL counts each organisation once;
* a cooperation case is one record however many parties signed it: it counts once in
  each table and once in the call indicators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


from .. import markets
from ..records.outcomes import Case, Event, Meeting, Outcomes, PartnerOrg, Partnership, Party, Status
from ..resources import builtin_path
from . import vocabulary as v
from .action import Action, read_settings

TARGETS_FILE = "targets.yaml"
INDICATOR_CODES = ("clusters_benefited", "cooperation_agreements", "business_agreements", "events", "meetings",
                   "smes_benefited", "smes_growth")
# Indicators the template gives no target (the survey at the end of the action).
UNTARGETED = frozenset({"smes_growth"})
PROJECT_INDICATOR_CODES = ("stakeholders_reached", "partnerships_cross_fertilised", "third_country_contacts",
                           "cross_fertilisation_events", "other_sectors", "communication_plan", "articles",
                           "consortium_meetings")
# Agreement classes of call indicator 2's target breakdown, with the template's names.
AGREEMENT_CLASSES = {"cluster_cluster": "Cluster/Cluster", "cluster_intermediary": "Clusters/intermediaries",
                     "sme_sme": "SME/SME", "other": "Other"}
# Call indicator 4's breakdown: events of work package 2 (third countries) and 3 (Europe).
WORK_PACKAGES = {"wp2": "WP 2", "wp3": "WP 3"}
# Events for cross-fertilisation and monitoring, by kind, with the template's names.
WP3_KINDS = {"national_workshop": "National workshops",
             "international_meeting": "International meetings with other clusters, intermediary organisations",
             "international_event": "Other international events with clusters not initially included in the "
                                    "consortium"}
BREAKDOWNS = {**AGREEMENT_CLASSES, **WORK_PACKAGES, **WP3_KINDS}
DEFAULT_MOBILITY = ("automotive", "aerospace", "rail", "maritime")


# --- targets -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    """One call indicator: what the tool counts, the template's wording, and the target."""

    code: str
    label: str
    target: int | None
    breakdown: dict[str, int] = field(default_factory=dict)
    note: str = ""
    deliverables: tuple[str, ...] = ()  # communication_plan: the deliverables that are the plan


@dataclass(frozen=True)
class Targets:
    """The call indicators and other project indicators with their targets, and the countries
    that are not third countries."""

    indicators: tuple[Indicator, ...]
    excluded_countries: frozenset[str]
    project_indicators: tuple[Indicator, ...] = ()
    mobility_sectors: frozenset[str] = frozenset(DEFAULT_MOBILITY)


def load_targets(path: str | Path | None = None) -> Targets:
    """Read the targets file (default: the action's, shipped in ``builtin/targets.yaml``).

    EU member states (the ``eu`` region) are always excluded from third countries; the
    file adds the other COSME countries.
    """
    path = Path(path) if path is not None else builtin_path(TARGETS_FILE)
    data, fail = read_settings(path)
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise fail("it needs a list `indicators` of {code, label, target}")

    def read(items: object, codes: tuple[str, ...], what: str) -> tuple[Indicator, ...]:
        found = []
        for position, item in enumerate(items if isinstance(items, list) else [], 1):
            if not isinstance(item, dict) or item.get("code") not in codes:
                raise fail(f"{what} {position} has no known code (use one of: {', '.join(codes)})")
            target = item.get("target")
            if target is None and item["code"] in UNTARGETED:
                pass
            elif isinstance(target, bool) or not isinstance(target, int) or target < 0:
                raise fail(f"{what} {item['code']} needs a target that is a whole number of at least 0")
            breakdown = item.get("breakdown") or {}
            if not isinstance(breakdown, dict) or any(k not in BREAKDOWNS or not isinstance(n, int)
                                                      for k, n in breakdown.items()):
                raise fail(f"{what} {item['code']} has a breakdown that is not "
                           f"{{{', '.join(BREAKDOWNS)}: number}}")
            found.append(Indicator(item["code"], str(item.get("label") or item["code"]), target, dict(breakdown),
                                   str(item.get("note") or ""),
                                   tuple(str(d) for d in item.get("deliverables") or ())))
        return tuple(found)

    indicators = read(data["indicators"], INDICATOR_CODES, "indicator")
    project = read(data.get("project_indicators"), PROJECT_INDICATOR_CODES, "project indicator")
    excluded = set(markets.regions().get("eu", ()))
    for raw in data.get("cosme_countries") or []:
        code = markets.resolve_country(str(raw))
        if code is None:
            raise fail(f"cosme_countries names {raw!r}, which is not a country")
        excluded.add(code)
    mobility = frozenset(str(c) for c in data.get("mobility_sectors") or DEFAULT_MOBILITY)
    return Targets(indicators, frozenset(excluded), project, mobility)


# --- the report ----------------------------------------------------------------------------

@dataclass
class EventRow:
    """Table 2: events and meetings for one target third country (or the TOTAL)."""

    country: str  # alpha-2, or "" for the TOTAL row
    country_name: str
    preparatory: int = 0
    c2c_events: int = 0
    c2c_meetings: int = 0
    b2b_events: int = 0
    b2b_meetings: int = 0


@dataclass
class ListedEvent:
    """An event as listed once below table 2, with every country it targeted."""

    id: str
    name: str
    date: str
    kind: str
    countries: list[str]
    country_names: list[str]
    organised: bool = False

    @property
    def line(self) -> str:
        """``'Toulouse Textile Show (2027-03-09, B2B event): Australia and Japan'``."""
        label = v.term(v.EVENT_KINDS, self.kind).label.split(" (")[0]
        return f"{self.name} ({self.date}, {label}): {_and(self.country_names)}"


@dataclass
class StakeholderRow:
    """Table 3: distinct organisations involved for one target third country (or the TOTAL)."""

    country: str
    country_name: str
    eu_clusters: list[str] = field(default_factory=list)  # names, sorted
    eu_smes: list[str] = field(default_factory=list)
    third_intermediaries: list[str] = field(default_factory=list)
    third_businesses: list[str] = field(default_factory=list)

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (len(self.eu_clusters), len(self.eu_smes), len(self.third_intermediaries),
                len(self.third_businesses))


@dataclass
class CaseEntry:
    """One cooperation case as the overview tables show it."""

    id: str
    name: str
    description: str
    status: str
    objectives: str  # template category numbers: "1, 13"
    sector_technology: str
    partners: str  # names (table 4) or "type (name)" (table 5); names hidden when confidential
    case_type: int


@dataclass
class CaseCell:
    """Tables 4 and 5: the cases of one country (and, in table 4, one case type)."""

    country: str
    country_name: str
    case_type: int | None  # 1-4 in table 4; None in table 5
    cases: list[CaseEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cases)


@dataclass
class CallIndicatorRow:
    """One row of the call-indicator (or other project indicator) table: achieved against target."""

    code: str
    label: str
    achieved: int | str
    target: int | None
    comment: str
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)  # class -> {achieved, target}


@dataclass
class CaseDetail:
    """Section 6 a) or b): one cooperation case with its European parties, partners and steps."""

    case_id: str
    eu_parties: str  # the clusters (a) or SMEs (b) of the case, by name
    sector: str
    partner_names: str  # "confidential (type)" when the case is confidential
    partner_countries: str
    description: str
    main_steps: str
    next_steps: str


@dataclass
class OtherCase:
    """Section 6 c): a cooperation with another cluster partnership, an EU initiative or other."""

    id: str
    kind: str
    number: int
    name: str
    date: str
    parties: str
    description: str
    main_steps: str
    next_steps: str


@dataclass
class PlanRow:
    """Part I, table 1 or 2: a milestone or deliverable of the plan with its status."""

    id: str
    name: str
    due: str  # "M6 (2026-06-30)" or "M6 / M8 (2026-08-31)"
    achieved: bool
    date: str
    comment: str
    wp: str = ""
    lead: str = ""
    type: str = ""
    dissemination: str = ""


@dataclass
class Growth:
    """Call indicator 7 from the survey: the SMEs with a cooperation case, first against latest answer."""

    smes: int  # member SMEs party to a counted cooperation case
    answered_twice: int  # of those, how many have two or more submissions
    export_smes: int  # answered export_share in the first and in the latest submission
    export_share_first: float | None  # mean, percent
    export_share_latest: float | None
    employee_smes: int  # answered employees in the first and in the latest submission
    employees_first: int
    employees_latest: int

    @property
    def summary(self) -> str:
        """The achieved cell: the change in export share and in employment."""
        parts = []
        if self.export_smes and self.export_share_first is not None and self.export_share_latest is not None:
            change = self.export_share_latest - self.export_share_first
            parts.append(f"export share {change:+.1f} points ({self.export_share_first:.1f}% to "
                         f"{self.export_share_latest:.1f}%, {self.export_smes} SMEs)")
        if self.employee_smes and self.employees_first:
            change = 100 * (self.employees_latest - self.employees_first) / self.employees_first
            parts.append(f"employment {change:+.1f}% ({self.employees_first} to {self.employees_latest} "
                         f"employees, {self.employee_smes} SMEs)")
        return "; ".join(parts) or "not yet measured"


@dataclass
class Period:
    """The window counted, and how many dated records fall before and after it (never silently)."""

    start: str | None
    end: str | None
    label: str  # "from 2027-01-01 to 2027-06-30 (period 3, months 13-18)"
    before: dict[str, int] = field(default_factory=dict)  # record kind -> records dated before the start
    after: dict[str, int] = field(default_factory=dict)  # record kind -> records dated after the end


@dataclass
class IndicatorReport:
    """Every table of the progress report's template that the records answer, in its order."""

    start: str | None
    end: str | None
    countries: list[str]
    call_indicators: list[CallIndicatorRow]
    events: list[EventRow]
    events_total: EventRow
    event_list: list[ListedEvent]
    stakeholders: list[StakeholderRow]
    stakeholders_total: StakeholderRow
    cluster_cases: list[CaseCell]
    cluster_cases_total: int
    cluster_cases_by_type: dict[int, int]
    sme_cases: list[CaseCell]
    sme_cases_total: int
    sme_case_other_members: list[str]  # cases with member parties but no SME, left out of table 5
    counted: dict[str, int]  # records in the window, per kind
    project_indicators: list[CallIndicatorRow] = field(default_factory=list)
    milestones: list[PlanRow] = field(default_factory=list)
    deliverables: list[PlanRow] = field(default_factory=list)
    cluster_details: list[CaseDetail] = field(default_factory=list)
    sme_details: list[CaseDetail] = field(default_factory=list)
    other_cases: list[OtherCase] = field(default_factory=list)
    growth: Growth | None = None
    period: Period | None = None


# A member's answers in one survey submission: (submitted_at, export_share, employees).
Submission = tuple[str, int | None, int | None]


def in_window(date: str, start: str | None, end: str | None) -> bool:
    """Is the ISO ``date`` within ``start``..``end`` (both included, either open)?"""
    return bool(date) and (start is None or date >= start) and (end is None or date <= end)


def outside(outcomes: Outcomes, start: str | None, end: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """How many dated records of each kind fall before ``start`` and after ``end``.

    Milestone and deliverable statuses are never "before": part I shows every one up to ``end``.
    """
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for attr in ("events", "meetings", "cases", "disseminations", "consortium_meetings", "partnerships", "contacts",
                 "milestones", "deliverables"):
        cumulative = attr in ("milestones", "deliverables")
        for record in getattr(outcomes, attr):
            if record.date and start and record.date < start and not cumulative:
                before[attr] = before.get(attr, 0) + 1
            elif record.date and end and record.date > end:
                after[attr] = after.get(attr, 0) + 1
    return before, after


def compute_report(outcomes: Outcomes, targets: Targets, start: str | None = None, end: str | None = None,
                   sector_labels: dict[str, str] | None = None, action: Action | None = None,
                   survey: dict[str, list[Submission]] | None = None, period_label: str = "") -> IndicatorReport:
    """The template's tables for the records dated ``start``..``end`` (ISO dates, both included).

    ``action`` gives the milestones and deliverables (part I); ``survey`` every submission of
    each member (by key) for call indicator 7. See ``docs/indicators.md`` for every rule.
    """
    def window(items):
        return sorted((r for r in items if in_window(r.date, start, end)), key=lambda r: (r.date, r.id))

    all_events = window(outcomes.events)
    events = [e for e in all_events if not e.wp3]  # table 2 counts the third-country events of WP 2
    meetings = window(outcomes.meetings)
    cases = window(outcomes.cases)
    orgs = outcomes.org_index()
    records: list[tuple[tuple[str, ...], tuple[Party, ...], tuple[str, ...]]] = (
        [(e.countries, e.parties, e.partners) for e in events]
        + [((m.country,), m.parties, m.partners) for m in meetings]
        + [(c.countries, c.parties, c.partners) for c in cases])
    countries: set[str] = set()
    for targeted, _, partners in records:
        countries.update(c for c in targeted if c)
        countries.update(orgs[p.casefold()].country for p in partners if p.casefold() in orgs)
    ordered = sorted(countries, key=lambda c: (_name(c), c))
    labels = sector_labels or {}
    # A partner of any confidential case is never named, not even in the stakeholder list.
    hidden = {p.casefold() for c in outcomes.cases if c.confidential for p in c.partners}
    cluster_cases, sme_cases, others = _case_tables(cases, ordered, orgs, labels)
    before, after = outside(outcomes, start, end)
    growth = _growth(cases, survey or {}, end)
    counted = {"events": len(all_events), "meetings": len(meetings), "cases": len(cases)}
    for attr in ("disseminations", "consortium_meetings", "partnerships", "contacts"):
        counted[attr] = len(window(getattr(outcomes, attr)))
    return IndicatorReport(
        start=start, end=end, countries=ordered,
        call_indicators=_call_indicators(targets, all_events, meetings, cases, records, orgs, growth),
        events=[_event_row(c, events, meetings) for c in ordered],
        events_total=_event_total(events, meetings),
        event_list=[ListedEvent(e.id, e.name, e.date, e.kind, list(e.countries), [_name(c) for c in e.countries],
                                e.organised) for e in events],
        stakeholders=[_stakeholder_row(c, records, orgs, hidden) for c in ordered],
        stakeholders_total=_stakeholder_row(None, records, orgs, hidden),
        cluster_cases=cluster_cases,
        cluster_cases_total=len({e.id for cell in cluster_cases for e in cell.cases}),
        cluster_cases_by_type={t: len({e.id for cell in cluster_cases if cell.case_type == t for e in cell.cases})
                               for t in (1, 2, 3, 4)},
        sme_cases=sme_cases,
        sme_cases_total=len({e.id for cell in sme_cases for e in cell.cases}),
        sme_case_other_members=others,
        counted=counted,
        project_indicators=_project_indicators(targets, outcomes, all_events, meetings, cases, start, end, orgs,
                                               action),
        milestones=_plan_rows(action.milestones, outcomes.milestones, action, end) if action else [],
        deliverables=_plan_rows(action.deliverables, outcomes.deliverables, action, end) if action else [],
        cluster_details=[_detail(c, orgs, labels, clusters=True) for c in cases if _by_clusters(c)],
        sme_details=[_detail(c, orgs, labels, clusters=False) for c in cases if _by_smes(c)],
        other_cases=[_other_case(p) for p in sorted(window(outcomes.partnerships),
                                                   key=lambda p: (_partnership_number(p.kind), p.date, p.id))],
        growth=growth,
        period=Period(start, end, period_label or _period_words(start, end), before, after),
    )


def _period_words(start: str | None, end: str | None) -> str:
    return f"{f'from {start}' if start else 'from the start of the action'} {f'to {end}' if end else 'to date'}"


def _name(code: str) -> str:
    return markets.country_name(code) if code else "TOTAL"


def _and(names: list[str]) -> str:
    if not names:
        return "Europe"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _event_row(country: str, events: list[Event], meetings: list[Meeting]) -> EventRow:
    def events_of(kind: str) -> int:
        return sum(1 for e in events if e.kind == kind and country in e.countries)

    def meetings_of(kind: str) -> int:
        return sum(1 for m in meetings if m.kind == kind and m.country == country)

    return EventRow(country, _name(country), events_of("preparatory"), events_of("c2c"), meetings_of("c2c"),
                    events_of("b2b"), meetings_of("b2b"))


def _event_total(events: list[Event], meetings: list[Meeting]) -> EventRow:
    def count(items: Iterable, kind: str) -> int:
        return sum(1 for item in items if item.kind == kind)

    return EventRow("", "TOTAL", count(events, "preparatory"), count(events, "c2c"), count(meetings, "c2c"),
                    count(events, "b2b"), count(meetings, "b2b"))


def _stakeholder_row(country: str | None, records, orgs: dict[str, PartnerOrg], hidden: set[str]) -> StakeholderRow:
    """Distinct organisations for ``country`` (None: across all countries, for the TOTAL row).

    Organisations in ``hidden`` (folded ids) are listed by type only.
    """
    clusters: dict[tuple[str, str], str] = {}
    smes: dict[tuple[str, str], str] = {}
    third: dict[str, PartnerOrg] = {}
    for targeted, parties, partners in records:
        if country is None or country in targeted:
            for party in parties:
                if party.is_cluster:
                    clusters[party.key] = party.name
                elif party.is_sme:
                    smes[party.key] = party.name
        for partner in partners:
            org = orgs.get(partner.casefold())
            if org is not None and (country is None or org.country == country):
                third[org.id] = org

    def shown(org: PartnerOrg) -> str:
        if org.id.casefold() in hidden:
            return f"confidential ({v.term(v.PARTNER_TYPES, org.org_type).label.lower()})"
        return org.name

    return StakeholderRow(
        country or "", _name(country or ""), sorted(clusters.values()), sorted(smes.values()),
        sorted(shown(o) for o in third.values() if not o.is_business),
        sorted(shown(o) for o in third.values() if o.is_business))


def _by_clusters(case: Case) -> bool:
    """Table 4 and section 6 a): a European cluster is a party."""
    return any(p.is_cluster for p in case.parties)


def _by_smes(case: Case) -> bool:
    """Table 5 and section 6 b): a member SME is a party (a university or large firm alone is not enough)."""
    return any(p.is_sme for p in case.parties)


def _case_tables(cases: list[Case], countries: list[str], orgs: dict[str, PartnerOrg],
                 sector_labels: dict[str, str]) -> tuple[list[CaseCell], list[CaseCell], list[str]]:
    """Table 4 (cases with a European cluster party) and table 5 (cases with a member SME party)."""
    cluster_cells = [CaseCell(c, _name(c), t) for c in countries for t in (1, 2, 3, 4)]
    sme_cells = [CaseCell(c, _name(c), None) for c in countries]
    left_out: list[str] = []
    for case in cases:
        number = v.case_type_number(case.case_type)
        members = [p for p in case.parties if p.kind == "member" and not p.is_cluster]
        for country in case.countries:
            if _by_clusters(case):
                cell = next(x for x in cluster_cells if x.country == country and x.case_type == number)
                cell.cases.append(_entry(case, orgs, sector_labels, with_type=False))
            if _by_smes(case):
                cell = next(x for x in sme_cells if x.country == country)
                cell.cases.append(_entry(case, orgs, sector_labels, with_type=True))
        if members and not _by_smes(case):
            who = ", ".join(f"{p.name}, {p.org_type}" for p in members)
            left_out.append(f"{case.name} ({who})")
    return cluster_cells, sme_cells, left_out


def _partner_label(org: PartnerOrg | None) -> str:
    return v.term(v.PARTNER_TYPES, org.org_type).label if org is not None and org.org_type else "organisation"


def _entry(case: Case, orgs: dict[str, PartnerOrg], sector_labels: dict[str, str], with_type: bool) -> CaseEntry:
    partners = [orgs[p.casefold()] for p in case.partners if p.casefold() in orgs]
    shown = []
    for org in partners:
        kind = _partner_label(org)
        if with_type:
            shown.append(kind if case.confidential else f"{kind} ({org.name})")
        else:
            shown.append(f"confidential ({kind.lower()})" if case.confidential else org.name)
    return CaseEntry(case.id, case.name, case.description, case.status,
                     ", ".join(v.objective_number(o) for o in case.objectives), _sector_technology(case, sector_labels),
                     ", ".join(shown), v.case_type_number(case.case_type))


def _sector_technology(case: Case, sector_labels: dict[str, str]) -> str:
    sectors = ", ".join(sector_labels.get(s, s) for s in case.sectors)
    return " / ".join(part for part in (sectors, case.technology) if part)


def _detail(case: Case, orgs: dict[str, PartnerOrg], sector_labels: dict[str, str], clusters: bool) -> CaseDetail:
    """Section 6 a) (``clusters``) or b): the case's clusters or SMEs, its partners and its steps."""
    parties = [p for p in case.parties if (p.is_cluster if clusters else p.is_sme)]
    names = ", ".join(p.ref if p.kind == "cluster" else p.name for p in parties)
    partners = [orgs.get(p.casefold()) for p in case.partners]
    shown = [f"confidential ({_partner_label(o).lower()})" if case.confidential else (o.name if o else ref)
             for o, ref in zip(partners, case.partners)]
    countries = sorted({o.country for o in partners if o is not None} or set(case.countries))
    description = f"{case.name}: {case.description}" if case.description else case.name
    return CaseDetail(case.id, names, _sector_technology(case, sector_labels), ", ".join(shown),
                      ", ".join(markets.country_name(c) for c in countries), description, case.main_steps,
                      case.next_steps)


def _partnership_number(kind: str) -> int:
    return v.term(v.PARTNERSHIP_KINDS, kind).number or 3


def _other_case(partnership: Partnership) -> OtherCase:
    parties = ", ".join(p.ref if p.kind == "cluster" else p.name for p in partnership.parties)
    return OtherCase(partnership.id, partnership.kind, _partnership_number(partnership.kind), partnership.name,
                     partnership.date, parties, partnership.description, partnership.main_steps,
                     partnership.next_steps)


def agreement_class(case: Case, orgs: dict[str, PartnerOrg]) -> str:
    """Which part of indicator 2's target an agreement counts towards (see AGREEMENT_CLASSES)."""
    partners = [orgs[p.casefold()] for p in case.partners if p.casefold() in orgs]
    if any(p.is_cluster for p in case.parties):
        if any(o.org_type == "cluster" for o in partners):
            return "cluster_cluster"
        if any(not o.is_business for o in partners):
            return "cluster_intermediary"
    if any(p.kind == "member" and not p.is_cluster for p in case.parties) and any(o.is_business for o in partners):
        return "sme_sme"
    return "other"


def _growth(cases: list[Case], survey: dict[str, list[Submission]], end: str | None) -> Growth:
    """Call indicator 7: first against latest survey answer of the SMEs with a cooperation case.

    Submissions dated after ``end`` are not used; a member needs two submissions, and a
    value in both, to count for a measure.
    """
    smes = sorted({p.ref for c in cases for p in c.parties if p.is_sme})
    twice = 0
    shares: list[tuple[int, int]] = []
    staff: list[tuple[int, int]] = []
    for key in smes:
        # In submission order (the store's), then by date where one is given: a stable sort keeps ties in order.
        answers = sorted((s for s in survey.get(key, []) if not end or not s[0] or s[0][:10] <= end),
                         key=lambda s: s[0])
        if len(answers) < 2:
            continue
        twice += 1
        first, latest = answers[0], answers[-1]
        if first[1] is not None and latest[1] is not None:
            shares.append((first[1], latest[1]))
        if first[2] is not None and latest[2] is not None:
            staff.append((first[2], latest[2]))

    def mean(values: list[int]) -> float | None:
        return sum(values) / len(values) if values else None

    return Growth(len(smes), twice, len(shares), mean([a for a, _ in shares]), mean([b for _, b in shares]),
                  len(staff), sum(a for a, _ in staff), sum(b for _, b in staff))


def _shortfall(got: int | str, target: int | None) -> list[str]:
    if isinstance(got, int) and target is not None and got < target:
        return [f"{target - got} below target"]
    return []


def _call_indicators(targets: Targets, events: list[Event], meetings: list[Meeting], cases: list[Case],
                     records, orgs: dict[str, PartnerOrg], growth: Growth) -> list[CallIndicatorRow]:
    clusters = {p.key: p for _, parties, _ in records for p in parties if p.is_cluster}
    smes = {p.key: p for c in cases for p in c.parties if p.is_sme}
    signed = {kind: [c for c in cases if c.agreement == kind and c.status in v.SIGNED_STATUSES]
              for kind in ("cooperation", "business")}
    organised = [e for e in events if e.organised]
    by_wp = {"wp2": [e for e in organised if not e.wp3], "wp3": [e for e in organised if e.wp3]}
    achieved: dict[str, int | str] = {
        "clusters_benefited": len(clusters),
        "cooperation_agreements": len(signed["cooperation"]),
        "business_agreements": len(signed["business"]),
        "events": len(organised),
        "meetings": len(meetings),
        "smes_benefited": len(smes),
        "smes_growth": growth.summary,
    }
    comments = {
        "clusters_benefited": ", ".join(sorted(p.ref if p.kind == "cluster" else p.name for p in clusters.values())),
        "business_agreements": ", ".join(c.name for c in signed["business"]),
        "meetings": ", ".join(f"{kind.upper()} {sum(1 for m in meetings if m.kind == kind)}"
                              for kind in v.codes(v.MEETING_KINDS)),
        "smes_benefited": ", ".join(sorted(p.name for p in smes.values())),
        "smes_growth": (f"survey: {growth.answered_twice} of the {growth.smes} SMEs with a cooperation case answered "
                        "the survey twice (first and latest submission compared)"),
    }
    rows = []
    for indicator in targets.indicators:
        got = achieved[indicator.code]
        breakdown: dict[str, dict[str, int]] = {}
        comment = comments.get(indicator.code, "")
        if indicator.code == "cooperation_agreements":
            classes = [agreement_class(c, orgs) for c in signed["cooperation"]]
            for name in AGREEMENT_CLASSES:
                wanted = indicator.breakdown.get(name)
                if wanted is not None or name in classes:
                    breakdown[name] = {"achieved": classes.count(name), "target": wanted or 0}
            comment = ", ".join(f"{AGREEMENT_CLASSES[k]}: {b['achieved']} of {b['target']}" for k, b in breakdown.items())
        if indicator.code == "events":
            breakdown = {wp: {"achieved": len(found), "target": indicator.breakdown.get(wp, 0)}
                         for wp, found in by_wp.items()}
            comment = ", ".join(f"{WORK_PACKAGES[wp]}: {b['achieved']}"
                                + (f" of {b['target']}" if indicator.breakdown else "") for wp, b in breakdown.items())
            comment += (f"; organised, of {len(events)} events recorded (attended ones count in table 2)"
                        if events else "")
            comment += "".join(f"; {e.name} ({e.date}, {_where(e)})" for e in organised)
        parts = [p for p in (comment, indicator.note and f"target {indicator.note}") if p]
        parts += _shortfall(got, indicator.target)
        rows.append(CallIndicatorRow(indicator.code, indicator.label, got, indicator.target, "; ".join(parts),
                                     breakdown))
    return rows


def _where(event: Event) -> str:
    return ", ".join(markets.country_name(c) for c in event.countries) or "Europe"


def _project_indicators(targets: Targets, outcomes: Outcomes, events: list[Event], meetings: list[Meeting],
                        cases: list[Case], start: str | None, end: str | None, orgs: dict[str, PartnerOrg],
                        action: Action | None) -> list[CallIndicatorRow]:
    """The template's "Other project indicators" (see docs/indicators.md for each rule)."""
    def window(items):
        return [r for r in items if in_window(r.date, start, end)]

    spread = window(outcomes.disseminations)
    contacts = window(outcomes.contacts)
    wp3 = [e for e in events if e.wp3]
    # Associations and clusters of third countries: contacted directly or met at any counted record.
    contacted = {p.casefold() for record in (*contacts, *events, *meetings, *cases) for p in record.partners}
    associations = sorted(orgs[p].name for p in contacted if p in orgs and orgs[p].org_type in ("cluster",
                                                                                              "intermediary"))
    other_sectors = sorted({s for c in cases for s in c.sectors if s not in targets.mobility_sectors})
    reach = {"SMEs": sum(d.smes for d in spread), "RTOs": sum(d.rtos for d in spread),
             "clusters, intermediaries": sum(d.clusters for d in spread),
             "policy actors": sum(d.policy for d in spread)}
    articles = [d for d in spread if d.channel == "article"]
    meetings_held = window(outcomes.consortium_meetings)
    partnerships = window(outcomes.partnerships)
    names = {d.id: d.name for d in action.deliverables} if action else {}
    rows = []
    for indicator in targets.project_indicators:
        breakdown: dict[str, dict[str, int]] = {}
        if indicator.code == "stakeholders_reached":
            got = sum(reach.values())
            comment = ("From that " + ", ".join(f"{n} {k}" for k, n in reach.items())) if got else ""
        elif indicator.code == "partnerships_cross_fertilised":
            got, comment = len(partnerships), ", ".join(p.name for p in partnerships)
        elif indicator.code == "third_country_contacts":
            got, comment = len(associations), ", ".join(associations)
        elif indicator.code == "cross_fertilisation_events":
            got = len(wp3)
            breakdown = {k: {"achieved": sum(1 for e in wp3 if e.kind == k), "target": indicator.breakdown.get(k, 0)}
                         for k in WP3_KINDS}
            comment = ", ".join(f"{WP3_KINDS[k]} {b['achieved']} of {b['target']}" for k, b in breakdown.items())
            comment += "".join(f"; {e.name} ({e.date}, {_where(e)})" for e in wp3)
        elif indicator.code == "other_sectors":
            got, comment = len(other_sectors), ", ".join(other_sectors)
        elif indicator.code == "communication_plan":
            wanted = {fold_id(d) for d in indicator.deliverables}
            done = [s for s in outcomes.deliverables if s.achieved and fold_id(s.id) in wanted
                    and (not s.date or in_window(s.date, None, end))]
            got = len(done)
            comment = ", ".join(f"{s.id} {names.get(s.id, '')} delivered {s.date}".replace("  ", " ").strip()
                                for s in done)
        elif indicator.code == "articles":
            got, comment = len(articles), ", ".join(f"{d.name} ({d.date})" for d in articles)
        else:  # consortium_meetings
            got, comment = len(meetings_held), ", ".join(f"{m.name} ({m.date})" for m in meetings_held)
        parts = [p for p in (comment, indicator.note) if p] + _shortfall(got, indicator.target)
        rows.append(CallIndicatorRow(indicator.code, indicator.label, got, indicator.target, "; ".join(parts),
                                     breakdown))
    return rows


def fold_id(text: str) -> str:
    """An id compared without case and spaces (``'D 4.1'`` is ``'d4.1'``)."""
    return text.replace(" ", "").casefold()


def _plan_rows(items, statuses: list[Status], action: Action, end: str | None) -> list[PlanRow]:
    """Part I tables 1 and 2: each planned item with its latest status up to ``end``."""
    known = {fold_id(s.id): s for s in statuses if not s.date or not end or s.date <= end}
    rows = []
    for item in items:
        due = f"M{item.due}" + (f" / M{item.revised_due}" if item.revised_due else "")
        due += f" ({action.month_end(item.revised_due or item.due)})"
        status = known.get(fold_id(item.id))
        rows.append(PlanRow(item.id, item.name, due, bool(status and status.achieved), status.date if status else "",
                            status.comment if status else "", item.wp, item.lead, item.type, item.dissemination))
    return rows
