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

import yaml

from .. import markets
from ..errors import InputError
from ..resources import builtin_path, load_yaml
from . import vocabulary as v
from .model import Case, Event, Meeting, Outcomes, Party, PartnerOrg

TARGETS_FILE = "targets.yaml"
INDICATOR_CODES = ("clusters_benefited", "cooperation_agreements", "business_agreements", "events", "meetings",
                   "smes_benefited")
# Agreement classes of call indicator 2's target breakdown, with the template's names.
AGREEMENT_CLASSES = {"cluster_cluster": "Cluster/Cluster", "cluster_intermediary": "Clusters/intermediaries",
                     "sme_sme": "SME/SME", "other": "Other"}


# --- targets -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    """One call indicator: what the tool counts, the template's wording, and the target."""

    code: str
    label: str
    target: int
    breakdown: dict[str, int] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Targets:
    """The call indicators with their targets, and the countries that are not third countries."""

    indicators: tuple[Indicator, ...]
    excluded_countries: frozenset[str]


def load_targets(path: str | Path | None = None) -> Targets:
    """Read the targets file (default: the action's, shipped in ``builtin/targets.yaml``).

    EU member states (the ``eu`` region) are always excluded from third countries; the
    file adds the other COSME countries.
    """
    path = Path(path) if path is not None else builtin_path(TARGETS_FILE)

    def fail(detail: str) -> InputError:
        return InputError.of("outcome_targets_invalid", file=path.name, detail=detail)

    try:
        data = load_yaml(path)
    except OSError:
        raise InputError.of("file_missing", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise fail(f"it is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise fail("it needs a list `indicators` of {code, label, target}")
    indicators = []
    for position, item in enumerate(data["indicators"], 1):
        if not isinstance(item, dict) or item.get("code") not in INDICATOR_CODES:
            raise fail(f"indicator {position} has no known code (use one of: {', '.join(INDICATOR_CODES)})")
        target = item.get("target")
        if isinstance(target, bool) or not isinstance(target, int) or target < 0:
            raise fail(f"indicator {item['code']} needs a target that is a whole number of at least 0")
        breakdown = item.get("breakdown") or {}
        if not isinstance(breakdown, dict) or any(k not in AGREEMENT_CLASSES or not isinstance(n, int)
                                                  for k, n in breakdown.items()):
            raise fail(f"indicator {item['code']} has a breakdown that is not "
                       f"{{{', '.join(AGREEMENT_CLASSES)}: number}}")
        indicators.append(Indicator(item["code"], str(item.get("label") or item["code"]), target,
                                    dict(breakdown), str(item.get("note") or "")))
    excluded = set(markets.regions().get("eu", ()))
    for raw in data.get("cosme_countries") or []:
        code = markets.resolve_country(str(raw))
        if code is None:
            raise fail(f"cosme_countries names {raw!r}, which is not a country")
        excluded.add(code)
    return Targets(tuple(indicators), frozenset(excluded))


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
    """One row of the call-indicator table: achieved against target."""

    code: str
    label: str
    achieved: int
    target: int
    comment: str
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)  # class -> {achieved, target}


@dataclass
class IndicatorReport:
    """Every table of the progress report's part II that the outcome records answer."""

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
    sme_case_other_members: list[str]  # members in table 5 that are not SMEs ("name (type)")
    counted: dict[str, int]  # records in the window, per kind


def in_window(date: str, start: str | None, end: str | None) -> bool:
    """Is the ISO ``date`` within ``start``..``end`` (both included, either open)?"""
    return bool(date) and (start is None or date >= start) and (end is None or date <= end)


def compute_report(outcomes: Outcomes, targets: Targets, start: str | None = None, end: str | None = None,
                   sector_labels: dict[str, str] | None = None) -> IndicatorReport:
    """The report's tables for the records dated ``start``..``end`` (ISO dates, both included)."""
    events = sorted((e for e in outcomes.events if in_window(e.date, start, end)), key=lambda e: (e.date, e.id))
    meetings = sorted((m for m in outcomes.meetings if in_window(m.date, start, end)), key=lambda m: (m.date, m.id))
    cases = sorted((c for c in outcomes.cases if in_window(c.date, start, end)), key=lambda c: (c.date, c.id))
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
    return IndicatorReport(
        start=start, end=end, countries=ordered,
        call_indicators=_call_indicators(targets, events, meetings, cases, records, orgs),
        events=[_event_row(c, events, meetings) for c in ordered],
        events_total=_event_total(events, meetings),
        event_list=[ListedEvent(e.id, e.name, e.date, e.kind, list(e.countries), [_name(c) for c in e.countries])
                    for e in events],
        stakeholders=[_stakeholder_row(c, records, orgs, hidden) for c in ordered],
        stakeholders_total=_stakeholder_row(None, records, orgs, hidden),
        cluster_cases=cluster_cases,
        cluster_cases_total=len({e.id for cell in cluster_cases for e in cell.cases}),
        cluster_cases_by_type={t: len({e.id for cell in cluster_cases if cell.case_type == t for e in cell.cases})
                               for t in (1, 2, 3, 4)},
        sme_cases=sme_cases,
        sme_cases_total=len({e.id for cell in sme_cases for e in cell.cases}),
        sme_case_other_members=others,
        counted={"events": len(events), "meetings": len(meetings), "cases": len(cases)},
    )


def _name(code: str) -> str:
    return markets.country_name(code) if code else "TOTAL"


def _and(names: list[str]) -> str:
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


def _case_tables(cases: list[Case], countries: list[str], orgs: dict[str, PartnerOrg],
                 sector_labels: dict[str, str]) -> tuple[list[CaseCell], list[CaseCell], list[str]]:
    """Table 4 (cases with a European cluster party) and table 5 (cases with a member party)."""
    cluster_cells = [CaseCell(c, _name(c), t) for c in countries for t in (1, 2, 3, 4)]
    sme_cells = [CaseCell(c, _name(c), None) for c in countries]
    others: dict[tuple[str, str], str] = {}
    for case in cases:
        number = v.case_type_number(case.case_type)
        by_clusters = any(p.is_cluster for p in case.parties)
        members = [p for p in case.parties if p.kind == "member" and not p.is_cluster]
        for country in case.countries:
            if by_clusters:
                cell = next(x for x in cluster_cells if x.country == country and x.case_type == number)
                cell.cases.append(_entry(case, orgs, sector_labels, with_type=False))
            if members:
                cell = next(x for x in sme_cells if x.country == country)
                cell.cases.append(_entry(case, orgs, sector_labels, with_type=True))
        for party in members:
            if party.org_type != "sme":
                others[party.key] = f"{party.name} ({party.org_type})"
    return cluster_cells, sme_cells, sorted(others.values())


def _entry(case: Case, orgs: dict[str, PartnerOrg], sector_labels: dict[str, str], with_type: bool) -> CaseEntry:
    partners = [orgs[p.casefold()] for p in case.partners if p.casefold() in orgs]
    shown = []
    for org in partners:
        kind = v.term(v.PARTNER_TYPES, org.org_type).label if org.org_type else "organisation"
        if with_type:
            shown.append(kind if case.confidential else f"{kind} ({org.name})")
        else:
            shown.append(f"confidential ({kind.lower()})" if case.confidential else org.name)
    sectors = ", ".join(sector_labels.get(s, s) for s in case.sectors)
    sector_technology = " / ".join(part for part in (sectors, case.technology) if part)
    return CaseEntry(case.id, case.name, case.description, case.status,
                     ", ".join(v.objective_number(o) for o in case.objectives), sector_technology,
                     ", ".join(shown), v.case_type_number(case.case_type))


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


def _call_indicators(targets: Targets, events: list[Event], meetings: list[Meeting], cases: list[Case],
                     records, orgs: dict[str, PartnerOrg]) -> list[CallIndicatorRow]:
    clusters = {p.key: p for _, parties, _ in records for p in parties if p.is_cluster}
    smes = {p.key for _, parties, _ in records for p in parties if p.is_sme}
    signed = {kind: [c for c in cases if c.agreement == kind and c.status in v.SIGNED_STATUSES]
              for kind in ("cooperation", "business")}
    achieved = {
        "clusters_benefited": len(clusters),
        "cooperation_agreements": len(signed["cooperation"]),
        "business_agreements": len(signed["business"]),
        "events": len(events),
        "meetings": len(meetings),
        "smes_benefited": len(smes),
    }
    comments = {
        "clusters_benefited": ", ".join(sorted(p.ref if p.kind == "cluster" else p.name for p in clusters.values())),
        "business_agreements": ", ".join(c.name for c in signed["business"]),
        "events": ", ".join(f"{kind} {sum(1 for e in events if e.kind == kind)}" for kind in v.codes(v.EVENT_KINDS))
                  + (f"; {len(events)} events listed under table 2" if events else ""),
        "meetings": ", ".join(f"{kind.upper()} {sum(1 for m in meetings if m.kind == kind)}"
                              for kind in v.codes(v.MEETING_KINDS)),
        "smes_benefited": "",
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
        parts = [p for p in (comment, indicator.note and f"target {indicator.note}") if p]
        if got < indicator.target:
            parts.append(f"{indicator.target - got} below target")
        rows.append(CallIndicatorRow(indicator.code, indicator.label, got, indicator.target, "; ".join(parts),
                                     breakdown))
    return rows
