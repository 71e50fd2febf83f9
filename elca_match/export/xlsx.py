"""Excel workbooks: a summary sheet, then one sheet per section, ready to filter and print.

Every text cell is stored as a string (never a formula). Text that a spreadsheet
might evaluate (:func:`elca_match.export.cells.formula_like`) additionally gets
Excel's *quote prefix* style, the stored form of a typed leading ``'``: Excel,
LibreOffice and Google Sheets show the exact text and keep it text when edited.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from .cells import formula_like, is_number, plain, text
from .document import Document, Heatmap, Section

SUMMARY_SHEET = "Summary"
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# Readable stand-ins for the characters Excel forbids in sheet names.
_SHEET_CHAR_MAP = str.maketrans({"[": "(", "]": ")", ":": "-", "/": "-", "\\": "-", "*": "_", "?": "_"})
# Excel refuses this name for a user sheet (it is kept for change tracking).
_RESERVED_SHEET_NAMES = {"history"}
FLOAT_FORMAT = "0.000"
INT_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH, WRAP_WIDTH = 6, 45, 60
# Sizing columns by reading every cell of a large sheet costs more than it helps.
_WIDTH_SAMPLE_ROWS = 200

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_TITLE_FONT = Font(bold=True, size=14)
_LINK_FONT = Font(color="0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def sheet_names(titles: list[str], taken: tuple[str, ...] = (SUMMARY_SHEET,)) -> list[str]:
    """Valid, unique Excel sheet names for ``titles`` (31 chars, none of ``[]:*?/\\``, suffixes `` (2)``...).

    Names already ``taken`` (compared case-insensitively, as Excel does) are avoided.
    """
    used = {name.casefold() for name in taken}
    names = []
    for title in titles:
        base = _BAD_SHEET_CHARS.sub(" ", str(title or "").translate(_SHEET_CHAR_MAP))
        base = re.sub(r"\s+", " ", base).strip().strip("'").strip()
        if not base or base.casefold() in _RESERVED_SHEET_NAMES:
            base = f"{base} sheet".strip() if base else "Sheet"
        base = _cut(base, MAX_SHEET_NAME)
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f" ({n})"
            name = _cut(base, MAX_SHEET_NAME - len(suffix)) + suffix
        used.add(name.casefold())
        names.append(name)
    return names


def _cut(name: str, limit: int) -> str:
    """``name`` in at most ``limit`` characters, cut between words (a single long word is cut)."""
    name = name.strip()
    if len(name) > limit:
        head = name[:limit + 1]
        space = head.rfind(" ")
        name = head[:space] if space > limit // 3 else name[:limit]
    return name.rstrip(" -,;.(").rstrip().rstrip("'").strip() or name[:limit]


def write_xlsx(document: Document, path: Any) -> None:
    """Write ``document`` as an .xlsx workbook at ``path`` (a path or a binary stream).

    Worksheets to fill in (``document.workbook_front``) come first and the workbook opens
    on them; then the summary, the pictures and one sheet per section. Every sheet prints
    landscape, fitted to the page width, with its header row repeated on each page.
    """
    workbook = Workbook()
    summary = workbook.active
    front = list(document.workbook_front)
    summary_name = document.words.get(SUMMARY_SHEET, SUMMARY_SHEET)
    summary.title = summary_name
    _write_summary(summary, document)
    titles = [s.sheet or s.title for s in (*front, *document.sections)] + [h.title for h in document.heatmaps]
    names = sheet_names(titles, taken=(summary_name,))
    for index, (section, name) in enumerate(zip(front, names)):
        sheet = workbook.create_sheet(name, index)
        _write_section(sheet, section)
    rest = names[len(front):]
    # Pictures first: the overview people look at before reading the tables.
    for heatmap, name in zip(document.heatmaps, rest[len(document.sections):]):
        _write_heatmap(workbook.create_sheet(name), heatmap)
    for section, name in zip(document.sections, rest):
        _write_section(workbook.create_sheet(name), section)
    for sheet in workbook.worksheets:
        _print_setup(sheet)
    workbook.active = 0
    workbook.properties.title = document.title[:255]
    workbook.save(path)


def _print_setup(sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.max_row > 1 and sheet.print_title_rows is None:
        sheet.print_title_rows = "1:1"


def set_cell(cell: Cell, value: Any, number_format: str | None = None) -> None:
    """Store ``value`` in ``cell``: numbers as numbers, everything else as a string, never a formula."""
    value = plain(value)
    if value is None or (isinstance(value, float) and value != value):
        return
    if is_number(value):
        cell.value = value
        cell.number_format = number_format or (FLOAT_FORMAT if isinstance(value, float) else INT_FORMAT)
        return
    if isinstance(value, (_dt.datetime, _dt.date)):
        cell.value = value
        cell.number_format = number_format or (DATETIME_FORMAT if isinstance(value, _dt.datetime) else DATE_FORMAT)
        return
    # XML cannot hold most control characters; show that something was there.
    content = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text(value))
    cell.value = content
    # openpyxl stores any str starting with "=" as a formula; force a string cell.
    cell.data_type = "s"
    if formula_like(content):
        cell.quotePrefix = True


def _write_summary(sheet, document: Document) -> None:
    set_cell(sheet.cell(1, 1), document.title)
    sheet.cell(1, 1).font = _TITLE_FONT
    row = 3
    for key, value in document.summary.items():
        set_cell(sheet.cell(row, 1), key)
        sheet.cell(row, 1).font = _HEADER_FONT
        if isinstance(value, dict):
            row += 1
            for sub_key, sub_value in value.items():
                set_cell(sheet.cell(row, 1), sub_key)
                sheet.cell(row, 1).alignment = Alignment(indent=1)
                set_cell(sheet.cell(row, 2), sub_value)
                row += 1
        else:
            set_cell(sheet.cell(row, 2), value)
            sheet.cell(row, 2).alignment = _WRAP
            row += 1
    if document.notes:
        row += 1
        set_cell(sheet.cell(row, 1), document.words.get("Notes", "Notes"))
        sheet.cell(row, 1).font = _HEADER_FONT
        for note in document.notes:
            row += 1
            set_cell(sheet.cell(row, 1), note)
    if document.sections:
        row += 2
        for col, head in enumerate((document.words.get(w, w) for w in ("Sheet", "About", "Rows")), 1):
            set_cell(sheet.cell(row, col), head)
            sheet.cell(row, col).font = _HEADER_FONT
        front = list(document.workbook_front)
        names = sheet_names([s.sheet or s.title for s in (*front, *document.sections)],
                            taken=(document.words.get(SUMMARY_SHEET, SUMMARY_SHEET),))
        for section, name in zip((*front, *document.sections), names):
            row += 1
            link = sheet.cell(row, 1)
            set_cell(link, name)
            # An internal hyperlink, not a HYPERLINK() formula: nothing is evaluated.
            link.hyperlink = Hyperlink(ref=link.coordinate, location="'" + name.replace("'", "''") + "'!A1")
            link.font = _LINK_FONT
            set_cell(sheet.cell(row, 2), _about(section))
            sheet.cell(row, 2).alignment = _WRAP
            set_cell(sheet.cell(row, 3), len(section.rows))
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 8


def _write_heatmap(sheet, heatmap: Heatmap) -> None:
    """A fit matrix as a table with a colour scale (conditional formatting, not a formula)."""
    set_cell(sheet.cell(1, 1), "")
    for col, label in enumerate(heatmap.column_labels, 2):
        cell = sheet.cell(1, col)
        set_cell(cell, label)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        sheet.column_dimensions[get_column_letter(col)].width = 16
    for r, label in enumerate(heatmap.row_labels, 2):
        set_cell(sheet.cell(r, 1), label)
        sheet.cell(r, 1).font = _HEADER_FONT
        values = heatmap.values[r - 2] if r - 2 < len(heatmap.values) else []
        for col, value in enumerate(values, 2):
            set_cell(sheet.cell(r, col), value, "0.00")
    sheet.column_dimensions["A"].width = max(12, min(MAX_WIDTH, max((len(str(x)) for x in heatmap.row_labels),
                                                                      default=0) + 2))
    sheet.freeze_panes = "B2"
    if heatmap.row_labels and heatmap.column_labels:
        area = f"B2:{get_column_letter(len(heatmap.column_labels) + 1)}{len(heatmap.row_labels) + 1}"
        # the same absolute 0-1 scale as the HTML report: one colour means one fit in every workbook
        sheet.conditional_formatting.add(area, ColorScaleRule(start_type="num", start_value=0, start_color="F7FBFF",
                                                              mid_type="num", mid_value=0.5,
                                                              mid_color="6BAED6", end_type="num", end_value=1,
                                                              end_color="08306B"))
    set_cell(sheet.cell(len(heatmap.row_labels) + 3, 1), heatmap.title)


def _about(section: Section) -> str:
    """A section's title and the facts in its meta that the title does not already say."""
    facts = [f"{k}: {text(v)}" for k, v in section.meta.items()
             if v not in (None, "", [], ()) and _new_fact(text(v), section.title)]
    return "; ".join([section.title, *facts]) if facts else section.title


def _write_section(sheet, section: Section) -> None:
    columns = [str(c) for c in section.columns]
    formats = [section.number_formats.get(c) for c in columns]
    wrapped = [c in section.wrap_columns for c in columns]
    for col, name in enumerate(columns, 1):
        cell = sheet.cell(1, col)
        set_cell(cell, name)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP if wrapped[col - 1] else _TOP
    links = [section.links.get(c) for c in columns]
    for r, values in enumerate(section.rows, 2):
        for col, value in enumerate(values, 1):
            cell = sheet.cell(r, col)
            set_cell(cell, as_date(value), formats[col - 1] if col <= len(formats) else None)
            if col <= len(wrapped) and wrapped[col - 1]:
                cell.alignment = _WRAP
            if col <= len(links) and links[col - 1] and isinstance(value, str) and value:
                # a hyperlink object, not a HYPERLINK() formula: nothing is evaluated
                cell.hyperlink = links[col - 1] + value
                cell.font = _LINK_FONT
    last_row = len(section.rows) + 1
    _drop_downs(sheet, section, columns, last_row)
    notes_row = last_row + 2
    for note in section.notes:
        set_cell(sheet.cell(notes_row, 1), note)
        notes_row += 1
    if columns:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"
        sheet.print_title_rows = "1:1"
    for col, name in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(col)].width = _width(section, col - 1, name, wrapped[col - 1])


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")
# Rows below the data that still get the drop-downs: room for organisations added by hand.
_SPARE_ROWS = 200


def as_date(value: Any) -> Any:
    """An ISO date (``2027-03-09``) or date-time text as a date, so Excel sorts and filters it as one."""
    if isinstance(value, str) and len(value) <= 19:
        try:
            if _ISO_DATE.fullmatch(value):
                return _dt.date.fromisoformat(value)
            if _ISO_DATETIME.fullmatch(value):
                return _dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _drop_downs(sheet, section: Section, columns: list[str], last_row: int) -> None:
    """List validation on the columns a person fills in (status: invited, confirmed, declined)."""
    for name, values in section.choices.items():
        if name not in columns or not values:
            continue
        letter = get_column_letter(columns.index(name) + 1)
        # a list literal, quoted; commas separate the choices
        rule = DataValidation(type="list", formula1='"' + ",".join(v.replace('"', "") for v in values) + '"',
                              allow_blank=True, showDropDown=False)
        rule.error = ", ".join(values)
        rule.errorTitle = name
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{last_row + _SPARE_ROWS}")


def _width(section: Section, index: int, name: str, wrapped: bool) -> float:
    # The header also carries the filter button, hence the extra room.
    longest = len(name) + 3
    for row in section.rows[:_WIDTH_SAMPLE_ROWS]:
        if index < len(row):
            value = plain(row[index])
            shown = f"{value:.3f}" if isinstance(value, float) else text(value)
            longest = max(longest, len(shown))
    # Wrapped columns may grow wider than others before they wrap.
    return float(min(WRAP_WIDTH if wrapped else MAX_WIDTH, max(MIN_WIDTH, longest + 1)))


def _new_fact(value: str, title: str) -> bool:
    """False for a fact the section title already shows: the title itself, its leading id or its name."""
    return value != title and not title.startswith(value + " ") and not title.endswith(" " + value)
