"""`elca-match members list|show` and `elca-match forget`."""

from __future__ import annotations

from pathlib import Path

import typer

from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, TABLE_OPTION, Format, db_path, emit, err_console

members_app = typer.Typer(help="List and show member organisations.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `members` group and `forget`."""
    app.add_typer(members_app, name="members")
    app.command("forget")(forget)


def _codes(question: str, values: list[str] | None) -> list[str] | None:
    """Command-line values to choice codes, with a did-you-mean for typos."""
    if not values:
        return None
    from ..errors import UsageError, did_you_mean
    from ..questionnaire import load_questionnaire

    q = load_questionnaire()
    codes = []
    for value in values:
        code = q.match_choice(question, value)
        if code is None:
            raise UsageError.of("unknown_name", what=q.question(question).label("en").lower(), value=value,
                                suggestion=did_you_mean(q.suggest_choice(question, value)),
                                allowed=", ".join(q.choice_codes(question)))
        codes.append(code)
    return codes


def _countries(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from ..markets import resolve_markets

    return [code for value in values for code in resolve_markets(value)]


@members_app.command("list")
def list_members(
    ctx: typer.Context,
    cluster: list[str] = typer.Option(None, "--cluster", help="Partner code, e.g. AMZ (repeatable)."),
    country: list[str] = typer.Option(None, "--country", help="The member's own country (repeatable)."),
    sector: list[str] = typer.Option(None, "--sector", help="Sector code or label (repeatable)."),
    stage: list[str] = typer.Option(None, "--stage", help="Value-chain stage (repeatable)."),
    market: list[str] = typer.Option(None, "--market", help="Target market or market experience (country or region)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """List member organisations (never their contact data)."""
    from ..services.members import list_members as listed, summary_of

    members = listed(db_path(ctx), clusters=_codes("cluster", cluster), countries=_countries(country),
                     sectors=_codes("sectors", sector), stages=_codes("value_chain_stages", stage),
                     markets=_countries(market))
    rows = [[m.org_key, m.name, m.cluster, m.country, m.org_type, "; ".join(m.answers.get("sectors") or []),
             "; ".join(m.answers.get("value_chain_stages") or []), m.answers.get("trl"),
             "yes" if m.consent else "no"] for m in members]
    columns = ["key", "name", "cluster", "country", "org_type", "sectors", "stages", "trl", "consent"]
    counts = summary_of(members)
    emit(Document("Members", [Section("Members", columns, rows)], summary={"count": len(members), "per cluster": counts},
                  notes=[f"{len(members)} members: " + ", ".join(f"{k} {v}" for k, v in counts.items())]), fmt, out)


@members_app.command("show")
def show_member(
    ctx: typer.Context,
    org: str = typer.Argument(..., help="Organisation key, VAT/PIC id or exact name."),
    with_contacts: bool = typer.Option(False, "--with-contacts", help="Include contact name and e-mail (personal data)."),
    lang: str = typer.Option("en", "--lang", help="Language of the concept names: en, de, it, pl, fr or es."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    table: str = TABLE_OPTION,
) -> None:
    """Show one organisation: current answers and every submission with its source file and row."""
    from ..services.members import show_member as shown
    from ..services.model import member_text

    member = shown(db_path(ctx), org, with_contacts)
    rows = [[code, _show(value)] for code, value in member.answers.items()]
    provenance = [[s.id, s.status, s.submitted_at or "", s.file_name, s.sha256[:12], s.row_number, s.adapter,
                   s.questionnaire_version] for s in member.submissions]
    notes = ["Contact data hidden; pass --with-contacts to show it."] if member.contacts_hidden else []
    read = member_text(member.key, member.answers, reader=lang)
    understood = [["language", read.lang],
                  ["concepts found", "; ".join(label for _, label in read.concepts)],
                  ["words not mapped", "; ".join(read.unmapped)],
                  ["share mapped", f"{read.mapped_share:.0%}"]]
    emit(Document(f"Member {member.name}", [
        Section(f"{member.name} ({member.key}), cluster {member.cluster}", ["question", "answer"], rows,
                name="answers"),
        Section("Free text as the model read it", ["item", "value"], understood, name="free-text"),
        Section("Submissions (provenance)", ["submission", "status", "submitted_at", "file", "sha256", "row",
                                             "adapter", "questionnaire"], provenance),
    ], notes=notes), fmt, out, table=table)


def _show(value) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def forget(
    ctx: typer.Context,
    org: str = typer.Argument(None, help="Organisation key, VAT/PIC id (any spelling) or any name it had.",
                              show_default=False),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    finish: bool = typer.Option(False, "--finish", help="Only finish an earlier forget that could not rewrite the "
                                "database file (another program held it, or the disk was full)."),
) -> None:
    """Erase an organisation everywhere (answers, raw answers, set-aside rows, names and contact data quoted in
    free text, derived data) and nothing else, then rewrite the database file so no deleted byte remains."""
    from ..errors import StateError, UsageError
    from ..services import members as service

    if finish:
        done = service.finish(db_path(ctx))
        if not done.complete:
            raise StateError.of("erase_unfinished", detail=done.reason)
        err_console().print("Database rewritten and its write-ahead log emptied: no deleted byte remains.",
                            markup=False)
        return
    if org is None:
        raise UsageError.of("options_exactly_one", options="the ORGANISATION to forget or --finish", got="none")
    if not yes:
        name = service.member_name(db_path(ctx), org)  # perhaps only set-aside rows: the service decides
        typer.confirm(f"Erase {name} and all its answers for good?", abort=True)
    result = service.forget(db_path(ctx), org)
    console = err_console()
    console.print(f"Forgot {result.name} ({result.org_key}): {sum(result.deleted.values())} records erased "
                  f"({_counts(result.deleted)}).", markup=False)
    if result.scrubbed:
        console.print(f"Its names and contact data replaced in {sum(result.scrubbed.values())} other records "
                      f"({_counts(result.scrubbed)}).", markup=False)
    if not result.finished:
        raise StateError.of("erase_unfinished", detail=result.unfinished_reason)
    console.print("Database rewritten and its write-ahead log emptied: no deleted byte remains.", markup=False)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {count}" for table, count in counts.items())
