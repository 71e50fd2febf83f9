"""The command line: typer commands on top of the services; the one place that prints errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from ..errors import ElcaError
from . import (
    agenda,
    check,
    demo,
    export,
    ingest,
    members,
    missions,
    opportunities,
    outcomes,
    partners,
    plan,
    rank,
    report,
    survey,
)
from .context import err_console

app = typer.Typer(
    name="elca-match",
    help="Match ELCA cluster members to third-country opportunities and plan missions.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold personal data
    add_completion=False,
)

COMMAND_MODULES = (ingest, members, opportunities, missions, rank, plan, export, survey, demo,
                   outcomes, report, check)
COMMAND_MODULES += (partners, agenda)


@app.callback()
def _root(
    ctx: typer.Context,
    db: Path = typer.Option(
        None, "--db", envvar="ELCA_MATCH_DB", help="SQLite database file (default elca.db, or $ELCA_MATCH_DB).",
        show_default=False,
    ),
) -> None:
    ctx.obj = {"db": db or Path("elca.db")}


for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    """Console entry point: run the app and turn library errors into one-paragraph messages.

    Click (inside typer) reports its own usage errors and exits 2; everything the library
    raises as ElcaError is printed here, in one place, without a traceback.
    """
    try:
        app()
    except ElcaError as exc:
        err_console().print(f"Error: {exc.paragraph()}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console().print("Interrupted; nothing half-written was kept.", markup=False)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("ELCA_MATCH_DEBUG"):
            raise
        err_console().print(
            f"Error: internal error ({type(exc).__name__}: {exc}); this is a bug in elca-match, "
            "please report it with the command you ran (set ELCA_MATCH_DEBUG=1 for the traceback).",
            markup=False, soft_wrap=True,
        )
        sys.exit(70)
