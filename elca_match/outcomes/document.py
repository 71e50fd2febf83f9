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

TITLE = "Progress report, part II: expected results and impact (cumulated results)"


@dataclass(frozen=True)
class Layout:
    """One template table: its number and title, the heading over its columns, and its columns."""

    title: str
    group: str  # the heading that spans the count columns in the template ("" if none)
    columns: tuple[str, ...]
    group_span: tuple[int, int] = (0, 0)  # first and last column (0-based) under ``group``
    sub_group: str = ""  # a second-level heading over two columns (tables 4 and 5)
    sub_group_span: tuple[int, int] = (0, 0)


CALL_INDICATORS = Layout(
    "1. Expected results/impact of the project: call indicators", "",
    ("Call Indicator", "Achieved (cumulated results)", "Target", "Comments"))
EVENTS = Layout(
    "2. Number of events (cumulated results)", "EVENTS (Number)",
    ("TARGET COUNTRIES",
     "Preparatory events, e.g. workshop, seminars, visits (excluding C2C and B2B events)",
     "C2C Events", "C2C meetings", "B2B Events", "B2B meetings"), (1, 5))
STAKEHOLDERS = Layout(
    "3. Number of stakeholders involved (cumulated results)",
    "STAKEHOLDERS INVOLVEMENT in the development of activities (excluding surveys and promotion activities) "
    "targeting cooperation with 3rd markets (Number)",
    ("", "EU Clusters", "EU SMEs", "Clusters and other intermediary organisations from 3rd-country",
     "SMEs and businesses in 3rd country"), (0, 4))
CLUSTER_CASES = Layout(
    "4. Overview of cooperation cases by European Clusters",
    "OVERVIEW OF COOPERATION CASES BY EUROPEAN CLUSTERS (eg. Collaborative project initiated, MoU signed, "
    "other initiatives)",
    ("TARGET COUNTRIES", "Type", "Nb.", "Cooperation case (name/nb)", "Brief description",
     "Types of cooperation objectives (select category numbers in table below)", "Sector / Technology",
     "3rd-country Partner name"), (1, 7),
    "1) Collaboration project (e.g. exchange visits), 2) Formal agreements signed (e.g. MoUs) "
    "3) Representation office/role appointed by the consortium 4) Other", (1, 2))
SME_CASES = Layout(
    "5. Overview of cooperation cases by European SMEs",
    "OVERVIEW OF COOPERATION CASES BY EUROPEAN SMEs (e.g. Collaborative project initiated, MoU signed, "
    "other initiatives)",
    ("", "Name", "Nb.", "Brief description",
     "Types of cooperation objectives (select category numbers in table below)", "Sector / Technology",
     "3rd-country Partner type of organisation (and name if not confidential)"), (0, 6),
    "Cooperation case (e.g. business project, innovation test, visit) (name/Nb.)", (1, 2))
OBJECTIVE_TYPES = Layout("Type of cooperation objective", "", ("Nb.", "Type of cooperation objective"))

LAYOUTS = (CALL_INDICATORS, EVENTS, STAKEHOLDERS, CLUSTER_CASES, SME_CASES, OBJECTIVE_TYPES)


@dataclass
class TemplateTable:
    """One template table filled in: its layout, its rows, and the lines listed below it."""

    layout: Layout
    rows: list[list]
    below: list[str]
    total_row: bool = True  # the last row is the TOTAL row


def period(report: IndicatorReport) -> str:
    """The window in words: ``'from the start of the action to 2027-06-30'``."""
    start = f"from {report.start}" if report.start else "from the start of the action"
    end = f"to {report.end}" if report.end else "to date"
    return f"{start} {end}"


def report_tables(report: IndicatorReport) -> list[TemplateTable]:
    """The template's tables in the template's order, each with the lines listed below it."""
    return [_call_indicators(report), _events(report), _stakeholders(report), _cluster_cases(report),
            _sme_cases(report), _objective_types()]


# --table names of report_tables' tables, in order (a CSV file holds one of them).
TABLE_NAMES = ("indicators", "events", "stakeholders", "cluster-cases", "sme-cases", "objective-types")


def report_document(report: IndicatorReport) -> Document:
    """The report as a Document: one section per template table (md, csv and json writers)."""
    sections = []
    for table, name in zip(report_tables(report), TABLE_NAMES):
        layout = table.layout
        title = f"{layout.title}: {layout.group}" if layout.group else layout.title
        sections.append(Section(title, list(layout.columns), table.rows, notes=table.below,
                                wrap_columns=layout.columns[3:] + ("Comments", "Call Indicator"), name=name))
    summary = {"period": period(report), "third countries": ", ".join(r.country_name for r in report.events),
               "records counted": ", ".join(f"{n} {kind}" for kind, n in report.counted.items())}
    return Document(TITLE, sections, summary=summary, data=report)


def _call_indicators(report: IndicatorReport) -> TemplateTable:
    rows = [[r.label, r.achieved, r.target, r.comment] for r in report.call_indicators]
    return TemplateTable(CALL_INDICATORS, rows, [], total_row=False)


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
    below = ["TOTAL counts each case once, however many countries or parties it has.",
             "Several cases in one cell are separated by |; the status of each case follows its description."]
    if report.sme_case_other_members:
        below.append("Cases of members that are not SMEs are included: "
                     + ", ".join(report.sme_case_other_members) + ".")
    return TemplateTable(SME_CASES, rows, below)


def _objective_types() -> TemplateTable:
    rows = [[t.number if t.number is not None else "Other", t.label] for t in v.OBJECTIVES]
    return TemplateTable(OBJECTIVE_TYPES, rows, [], total_row=False)
