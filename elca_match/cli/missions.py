"""`elca-match missions import|list`: the mission calendar (D2.1)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..export import Document, Section
from ..records import MISSION_FIELDS
from .context import FORMAT_OPTION, OUT_OPTION, Format, db_path, emit

missions_app = typer.Typer(help="Import and list the missions calendar.", no_args_is_help=True)

# On screen without the region (long text); in files every field.
SCREEN_COLUMNS = ["id", "country", "type", "seats", "start_date", "end_date", "lead_cluster", "sectors",
                  "opportunities"]


def register(app: typer.Typer) -> None:
    """Add the `missions` group."""
    app.add_typer(missions_app, name="missions")


@missions_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(None, help="Missions file (CSV or XLSX) with the brief's columns."),
    builtin: bool = typer.Option(False, "--builtin", help="Import the example 2027 calendar of 22 missions."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Import missions (all rows or, on any error, none); existing ids are updated."""
    from ..services.catalogue import import_missions
    from .opportunities import import_document

    emit(import_document(import_missions(db_path(ctx), file, builtin=builtin)), fmt, out)


@missions_app.command("list")
def list_(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c", help="Country or region in any spelling: JP, japan, Japón, latin-america."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """List missions in date order, optionally to some countries or a region."""
    from ..services.catalogue import list_missions

    countries, records = list_missions(db_path(ctx), country)
    columns = SCREEN_COLUMNS if fmt is Format.table and out is None else list(MISSION_FIELDS)
    rows = [["" if getattr(m, name) is None else getattr(m, name) for name in columns] for m in records]
    seats = sum(m.seats for m in records)
    notes = [f"{len(records)} missions, {seats} seats" + (f" to {', '.join(countries)}." if countries else ".")]
    section = Section("Missions", columns, rows, wrap_columns=("region", "opportunities"))
    emit(Document("Missions", [section], summary={"countries": countries}, notes=notes, data=records), fmt, out)
