"""The command line: typer commands on top of the services; the one place that prints errors."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import typer

from ..errors import ElcaError, UsageError
from ..text import visible
from . import (
    agenda,
    check,
    demo,
    export,
    ingest,
    members,
    missions,
    model,
    opportunities,
    outcomes,
    partners,
    plan,
    rank,
    report,
    survey,
)
from .context import err_console, set_quiet
from .conventions import adopt, usage_message

app = typer.Typer(
    name="elca-match",
    help="Match ELCA cluster members to third-country opportunities and plan missions.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold personal data
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

COMMAND_MODULES = (ingest, members, opportunities, missions, rank, plan, export, survey, demo,
                   outcomes, report, check, model)
COMMAND_MODULES += (partners, agenda)


@app.callback()
def _root(
    ctx: typer.Context,
    db: Path = typer.Option(
        None, "--db", envvar="ELCA_MATCH_DB", help="SQLite database file (default elca.db, or $ELCA_MATCH_DB).",
        show_default=False,
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress, summaries or 'Wrote FILE' lines; "
                               "only results and errors."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=lambda value: _version(value)),
) -> None:
    ctx.obj = {"db": db or Path("elca.db"), "quiet": quiet}
    set_quiet(quiet)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"elca-match {__version__}")
        raise typer.Exit()


for _module in COMMAND_MODULES:
    _module.register(app)
adopt(app)


def main() -> None:
    """Console entry point: run the command line with the process's arguments and exit with its status."""
    sys.exit(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run ``elca-match ARGS`` and return its exit status; errors are printed here, in one place.

    Everything the library raises as ElcaError, and click's own usage errors (exit 2),
    becomes one paragraph ``Error: ...`` on stderr, without a traceback or a boxed panel.
    """
    try:  # typer carries its own click since 0.2x; before, it ran on click itself
        from typer._click import exceptions as click_errors
    except ImportError:  # pragma: no cover
        from click import exceptions as click_errors

    try:
        status = _command()(args=args, prog_name="elca-match", standalone_mode=False)
        return status if isinstance(status, int) else 0
    except click_errors.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `elca-match` alone: the help, as before
            exc.show()
            return 0
        _error(UsageError.of("command_line", **usage_message(exc)))
        return 2
    except ElcaError as exc:
        _error(exc)
        return exc.exit_code
    except typer.Abort:
        _error_text("Aborted; nothing was changed.")
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        _error_text("Interrupted; nothing half-written was kept.")
        return 130
    except Exception as exc:
        if os.environ.get("ELCA_MATCH_DEBUG"):
            raise
        from ..services.database import failure

        error = failure(exc)  # a full disk, a read-only folder, a damaged database: not a bug
        if error is not None:
            _error(error)
            return error.exit_code
        _error_text(f"Error: internal error ({type(exc).__name__}: {exc}); this is a bug in elca-match, "
                    "please report it with the command you ran (set ELCA_MATCH_DEBUG=1 for the traceback).")
        return 70


@functools.cache
def _command():
    """The click command tree of ``app``, built once per process: typer rebuilds it on every call, which
    costs more than most commands' own work when the command line runs many times in one process (tests)."""
    return typer.main.get_command(app)


def _error(exc: ElcaError) -> None:
    _error_text(f"Error: {visible(exc.paragraph())}")


def _error_text(text: str) -> None:
    # Errors are shown even with --quiet.
    err_console(always=True).print(text, markup=False, highlight=False, soft_wrap=True)
