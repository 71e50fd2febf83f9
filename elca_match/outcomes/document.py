"""The indicator report as the template's tables: headings, rows and the lists below them.

:func:`report_document` builds an :class:`~elca_match.export.Document` for the md, csv and
json writers; :mod:`elca_match.outcomes.template_xlsx` lays the same rows out with the
template's two-level headings. Headings are the template's own words (part II of the
progress report), kept here once for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..export import Document, Section
from . import vocabulary as v
from .indicators import CaseCell, IndicatorReport, StakeholderRow

TITLE = "Progress report: the template's tables (cumulated results)"
CUMULATIVE = ('This table is "cumulative", that means, it should always show all {what} from the beginning of the '
              'project up to date.')


@dataclass(frozen=True)
class Layout:
    """One template table: its title, the heading over some columns, its columns, and the template's note."""

    key: str  # the name `--table` takes
    title: str
    group: str  # the heading that spans some columns in the template ("" if none)
    columns: tuple[str, ...]
    group_span: tuple[int, int] = (0, 0)  # first and last column (0-based) under ``group``
    sub_group: str = ""  # a second-level heading over two columns (tables 4 and 5)
    sub_group_span: tuple[int, int] = (0, 0)
    note: str = ""  # the template's instruction for the table, verbatim

    @property
    def group_in_title(self) -> bool:
        """The group heading spans (nearly) the whole table, so a flat format shows it in the title."""
        return bool(self.group) and self.group_span[1] - self.group_span[0] >= len(self.columns) - 2


MILESTONES = Layout(
    "milestones", "Part I. Table 1. Milestones", "",
    ("Milestones to be achieved", "Expected due achievement date", "Achieved Yes/No", "Actual date achieved",
     "Comments (e.g. why not achieved or why achieved with delay)"),
    note="In addition to the above description, please complete the following table for milestones as specified in "
         "Annex 1 (description of the action) to the Grant Agreement. " + CUMULATIVE.format(what="milestones"))
DELIVERABLES = Layout(
    "deliverables", "Part I. Table 2. Deliverables", "DELIVERABLES",
    ("Del. no.", "Deliverable name", "WP no.", "Lead Beneficiary", "Type", "Dissemination level",
     "Expected due delivery date", "Delivered Yes/No", "Actual date delivered", "Comments"), (0, 9),
    note="Deliverables (other than project management deliverables, progress and final reports). If a deliverable "
         "has been cancelled/ regrouped with another one or it has been submitted with delay, please indicate and "
         "justify this in the column \"Comments\". " + CUMULATIVE.format(what="deliverables"))
CALL_INDICATORS = Layout(
    "call-indicators", "1. Expected results/impact of the project: call indicators", "",
    ("Call Indicator", "Achieved (cumulated results)", "Target", "Comments"),
    note='Under the column "Comments", please justify if the achieved figure for indicator(s) is lower than the '
         'target figure. For indicators that make reference to meetings/ events, etc. please indicate briefly in the '
         '"Comments" section: the title of the meeting/event, date, country, etc.')
PROJECT_INDICATORS = Layout(
    "project-indicators", "1. Expected results/impact of the project: other project indicators", "",
    ("Project Indicator", "Achieved (cumulated results)", "Target", "Comments"))
EVENTS = Layout(
    "events", "2. Number of events (cumulated results)", "EVENTS (Number)",
    ("TARGET COUNTRIES",
     "Preparatory events, e.g. workshop, seminars, visits (excluding C2C and B2B events)",
     "C2C Events", "C2C meetings", "B2B Events", "B2B meetings"), (1, 5),
    note="Please indicate the number of events attended by the partnership by category (preparatory events, C2C "
         "events and B2B events). In this table, only targeted THIRD countries should be indicated. Not EU or COSME "
         "countries. Meetings between the consortium partners, e.g. kick-off/ coordination meetings, should not be "
         "included in this table. " + CUMULATIVE.format(what="events").replace("that means", "this means"))
STAKEHOLDERS = Layout(
    "stakeholders", "3. Number of stakeholders involved (cumulated results)",
    "STAKEHOLDERS INVOLVEMENT in the development of activities (excluding surveys and promotion activities) "
    "targeting cooperation with 3rd markets (Number)",
    ("", "EU Clusters", "EU SMEs", "Clusters and other intermediary organisations from 3rd-country",
     "SMEs and businesses in 3rd country"), (0, 4),
    note="Please indicate the number of respective stakeholders (clusters and SMEs in Europe and Third countries) "
         "involved directly in the development of the partnership activities. In this table, only target THIRD "
         "countries should be indicated; not EU/ COSME countries. "
         + CUMULATIVE.format(what="stakeholders").replace("that means", "this means"))
CLUSTER_CASES = Layout(
    "cluster-cases", "4. Overview of cooperation cases by European Clusters",
    "OVERVIEW OF COOPERATION CASES BY EUROPEAN CLUSTERS (eg. Collaborative project initiated, MoU signed, "
    "other initiatives)",
    ("TARGET COUNTRIES", "Type", "Nb.", "Cooperation case (name/nb)", "Brief description",
     "Types of cooperation objectives (select category numbers in table below)", "Sector / Technology",
     "3rd-country Partner name"), (1, 7),
    "1) Collaboration project (e.g. exchange visits), 2) Formal agreements signed (e.g. MoUs) "
    "3) Representation office/role appointed by the consortium 4) Other", (1, 2))
SME_CASES = Layout(
    "sme-cases", "5. Overview of cooperation cases by European SMEs",
    "OVERVIEW OF COOPERATION CASES BY EUROPEAN SMEs (e.g. Collaborative project initiated, MoU signed, "
    "other initiatives)",
    ("", "Name", "Nb.", "Brief description",
     "Types of cooperation objectives (select category numbers in table below)", "Sector / Technology",
     "3rd-country Partner type of organisation (and name if not confidential)"), (0, 6),
    "Cooperation case (e.g. business project, innovation test, visit) (name/Nb.)", (1, 2))
OBJECTIVE_TYPES = Layout("objective-types", "Type of cooperation objective", "",
                         ("Nb.", "Type of cooperation objective"))
_FURTHER = ("Cooperation with: other cluster partnerships (which ones?); other EU initiatives (e.g. Low Carbon "
            "business Action, EU Gateways); others")
CLUSTER_DETAILS = Layout(
    "cluster-details", "6. Further details on cooperation cases: a) by EU clusters", "Partner organisation",
    ("EU Cluster organisation", "Sector", "Name", "Country",
     "Explain/describe cooperation case (please elaborate)", "Main steps undertaken",
     "Next steps envisaged (if any)"), (2, 3), note=_FURTHER)
SME_DETAILS = Layout(
    "sme-details", "6. Further details on cooperation cases: b) by European SMEs", "Partner organisation",
    ("EU SME", "Sector", "Name", "Country", "Explain/describe cooperation case (please elaborate)",
     "Main steps undertaken", "Next steps envisaged"), (2, 3))
OTHER_CASES = Layout(
    "other-cases", "6. Further details on cooperation cases: c) Other relevant cooperation cases, if applicable", "",
    ("Type", "Name", "Date", "EU parties", "Explain/describe cooperation case (please elaborate)",
     "Main steps undertaken", "Next steps envisaged"))

# The template's order: part I tables 1-2, then part II sections 1-6.
LAYOUTS = (MILESTONES, DELIVERABLES, CALL_INDICATORS, PROJECT_INDICATORS, EVENTS, STAKEHOLDERS, CLUSTER_CASES,
           SME_CASES, OBJECTIVE_TYPES, CLUSTER_DETAILS, SME_DETAILS, OTHER_CASES)
TABLE_NAMES = tuple(layout.key for layout in LAYOUTS)


@dataclass
class TemplateTable:
    """One template table filled in: its layout, its rows, and the lines listed below it."""

    layout: Layout
    rows: list[list]
    below: list[str]
    total_row: bool = True  # the last row is the TOTAL row


def period(report: IndicatorReport) -> str:
    """The window in words: ``'from the start of the action to 2027-06-30'``."""
    if report.period is not None:
        return report.period.label
    start = f"from {report.start}" if report.start else "from the start of the action"
    end = f"to {report.end}" if report.end else "to date"
    return f"{start} {end}"


def outside_words(report: IndicatorReport) -> str:
    """What the period leaves out: ``'2 records dated before it (2 events), 3 after it (1 case, 2 meetings)'``."""
    found = report.period
    if found is None:
        return ""

    def words(counts: dict[str, int], where: str) -> str:
        total = sum(counts.values())
        detail = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(counts.items()))
        return f"{total} record{'s' if total != 1 else ''} dated {where} it ({detail})" if total else ""

    parts = [p for p in (words(found.before, "before"), words(found.after, "after")) if p]
    return ("not counted: " + "; ".join(parts)) if parts else "no record is dated outside it"


def report_tables(report: IndicatorReport, names: tuple[str, ...] = ()) -> list[TemplateTable]:
    """The template's tables in the template's order (only those in ``names``, when given)."""
    builders = {"milestones": _milestones, "deliverables": _deliverables, "call-indicators": _call_indicators,
                "project-indicators": _project_indicators, "events": _events, "stakeholders": _stakeholders,
                "cluster-cases": _cluster_cases, "sme-cases": _sme_cases, "objective-types": _objective_types,
                "cluster-details": _cluster_details, "sme-details": _sme_details, "other-cases": _other_cases}
    tables = []
    for layout in LAYOUTS:
        if names and layout.key not in names:
            continue
        table = builders[layout.key](report)
        if layout.note:
            table.below.insert(0, layout.note)
        tables.append(table)
    return tables


def header_facts(report: IndicatorReport) -> dict[str, str]:
    """What the report's header states: the period, what falls outside it, what was counted."""
    return {"period": period(report), "outside the period": outside_words(report),
            "third countries": ", ".join(r.country_name for r in report.events) or "none",
            "records counted": ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in report.counted.items())}


def report_document(report: IndicatorReport, names: tuple[str, ...] = ()) -> Document:
    """The report as a Document: one section per template table (md, csv and json writers)."""
    sections = []
    for table in report_tables(report, names):
        layout = table.layout
        title = f"{layout.title}: {layout.group}" if layout.group_in_title else layout.title
        sections.append(Section(title, list(layout.columns), table.rows, notes=table.below,
                                meta={"table": layout.key}, name=layout.key,
                                wrap_columns=layout.columns[3:] + ("Comments", "Call Indicator")))
    # JSON of the whole report is the result itself; of some tables, just those tables.
    return Document(TITLE, sections, summary=header_facts(report), data=None if names else report)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _milestones(report: IndicatorReport) -> TemplateTable:
    rows = [[f"{r.name} ({r.id})", r.due, _yes(r.achieved), r.date, r.comment] for r in report.milestones]
    return TemplateTable(MILESTONES, rows, [], total_row=False)


def _deliverables(report: IndicatorReport) -> TemplateTable:
    rows = [[r.id, r.name, r.wp, r.lead, r.type, r.dissemination, r.due, _yes(r.achieved), r.date, r.comment]
            for r in report.deliverables]
    return TemplateTable(DELIVERABLES, rows, [], total_row=False)


def _call_indicators(report: IndicatorReport) -> TemplateTable:
    rows = [[r.label, r.achieved, "" if r.target is None else r.target, r.comment] for r in report.call_indicators]
    return TemplateTable(CALL_INDICATORS, rows, [], total_row=False)


def _project_indicators(report: IndicatorReport) -> TemplateTable:
    rows = [[r.label, r.achieved, r.target, r.comment] for r in report.project_indicators]
    return TemplateTable(PROJECT_INDICATORS, rows, [], total_row=False)


def _cluster_details(report: IndicatorReport) -> TemplateTable:
    rows = [[d.eu_parties, d.sector, d.partner_names, d.partner_countries, d.description, d.main_steps, d.next_steps]
            for d in report.cluster_details]
    return TemplateTable(CLUSTER_DETAILS, rows, [] if rows else ["(no cooperation case by EU clusters in this period)"],
                         total_row=False)


def _sme_details(report: IndicatorReport) -> TemplateTable:
    rows = [[d.eu_parties, d.sector, d.partner_names, d.partner_countries, d.description, d.main_steps, d.next_steps]
            for d in report.sme_details]
    return TemplateTable(SME_DETAILS, rows, [] if rows else ["(no cooperation case by European SMEs in this period)"],
                         total_row=False)


def _other_cases(report: IndicatorReport) -> TemplateTable:
    rows = [[f"{c.number}) {v.term(v.PARTNERSHIP_KINDS, c.kind).label}", c.name, c.date, c.parties,
             c.description, c.main_steps, c.next_steps] for c in report.other_cases]
    return TemplateTable(OTHER_CASES, rows, [] if rows else ["(no other relevant cooperation case in this period)"],
                         total_row=False)


def _events(report: IndicatorReport) -> TemplateTable:
    def cells(row) -> list:
        return [row.country_name, row.preparatory, row.c2c_events, row.c2c_meetings, row.b2b_events, row.b2b_meetings]

    rows = [cells(r) for r in report.events] + [cells(report.events_total)]
    sum_of_rows = sum(r.preparatory + r.c2c_events + r.b2b_events for r in report.events)
    below = ["Events and the third countries each targeted (each event listed once; an event that targeted "
             f"several countries is counted in each of their rows, so the rows add up to {sum_of_rows} while "
             f"TOTAL counts {len(report.event_list)} events):"]
    below += [e.line for e in report.event_list] or ["(no events in this period)"]
    return TemplateTable(EVENTS, rows, below)


def _stakeholders(report: IndicatorReport) -> TemplateTable:
    rows = [[r.country_name, *r.counts] for r in report.stakeholders]
    rows.append(["TOTAL", *report.stakeholders_total.counts])
    below = ["Stakeholders by name (TOTAL counts each organisation once, however many countries it worked on):"]
    below += [_names(r) for r in report.stakeholders] or ["(no stakeholders in this period)"]
    return TemplateTable(STAKEHOLDERS, rows, below)


def _names(row: StakeholderRow) -> str:
    groups = [("EU clusters", row.eu_clusters), ("EU SMEs", row.eu_smes),
              ("clusters and intermediaries", row.third_intermediaries),
              ("SMEs and businesses", row.third_businesses)]
    listed = "; ".join(f"{label}: {', '.join(names)}" for label, names in groups if names)
    return f"{row.country_name}: {listed or 'none'}"


def case_columns(cell: CaseCell) -> list[str]:
    """The text columns of one case cell; several cases in one cell are joined with `` | ``."""
    def joined(values: list[str]) -> str:
        return " | ".join(values)

    return [joined([c.name for c in cell.cases]),
            joined([f"{c.description} ({c.status})" if c.description else f"({c.status})" for c in cell.cases]),
            joined([c.objectives for c in cell.cases]),
            joined([c.sector_technology for c in cell.cases]),
            joined([c.partners for c in cell.cases])]


def _cluster_cases(report: IndicatorReport) -> TemplateTable:
    rows = []
    for cell in report.cluster_cases:
        country = cell.country_name if cell.case_type == 1 else ""
        rows.append([country, f"{cell.case_type})", cell.count, *case_columns(cell)])
    rows.append(["TOTAL", "", report.cluster_cases_total, "", "", "", "", ""])
    by_type = ", ".join(f"{t}) {n}" for t, n in report.cluster_cases_by_type.items())
    below = [f"Type: {CLUSTER_CASES.sub_group}.",
             f"TOTAL counts each case once, however many countries or parties it has; by type: {by_type}.",
             "Several cases in one cell are separated by |; the status of each case follows its description."]
    return TemplateTable(CLUSTER_CASES, rows, below)


def _sme_cases(report: IndicatorReport) -> TemplateTable:
    rows = [[cell.country_name, case_columns(cell)[0], cell.count, *case_columns(cell)[1:]]
            for cell in report.sme_cases]
    rows.append(["TOTAL", "", report.sme_cases_total, "", "", "", ""])
    below = ["TOTAL counts each case once, however many countries or parties it has; a case is listed only when "
             "a member SME is one of its parties.",
             "Several cases in one cell are separated by |; the status of each case follows its description."]
    if report.sme_case_other_members:
        below.append("Not listed, since no SME is a party: " + "; ".join(report.sme_case_other_members) + ".")
    return TemplateTable(SME_CASES, rows, below)


def _objective_types(report: IndicatorReport) -> TemplateTable:
    rows = [[t.number if t.number is not None else "Other", t.label] for t in v.OBJECTIVES]
    return TemplateTable(OBJECTIVE_TYPES, rows, [], total_row=False)
