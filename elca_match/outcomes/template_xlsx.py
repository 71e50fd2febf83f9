"""The indicator report as an Excel workbook laid out like the template's tables.

One sheet per table, in the template's order, with its two-level headings as merged
cells (``EVENTS (Number)`` over the five count columns, the case-type heading over
``Type`` and ``Nb.``), a row per third country (four per country in table 4, with the
country merged over them), the TOTAL row, and the lists the template asks for below the
table. Every cell goes through :func:`elca_match.export.xlsx.set_cell`, so typed text is
never a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..export import save_workbook
from ..export.xlsx import set_cell, sheet_names
from .document import CLUSTER_CASES, TITLE, Layout, TemplateTable, outside_words, period, report_tables
from .indicators import IndicatorReport

HEADER_ROW = 4  # first heading row; rows 1-2 hold the title and the period
# One sheet per template table, by the table's name (Excel allows 31 characters).
SHEET_TITLES = {"milestones": "I-1 Milestones", "deliverables": "I-2 Deliverables",
                "call-indicators": "1 Call indicators", "project-indicators": "1 Other project indicators",
                "events": "2 Events", "stakeholders": "3 Stakeholders", "cluster-cases": "4 Cases by clusters",
                "sme-cases": "5 Cases by SMEs", "objective-types": "Objective types",
                "cluster-details": "6a Details by EU clusters", "sme-details": "6b Details by EU SMEs",
                "other-cases": "6c Other cooperation cases"}

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADING_FILL = PatternFill("solid", fgColor="DDE6F0")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(vertical="top", wrap_text=True)
_NUMBER_WIDTH, _TEXT_WIDTH, _FIRST_WIDTH = 12, 42, 26


def template_workbook(report: IndicatorReport, names: tuple[str, ...] = ()) -> Workbook:
    """The report's tables (those in ``names``, or all) as a workbook in the template's layout."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    tables = report_tables(report, names)
    titles = sheet_names([SHEET_TITLES[t.layout.key] for t in tables], taken=())
    for table, name in zip(tables, titles):
        _write_table(workbook.create_sheet(name), table, period(report), outside_words(report))
    workbook.properties.title = TITLE
    return workbook


def write_template_xlsx(report: IndicatorReport, path: str | Path, names: tuple[str, ...] = ()) -> None:
    """Write :func:`template_workbook` to ``path`` atomically."""
    save_workbook(template_workbook(report, names), path)


def heading_rows(layout: Layout) -> int:
    """How many rows the table's headings take (1 to 3)."""
    return 1 + bool(layout.group) + bool(layout.sub_group)


def _write_table(sheet, table: TemplateTable, when: str, left_out: str) -> None:
    layout = table.layout
    set_cell(sheet.cell(1, 1), layout.title)
    sheet.cell(1, 1).font = _TITLE
    set_cell(sheet.cell(2, 1), f"Cumulated results {when}")
    set_cell(sheet.cell(3, 1), f"Records outside the period: {left_out}" if left_out else "")
    bottom = _write_headings(sheet, layout)
    first_data = bottom + 1
    for offset, values in enumerate(table.rows):
        row = first_data + offset
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row, col)
            set_cell(cell, value)
            cell.border = _BORDER
            cell.alignment = _WRAPPED
        if table.total_row and offset == len(table.rows) - 1:
            for col in range(1, len(layout.columns) + 1):
                sheet.cell(row, col).font = _BOLD
    if layout is CLUSTER_CASES:
        # The template shows each country once, beside its four case-type rows.
        for start in range(first_data, first_data + len(table.rows) - 1, 4):
            sheet.merge_cells(start_row=start, start_column=1, end_row=start + 3, end_column=1)
    row = first_data + len(table.rows) + 1
    for line in table.below:
        set_cell(sheet.cell(row, 1), line)
        row += 1
    _size_columns(sheet, table)
    sheet.freeze_panes = sheet.cell(first_data, 2)


def _write_headings(sheet, layout: Layout) -> int:
    """Write the heading rows with the template's merged cells; return the last heading row."""
    top = HEADER_ROW
    bottom = top + heading_rows(layout) - 1
    group_lo, group_hi = layout.group_span
    sub_lo, sub_hi = layout.sub_group_span
    sub_row = top + 1 if layout.group else top
    for index, name in enumerate(layout.columns):
        in_group = bool(layout.group) and group_lo <= index <= group_hi
        in_sub = bool(layout.sub_group) and sub_lo <= index <= sub_hi
        first = top + in_group + in_sub
        _heading(sheet, first, index + 1, name, bottom, index + 1)
    if layout.group:
        _heading(sheet, top, group_lo + 1, layout.group, top, group_hi + 1)
    if layout.sub_group:
        _heading(sheet, sub_row, sub_lo + 1, layout.sub_group, sub_row, sub_hi + 1)
    for row in range(top, bottom + 1):
        for col in range(1, len(layout.columns) + 1):
            cell = sheet.cell(row, col)
            cell.border = _BORDER
            cell.fill = _HEADING_FILL
    return bottom


def _heading(sheet, row: int, col: int, text: str, end_row: int, end_col: int) -> None:
    cell = sheet.cell(row, col)
    set_cell(cell, text)
    cell.font = _BOLD
    cell.alignment = _CENTRED
    if end_row > row or end_col > col:
        sheet.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)


def _size_columns(sheet, table: TemplateTable) -> None:
    for index, _ in enumerate(table.layout.columns):
        numeric = all(isinstance(r[index], int) for r in table.rows if index < len(r) and r[index] != "")
        width = _FIRST_WIDTH if index == 0 else _NUMBER_WIDTH if numeric and table.rows else _TEXT_WIDTH
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
