"""`elca-match plan`: the calendar of visits (D2.1), optimal under seats, limits, quotas and rules.

Every run is saved as a numbered draft; `plan list|show|diff|adopt|discard` manage the
saved plans, and the adopted one (the plan of record) is the one exports read.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, TABLE_OPTION, Format, db_path, emit, format_of, is_stdout

LANG_OPTION = typer.Option("en", "--lang", help="Language of the workbook (xlsx): headers, sheet names, labels and "
                                                "the \"why\": en, de, it, pl, fr or es.")
# On screen the left-out list is cut after this many rows (files always hold all of them).
SCREEN_LEFT_OUT = 40

plan_app = typer.Typer(help="Plan missions (saved as drafts) and manage the saved plans.")


def register(app: typer.Typer) -> None:
    """Add the `plan` command and its `list`, `show`, `diff`, `adopt` and `discard` subcommands."""
    plan_app.callback(invoke_without_command=True)(plan)
    plan_app.command("list")(list_plans)
    plan_app.command("show")(show)
    plan_app.command("diff")(diff)
    plan_app.command("adopt")(adopt)
    plan_app.command("discard")(discard)
    app.add_typer(plan_app, name="plan")


def plan(
    ctx: typer.Context,
    max_per_member: int = typer.Option(1, "--max-per-member", help="Most missions one member may join."),
    cluster_max_share: float = typer.Option(
        0.5, "--cluster-max-share",
        help="Largest share of a mission's seats one cluster may take: floor(share x seats), at least 1."),
    cluster_min_seats: int = typer.Option(
        0, "--cluster-min-seats", help="Seats every cluster must get across the whole plan."),
    include_unconsented: bool = typer.Option(
        False, "--include-unconsented", help="Also place members that did not consent to share their contact data."),
    exclude: list[str] = typer.Option(None, "--exclude", help="Never place this organisation (key, id or name; repeatable)."),
    require: list[str] = typer.Option(
        None, "--require", help="Place this organisation on this mission: ORG@MISSION (repeatable); overrides fit "
                                "and the eligibility rule."),
    allow_zero_fit: bool = typer.Option(
        False, "--allow-zero-fit", help="Allow pairs with no fit (score 0 or no shared sector) to fill seats."),
    waitlist: int = typer.Option(3, "--waitlist", help="Alternates listed per mission."),
    rules: Path = typer.Option(None, "--rules", help="Eligibility rules file (default: models/mission-rules.yaml)."),
    lock: list[str] = typer.Option(
        None, "--lock", help="Keep this organisation on this mission in this plan and every re-plan from it: "
                             "ORG@MISSION (repeatable)."),
    base: str = typer.Option(
        None, "--from", help="Re-plan with the fewest changes from this saved plan (an id, or 'record' for the "
                             "plan of record): its assignments that are still allowed stay, only freed seats are "
                             "filled again; its options apply unless given again.", show_default=False),
    adopt_it: bool = typer.Option(False, "--adopt", help="Make this plan the plan of record (the first plan is "
                                  "adopted anyway)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    table: str = TABLE_OPTION,
    lang: str = LANG_OPTION,
) -> None:
    """Assign members to missions for the best total fit, explain who was left out and why, and save the plan
    as a numbered draft."""
    if ctx.invoked_subcommand:
        return
    from ..services.plan import PlanParams, plan_missions
    from ..services.plan_workbook import check_language

    check_language(lang)  # before planning: a usage error saves no plan
    params = PlanParams(max_per_member=max_per_member, cluster_max_share=cluster_max_share,
                        cluster_min_seats=cluster_min_seats, consented_only=not include_unconsented,
                        allow_zero_fit=allow_zero_fit, waitlist_size=waitlist)
    # by name: typer may bring its own copy of click, and with it its own ParameterSource
    given = {field for option, field in _OPTION_FIELDS.items()
             if getattr(ctx.get_parameter_source(option), "name", "") == "COMMANDLINE"}
    result = plan_missions(db_path(ctx), params, exclude=exclude or (), require=require or (), rules_path=rules,
                           adopt=adopt_it, lock=lock or (), base=base, given=given)
    emit(_document(result, fmt, out, lang), fmt, out, table=table)


# CLI option -> the PlanParams field it sets (a re-plan takes the base plan's value unless the option is given).
_OPTION_FIELDS = {"max_per_member": "max_per_member", "cluster_max_share": "cluster_max_share",
                  "cluster_min_seats": "cluster_min_seats", "include_unconsented": "consented_only",
                  "allow_zero_fit": "allow_zero_fit", "waitlist": "waitlist_size"}


def list_plans(ctx: typer.Context, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION) -> None:
    """Every saved plan: id, date, parameters that differ from the defaults, seats filled, total fit,
    adopted or draft, and the plan it was based on."""
    from ..services.plan_record import list_plans as run

    plans = run(db_path(ctx))
    rows = [[p.id, p.created_at, p.status, f"#{p.based_on}" if p.based_on else "",
             "; ".join(f"{k}={_param(v)}" for k, v in p.changed.items()) or "(defaults)",
             f"{p.assigned}/{p.seats}", round(p.objective, 4)] for p in plans]
    section = Section("Saved plans", ["id", "created_at", "status", "based_on", "parameters", "seats_filled",
                                      "total_fit"], rows, wrap_columns=("parameters",))
    record = next((p.id for p in plans if p.status == "adopted"), None)
    notes = [f"Plan of record: #{record} (exports read it; `elca-match plan adopt ID` changes it)." if record
             else "No plan yet: make one with `elca-match plan`."]
    emit(Document("Saved mission plans", [section], summary={"plans": len(plans), "plan of record": record},
                  notes=notes, data={"plan_of_record": record, "plans": plans}), fmt, out)


def show(ctx: typer.Context, plan_id: int = typer.Argument(..., help="The saved plan's id (see `plan list`)."),
         fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION, table: str = TABLE_OPTION,
         lang: str = LANG_OPTION) -> None:
    """Print one saved plan, as `plan` printed it, in any --format."""
    from ..services.plan import plan_of_record

    result = plan_of_record(db_path(ctx), plan_id)
    emit(_document(result, fmt, out, lang), fmt, out, table=table)


def _document(result, fmt: Format, out: Path | None, lang: str) -> Document:
    """The workbook for people (labels, names, dates, ``lang``) when the output is xlsx; else the plan's tables."""
    from ..services.plan_workbook import check_language, plan_workbook

    check_language(lang)  # a wrong language is an error whatever the format
    written = fmt if fmt is not Format.table or out is None or is_stdout(out) else format_of(out, Format.csv)
    if written is Format.xlsx:
        return plan_workbook(result, lang, notes=_notes(result))
    return plan_document(result, screen=fmt is Format.table and out is None)


def diff(ctx: typer.Context, a: int = typer.Argument(..., help="The first plan's id."),
         b: int = typer.Argument(..., help="The second plan's id."),
         fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION) -> None:
    """Who joins, leaves or moves mission from plan A to plan B, with the fit change."""
    from ..services.plan_record import diff as run

    result = run(db_path(ctx), a, b)
    rows = [[c.change, c.name or c.member, c.cluster, "; ".join(c.before), "; ".join(c.after),
             round(c.fit_before, 4), round(c.fit_after, 4), round(c.fit_change, 4)] for c in result.changes]
    section = Section(f"From {result.a} to {result.b}", ["change", "member", "cluster", "from", "to", "fit_before",
                                                          "fit_after", "fit_change"], rows,
                      name="changes")
    counts = {kind: sum(c.change == kind for c in result.changes) for kind in ("joins", "leaves", "moves")}
    notes = [f"{counts['joins']} join, {counts['leaves']} leave, {counts['moves']} move; total fit "
             f"{result.objective_a:.4f} -> {result.objective_b:.4f} ({result.objective_b - result.objective_a:+.4f})."
             if result.changes else "The two plans send the same members to the same missions."]
    emit(Document(f"Plan diff: {result.a} -> {result.b}", [section], summary={"from": result.a, "to": result.b},
                  notes=notes, data=result), fmt, out)


def adopt(ctx: typer.Context, plan_id: int = typer.Argument(..., help="The saved plan to adopt.")) -> None:
    """Make a saved plan the plan of record: the one exports, reports and calendars read."""
    from ..services.plan_record import adopt as run
    from .context import console

    saved = run(db_path(ctx), plan_id)
    console().print(f"Plan #{saved.id} is now the plan of record.", markup=False, highlight=False)


def discard(ctx: typer.Context, plan_id: int = typer.Argument(..., help="The draft to delete.")) -> None:
    """Delete a draft plan (never the plan of record)."""
    from ..services.plan_record import discard as run
    from .context import console

    saved = run(db_path(ctx), plan_id)
    console().print(f"Discarded draft plan #{saved.id} of {saved.created_at}.", markup=False, highlight=False)


def _param(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def plan_document(result, screen: bool = False) -> Document:
    """The plan as a Document: one section per mission on screen, flat tables in files."""
    plan = result.plan
    names = result.names
    by_mission: dict[str, list] = {}
    for a in plan.assignments:
        by_mission.setdefault(a.mission, []).append(a)
    unfilled = {u.mission: u for u in plan.unfilled}
    waiting: dict[str, list] = {}
    for w in plan.waitlist:
        waiting.setdefault(w.mission, []).append(w)
    sections = _screen_sections(result, by_mission, unfilled, waiting) if screen else \
        _file_sections(result, by_mission, unfilled)
    if result.based_on is not None:
        sections.insert(0, _changes_section(result, screen))
    columns = ["member", "name", "cluster", "on", "best_mission", "best_score", "constraint", "detail"]
    shown = plan.left_out.head(SCREEN_LEFT_OUT) if screen else plan.left_out  # the screen words only these
    left = [[o.member, names.get(o.member, ""), o.cluster, "; ".join(o.assigned_to), o.best_mission,
             round(o.best_score, 4), o.constraint, o.detail] for o in shown]
    left_notes = []
    if screen:
        columns, left = columns[1:], [row[1:] for row in left]  # names are enough on screen
        if len(plan.left_out) > SCREEN_LEFT_OUT:
            left_notes.append(f"... and {len(plan.left_out) - SCREEN_LEFT_OUT} more; write them all with --format csv "
                              "--out FILE.")
    sections.append(Section("Left out, or not on the mission they fit best: the constraint that stopped them",
                            columns, left, notes=left_notes, wrap_columns=("detail",), name="left-out"))
    if not screen:
        sections.append(Section("Waitlist", ["mission", "rank", "member", "name", "cluster", "score", "note", "why"],
                                [[w.mission, w.rank, w.member, names.get(w.member, ""), w.cluster, round(w.score, 4),
                                  w.note, w.why] for w in plan.waitlist], wrap_columns=("note", "why"),
                                name="waitlist"))
        sections.append(Section("Optimality certificate", ["item", "value"], _certificate_rows(result),
                                wrap_columns=("value",), name="certificate"))
    return Document(f"Mission plan (D2.1): calendar of visits, {result.label}", sections, summary=_summary(result),
                    notes=_notes(result), data=_data(result), table="assignments")


def _changes_section(result, screen: bool) -> Section:
    columns = ["change", "mission", "member", "name", "cluster", "score", "reason", "detail"]
    rows = [[c.change, c.mission, c.member, result.names.get(c.member, ""), c.cluster, round(c.score, 4), c.reason,
             c.detail] for c in result.plan.changes]
    left = sum(c.change == "leaves" for c in result.plan.changes)
    joined = len(rows) - left
    note = (f"Re-planned from plan #{result.based_on}: {left} assignment(s) left, {joined} joined; every other "
            "assignment of the base plan stayed." if rows else
            f"Re-planned from plan #{result.based_on}: nothing had to change.")
    if screen:  # names are enough on screen
        columns, rows = columns[:2] + columns[3:], [row[:2] + row[3:] for row in rows]
    return Section(f"Changes against plan #{result.based_on}: who left, who joined, and the constraint that forced it",
                   columns, rows, notes=[note], wrap_columns=("detail",), name="changes")


def _screen_sections(result, by_mission, unfilled, waiting) -> list[Section]:
    plan = result.plan
    sections = []
    for m in plan.missions:
        assigned = by_mission.get(m.id, [])
        title = (f"{_dates(m)}  {m.id}  {result.countries.get(m.id, m.country)} ({m.country})  {m.type}"
                 f"  lead {m.lead_cluster or '-'}  {len(assigned)}/{m.seats} seats  (cluster cap {plan.quotas[m.id]})")
        rows = [[result.names.get(a.member, a.member), a.cluster, round(a.score, 3), a.why] for a in assigned]
        notes = [f"  who may join: {plan.rules[m.id]}"]
        if m.id in unfilled:
            u = unfilled[m.id]
            notes.append(f"  {u.count} seat(s) empty [{u.reason}]: {u.detail}")
        if waiting.get(m.id):
            notes.append("  waitlist: " + "; ".join(
                f"{w.rank}. {result.names.get(w.member, w.member)} ({w.cluster}, {w.score:.3f}, {w.note})"
                for w in waiting[m.id]))
        sections.append(Section(title, ["name", "cluster", "score", "why"], rows, notes=notes))
    return sections


def _file_sections(result, by_mission, unfilled) -> list[Section]:
    plan = result.plan
    calendar = []
    for m in plan.missions:
        u = unfilled.get(m.id)
        calendar.append([m.start_date, m.end_date, m.id, m.country, result.countries.get(m.id, m.country), m.type,
                         m.lead_cluster, m.seats, len(by_mission.get(m.id, [])), plan.quotas[m.id],
                         u.count if u else 0, u.reason if u else "", plan.rules[m.id]])
    dates = {m.id: m for m in plan.missions}
    assignments = [[a.mission, dates[a.mission].start_date, dates[a.mission].end_date, dates[a.mission].country,
                    result.countries.get(a.mission, dates[a.mission].country), dates[a.mission].type,
                    a.member, result.names.get(a.member, ""), a.cluster, round(a.score, 4),
                    "yes" if a.required else "no", a.why] for a in plan.assignments]
    return [
        Section("Calendar", ["start_date", "end_date", "mission", "country", "country_name", "type", "lead_cluster",
                             "seats", "seats_used", "cluster_cap", "seats_empty", "empty_reason", "who_may_join"],
                calendar, wrap_columns=("who_may_join",), name="calendar"),
        Section("Assignments", ["mission", "start_date", "end_date", "country", "country_name", "type", "member",
                                "name", "cluster", "score", "required", "why"], assignments, name="assignments"),
        Section("Unfilled seats", ["mission", "seats_empty", "reason", "detail"],
                [[u.mission, u.count, u.reason, u.detail] for u in plan.unfilled], wrap_columns=("detail",),
                name="unfilled"),
    ]


def _dates(m) -> str:
    if m.start_date and m.end_date and m.end_date != m.start_date:
        return f"{m.start_date} to {m.end_date}"
    return m.start_date or "(no date)"


def _certificate_rows(result) -> list[list]:
    plan = result.plan
    c = plan.certificate
    p = plan.params.as_dict()
    return [
        ["objective (total fit)", round(plan.objective, 6)],
        ["dual bound", round(c.dual_bound, 6)],
        ["gap", round(c.gap, 9)],
        ["optimal", "yes" if c.optimal else "no"],
        ["method", c.method],
        ["pairs solved / candidate pairs", f"{c.solved_pairs} / {c.candidate_pairs}"],
        ["pruning rounds", c.rounds],
        *[[f"--{k.replace('_', '-')}", "; ".join(v) if isinstance(v, list) else v] for k, v in p.items()],
        ["plan id", result.plan_id],
        ["input hash", result.input_hash],
        ["profiles", result.profiles],
    ]


def _summary(result) -> dict:
    plan = result.plan
    return {
        "plan id": result.plan_id,
        "plan": result.label,
        "based on": f"plan #{result.based_on}" if result.based_on else "",
        "missions": len(plan.missions),
        "seats": sum(m.seats for m in plan.missions),
        "assigned": len(plan.assignments),
        "objective": round(plan.objective, 6),
        "dual bound": round(plan.certificate.dual_bound, 6),
        "optimal": plan.certificate.optimal,
        "parameters": plan.params.as_dict(),
    }


def _notes(result) -> list[str]:
    plan = result.plan
    c = plan.certificate
    seats = sum(m.seats for m in plan.missions)
    verdict = "optimal" if c.optimal else "NOT proven optimal"
    notes = [
        f"{len(plan.assignments)} of {seats} seats filled on {len(plan.missions)} missions; per cluster: "
        + ", ".join(f"{k} {v}" for k, v in plan.cluster_seats.items()) + ".",
        f"Objective (total fit) {plan.objective:.6f}. Certificate: the solver reached {c.objective:.6f} "
        f"(fit counted in steps of 1e-6) and the LP dual bound is {c.dual_bound:.6f}, gap {c.gap:.2g}: {verdict} "
        f"({c.solved_pairs} of {c.candidate_pairs} candidate pairs solved, {c.rounds} round(s); {c.method}).",
        *plan.notes,
    ]
    skipped = {k: v for k, v in plan.not_considered.items() if v}
    if skipped:
        words = {"unconsented": "without consent (--include-unconsented)", "excluded": "excluded (--exclude)",
                 "no_fit": "with no fit for any mission"}
        notes.append("Not placed at all: " + ", ".join(f"{v} {words[k]}" for k, v in skipped.items()) + ".")
    notes.append(f"Same input as saved plan #{result.plan_id}: kept it." if result.reused
                 else f"Saved as plan #{result.plan_id} with its parameters.")
    notes.append(_status_note(result))
    if result.catalogue_note:
        notes.append(result.catalogue_note)
    return notes


def _status_note(result) -> str:
    if result.status == "adopted":
        return f"Plan #{result.plan_id} is the plan of record: exports and reports read it."
    return (f"Plan #{result.plan_id} is a draft: exports keep reading the plan of record until you run "
            f"`elca-match plan adopt {result.plan_id}` (or read it with --plan {result.plan_id}).")


def _data(result) -> dict:
    return {"plan_id": result.plan_id, "status": result.status, "created_at": result.created_at,
            "based_on": result.based_on, "reused": result.reused, "input_hash": result.input_hash,
            "names": {k: result.names[k] for k in sorted({a.member for a in result.plan.assignments}
                                                          | {o.member for o in result.plan.left_out}
                                                          | {w.member for w in result.plan.waitlist})
                      if k in result.names},
            **result.plan.as_dict()}
