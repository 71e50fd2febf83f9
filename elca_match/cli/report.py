"""`elca-match report indicators`: the progress report's tables (part II) from the outcome records."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import UsageError
from .context import FORMAT_OPTION, OUT_OPTION, TABLE_OPTION, Format, db_path, emit, err_console

report_app = typer.Typer(help="Reports for the funding agency.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `report` group."""
    app.add_typer(report_app, name="report")


@report_app.command("indicators")
def indicators(
    ctx: typer.Context,
    start: str = typer.Option(None, "--from", help="First day counted, YYYY-MM-DD (default: the start of the action)."),
    end: str = typer.Option(None, "--to", help="Last day counted, YYYY-MM-DD (default: today)."),
    targets: Path = typer.Option(None, "--targets", help="Targets file (default: the action's, builtin/targets.yaml)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    table: str = TABLE_OPTION,
) -> None:
    """The template's tables, cumulated: call indicators against targets, events, stakeholders, cooperation cases."""
    from ..outcomes.document import report_document
    from ..services.outcomes import indicator_report

    report = indicator_report(db_path(ctx), start, end, targets)
    if fmt is Format.xlsx or (fmt is Format.table and out is not None and out.suffix.lower() == ".xlsx"):
        if out is None:
            raise UsageError.of("bad_option", detail="--format xlsx needs --out FILE.xlsx")
        from ..outcomes.template_xlsx import write_template_xlsx

        if not out.parent.is_dir() and str(out.parent):
            raise UsageError.of("bad_option", detail=f"cannot write {out}: the folder {out.parent} does not exist")
        write_template_xlsx(report, out)
        err_console().print(f"Wrote {out}", markup=False)
        return
    emit(report_document(report), fmt, out, table=table)
