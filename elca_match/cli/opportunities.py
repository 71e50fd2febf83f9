"""`elca-match opportunities import|list|show`: the D1.1 opportunity catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..export import Document, Section
from ..records import OPPORTUNITY_FIELDS, PROVENANCE_FIELDS, Opportunity, as_dict
from .context import FORMAT_OPTION, OUT_OPTION, Format, db_path, emit

opportunities_app = typer.Typer(help="Import, list and show the D1.1 opportunity catalogue.", no_args_is_help=True)

# On screen a short table; in files (csv, xlsx, md, html) every field of the catalogue.
SCREEN_COLUMNS = ["id", "country", "sector", "value_chain_stage", "trl", "market_maturity", "priority", "title"]
# In full: every field and where it came from (``source`` repeats the first of ``sources``; the hash is noise).
DETAIL_FIELDS = [f for f in OPPORTUNITY_FIELDS + PROVENANCE_FIELDS if f not in ("source", "source_sha256")]


def register(app: typer.Typer) -> None:
    """Add the `opportunities` group."""
    app.add_typer(opportunities_app, name="opportunities")


@opportunities_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(None, help="Opportunity catalogue (CSV or XLSX) with the brief's columns."),
    builtin: bool = typer.Option(False, "--builtin", help="Import the starter D1.1 catalogue shipped with elca-match."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Import opportunities (all rows or, on any error, none); existing ids are updated."""
    from ..services.catalogue import import_opportunities

    emit(import_document(import_opportunities(db_path(ctx), file, builtin=builtin)), fmt, out)


def import_document(result: Any) -> Document:
    """An import result as a table of added, updated and unchanged ids (shared by `missions import`)."""
    rows = [[i, "added", ""] for i in result.added]
    rows += [[i, "updated", ", ".join(fields)] for i, fields in result.updated.items()]
    rows += [[i, "unchanged", ""] for i in result.unchanged]
    note = (f"{result.file}: {len(result.added)} added, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged; the database {result.database} holds {result.total} {result.what}.")
    return Document(f"Import of {result.what}", [Section(f"{result.what.capitalize()} in {result.file}",
                                                         ["id", "status", "changed fields"], rows)],
                    summary={"file": result.file, "sha256": result.sha256, "database": result.database},
                    notes=[note], data=result)


@opportunities_app.command("list")
def list_(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c", help="Country or region in any spelling: JP, japan, Japón, latin-america."),
    sector: str = typer.Option(None, "--sector", "-s", help="Sector code or label, e.g. automotive (several: a;b)."),
    stage: str = typer.Option(None, "--stage", help="Value-chain stage code or label, e.g. design (several: a;b)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """List opportunities, optionally for some countries, sectors or value-chain stages."""
    from ..services.catalogue import list_opportunities

    query, records = list_opportunities(db_path(ctx), country, sector, stage)
    if fmt is Format.table and out is None:
        columns = SCREEN_COLUMNS
        rows = [[r.id, r.country, r.sector, r.value_chain_stage, _trl(r), r.market_maturity or "", r.priority,
                 r.title] for r in records]
    else:
        columns = list(OPPORTUNITY_FIELDS)
        rows = [[getattr(r, name) for name in columns] for r in records]
    asked = {k: v for k, v in (("countries", query.countries), ("sectors", query.sectors),
                               ("stages", query.stages)) if v is not None}
    notes = [f"{len(records)} opportunities" + (f" for {_describe(asked)}." if asked else ".")]
    section = Section("Opportunities", columns, rows, wrap_columns=("title", "description", "policy_driver"))
    emit(Document("Opportunities", [section], summary={"query": asked}, notes=notes, data=records), fmt, out)


@opportunities_app.command("show")
def show(
    ctx: typer.Context,
    opportunity_id: str = typer.Argument(..., metavar="ID", help="Opportunity id, e.g. JP-AER-01."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Show one opportunity in full, with the file and row it was imported from."""
    from ..services.catalogue import show_opportunity

    opportunity, provenance = show_opportunity(db_path(ctx), opportunity_id)
    record = {**as_dict(opportunity), **as_dict(provenance)}
    rows = [[name, "; ".join(record[name]) if isinstance(record[name], tuple) else record[name]]
            for name in DETAIL_FIELDS]
    section = Section(opportunity.title, ["field", "value"], rows, wrap_columns=("value",), name="opportunity")
    emit(Document(f"Opportunity {opportunity.id}", [section], data=record), fmt, out)


@opportunities_app.command("check")
def check(
    ctx: typer.Context,
    today: str = typer.Option(None, "--today", metavar="YYYY-MM-DD",
                              help="Judge validity and staleness as of this date (default: today)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """List opportunities to check again before citing them: driver ending before a mission to
    its country, not verified, never checked, or checked more than a year ago."""
    from ..services.catalogue import check_catalogue

    result = check_catalogue(db_path(ctx), _date_option(today, "--today"))
    rows = [[w.opportunity, w.kind, w.detail] for w in result.warnings]
    note = (f"{len(result.flagged)} of {result.opportunities} opportunities need checking before they are cited "
            f"(as of {result.today})." if result.warnings else
            f"All {result.opportunities} opportunities are verified, checked within a year and in force "
            f"(as of {result.today}).")
    section = Section("Opportunities to check before citing", ["id", "warning", "detail"], rows,
                      wrap_columns=("detail",))
    emit(Document("Catalogue check", [section], summary={"today": result.today,
                                                          "opportunities": result.opportunities,
                                                          "flagged": len(result.flagged)},
                  notes=[note], data=result), fmt, out)


def _date_option(value: str | None, flag: str):
    import datetime as dt

    from ..errors import UsageError
    from ..text import parse_day

    if value is None:
        return None
    day = parse_day(value)
    if day is None:
        raise UsageError.of("option_not_a_date", option=flag, given=value)
    return dt.date.fromisoformat(day)


def _trl(record: Opportunity) -> str:
    low, high = record.trl_min, record.trl_max
    if low is None and high is None:
        return ""
    return f"{low if low is not None else ''}-{high if high is not None else ''}"


def _describe(asked: dict[str, list[str]]) -> str:
    return "; ".join(f"{k} {', '.join(v)}" for k, v in asked.items())
