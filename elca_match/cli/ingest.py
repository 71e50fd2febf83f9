"""`elca-match ingest` and `elca-match reprocess`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, TABLE_OPTION, Format, db_path, emit, err_console, stdin_files


def register(app: typer.Typer) -> None:
    """Add `ingest` and `reprocess`."""
    app.command("ingest")(ingest)
    app.command("reprocess")(reprocess)


def ingest(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Survey exports (CSV or XLSX) to ingest; '-' reads one from standard input."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Store valid rows; set invalid ones aside with their reasons."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read and validate only; show the column mapping; store nothing."),
    adapter: str = typer.Option(None, "--adapter", help="Force a survey-tool adapter instead of detecting it."),
    ignore_unknown_columns: bool = typer.Option(False, "--ignore-unknown-columns", help="Ignore columns that match no question."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    table: str = TABLE_OPTION,
) -> None:
    """Ingest D1.2 survey exports into the database (all files or, on any error, none)."""
    from ..services.ingest import ingest_files

    with stdin_files(files) as paths, _progress() as progress:
        task = progress.add_task("ingest", total=None)

        def report(label: str, done: int, total: int) -> None:
            progress.update(task, description=label, completed=done, total=total or None)

        result = ingest_files(db_path(ctx), paths, skip_invalid=skip_invalid, dry_run=dry_run, adapter=adapter,
                              ignore_unknown=ignore_unknown_columns, progress=report)
    emit(ingest_document(result), fmt, out, table=table)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err_console(), transient=True)


def ingest_document(result) -> Document:
    """The ingest summary as tables: one row per file, then mappings (dry run) and set-aside rows."""
    columns = ["file", "adapter", "questionnaire", "status", "rows", "accepted", "new orgs", "superseded",
               "set aside", "per cluster"]
    rows = [[f.file, f.adapter, f.questionnaire_version, f.status, f.rows, f.accepted, f.new_organisations,
             f.superseded, f.set_aside, ", ".join(f"{k} {v}" for k, v in sorted(f.per_cluster.items()))]
            for f in result.files]
    sections = [Section("Ingest" + (" (dry run: nothing stored)" if result.dry_run else ""), columns, rows)]
    if result.dry_run:
        for f in result.files:
            sections.append(Section(f"Column mapping of {f.file}", ["column", "question", "how"],
                                    [[m.column, m.question or "", m.how] for m in f.mapping]))
    aside = [[f.file, r["row"], " ".join(r["reasons"])] for f in result.files for r in f.set_aside_reasons]
    if aside:
        sections.append(Section("Rows set aside", ["file", "row", "reasons"], aside))
    notes = [f"{f.file}: column {m.column!r} was read as question {m.question!r} ({m.how}); check that it is right."
             for f in result.files for m in f.mapping if m.how.startswith("fuzzy")]
    notes += [f"Warning: {warning}" for f in result.files for warning in f.warnings]
    notes.append(f"{result.accepted} rows accepted, {result.set_aside} set aside, database {result.database}.")
    return Document("Ingest", sections, summary={"database": result.database}, notes=notes, data=result)


def reprocess(ctx: typer.Context, fmt: Format = FORMAT_OPTION, out: Path = OUT_OPTION) -> None:
    """Re-derive every normalised answer from the raw answers under the current questionnaire."""
    from ..services.ingest import reprocess as run

    result = run(db_path(ctx))
    rows = [[f["file"], f["row"], " ".join(f["reasons"])] for f in result.failed]
    document = Document("Reprocess", [Section("Rows that no longer validate (kept as they were)",
                                              ["file", "row", "reasons"], rows)] if rows else [],
                        notes=[f"{result.changed} of {result.submissions} submissions re-derived under "
                               f"{result.questionnaire_version}."], data=result)
    emit(document, fmt, out)
