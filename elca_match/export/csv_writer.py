"""CSV: one rectangular table a spreadsheet user can filter and sort.

Layout, chosen for people who open the file in Excel:

* one section: its header row, then its rows;
* several sections with the same columns (one per opportunity or mission): one
  combined table with a leading ``section`` column holding the section title, so
  auto-filter and sort work across all of them;
* sections with different columns: one table only, the section the document's
  ``table`` names (``--table NAME``), else the first, so that every CSV file loads
  with any CSV reader as one table with one header row.

The document title, summary and notes are not repeated in CSV (use xlsx, md or
html for those). Lists are joined with ``; ``. Every text cell passes through
:func:`elca_match.export.cells.neutralise`.
"""

from __future__ import annotations

import csv
from typing import IO, Any

from .cells import is_number, neutralise, plain, text
from .document import Document

SECTION_COLUMN = "section"


def write_csv(document: Document, stream: IO[str]) -> None:
    """Write ``document``'s sections to ``stream`` as CSV (see the module docstring)."""
    out = csv.writer(stream, lineterminator="\r\n")
    sections = document.sections
    if not sections:
        return
    if len(sections) > 1 and all(list(s.columns) == list(sections[0].columns) for s in sections):
        out.writerow([_cell(c) for c in [SECTION_COLUMN, *sections[0].columns]])
        for section in sections:
            title = _cell(section.title)
            out.writerows([title, *(_cell(v) for v in row)] for row in section.rows)
        return
    section = document.one_table()
    out.writerow([_cell(c) for c in section.columns])
    out.writerows([_cell(v) for v in row] for row in section.rows)


def _cell(value: Any) -> Any:
    value = plain(value)
    if is_number(value):
        return value if isinstance(value, int) else text(value)
    return neutralise(text(value))
