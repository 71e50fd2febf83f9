"""`elca-match check`: verify the database; exit non-zero with what is wrong."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import CheckFailed, Problem
from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, TABLE_OPTION, Format, db_path, emit

# Problems listed in the error paragraph; the table (and --format json) has them all.
_LISTED = 10


def register(app: typer.Typer) -> None:
    """Add the `check` command."""
    app.command("check")(check)


def check(
    ctx: typer.Context,
    quick: bool = typer.Option(False, "--quick", help="Skip re-deriving every answer from its raw answers (the slow check)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
    table: str = TABLE_OPTION,
) -> None:
    """Verify the database: integrity, foreign keys, no orphaned personal data, answers re-derivable."""
    from ..services.check import check_database

    result = check_database(db_path(ctx), rederive=not quick)
    emit(check_document(result), fmt, out, table=table)
    if not result.ok:
        findings = result.findings
        failed = ", ".join(c.name for c in result.checks if c.status == "failed")
        raise CheckFailed(
            f"{result.database} failed {failed}: {len(findings)} problems "
            f"(restore a backup, re-run `elca-match forget` or `elca-match reprocess`, as the problems say).",
            [Problem("check_failed", params={"detail": f"{f.check}: {f.detail}"}) for f in findings[:_LISTED]])


def check_document(result) -> Document:
    """The checks and their findings as tables."""
    checks = [[c.name, c.status, len(c.findings), c.note or c.description] for c in result.checks]
    sections = [Section("Checks", ["check", "result", "problems", "details"], checks)]
    if result.findings:
        sections.append(Section("Problems", ["check", "table", "row", "problem"],
                                [[f.check, f.table or "", f.row, f.detail] for f in result.findings],
                                wrap_columns=("problem",)))
    verdict = "all checks passed" if result.ok else f"{len(result.findings)} problems found"
    return Document("Database check", sections, summary={"database": result.database, "ok": result.ok},
                    notes=[f"{result.database}: {verdict}."], data=result)
