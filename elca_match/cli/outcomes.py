"""`elca-match outcomes import|add|list`: events, meetings, third-country organisations and
cooperation cases, the records behind the progress report's tables."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import ElcaError
from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, TABLE_OPTION, Format, db_path, emit

outcomes_app = typer.Typer(help="Record the action's outcomes: events, meetings, partners, cooperation cases.",
                           no_args_is_help=True)
add_app = typer.Typer(help="Record one event, meeting, third-country organisation or cooperation case.",
                      no_args_is_help=True)

# Options shared by several `add` commands (repeatable ones take one value each time).
ID = typer.Option(None, "--id", help="Record id (default: the next EV-/MT-/ORG-/CASE- number).")
NAME = typer.Option(None, "--name", help="Name or title.")
DATE = typer.Option(None, "--date", help="Date, YYYY-MM-DD.")
COUNTRIES = typer.Option(None, "--country", help="Target third country: code or name (repeatable).")
MISSION = typer.Option(None, "--mission", help="Id of the mission it belongs to.")
PARTIES = typer.Option(None, "--party", help="European party: cluster code or member name/org_id/key (repeatable).")
PARTNERS = typer.Option(None, "--partner", help="Third-country organisation: id or name (repeatable).")
DESCRIPTION = typer.Option(None, "--description", help="Brief description.")
MAIN_STEPS = typer.Option(None, "--main-steps", help="Main steps undertaken (section 6).")
NEXT_STEPS = typer.Option(None, "--next-steps", help="Next steps envisaged (section 6).")


def register(app: typer.Typer) -> None:
    """Add the `outcomes` group."""
    outcomes_app.add_typer(add_app, name="add")
    app.add_typer(outcomes_app, name="outcomes")


@outcomes_app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Outcome file (CSV or XLSX) in the canonical format (docs/outcomes-format.md)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Import outcome records (all rows or, on any error, none); known ids are updated."""
    from ..services.outcomes import import_outcomes

    emit(result_document(import_outcomes(db_path(ctx), file)), fmt, out)


# The `outcomes add` option that fills a column, where it is not --COLUMN: named for one value, since it
# may be repeated, or (per record kind) for what the column holds there.
_OPTIONS = {"parties": "--party", "partners": "--partner", "objectives": "--objective", "kind": "--kind",
            "reached_smes": "--smes", "reached_rtos": "--rtos", "reached_clusters": "--clusters",
            "reached_policy": "--policy-actors"}
_KIND_OPTIONS = {"dissemination": {"kind": "--channel"}, "steps": {"id": "--case"},
                 "milestone": {"id": "MILESTONE", "achieved": "--achieved"},
                 "deliverable": {"id": "DELIVERABLE", "achieved": "--achieved"}}


def _add(ctx: typer.Context, kind: str, values: dict, fmt: Format, out: Path | None) -> None:
    from ..services.outcomes import add_outcome

    joined = {k: ";".join(v) if isinstance(v, list) else v for k, v in values.items()}
    try:
        result = add_outcome(db_path(ctx), kind, joined)
    except ElcaError as exc:  # the record's columns, as this command's options
        renamed = _KIND_OPTIONS.get(kind, {})
        exc.respell(lambda column: renamed.get(column) or _OPTIONS.get(column) or "--" + column.replace("_", "-"))
        raise
    emit(result_document(result), fmt, out)


@add_app.command("event")
def add_event(
    ctx: typer.Context,
    name: str = NAME, date: str = DATE,
    kind: str = typer.Option(None, "--kind", help="preparatory, c2c, b2b (WP 2) or national_workshop, "
                                                  "international_meeting, international_event (WP 3)."),
    country: list[str] = COUNTRIES, mission: str = MISSION, party: list[str] = PARTIES,
    partner: list[str] = PARTNERS, description: str = DESCRIPTION, id: str = ID,
    organised: bool = typer.Option(False, "--organised", help="Organised by the partnership (call indicator 4), "
                                                              "not only attended."),
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record an event attended or organised by the partnership: in third countries (preparatory, c2c, b2b; the
    country defaults to its mission's) or a European WP 3 event (national_workshop, international_meeting,
    international_event)."""
    _add(ctx, "event", {"id": id, "name": name, "date": date, "kind": kind, "country": country, "mission": mission,
                        "parties": party, "partners": partner, "description": description,
                        "organised": "yes" if organised else ""}, fmt, out)


@add_app.command("meeting")
def add_meeting(
    ctx: typer.Context,
    date: str = DATE,
    kind: str = typer.Option(None, "--kind", help="c2c or b2b."),
    party: list[str] = PARTIES, partner: list[str] = PARTNERS,
    country: str = typer.Option(None, "--country", help="Third country (default: the partner's)."),
    event: str = typer.Option(None, "--event", help="Id of the event it took place at."),
    mission: str = MISSION, name: str = NAME, description: str = DESCRIPTION, id: str = ID,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a C2C or B2B matchmaking meeting between members or clusters and a third-country organisation."""
    _add(ctx, "meeting", {"id": id, "name": name, "date": date, "kind": kind, "country": country, "event": event,
                          "mission": mission, "parties": party, "partners": partner, "description": description},
         fmt, out)


@add_app.command("org")
def add_org(
    ctx: typer.Context,
    name: str = NAME,
    country: str = typer.Option(None, "--country", help="Its country: code or name."),
    kind: str = typer.Option(None, "--kind", help="cluster, intermediary, sme, large, rto, university or other."),
    description: str = DESCRIPTION, id: str = ID,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a third-country organisation (a partner of meetings and cases)."""
    _add(ctx, "org", {"id": id, "name": name, "country": country, "kind": kind, "description": description}, fmt, out)


@add_app.command("case")
def add_case(
    ctx: typer.Context,
    name: str = NAME, date: str = DATE,
    kind: str = typer.Option(None, "--kind", help="Case type: 1 collaboration_project, 2 formal_agreement, "
                                                  "3 representation_office, 4 other."),
    party: list[str] = PARTIES, partner: list[str] = PARTNERS,
    objective: list[str] = typer.Option(None, "--objective", help="Objective type code or number 1-14 (repeatable)."),
    country: list[str] = typer.Option(None, "--country", help="Third country (default: the partners'; repeatable)."),
    sector: list[str] = typer.Option(None, "--sector", help="Sector code or label (repeatable)."),
    technology: str = typer.Option(None, "--technology", help="Technology (free text)."),
    agreement: str = typer.Option(None, "--agreement", help="cooperation or business (for call indicators 2 and 3)."),
    status: str = typer.Option(None, "--status", help="planned, ongoing, signed, completed or stopped."),
    confidential: bool = typer.Option(False, "--confidential", help="Hide the partner's name in the report."),
    mission: str = MISSION, description: str = DESCRIPTION, id: str = ID,
    main_steps: str = MAIN_STEPS, next_steps: str = NEXT_STEPS,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a cooperation case (project, agreement, representation office or other)."""
    _add(ctx, "case", {"id": id, "name": name, "date": date, "kind": kind, "country": country, "parties": party,
                       "partners": partner, "objectives": objective, "sector": sector, "technology": technology,
                       "agreement": agreement, "status": status, "confidential": "yes" if confidential else "",
                       "mission": mission, "description": description, "main_steps": main_steps,
                       "next_steps": next_steps}, fmt, out)


@add_app.command("steps")
def add_steps(
    ctx: typer.Context,
    case: str = typer.Option(None, "--case", help="Id of the cooperation case."),
    main_steps: str = MAIN_STEPS, next_steps: str = NEXT_STEPS,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record the main steps undertaken and next steps envisaged on a cooperation case (section 6)."""
    _add(ctx, "steps", {"id": case, "main_steps": main_steps, "next_steps": next_steps}, fmt, out)


@add_app.command("dissemination")
def add_dissemination(
    ctx: typer.Context,
    name: str = NAME, date: str = DATE,
    channel: str = typer.Option(None, "--channel", help="event, website, social_media, newsletter or article "
                                                        "(article/press release)."),
    smes: int = typer.Option(None, "--smes", help="SMEs reached."),
    rtos: int = typer.Option(None, "--rtos", help="Research and technology organisations reached."),
    clusters: int = typer.Option(None, "--clusters", help="Clusters and intermediaries reached."),
    policy_actors: int = typer.Option(None, "--policy-actors", help="Policy actors reached."),
    description: str = DESCRIPTION, id: str = ID,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a dissemination action and the stakeholders it reached, by type."""
    _add(ctx, "dissemination", {"id": id, "name": name, "date": date, "kind": channel, "reached_smes": smes,
                                "reached_rtos": rtos, "reached_clusters": clusters, "reached_policy": policy_actors,
                                "description": description}, fmt, out)


@add_app.command("consortium-meeting")
def add_consortium_meeting(
    ctx: typer.Context,
    name: str = NAME, date: str = DATE, party: list[str] = PARTIES, description: str = DESCRIPTION, id: str = ID,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a meeting of the consortium's participants (kick-off, jour fixe, partner workshop)."""
    _add(ctx, "consortium_meeting", {"id": id, "name": name, "date": date, "parties": party,
                                     "description": description}, fmt, out)


@add_app.command("partnership")
def add_partnership(
    ctx: typer.Context,
    name: str = NAME, date: str = DATE,
    kind: str = typer.Option(None, "--kind", help="cluster_partnership, eu_initiative or other (section 6 c)."),
    party: list[str] = PARTIES, description: str = DESCRIPTION, main_steps: str = MAIN_STEPS,
    next_steps: str = NEXT_STEPS, id: str = ID,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a cross-fertilised partnership: another cluster partnership, an EU initiative or other."""
    _add(ctx, "partnership", {"id": id, "name": name, "date": date, "kind": kind, "parties": party,
                              "description": description, "main_steps": main_steps, "next_steps": next_steps},
         fmt, out)


@add_app.command("contact")
def add_contact(
    ctx: typer.Context,
    date: str = DATE, partner: list[str] = PARTNERS, party: list[str] = PARTIES, name: str = NAME,
    description: str = DESCRIPTION, id: str = ID,
    fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record a contact with third-country associations or clusters (organisations of the register)."""
    _add(ctx, "contact", {"id": id, "name": name, "date": date, "partners": partner, "parties": party,
                          "description": description}, fmt, out)


def _status(ctx: typer.Context, kind: str, item: str, achieved: bool | None, date: str | None, comment: str | None,
            fmt: Format, out: Path | None) -> None:
    flag = "" if achieved is None else "yes" if achieved else "no"
    _add(ctx, kind, {"id": item, "achieved": flag, "date": date, "comment": comment}, fmt, out)


ACHIEVED = typer.Option(None, "--achieved/--not-achieved", help="Whether it was achieved (delivered).")
COMMENT = typer.Option(None, "--comment", help="Comment, e.g. why not achieved or why late.")


@add_app.command("milestone")
def add_milestone(
    ctx: typer.Context,
    milestone: str = typer.Argument(..., help="Milestone id or name (builtin/action.yaml), e.g. MS1."),
    achieved: bool = ACHIEVED, date: str = typer.Option(None, "--date", help="Date achieved, YYYY-MM-DD."),
    comment: str = COMMENT, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record whether a milestone of the action's plan was achieved, and when (part I, table 1)."""
    _status(ctx, "milestone", milestone, achieved, date, comment, fmt, out)


@add_app.command("deliverable")
def add_deliverable(
    ctx: typer.Context,
    deliverable: str = typer.Argument(..., help="Deliverable number or name (builtin/action.yaml), e.g. D1.1."),
    achieved: bool = ACHIEVED, date: str = typer.Option(None, "--date", help="Date delivered, YYYY-MM-DD."),
    comment: str = COMMENT, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION,
) -> None:
    """Record whether a deliverable was delivered, and when (part I, table 2)."""
    _status(ctx, "deliverable", deliverable, achieved, date, comment, fmt, out)


@outcomes_app.command("list")
def list_(
    ctx: typer.Context,
    kind: str = typer.Option(None, "--kind", help="Only one kind: event, meeting, org, case, steps, dissemination, "
                                                  "consortium_meeting, partnership, contact, milestone or deliverable."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    table: str = TABLE_OPTION,
) -> None:
    """List the recorded outcomes, one table per kind."""
    from ..services.outcomes import list_outcomes

    emit(outcomes_document(list_outcomes(db_path(ctx), kind)), fmt, out, table=table)


def result_document(result) -> Document:
    """What an import or `add` did, as one row per record kind."""
    from ..services.outcomes import LISTS

    kinds = [kind for kind in LISTS if kind in ("org", "event", "meeting", "case") or result.totals.get(kind)
             or any(kind in bucket for bucket in (result.added, result.updated, result.unchanged))]
    rows = [[kind, len(result.added.get(kind, [])), len(result.updated.get(kind, [])),
             len(result.unchanged.get(kind, [])), result.totals.get(kind, 0)] for kind in kinds]
    notes = [f"{label} {kind}: {', '.join(ids)}" for label, bucket in (("added", result.added),
                                                                     ("updated", result.updated))
             for kind, ids in bucket.items() if ids]
    section = Section(f"Outcomes recorded from {result.file}", ["record", "added", "updated", "unchanged", "stored"],
                      rows, notes=notes)
    return Document("Outcomes", [section], summary={"database": result.database}, data=result)


def outcomes_document(outcomes) -> Document:
    """Stored outcome records, one section per kind that has any."""
    def parties(record) -> str:
        return "; ".join(p.ref if p.kind == "cluster" else p.name for p in record.parties)

    sections = []
    if outcomes.events:
        sections.append(Section("Events", ["id", "date", "kind", "name", "countries", "mission", "parties", "partners",
                                           "organised"],
                                [[e.id, e.date, e.kind, e.name, "; ".join(e.countries), e.mission_id or "",
                                  parties(e), "; ".join(e.partners), "yes" if e.organised else "no"]
                                 for e in outcomes.events]))
    if outcomes.meetings:
        sections.append(Section("Meetings", ["id", "date", "kind", "country", "parties", "partners", "event", "mission"],
                                [[m.id, m.date, m.kind, m.country, parties(m), "; ".join(m.partners), m.event_id or "",
                                  m.mission_id or ""] for m in outcomes.meetings]))
    if outcomes.orgs:
        sections.append(Section("Third-country organisations", ["id", "name", "country", "type"],
                                [[o.id, o.name, o.country, o.org_type] for o in outcomes.orgs]))
    if outcomes.cases:
        sections.append(Section("Cooperation cases", ["id", "date", "type", "name", "countries", "parties", "partners",
                                                      "objectives", "agreement", "status"],
                                [[c.id, c.date, c.case_type, c.name, "; ".join(c.countries), parties(c),
                                  "; ".join(c.partners), "; ".join(c.objectives), c.agreement or "", c.status]
                                 for c in outcomes.cases]))
    if outcomes.steps:
        sections.append(Section("Steps of cooperation cases", ["case", "main steps", "next steps"],
                                [[s.id, s.main_steps, s.next_steps] for s in outcomes.steps]))
    if outcomes.disseminations:
        sections.append(Section("Dissemination", ["id", "date", "channel", "name", "SMEs", "RTOs", "clusters",
                                                  "policy actors"],
                                [[d.id, d.date, d.channel, d.name, d.smes, d.rtos, d.clusters, d.policy]
                                 for d in outcomes.disseminations]))
    if outcomes.consortium_meetings:
        sections.append(Section("Consortium meetings", ["id", "date", "name", "parties"],
                                [[m.id, m.date, m.name, parties(m)] for m in outcomes.consortium_meetings]))
    if outcomes.partnerships:
        sections.append(Section("Cross-fertilised partnerships", ["id", "date", "kind", "name", "parties"],
                                [[p.id, p.date, p.kind, p.name, parties(p)] for p in outcomes.partnerships]))
    if outcomes.contacts:
        sections.append(Section("Contacts with third-country associations and clusters",
                                ["id", "date", "name", "partners", "parties"],
                                [[c.id, c.date, c.name, "; ".join(c.partners), parties(c)] for c in outcomes.contacts]))
    for title, statuses in (("Milestones", outcomes.milestones), ("Deliverables", outcomes.deliverables)):
        if statuses:
            sections.append(Section(title, ["id", "achieved", "date", "comment"],
                                    [[s.id, "yes" if s.achieved else "no", s.date, s.comment] for s in statuses]))
    counts = outcomes.count()
    notes = [", ".join(f"{n} {kind}" for kind, n in counts.items())]
    # JSON: the four first kinds always, the others when there are any (as count() does).
    data = {kind: getattr(outcomes, kind) for kind in counts}
    return Document("Outcomes", sections, summary=counts, notes=notes, data=data)
