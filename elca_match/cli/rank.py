"""`elca-match rank`: which members fit a market's opportunities best, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..export import Document, Section
from ..services.defaults import TOP
from .context import FORMAT_OPTION, OUT_OPTION, Format, db_path, emit, is_stdout

# More member rows than this on screen (about two screens) and rank shows one line per opportunity first.
SUMMARY_ABOVE = 60

# Short block names for the one-column breakdown on screen.
_SHORT = {"sectors": "sec", "stages": "stg", "materials": "mat", "technologies": "tec", "certifications": "cert",
          "cooperation": "coop", "markets": "mkt", "trl": "trl", "text": "txt"}


def register(app: typer.Typer) -> None:
    """Add the `rank` command."""
    app.command("rank")(rank)


def rank(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c", help="Country in any spelling: JP, japan, Japon, Giappone."),
    region: str = typer.Option(None, "--region", help="Region: latin-america, north-america, east-asia, south-asia, asia, ..."),
    opportunity: str = typer.Option(None, "--opportunity", help="Opportunity id(s), e.g. JP-AUT-01 (several: a,b)."),
    sector: str = typer.Option(None, "--sector", "-s", help="Only opportunities in this sector (code or label)."),
    stage: str = typer.Option(None, "--stage", help="Only opportunities at this value-chain stage (code or label)."),
    cluster: str = typer.Option(None, "--cluster", help="Only members of this cluster (partner code, e.g. AMZ)."),
    org_type: str = typer.Option(None, "--org-type", help="Only members of this type: sme, large, rto, university, ..."),
    top: int = typer.Option(None, "--top", "-n", help="Members per opportunity (or members in --by member); "
                            f"default {TOP}.", show_default=False),
    details: bool = typer.Option(False, "--details", help="On screen, every opportunity's members and why "
                                 "(without --details or --top, a long answer starts as one line per opportunity)."),
    min_score: float = typer.Option(0.0, "--min-score", help="Leave out matches scoring below this (0 to 1)."),
    consented_only: bool = typer.Option(False, "--consented-only", help="Only members that consented to sharing contacts."),
    by: str = typer.Option("opportunity", "--by", help="opportunity: best members per opportunity; member: best members over all of them."),
    lang: str = typer.Option("en", "--lang", help="Language of the thesaurus concepts a 'why' names: en, de, it, pl, fr or es."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Rank members against opportunities: who fits a market best, from which cluster, and why."""
    from ..services.rank import rank as run
    from ..services.rank import resolve_query

    query = resolve_query(country=country, region=region, opportunity=opportunity, sector=sector, stage=stage,
                          cluster=cluster, org_type=org_type, top=TOP if top is None else top,
                          min_score=min_score, consented_only=consented_only, by=by, lang=lang)
    result = run(db_path(ctx), query)
    screen = fmt is Format.table and (out is None or is_stdout(out))
    rows = sum(len(o.matches) for o in result.opportunities)
    if screen and top is None and not details and query.by == "opportunity" and rows > SUMMARY_ABOVE:
        emit(summary_document(result), fmt, out)
    else:
        emit(rank_document(result, screen=screen), fmt, out)


def summary_document(result: Any) -> Document:
    """One line per opportunity (its best member), for the screen before anyone asks for details."""
    rows = []
    for o in result.opportunities:
        best = o.matches[0] if o.matches else None
        rows.append([o.id, o.title, best.name if best else "", best.cluster if best else "",
                     round(best.score, 3) if best else None, len(o.matches)])
    notes = [f"{len(result.opportunities)} opportunities; each one's members and why: add --details, "
             "or --top N, or --opportunity ID; --format csv/xlsx/json gives everything."]
    return Document(f"Best member per opportunity: {result.query.describe()}",
                    [Section("Best member per opportunity", ["opportunity", "title", "best member", "cluster",
                                                             "score", "members"], rows,
                             wrap_columns=("title", "best member"))],
                    notes=notes, data=result)


def rank_document(result: Any, screen: bool = False) -> Document:
    """A rank result as a Document: per opportunity (or one members table), with score breakdowns.

    ``screen`` gives the readable view (one compact breakdown column); files get one
    numeric column per profile block.
    """
    query = result.query
    blocks = result.blocks
    summary = {
        "query": query.describe(), "view": f"by {query.by}",
        "members considered": result.members_considered,
        "opportunities considered": result.opportunities_considered,
        "model version": result.build.model_version, "profile build": result.build.id,
        "profile content hash": result.build.content_hash, "profiles built at": result.build.built_at,
        "profiles rebuilt now": result.build.rebuilt,
    }
    notes = [result.build.describe()]
    if screen:
        notes.append("breakdown: each block's share of the score ("
                     + ", ".join(f"{_SHORT.get(b, b)} = {b}" for b in blocks)
                     + "); --format csv/json/md/xlsx gives one column per block.")
    if any(m.consent is False for m in _all_matches(result)):
        notes.append("consent 'no': the organisation did not consent to sharing its contact details; "
                     "it is ranked, but its contacts stay out of any export.")
    if query.by == "member":
        sections = [_members_section(result, blocks, screen)]
        title = f"Members that fit {query.describe()} best"
    else:
        sections = [_opportunity_section(o, blocks, screen) for o in result.opportunities]
        title = f"Members per opportunity: {query.describe()}"
    return Document(title, sections, summary=summary, notes=notes, data=result)


def _all_matches(result: Any):
    for o in result.opportunities:
        yield from o.matches
    for m in result.members:
        yield m.best


def _opportunity_section(o: Any, blocks: list[str], screen: bool) -> Section:
    head = f"{o.sector}, {o.stage}" + (f"; TRL {o.trl}" if o.trl else "") + \
        (f"; policy: {o.policy_driver}" if o.policy_driver else "")
    if screen:
        columns = ["#", "member", "cluster", "type", "score", "why", "breakdown", "consent"]
        rows = [[i, m.name, m.cluster, m.org_type, round(m.score, 3), m.why, _compact(m.breakdown),
                 _consent(m.consent)] for i, m in enumerate(o.matches, 1)]
    else:
        columns = ["opportunity", "rank", "org_key", "member", "cluster", "org_type", "country", "consent", "score",
                   *blocks, "why"]
        rows = [[o.id, i, m.org_key, m.name, m.cluster, m.org_type, m.country, _consent(m.consent), _num(m.score),
                 *(_num(m.breakdown.get(b, 0.0)) for b in blocks), m.why] for i, m in enumerate(o.matches, 1)]
    notes = []
    if not o.matches:
        notes.append("No member shares anything with this opportunity (or none passes the filters).")
    meta = {"id": o.id, "title": o.title, "country": o.country, "sector": o.sector, "stage": o.stage,
            "trl": o.trl, "policy_driver": o.policy_driver}
    # on screen the opportunity's facts go on a second title line, above its members
    title = f"{o.id} · {o.title}" + (f"\n{head}" if screen else f" ({head})")
    return Section(title, columns, rows, notes=notes, meta=meta, table="matches",
                   wrap_columns=("why", "member"), number_formats={c: "0.000" for c in ("score", *blocks)})


def _members_section(result: Any, blocks: list[str], screen: bool) -> Section:
    if screen:
        columns = ["#", "member", "cluster", "type", "score", "fits", "why (best)", "breakdown", "consent"]
        rows = [[i, m.name, m.cluster, m.org_type, round(m.score, 3), _fits(m.fits), m.best.why,
                 _compact(m.best.breakdown), _consent(m.consent)] for i, m in enumerate(result.members, 1)]
    else:
        columns = ["rank", "org_key", "member", "cluster", "org_type", "country", "consent", "score",
                   "best_opportunity", "fits", *blocks, "why"]
        rows = [[i, m.org_key, m.name, m.cluster, m.org_type, m.country, _consent(m.consent), _num(m.score),
                 m.best.opportunity_id, _fits(m.fits), *(_num(m.best.breakdown.get(b, 0.0)) for b in blocks),
                 m.best.why] for i, m in enumerate(result.members, 1)]
    notes = [] if result.members else ["No member shares anything with these opportunities (or none passes the filters)."]
    return Section("Members", columns, rows, notes=notes, table="members",
                   wrap_columns=("why", "why (best)", "fits", "member"),
                   number_formats={c: "0.000" for c in ("score", *blocks)})


def _compact(breakdown: dict[str, float]) -> str:
    return " ".join(f"{_SHORT.get(b, b)} {v:.2f}" for b, v in breakdown.items() if v >= 0.005)


def _fits(fits: list[Any]) -> str:
    return ", ".join(f"{f.opportunity_id} {f.score:.2f}" for f in fits)


def _consent(consent: bool) -> str:
    return "yes" if consent else "no"


def _num(value: float) -> float:
    return round(float(value), 6)
