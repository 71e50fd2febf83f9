"""`elca-match agenda ...`: meeting requests, sessions and availability; suggestions; the optimal
schedule; locks; personal agendas and the room grid; the meetings held."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from ..errors import UsageError
from ..export import Document, Section
from ..export.agenda import agenda_document
from ..i18n import LANGUAGES
from .context import FORMAT_OPTION, OUT_OPTION, Format, check_suffix, db_path, emit, err_console, is_stdout

agenda_app = typer.Typer(help="Mission meetings: who should meet whom, the schedule, agendas, meetings held.",
                         no_args_is_help=True)
import_app = typer.Typer(help="Import meeting requests, sessions or availability from a CSV or XLSX file.",
                         no_args_is_help=True)

MISSION = typer.Option(..., "--mission", "-m", help="Mission id (see `elca-match missions list`).")
PLAN = typer.Option(None, "--plan", help="Read who travels from this saved plan (default: the plan of record).")
WITH_CONTACTS = typer.Option(False, "--with-contacts",
                             help="Add contact name and e-mail (personal data), only where the organisation consented.")

class ExportFormat(str, Enum):
    xlsx = "xlsx"
    html = "html"
    ics = "ics"
    csv = "csv"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the `agenda` group."""
    agenda_app.add_typer(import_app, name="import")
    app.add_typer(agenda_app, name="agenda")


def _import(ctx: typer.Context, what: str, file: Path, mission: str | None, plan: int | None, fmt: Format,
            out: Path | None) -> None:
    from ..services.agenda import import_file

    _emit_import(import_file(db_path(ctx), what, file, mission, plan), fmt, out)


def _emit_import(result, fmt: Format, out: Path | None) -> None:
    rows = [["added", result.added], ["updated", result.updated]]
    emit(Document("Agenda", [Section(f"{result.what.capitalize()} recorded from {result.file}", ["change", "count"],
                                     rows, notes=[f"missions: {', '.join(result.missions)}"])], data=result), fmt, out)


@import_app.command("requests")
def import_requests(ctx: typer.Context, file: Path = typer.Argument(..., help="Columns: mission, from, to, priority, note."),
                    plan: int = PLAN, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION) -> None:
    """Import meeting requests (a request both ways is mutual)."""
    _import(ctx, "requests", file, None, plan, fmt, out)


@import_app.command("sessions")
def import_sessions(ctx: typer.Context,
                    file: Path = typer.Argument(..., help="Columns: mission, day, start, end, slot_minutes, tables, breaks."),
                    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION) -> None:
    """Import meeting sessions: days, hours, slot length, tables and breaks."""
    _import(ctx, "sessions", file, None, None, fmt, out)


@import_app.command("availability")
def import_availability(ctx: typer.Context,
                        file: Path = typer.Argument(..., help="Columns: participant, day, from, to."),
                        mission: str = MISSION, plan: int = PLAN, fmt: Format = FORMAT_OPTION,
                        out: Path = OUT_OPTION) -> None:
    """Import when participants can meet (a participant without rows can meet during every session)."""
    _import(ctx, "availability", file, mission, plan, fmt, out)


@agenda_app.command("request")
def request(
    ctx: typer.Context, mission: str = MISSION,
    source: str = typer.Option(..., "--from", help="Who asks: a travelling member or a partner (name or id)."),
    target: str = typer.Option(..., "--to", help="Whom they want to meet."),
    priority: int = typer.Option(None, "--priority", help="1 high, 2 (default), 3 low."),
    note: str = typer.Option(None, "--note"), plan: int = PLAN, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record one meeting request."""
    from ..services.agenda import add_request

    _emit_import(add_request(db_path(ctx), mission, source, target, priority, note, plan), fmt, out)


@agenda_app.command("session")
def session(
    ctx: typer.Context, mission: str = MISSION,
    day: str = typer.Option(..., "--day", help="YYYY-MM-DD, within the mission's dates."),
    start: str = typer.Option(..., "--start", help="HH:MM"), end: str = typer.Option(..., "--end", help="HH:MM"),
    slot_minutes: int = typer.Option(..., "--slot-minutes"), tables: int = typer.Option(..., "--tables"),
    breaks: str = typer.Option(None, "--breaks", help="e.g. '12:30-13:30; 15:00-15:15'."),
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record one meeting session."""
    from ..services.agenda import add_session

    _emit_import(add_session(db_path(ctx), mission, day, start, end, slot_minutes, tables, breaks), fmt, out)


@agenda_app.command("suggest")
def suggest(
    ctx: typer.Context, mission: str = MISSION,
    per_member: int = typer.Option(5, "--per-member", min=1, help="Partners suggested per travelling member."),
    accept: bool = typer.Option(False, "--accept", help="Store the suggestions as meeting requests."),
    plan: int = PLAN, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Who should meet whom: each travelling member's best-fitting partners, with breakdown and why."""
    from ..services.agenda import suggest as run

    result = run(db_path(ctx), mission, per_member, accept, plan)
    # the per-block breakdown goes to files; on screen it would squeeze the why out
    blocks = [] if fmt is Format.table and out is None else sorted({b for s in result.suggestions for b in s.breakdown})
    rows = [[s.member, s.partner, s.partner_id, round(s.score, 3), *[round(s.breakdown.get(b, 0.0), 3) for b in blocks],
             s.why] for s in result.suggestions]
    notes = [f"{result.accepted} stored as meeting requests." if accept else
             "Pass --accept to store them as meeting requests."]
    emit(Document(f"Suggested meetings, mission {result.mission}",
                  [Section(f"Mission {result.mission} ({result.country})", ["member", "partner", "partner_id", "score",
                                                                           *blocks, "why"], rows, notes=notes,
                                   name="suggestions")],
                  data=result), fmt, out)


@agenda_app.command("schedule")
def schedule(
    ctx: typer.Context, mission: str = MISSION,
    time_limit: float = typer.Option(10.0, "--time-limit", min=0.5, help="Seconds the solver may take."),
    require_all: bool = typer.Option(False, "--require-all",
                                     help="Refuse (and say what to change) when capacity cannot fit every request."),
    plan: int = PLAN, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Schedule the mission's requests into slots and tables (CP-SAT), keeping locked meetings."""
    from ..services.agenda import schedule_mission

    result = schedule_mission(db_path(ctx), mission, time_limit, require_all, plan)
    emit(agenda_document(result, "en", with_contacts=False, grid=True, personal=False), fmt, out)


@agenda_app.command("lock")
def lock(
    ctx: typer.Context, first: str = typer.Argument(..., help="One participant of the meeting."),
    second: str = typer.Argument(..., help="The other participant."), mission: str = MISSION,
    remove: bool = typer.Option(False, "--remove", help="Release the meeting instead."), plan: int = PLAN,
) -> None:
    """Keep a scheduled meeting at its time and table on every re-schedule."""
    from ..services.agenda import lock as run

    m = run(db_path(ctx), mission, first, second, remove, plan)
    state = "released" if remove else "locked"
    err_console().print(f"Meeting {m.requester} / {m.requested} on {m.day} {m.start}, table {m.table}: {state}.",
                        markup=False)


@agenda_app.command("show")
def show(
    ctx: typer.Context, mission: str = MISSION,
    participant: str = typer.Option(None, "--participant", help="Only this participant's agenda (name or id)."),
    lang: str = typer.Option("en", "--lang", help="Language of the headings: en, de, it, pl, fr or es."),
    with_contacts: bool = WITH_CONTACTS, plan: int = PLAN, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """The schedule, or one participant's agenda: time, table, with whom, who they are, why they fit."""
    from ..services.agenda import agenda

    result = agenda(db_path(ctx), mission, participant, with_contacts, plan)
    who, why = _labellers(lang)
    emit(agenda_document(result, _lang(lang), with_contacts, grid=participant is None, personal=participant is not None,
                         why_label=why, who_label=who),
         fmt, out)


@agenda_app.command("export")
def export(
    ctx: typer.Context, mission: str = MISSION,
    fmt: ExportFormat = typer.Option(ExportFormat.xlsx, "--format", "-f", help="xlsx, html, ics, csv or json."),
    out: Path = typer.Option(..., "--out", "-o", help="The file to write (for ics: a folder, one .ics per participant)."),
    participant: str = typer.Option(None, "--participant", help="Only this participant."),
    lang: str = typer.Option("en", "--lang", help="Language of the headings: en, de, it, pl, fr or es."),
    with_contacts: bool = WITH_CONTACTS, plan: int = PLAN,
) -> None:
    """Agendas people carry: a personal agenda per participant, the room grid, and .ics calendars."""
    from ..services.agenda import agenda

    result = agenda(db_path(ctx), mission, participant, with_contacts, plan)
    if fmt is ExportFormat.ics:
        from ..export.agenda_ics import calendar, write_calendars

        if result.participant and (is_stdout(out) or out.suffix.lower() == ".ics"):  # one person: one file
            data = calendar(result, result.participant)
            if is_stdout(out):
                sys.stdout.write(data.decode("utf-8"))
                return
            out.write_bytes(data)
            err_console().print(f"Wrote {out}", markup=False)
            return
        if is_stdout(out) or (out.exists() and not out.is_dir()):
            raise UsageError.of("ics_needs_folder", out=str(out))
        names = sorted({n for m in result.meetings for n in (m.requester, m.requested)})
        if result.participant:
            names = [result.participant]
        written = write_calendars(result, out, names)
        err_console().print(f"Wrote {len(written)} calendars into {out}", markup=False)
        return
    if out.is_dir():
        raise UsageError.of("out_is_folder", out=str(out), example=str(out / ("agenda." + fmt.value)))
    check_suffix(out, fmt.value)
    who, why = _labellers(lang)
    document = agenda_document(result, _lang(lang), with_contacts, grid=True, personal=True, why_label=why,
                               who_label=who)
    if fmt is ExportFormat.csv and document.sections:
        # one table: the personal agendas share their columns (a 'section' column names whose agenda)
        document.sections = [s for s in document.sections if s.columns == document.sections[0].columns]
    emit(document, Format(fmt.value), out)


@agenda_app.command("held")
def held(
    ctx: typer.Context, mission: str = MISSION,
    file: Path = typer.Option(None, "--file", help="Attendance (CSV or XLSX): from, to, held (yes/no). "
                                                   "Without it every scheduled meeting counts as held."),
    plan: int = PLAN,
) -> None:
    """Record the meetings that took place; they become outcome meetings (C2C or B2B) for `report indicators`."""
    from ..services.agenda import held as run

    result = run(db_path(ctx), mission, file, plan)
    err_console().print(f"Mission {result.mission}: {result.held} meetings held, {result.not_held} not; "
                        f"{len(result.outcome_meetings)} outcome meetings recorded.", markup=False)


def _labellers(lang: str):
    """"Who they are" and "why they fit" in the reader's labels (see services.agenda_labels)."""
    from ..services.agenda_labels import labellers

    return labellers(_lang(lang))


def _lang(lang: str) -> str:
    from ..errors import UsageError, did_you_mean
    from ..text import closest

    if lang not in LANGUAGES:
        raise UsageError.of("unknown_name", what="language", value=lang,
                            suggestion=did_you_mean(closest(lang, LANGUAGES)), allowed=", ".join(LANGUAGES))
    return lang
