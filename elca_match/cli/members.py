"""`elca-match members list|show` and `elca-match forget`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, Format, db_path, emit, err_console, open_database

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
    from ..services import required
    from ..services.ingest import member_filter, summary_of

    db = open_database(ctx, create=False)
    members = member_filter(required.members(db), clusters=_codes("cluster", cluster), countries=_countries(country),
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
) -> None:
    """Show one organisation: current answers and every submission with its source file and row."""
    from ..questionnaire import load_questionnaire
    from ..services.ingest import find_member
    from ..store import survey

    q = load_questionnaire()
    db = open_database(ctx, create=False)
    org = find_member(db, org)
    history = survey.submission_history(db, org["key"])
    current = next((h for h in history if h["id"] == org["current_submission"]), history[-1])
    answers = json.loads(current["answers"])
    hidden = set() if with_contacts else set(q.personal_codes())
    rows = [[code, _show(value)] for code, value in answers.items() if code not in hidden]
    provenance = [[h["id"], h["status"], h["submitted_at"] or "", h["file_name"], h["sha256"][:12], h["row_number"],
                   h["adapter"], h["questionnaire_version"]] for h in history]
    notes = [] if with_contacts else ["Contact data hidden; pass --with-contacts to show it."]
    from ..services.model import member_text

    read = member_text(org["key"], answers, reader=lang)
    understood = [["language", read.lang],
                  ["concepts found", "; ".join(label for _, label in read.concepts)],
                  ["words not mapped", "; ".join(read.unmapped)],
                  ["share mapped", f"{read.mapped_share:.0%}"]]
    emit(Document(f"Member {org['name']}", [
        Section(f"{org['name']} ({org['key']}), cluster {org['cluster']}", ["question", "answer"], rows),
        Section("Free text as the model read it", ["", "value"], understood),
        Section("Submissions (provenance)", ["submission", "status", "submitted_at", "file", "sha256", "row",
                                             "adapter", "questionnaire"], provenance),
    ], notes=notes), fmt, out)


def _show(value) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def forget(
    ctx: typer.Context,
    org: str = typer.Argument(..., help="Organisation key, VAT/PIC id or exact name."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Erase an organisation everywhere (answers, raw answers, set-aside rows, derived data)."""
    from ..services.ingest import find_member, forget as run

    if not yes:
        from ..errors import NotFoundError

        db = open_database(ctx, create=False)
        try:
            name = find_member(db, org)["name"]
        except NotFoundError:
            name = org  # perhaps only set-aside rows: the service decides
        finally:
            db.close()
        typer.confirm(f"Erase {name} and all its answers for good?", abort=True)
    result = run(db_path(ctx), org)
    total = sum(result.deleted.values())
    err_console().print(f"Forgot {result.name} ({result.org_key}): {total} records erased "
                        f"({', '.join(f'{k} {v}' for k, v in result.deleted.items() if v)}); database vacuumed.",
                        markup=False)
