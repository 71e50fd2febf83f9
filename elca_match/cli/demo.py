"""`elca-match demo`: the whole action end to end on a realistic synthetic cohort."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .context import console


def register(app: typer.Typer) -> None:
    """Add `demo`."""
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    out: Path = typer.Option(Path("demo-out"), "--out", "-o", file_okay=False,
                             help="Folder for the survey exports, shortlist and report."),
    db: Path = typer.Option(None, "--db", help="Demo database to create (default: demo.db in the --out folder, "
                            "or the global --db when given on the command line).", show_default=False),
    force: bool = typer.Option(False, "--force", help="Replace the demo database if it already exists."),
    seed: int = typer.Option(2026, "--seed", help="Seed of the synthetic cohort (same seed, same members)."),
    members: int = typer.Option(600, "--members", min=5, max=20000,
                                help="How many member organisations the synthetic cohort has."),
) -> None:
    """Run the whole action on a synthetic cohort of members: survey exports, ingest, catalogue, rank, plan, export.

    The database is demo.db in the --out folder, or the path given with --db (the global --db typed before `demo` counts too; $ELCA_MATCH_DB does not, since it names a real database). An existing database is never touched: the demo refuses unless you pass --force.
    """
    from ..demo.run import default_db_path, run_demo

    target = db or _explicit_global_db(ctx) or default_db_path(out)
    screen = console()
    screen.print(f"[bold]elca-match demo[/bold]: database {escape(str(target))}, files in {escape(str(out))}/, "
                 f"{members} members, seed {seed}", highlight=False)
    with _progress(screen) as progress:
        listener = _Listener(progress, screen)
        result = run_demo(out, target, seed=seed, size=members, force=force, listener=listener)
    screen.print(f"\n[bold green]Done[/bold green] in {result.seconds:.1f} s. Outputs:", highlight=False)
    for name, path in result.outputs.items():
        screen.print(f"  {name:<10} {escape(str(path))}", highlight=False)
    screen.print(f"  {'database':<10} {escape(str(result.db_path))}", highlight=False)
    screen.print("\n[bold]Next, try:[/bold]", highlight=False)
    for command in result.next_commands:
        screen.print(f"  {escape(command)}", highlight=False, soft_wrap=True)


def _explicit_global_db(ctx: typer.Context) -> Path | None:
    """The global --db when typed on the command line (not $ELCA_MATCH_DB, which names a real database)."""
    root = ctx.find_root()
    source = root.get_parameter_source("db")
    if source is not None and source.name == "COMMANDLINE":
        return root.params.get("db")
    return None


def _progress(screen: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=screen, transient=True)


class _Listener:
    """Draws the demo's progress: one bar for the steps, one for the work inside a step."""

    def __init__(self, progress: Progress, screen: Console):
        self.bars = progress
        self.screen = screen
        self.overall = progress.add_task("demo", total=None)
        self.inner = None
        self.index = 0
        self.total = 0

    def step_started(self, index: int, total: int, title: str) -> None:
        self.index, self.total = index, total
        self.bars.update(self.overall, description=f"[{index}/{total}] {title}", completed=index - 1, total=total)
        if self.inner is not None:
            self.bars.remove_task(self.inner)
            self.inner = None

    def progress(self, label: str, done: int, total: int) -> None:
        if self.inner is None:
            self.inner = self.bars.add_task(f"  {label}", total=total or None)
        self.bars.update(self.inner, description=f"  {label}", completed=done, total=total or None)

    def step_finished(self, step) -> None:
        self.bars.update(self.overall, completed=self.index)
        self.bars.console.print(
            f"[green]✓[/green] [{self.index}/{self.total}] [bold]{escape(step.title)}[/bold] "
            f"[dim]({step.seconds:.2f} s)[/dim]\n      {escape(step.summary)}", highlight=False, soft_wrap=True)
