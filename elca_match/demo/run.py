"""The demo run: the whole action end to end on the synthetic cohort, through the real services.

Each step calls the same use case the matching command calls (ingest, catalogue import,
rank, plan, export), so the demo shows what the tool does and nothing it does not. The
database is built under a temporary name next to its final path and moved into place only
when every step succeeded: an existing database is never touched unless ``force`` is given,
and a failed run leaves nothing half-written behind. Without a path the database is
``demo.db`` inside the output folder (the command line also takes a ``--db``).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, StateError
from ..questionnaire import load_questionnaire
from .cohort import DEFAULT_SEED, DEFAULT_SIZE, Cohort, generate_cohort
from .exports import ExportFile, write_exports

DEFAULT_OUT = Path("demo-out")
DB_NAME = "demo.db"
DEMO_COUNTRY = "japan"


@dataclass(frozen=True)
class StepResult:
    """One finished step: what it did, in one line, and how long it took."""

    name: str
    title: str
    summary: str
    seconds: float
    outputs: tuple[Path, ...] = ()


@dataclass
class DemoResult:
    """Everything the demo produced, and the commands to try next."""

    out_dir: Path
    db_path: Path
    seed: int
    steps: list[StepResult] = field(default_factory=list)
    exports: list[ExportFile] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)  # shortlist, report ...
    next_commands: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)


class DemoListener:
    """Receives the demo's progress; the command line draws it, tests may record it."""

    def step_started(self, index: int, total: int, title: str) -> None:
        """Step ``index`` (1-based) of ``total`` begins."""

    def progress(self, label: str, done: int, total: int) -> None:
        """Progress inside the current step (``total`` 0 when unknown)."""

    def step_finished(self, step: StepResult) -> None:
        """The current step ended."""


def default_db_path(out_dir: Path) -> Path:
    """Where the demo database goes when no ``--db`` is given: inside the output folder."""
    return Path(out_dir) / DB_NAME


def check_target(db_path: Path, force: bool) -> None:
    """Refuse to replace an existing database unless ``force``."""
    if Path(db_path).exists() and not force:
        raise StateError(problems=[Problem("db_exists", params={"value": str(db_path)})])


def run_demo(out_dir: Path = DEFAULT_OUT, db_path: Path | None = None, *, seed: int = DEFAULT_SEED,
             size: int = DEFAULT_SIZE, force: bool = False, listener: DemoListener | None = None) -> DemoResult:
    """Generate the cohort, write its survey exports, ingest them, import the catalogue and
    missions, rank the Japanese opportunities, plan the missions and export the results."""
    out_dir = Path(out_dir)
    final_db = Path(db_path) if db_path is not None else default_db_path(out_dir)
    check_target(final_db, force)
    listener = listener or DemoListener()
    out_dir.mkdir(parents=True, exist_ok=True)
    final_db.parent.mkdir(parents=True, exist_ok=True)
    work_db = final_db.with_name(final_db.name + ".partial")
    _remove_database(work_db)
    result = DemoResult(out_dir, final_db, seed)
    run = _Run(result, work_db, listener, seed, size)
    steps = run.steps()
    try:
        for index, (name, title, action) in enumerate(steps, 1):
            listener.step_started(index, len(steps), title)
            start = time.perf_counter()
            summary, outputs = action()
            step = StepResult(name, title, summary, time.perf_counter() - start, tuple(outputs))
            result.steps.append(step)
            listener.step_finished(step)
        _settle(work_db)
        _remove_database(final_db)
        os.replace(work_db, final_db)
    except BaseException:
        _remove_database(work_db)
        raise
    result.next_commands = next_commands(final_db, out_dir)
    return result


def next_commands(db_path: Path, out_dir: Path) -> list[str]:
    """The commands a user would try next on the demo database."""
    db = _shell_path(db_path)
    out = _shell_path(out_dir)
    return [
        f"elca-match --db {db} members list --cluster MECH",
        f"elca-match --db {db} rank --country japan",
        f"elca-match --db {db} rank --country latin-america --top 10",
        f"elca-match --db {db} plan",
        f"elca-match --db {db} export shortlist --mission M06 --out {out}/mission-M06.xlsx",
        f"elca-match --db {db} export report --country india --out {out}/report-india.html",
        f"elca-match --db {db} report indicators --to 2027-06 --out {out}/progress-report.xlsx",
        f"elca-match --db {db} agenda show --mission M06 --participant JP-P01",
    ]


class _Run:
    """The steps of one demo run, sharing the cohort and the work database."""

    def __init__(self, result: DemoResult, db: Path, listener: DemoListener, seed: int, size: int):
        self.result = result
        self.db = db
        self.listener = listener
        self.seed = seed
        self.size = size
        self.cohort: Cohort | None = None
        self.planned: Any = None  # the mission plan, which the outcomes follow
        self.questionnaire = load_questionnaire()

    def steps(self) -> list[tuple[str, str, Callable[[], tuple[str, list[Path]]]]]:
        return [
            ("cohort", "Generate the synthetic member cohort", self.generate),
            ("exports", "Write each cluster's survey-tool export", self.exports),
            ("ingest", "Ingest the survey exports", self.ingest),
            ("opportunities", "Import the built-in opportunity catalogue (D1.1)", self.opportunities),
            ("missions", "Import the built-in mission calendar", self.missions),
            ("rank", "Rank the members for the Japanese opportunities", self.rank),
            ("plan", "Plan the missions (who goes where)", self.plan),
            ("shortlist", "Export the Japan shortlist (Excel)", self.shortlist),
            ("report", "Export the Japan market report (HTML)", self.report),
            ("outcomes", "Record the outcomes up to mid-2027 (events, meetings, cases, dissemination)",
             self.outcomes),
            ("agenda", "Japan exploratory mission: partners, suggested meetings, schedule, agendas", self.agenda),
        ]

    def generate(self) -> tuple[str, list[Path]]:
        self.cohort = generate_cohort(self.seed, self.size, self.questionnaire)
        responses = self.cohort.responses
        languages = Counter(r.lang for r in responses)
        origins = Counter(r.origin for r in responses)
        return (f"{self.cohort.organisations} organisations in {len(self.cohort.clusters)} clusters, "
                f"{len(responses)} responses ({origins['duplicate']} duplicates, {origins['resubmission']} "
                f"resubmissions) in {len(languages)} languages "
                f"({', '.join(f'{k} {v}' for k, v in languages.most_common())})"), []

    def exports(self) -> tuple[str, list[Path]]:
        assert self.cohort is not None
        files = write_exports(self.cohort, self.result.out_dir, self.questionnaire)
        self.result.exports = files
        per_cluster: dict[str, list[str]] = {}
        for f in files:
            per_cluster.setdefault(f.cluster, []).append(f"{f.tool_name} {f.lang} {f.rows}")
        listing = "; ".join(f"{cluster} {', '.join(parts)}" for cluster, parts in per_cluster.items())
        return f"{len(files)} files: {listing}", [f.path for f in files]

    def ingest(self) -> tuple[str, list[Path]]:
        from ..services.ingest import ingest_files

        outcome = ingest_files(self.db, [f.path for f in self.result.exports], progress=self.listener.progress)
        adapters = dict.fromkeys(f.adapter for f in outcome.files)
        new = sum(f.new_organisations for f in outcome.files)
        superseded = sum(f.superseded for f in outcome.files)
        return (f"{outcome.accepted} rows accepted from {len(outcome.files)} files "
                f"(adapters detected: {', '.join(adapters)}), {new} organisations, "
                f"{superseded} earlier answers superseded, {outcome.set_aside} set aside"), []

    def opportunities(self) -> tuple[str, list[Path]]:
        from ..services.catalogue import import_opportunities

        imported = import_opportunities(self.db, builtin=True, questionnaire=self.questionnaire)
        return _import_summary(imported, "opportunities"), []

    def missions(self) -> tuple[str, list[Path]]:
        from ..services.catalogue import import_missions

        imported = import_missions(self.db, builtin=True, questionnaire=self.questionnaire)
        return _import_summary(imported, "missions"), []

    def rank(self) -> tuple[str, list[Path]]:
        from ..services.rank import rank, resolve_query

        ranking = rank(self.db, resolve_query(country=DEMO_COUNTRY, questionnaire=self.questionnaire),
                       self.questionnaire)
        best = max((m for o in ranking.opportunities for m in o.matches[:1]), key=lambda m: m.score, default=None)
        clusters = Counter(m.cluster for o in ranking.opportunities for m in o.matches)
        summary = (f"{ranking.opportunities_considered} opportunities in Japan x {ranking.members_considered} "
                   f"members (profiles {'built' if ranking.build.rebuilt else 'loaded'} in "
                   f"{ranking.build.seconds:.1f} s); shortlisted per cluster: "
                   f"{', '.join(f'{k} {v}' for k, v in clusters.most_common())}")
        if best is not None:
            summary += f"; best fit {best.name} ({best.cluster}) for {best.opportunity_id}, score {best.score:.2f}"
        return summary, []

    def plan(self) -> tuple[str, list[Path]]:
        from ..planning import PlanParams
        from ..services.plan import plan_missions

        outcome = plan_missions(self.db, PlanParams(), questionnaire=self.questionnaire)
        plan = self.planned = outcome.plan
        seats = sum(m.seats for m in plan.missions)
        members = len({a.member for a in plan.assignments})
        clusters = ", ".join(f"{k} {v}" for k, v in sorted(plan.cluster_seats.items(), key=lambda kv: -kv[1]))
        proof = "optimal" if plan.certificate.optimal else f"gap {plan.certificate.gap:.3g}"
        return (f"plan #{outcome.plan_id}: {len(plan.assignments)} of {seats} seats on {len(plan.missions)} "
                f"missions filled by {members} members ({clusters}); total fit {plan.objective:.1f}, {proof}"), []

    def shortlist(self) -> tuple[str, list[Path]]:
        from .. import export
        from ..services.export import shortlist, shortlist_document

        result = shortlist(self.db, country=DEMO_COUNTRY, questionnaire=self.questionnaire)
        path = self.result.out_dir / "shortlist-japan.xlsx"
        export.write(shortlist_document(result), "xlsx", path)
        self.result.outputs["shortlist"] = path
        entries = sum(len(s.entries) for s in result.shortlists)
        return f"{len(result.shortlists)} opportunity sheets, {entries} entries -> {path}", [path]

    def report(self) -> tuple[str, list[Path]]:
        from .. import export
        from ..services.export import report, report_document

        result = report(self.db, country=DEMO_COUNTRY, questionnaire=self.questionnaire)
        path = self.result.out_dir / "report-japan.html"
        export.write(report_document(result), "html", path)
        self.result.outputs["report"] = path
        views, shortlists = len(result.fit), len(result.shortlist.shortlists)
        return f"fit heatmaps ({views} views) and {shortlists} opportunity shortlists -> {path}", [path]


    def outcomes(self) -> tuple[str, list[Path]]:
        from ..services.ingest import ingest_files
        from ..services.outcomes import import_outcomes
        from ..surveytools.writers import write_canonical
        from .exports import canonical_values
        from .outcomes import (FILE_NAME, FOLLOW_UP_FILE, REPORT_END, case_members, demo_outcome_rows,
                               follow_up_responses, write_outcome_file)

        rows = demo_outcome_rows(self.planned, self.cohort, self.seed)
        path = write_outcome_file(rows, self.result.out_dir / FILE_NAME)
        imported = import_outcomes(self.db, path, self.questionnaire)
        self.result.outputs["outcomes"] = path
        # The follow-up survey of the SMEs with a case, which call indicator 7 compares with their first answer.
        follow_up = self.result.out_dir / FOLLOW_UP_FILE
        responses = follow_up_responses(self.cohort, case_members(rows), self.seed)
        write_canonical([canonical_values(r, self.questionnaire) for r in responses], follow_up, "en",
                        self.questionnaire)
        ingest_files(self.db, [follow_up])
        counts = ", ".join(f"{n} {kind}" for kind, n in imported.totals.items() if n)
        return (f"{counts} up to {REPORT_END} -> {path}; follow-up survey of {len(responses)} members with a "
                f"cooperation case -> {follow_up}"), [path, follow_up]
    def agenda(self) -> tuple[str, list[Path]]:
        from .agenda import run_agenda

        made = run_agenda(self.db, self.result.out_dir, self.seed)
        self.result.outputs["agenda"] = made.workbook
        return (f"{made.partners} Japanese partners; mission {made.mission}: {made.suggestions} suggested meetings, "
                f"{made.meetings} scheduled ({made.status}, gap {made.gap:.1%}), {made.unscheduled} left out -> "
                f"{made.workbook} and {len(made.calendars)} .ics calendars"), [made.workbook, *made.calendars]


def _import_summary(imported: Any, what: str) -> str:
    return f"{len(imported.added)} {what} imported from {imported.file}"


def _settle(db_path: Path) -> None:
    """Fold the write-ahead log into the database file so it can be moved on its own."""
    from ..services.database import settle

    settle(db_path)


def _remove_database(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        candidate.unlink(missing_ok=True)


def _shell_path(path: Path) -> str:
    text = Path(path).as_posix()
    return f"'{text}'" if any(ch.isspace() for ch in text) else text
