"""The command line: typer commands on top of the services; the one place that prints errors."""

from __future__ import annotations

import functools
import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Any

import typer

from ..errors import ElcaError, UsageError
from ..text import visible
from .context import err_console, set_quiet
from .conventions import adopt, usage_message

# Top-level command -> the module that registers it (tests/test_cli_lazy.py checks it against the modules).
# A module is imported only when one of its commands runs (or the whole tree is needed: --help, an unknown
# command, `app`): importing them all cost more than a short command's own work.
COMMANDS = {"ingest": "ingest", "reprocess": "ingest", "members": "members", "forget": "members",
            "opportunities": "opportunities", "missions": "missions", "rank": "rank", "plan": "plan",
            "export": "export", "survey": "survey", "demo": "demo", "outcomes": "outcomes", "report": "report",
            "check": "check", "model": "model", "partners": "partners", "agenda": "agenda"}
# The modules that add commands, in the order `elca-match --help` lists them.
COMMAND_MODULE_NAMES = tuple(dict.fromkeys(COMMANDS.values()))
# Options of the root command that take a value (the command name is the first word after them).
_ROOT_VALUE_OPTIONS = frozenset({"--db"})


def _typer() -> typer.Typer:
    return typer.Typer(
        name="elca-match",
        help="Match ELCA cluster members to third-country opportunities and plan missions.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,  # locals can hold personal data
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


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


def build_app(module_names: tuple[str, ...] = COMMAND_MODULE_NAMES) -> typer.Typer:
    """The root typer app with the commands of ``module_names`` (by default all of them)."""
    root = _typer()
    root.callback()(_root)
    for name in module_names:
        importlib.import_module(f"{__name__}.{name}").register(root)
    adopt(root)
    return root


@functools.cache
def _full_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> Any:
    # `app`, the whole command tree, is built on first use (tests, docs); the entry point builds
    # only the branch a command line needs
    if name == "app":
        return _full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_name(args: list[str]) -> str | None:
    """The top-level command ``args`` run, or None when they need the whole tree (help, version,
    no command, an unknown command)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-h", "--help", "--version", "--"):
            return None
        if arg in _ROOT_VALUE_OPTIONS:
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        return arg if arg in COMMANDS else None
    return None


def main() -> None:
    """Console entry point: run the command line with the process's arguments and exit with its status."""
    # OpenBLAS's idle threads spin for ~0.1 s before they sleep, after numpy's import and after every
    # product; a command's products are few and short, so they sleep at once (unless the user says)
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
    # the cycle collector's youngest generation every 20,000 new objects, not 700: a command's imports
    # and the build it reads are long-lived, and walking them again and again was a twentieth of `rank`
    gc.set_threshold(20_000, 10, 10)
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
        status = _command(command_name(args))(args=args, prog_name="elca-match", standalone_mode=False)
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
def _command(name: str | None = None):
    """The click command tree for the command ``name`` (None: every command), built once per process:
    typer rebuilds it on every call, which costs more than most commands' own work when the command
    line runs many times in one process (tests)."""
    if name is None:
        return typer.main.get_command(_full_app())
    return typer.main.get_command(build_app((COMMANDS[name],)))


def _error(exc: ElcaError) -> None:
    _error_text(f"Error: {visible(exc.paragraph())}")


def _error_text(text: str) -> None:
    # Errors are shown even with --quiet.
    err_console(always=True).print(text, markup=False, highlight=False, soft_wrap=True)
