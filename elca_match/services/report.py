"""The progress report as the CLI presents it: the template's tables as a document or as a
workbook in the template's layout, and the register of agreements as a document.

The counting is in :mod:`elca_match.services.outcomes`; this module only turns its results
into what the writers take, so that the command line never reaches into ``outcomes``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from ..export import Document
from ..outcomes.agreements import register_document
from ..outcomes.document import TABLE_NAMES, report_document
from ..outcomes.template_xlsx import template_workbook
from .outcomes import agreements_register, indicator_report

# The template's tables by name, in the template's order (what `report indicators --table` takes).
REPORT_TABLES = TABLE_NAMES


def indicators_document(db_path: Path, start: str | None, end: str | None, targets_path: Path | None = None, *,
                        period: int | None = None, tables: tuple[str, ...] = (),
                        today: dt.date | None = None) -> Document:
    """The template's tables (those in ``tables``, or all) for the window, as one document."""
    return report_document(indicator_report(db_path, start, end, targets_path, today, period), tables)


def indicators_workbook(db_path: Path, start: str | None, end: str | None, targets_path: Path | None = None, *,
                        period: int | None = None, tables: tuple[str, ...] = ()) -> Workbook:
    """The same tables as a workbook in the template's layout (``export.save_workbook`` writes it)."""
    return template_workbook(indicator_report(db_path, start, end, targets_path, period=period), tables)


def agreements_document(db_path: Path, start: str | None, end: str | None, *, period: int | None = None) -> Document:
    """Deliverable D2.2's register of agreements for the window, as a document."""
    return register_document(agreements_register(db_path, start, end, period=period))
