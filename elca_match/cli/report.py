"""`elca-match report indicators|agreements`: the progress report's tables and the D2.2
register of agreements, from the outcome records."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import UsageError, did_you_mean
from ..text import closest
from .context import (FORMAT_OPTION, OUT_OPTION, Format, check_suffix, console, db_path, emit, err_console,
                      is_quiet, is_stdout)

report_app = typer.Typer(help="Reports for the funding agency.", no_args_is_help=True)

START = typer.Option(None, "--from", help="First day counted: YYYY-MM-DD or YYYY-MM (default: the start of the "
                                          "action).")
END = typer.Option(None, "--to", help="Last day counted: YYYY-MM-DD or YYYY-MM, its last day (default: today).")
PERIOD = typer.Option(None, "--period", min=1, help="A reporting period of the action by number (2 = months 7-12 "
                                                    "from its start date, builtin/action.yaml).")


def register(app: typer.Typer) -> None:
    """Add the `report` group."""
    app.add_typer(report_app, name="report")


def _tables(names: list[str] | None) -> tuple[str, ...]:
    from ..services.report import REPORT_TABLES

    for name in names or ():
        if name not in REPORT_TABLES:
            raise UsageError.of("unknown_name", what="table", value=name,
                                suggestion=did_you_mean(closest(name, REPORT_TABLES)),
                                allowed=", ".join(REPORT_TABLES))
    return tuple(names or ())


def _wants_xlsx(fmt: Format, out: Path | None) -> bool:
    return fmt is Format.xlsx or (fmt is Format.table and out is not None and out.suffix.lower() == ".xlsx")


@report_app.command("indicators")
def indicators(
    ctx: typer.Context,
    start: str = START,
    end: str = END,
    period: int = PERIOD,
    table: list[str] = typer.Option(None, "--table", metavar="NAME", help="Only this template table (repeatable): milestones, "
                                    "deliverables, call-indicators, project-indicators, events, stakeholders, "
                                    "cluster-cases, sme-cases, objective-types, cluster-details, sme-details, "
                                    "other-cases."),
    targets: Path = typer.Option(None, "--targets", help="Targets file (default: the action's, builtin/targets.yaml)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Every table of the template, cumulated: milestones, deliverables, indicators against targets, events,
    stakeholders, cooperation cases and their details. CSV to a file writes one file per table."""
    from ..services.report import indicators_document, indicators_workbook

    names = _tables(table)
    if _wants_xlsx(fmt, out):
        if out is None:
            raise UsageError.of("xlsx_needs_file", alternative=" (or --out - for standard output)")
        from .. import export

        if not is_stdout(out):
            check_suffix(out, "xlsx")
        export.save_workbook(indicators_workbook(db_path(ctx), start, end, targets, period=period, tables=names),
                             sys.stdout.buffer if is_stdout(out) else out)
        if not is_stdout(out):
            err_console().print(f"Wrote {out}", markup=False)
        return
    document = indicators_document(db_path(ctx), start, end, targets, period=period, tables=names)
    _state_period(document, fmt, out)
    if out is not None and not is_stdout(out) and len(document.sections) > 1 and (
            fmt is Format.csv or (fmt is Format.table and out.suffix.lower() == ".csv")):
        _csv_per_table(document, out)
        return
    emit(document, fmt, out)


def _state_period(document, fmt: Format, out: Path | None) -> None:
    """Say which period a report counts where its format has no header: above the tables on
    the screen, on standard error for CSV (md, json and xlsx carry it in their header)."""
    lines = [f"{key.capitalize()}: {value}" for key, value in document.summary.items()
             if key in ("period", "outside the period")]
    if fmt is Format.table and out is None:
        if not is_quiet():
            for line in lines:
                console().print(line, markup=False, highlight=False)
    elif fmt is Format.csv or (fmt is Format.table and out is not None and out.suffix.lower() == ".csv"):
        for line in lines:
            err_console().print(line, markup=False, highlight=False)


def _csv_per_table(document, out: Path) -> None:
    """One CSV file per table, named after ``out`` and the table (``report-events.csv``)."""
    from .. import export
    from ..export import Document

    check_suffix(out, "csv")
    for section in document.sections:
        target = out.with_name(f"{out.stem}-{section.meta['table']}{out.suffix or '.csv'}")
        export.write(Document(document.title, [section], summary=document.summary), "csv", target)
        err_console().print(f"Wrote {target}", markup=False)


@report_app.command("agreements")
def agreements(
    ctx: typer.Context,
    start: str = START,
    end: str = END,
    period: int = PERIOD,
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """The register of cooperation and business agreements (deliverable D2.2's annex): parties, third-country
    partner, country, objective types, sector/technology, status, date signed."""
    from ..services.report import agreements_document

    document = agreements_document(db_path(ctx), start, end, period=period)
    _state_period(document, fmt, out)
    emit(document, fmt, out)
