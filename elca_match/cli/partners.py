"""`elca-match partners import|add|list|show|merge`: the register of third-country partners."""

from __future__ import annotations

from pathlib import Path

import typer

from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, Format, db_path, emit, err_console

partners_app = typer.Typer(help="The register of third-country partners (clusters, companies, agencies ...).",
                           no_args_is_help=True)
WITH_CONTACTS = typer.Option(False, "--with-contacts",
                             help="Show contact name and e-mail (personal data), only where the partner consented.")


def register(app: typer.Typer) -> None:
    """Add the `partners` group."""
    app.add_typer(partners_app, name="partners")


@partners_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Partners file (CSV or XLSX): id, name, country, kind, ..."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Import partners (all rows or, on any error, none); known ids are updated."""
    from ..services.partners import import_partners

    emit(_result_document(import_partners(db_path(ctx), file)), fmt, out)


@partners_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Option(None, "--name", help="Name of the organisation."),
    country: str = typer.Option(None, "--country", help="Its country: code or name."),
    kind: str = typer.Option(None, "--kind", help="cluster, intermediary, sme, large, rto, university, public or other."),
    id: str = typer.Option(None, "--id", help="Partner id (default: the next PT-nnn); a stored id updates that "
                           "partner, and the options not given keep their values."),
    region: str = typer.Option(None, "--region"),
    sectors: str = typer.Option(None, "--sectors", help="Sector codes or labels, separated by ';'."),
    stages: str = typer.Option(None, "--value-chain-stages", help="Value-chain stages, separated by ';'."),
    materials: str = typer.Option(None, "--materials"),
    technologies: str = typer.Option(None, "--technologies"),
    needs: str = typer.Option(None, "--needs", help="What it looks for (free text, any language)."),
    offers: str = typer.Option(None, "--offers", help="What it offers (free text, any language)."),
    languages: str = typer.Option(None, "--languages"),
    website: str = typer.Option(None, "--website"),
    contact_name: str = typer.Option(None, "--contact-name"),
    contact_email: str = typer.Option(None, "--contact-email"),
    consent: str = typer.Option(None, "--consent", help="May its contact be shared with members: yes or no."),
    description: str = typer.Option(None, "--description"),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Record one partner (refused when its name nearly repeats a partner's in the same country)."""
    from ..services.partners import add_partner

    values = {"id": id, "name": name, "country": country, "kind": kind, "region": region, "sectors": sectors,
              "value_chain_stages": stages, "materials": materials, "technologies": technologies, "needs": needs,
              "offers": offers, "languages": languages, "website": website, "contact_name": contact_name,
              "contact_email": contact_email, "consent": consent, "description": description}
    emit(_result_document(add_partner(db_path(ctx), values)), fmt, out)


@partners_app.command("list")
def list_(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", help="Only partners in this country (code or name)."),
    with_contacts: bool = WITH_CONTACTS,
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """List the partners, by name."""
    from ..services.partners import list_partners

    partners = list_partners(db_path(ctx), country)
    columns = ["id", "name", "country", "region", "kind", "sectors", "stages", "consent"]
    rows = [[p.id, p.name, p.country, p.region, p.kind, "; ".join(p.sectors), "; ".join(p.value_chain_stages),
             "yes" if p.consent else "no"] for p in partners]
    if with_contacts:
        columns += ["contact_name", "contact_email"]
        for row, p in zip(rows, partners):
            row += [p.contact_name, p.contact_email] if p.consent else ["", ""]
    emit(Document("Partners", [Section("Third-country partners", columns, rows)], summary={"count": len(partners)},
                  notes=[f"{len(partners)} partners"] + _contact_note(with_contacts)), fmt, out)


@partners_app.command("show")
def show(
    ctx: typer.Context,
    partner: str = typer.Argument(..., help="Partner id or name."),
    with_contacts: bool = WITH_CONTACTS,
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Show one partner's profile."""
    from ..services.partners import show_partner

    p = show_partner(db_path(ctx), partner)
    hidden = set() if with_contacts and p.consent else {"contact_name", "contact_email"}
    rows = [[name, "; ".join(value) if isinstance(value, tuple) else ("yes" if value else "no")
             if isinstance(value, bool) else value] for name, value in p.as_dict().items() if name not in hidden]
    emit(Document(f"Partner {p.name}", [Section(f"{p.name} ({p.id})", ["field", "value"], rows, name="partner")],
                  notes=_contact_note(with_contacts) if not with_contacts or not p.consent else []), fmt, out)


@partners_app.command("merge")
def merge(
    ctx: typer.Context,
    keep: str = typer.Argument(..., help="The partner to keep (id or name)."),
    drop: str = typer.Argument(..., help="The duplicate that joins it (id or name)."),
) -> None:
    """Join two partners that are one organisation: requests, agendas and outcome records follow KEEP."""
    from ..services.partners import merge_partners

    result = merge_partners(db_path(ctx), keep, drop)
    moved = sum(result.moved.values())
    err_console().print(f"Merged {result.dropped.name} ({result.dropped.id}) into {result.kept.name} "
                        f"({result.kept.id}); {moved} references moved.", markup=False)


def _contact_note(with_contacts: bool) -> list[str]:
    return ["Contacts are shown only where the partner consented." if with_contacts
            else "Contact data hidden; pass --with-contacts to show it (where the partner consented)."]


def _result_document(result) -> Document:
    rows = [["added", len(result.added), ", ".join(result.added)], ["updated", len(result.updated),
            ", ".join(result.updated)], ["unchanged", len(result.unchanged), ", ".join(result.unchanged)]]
    return Document("Partners", [Section(f"Partners recorded from {result.file}", ["change", "count", "ids"], rows,
                                         notes=[f"{result.total} partners in the register"])],
                    summary={"database": result.database, "total": result.total}, data=result)
