"""`elca-match export`: shortlists and market reports for the people who organise the meetings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import UsageError, did_you_mean
from ..services.defaults import TOP
from ..text import closest
from .context import Format, check_out, check_suffix, db_path, emit, err_console, format_of

export_app = typer.Typer(help="Shortlists (Excel first; also csv, json, md, html) and HTML market reports.",
                         no_args_is_help=True)

_LANG_HELP = "Language of sector, stage, material and type labels: de, it, pl, fr, es or en."


def register(app: typer.Typer) -> None:
    """Add the `export` group: `export shortlist`, `export report` and `export calendar`."""
    export_app.command("shortlist")(shortlist)
    export_app.command("report")(report)
    export_app.command("calendar")(calendar)
    app.add_typer(export_app, name="export")


def shortlist(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c", help="One shortlist per opportunity in this country "
                                "(any spelling: JP, japan, Giappone)."),
    opportunity: str = typer.Option(None, "--opportunity", help="The shortlist of this opportunity id (several: a,b)."),
    mission: str = typer.Option(None, "--mission", help="The delegation and alternates of this mission "
                                "in the plan of record (`elca-match plan list`)."),
    plan_id: int = typer.Option(None, "--plan", help="With --mission: read this saved plan instead of the plan "
                                "of record.", show_default=False),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="xlsx (default; needs --out), csv, json, "
                                         "md or html; taken from --out's suffix when not given.",
                                         show_default=False),
    out: Path = typer.Option(None, "--out", "-o", help="File to write (required for xlsx); else the screen.",
                           callback=check_out),
    top: int = typer.Option(None, "--top", "-n", help=f"Organisations per shortlist (default {TOP}; for a mission "
                            "every assigned member and alternate).", show_default=False),
    lang: str = typer.Option("en", "--lang", help=_LANG_HELP),
    with_contacts: bool = typer.Option(False, "--with-contacts", help="Add contact name and e-mail, only for "
                                       "organisations that consented to sharing them."),
) -> None:
    """Write matchmaking shortlists per country, opportunity or mission, ready to use in Excel."""
    from ..services.export import shortlist as run
    from ..services.export import shortlist_document

    fmt = _format(fmt, out, Format.xlsx)
    result = run(db_path(ctx), country=country, opportunity=opportunity, mission=mission, top=top, lang=lang,
                 with_contacts=with_contacts, plan_id=plan_id)
    emit(shortlist_document(result), fmt, out)


def report(
    ctx: typer.Context,
    country: str = typer.Option(..., "--country", "-c", help="The market (any spelling: JP, japan, Giappone)."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="html (default), xlsx, csv, json or md; "
                                         "taken from --out's suffix when not given.", show_default=False),
    out: Path = typer.Option(None, "--out", "-o", help="File to write (default for html: report-COUNTRY.html in "
                             "the current folder; '-': standard output).", callback=check_out),
    top: int = typer.Option(TOP, "--top", "-n", help="Organisations per opportunity in the tables."),
    lang: str = typer.Option("en", "--lang", help=_LANG_HELP),
    with_contacts: bool = typer.Option(False, "--with-contacts", help="Add contact name and e-mail, only for "
                                       "organisations that consented to sharing them."),
) -> None:
    """Write a self-contained market report: fit heatmaps by cluster and the shortlist of every opportunity."""
    from ..services.export import report as run
    from ..services.export import report_document

    fmt = _format(fmt, out, Format.html)
    result = run(db_path(ctx), country=country, top=top, lang=lang, with_contacts=with_contacts)
    if out is None and fmt is Format.html:
        # a page of HTML is no use on a terminal: write it next to the user, and say where
        out = Path(f"report-{_slug(result.country, country)}.html")
    emit(report_document(result), fmt, out)


def _slug(code: str, typed: str) -> str:
    """``japan`` for JP; a region as typed (``latin-america``): a file name without spaces or accents."""
    from ..markets import country_name
    from ..text import slug

    name = country_name(code) if len(code) == 2 and code.isalpha() else typed
    return "-".join(slug(name).split()) or "market"


def _format(fmt: Format | None, out: Path | None, default: Format) -> Format:
    """The format asked for, else the one --out's suffix names, else ``default``; checked before any work."""
    if fmt is None:
        fmt = format_of(out, default) if out is not None else default
    if fmt is Format.xlsx and out is None:
        raise UsageError.of("xlsx_needs_file", alternative=" (or choose --format csv, json, md or html)")
    if out is not None:
        check_suffix(out, fmt.value)
    return fmt


def calendar(
    ctx: typer.Context,
    fmt: str = typer.Option("ics", "--format", "-f", help="ics (RFC 5545, for calendar programs), or table, csv, "
                            "json or md for the list of events."),
    out: Path = typer.Option(None, "--out", "-o", help="File to write (e.g. missions.ics); else the screen.",
                             callback=check_out),
    member: str = typer.Option(None, "--member", help="Only the trips of this organisation (key, id or name)."),
    cluster: str = typer.Option(None, "--cluster", help="Only the missions this cluster travels on (code)."),
    plan_id: int = typer.Option(None, "--plan", help="Read this saved plan instead of the plan of record.",
                                show_default=False),
) -> None:
    """Write the plan of record as a calendar: one event per mission with dates, place, type and travellers."""
    from ..export import Document, Section
    from ..services.calendar import calendar as run

    fmt = fmt.strip().lower()
    if fmt not in ("ics", *(f.value for f in Format if f is not Format.xlsx and f is not Format.html)):
        allowed = ["ics", "table", "csv", "json", "md"]
        raise UsageError.of("unknown_name", what="calendar format", value=fmt, allowed=", ".join(allowed),
                            suggestion=did_you_mean(closest(fmt, allowed)))
    if out is not None and fmt != "table":
        check_suffix(out, fmt)
    result = run(db_path(ctx), plan_id=plan_id, member=member, cluster=cluster)
    notes = [f"{len(result.events)} event(s) from {result.plan} ({result.scope})."]
    if result.undated:
        notes.append(f"Left out, no start date yet: {', '.join(result.undated)}.")
    if fmt == "ics":
        from ..export.ics import render_ics

        data = render_ics(result.name, result.events)
        if out is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            out.write_bytes(data)
            notes.insert(0, f"Wrote {out}.")
        err_console().print(" ".join(notes), markup=False, highlight=False)
        return
    rows = [[e.start.isoformat(), e.end.isoformat(), e.uid.split("@")[0], e.country, e.region, e.type,
             "; ".join(e.travellers)] for e in result.events]
    section = Section(result.name, ["start_date", "end_date", "mission", "country", "region", "type", "travellers"],
                      rows, wrap_columns=("travellers",), name="calendar")
    emit(Document(f"Calendar: {result.name}", [section], summary={"plan": result.plan, "scope": result.scope},
                  notes=notes, data=result), Format(fmt), out)
