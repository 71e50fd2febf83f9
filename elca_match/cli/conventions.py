"""Command-line conventions every command shares, applied once to the whole command tree.

- a multi-valued option takes a repeated flag and a comma list alike (the union); any
  other option given twice is a usage error, never "the last one wins";
- ``--out`` never names the database or one of the command's input files;
- flags show no ``<bool>`` metavar in the help;
- click's usage errors become the same one-paragraph ``Error:`` message as the library's.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

from ..errors import ElcaError, Spelling, UsageError
from .coercion import quick_coercion

# Options whose value is a list (services split it on commas): a repeated flag joins the values.
LIST_OPTIONS = frozenset({"country", "region", "opportunity", "sector", "stage", "cluster", "org_type"})
STDIO = "-"


def _hide_flag_metavars(params: Iterable[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""


def merge_repeated(command: Any, ctx: Any, args: list[str], stop_at: frozenset[str] = frozenset()) -> list[str]:
    """``args`` with repeated list options merged into one comma list; a repeated single-valued option refused.

    Scanning stops at ``--`` and at a word in ``stop_at`` (a group's subcommand, whose options are its own).
    """
    options: dict[str, Any] = {}
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and not param.is_flag and not param.multiple \
                and param.nargs == 1 and not getattr(param, "count", False):
            for name in (*param.opts, *param.secondary_opts):
                options[name] = param
    seen: dict[str, list[tuple[int, int, str, str]]] = {}  # param name -> (start, stop, spelling, value)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--" or arg in stop_at:
            break
        name, value, stop = arg, None, i + 1
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        elif arg in options and i + 1 < len(args):
            value, stop = args[i + 1], i + 2
        elif arg[:1] == "-" and arg[1:2] != "-" and arg[:2] in options and len(arg) > 2:
            name, value = arg[:2], arg[2:]
        param = options.get(name)
        if param is not None and value is not None:
            seen.setdefault(param.name, []).append((i, stop, name, value))
            i = stop
        else:
            i += 1
    drop: set[int] = set()
    replace: dict[int, list[str]] = {}
    for param_name, uses in seen.items():
        if len(uses) < 2:
            continue
        values = [value for _, _, _, value in uses]
        spelling = uses[0][2]
        if param_name not in LIST_OPTIONS:
            raise UsageError.of("option_repeated", option=spelling, count=len(uses), values=", ".join(values))
        merged = ",".join(dict.fromkeys(v.strip() for value in values for v in value.split(",") if v.strip()))
        first = uses[0]
        replace[first[0]] = [first[2], merged]
        for start, stop, _, _ in uses[1:]:
            drop.update(range(start, stop))
        drop.update(range(first[0], first[1]))
    if not replace:
        return args
    rebuilt: list[str] = []
    for index, arg in enumerate(args):
        if index in replace:
            rebuilt.extend(replace[index])
        elif index not in drop:
            rebuilt.append(arg)
    return rebuilt


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def _paths(value: Any) -> list[Path]:
    if isinstance(value, Path):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, Path)]
    return []


def guard_out(ctx: Any) -> None:
    """Refuse an ``--out`` that would replace the database or one of the command's input files."""
    out = ctx.params.get("out")
    if not isinstance(out, Path) or str(out) == STDIO:
        return
    root = ctx.find_root()
    database = (root.obj or {}).get("db") or Path("elca.db")
    if _same_file(out, Path(database)):
        raise UsageError.of("out_would_replace", out=str(out), what="the database")
    for name, value in ctx.params.items():
        if name == "out":
            continue
        for path in _paths(value):
            if str(path) != STDIO and _same_file(out, path):
                raise UsageError.of("out_would_replace", out=str(out), what=f"also the input file {path}")


# Library names of options whose command-line parameter is called otherwise.
ALIASES = {"format": "fmt", "waitlist_size": "waitlist"}


def flag_speller(command: Any) -> Spelling:
    """How ``command`` spells an option the library names by its parameter: the long flag, or an argument's
    metavar (``FILE``); an option the command does not have by the usual ``--name``."""
    spelled = {}
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            spelled[param.name] = max(param.opts, key=len)
        elif getattr(param, "param_type_name", "") == "argument":
            spelled[param.name] = getattr(param, "metavar", None) or param.name.upper()
    return lambda name: spelled.get(ALIASES.get(name, name)) or "--" + name.replace("_", "-")


def _on(setter: Any) -> Any:
    # only switch on: a command-level flag left out must not undo the same flag given before the command
    def callback(ctx: Any, param: Any, value: Any) -> Any:
        if value:
            setter(True)
        return value
    return callback


def shared_flags(tables: bool) -> list[Any]:
    """Fresh ``--quiet`` (and, for commands that print tables, ``--wide``) options for one command."""
    return [copy.copy(param) for param in _flag_templates() if tables or param.name != "wide"]


@functools.cache
def _flag_templates() -> tuple[Any, ...]:
    # built once per process: building a typer command per command of the tree was a tenth of start-up
    from .context import set_quiet, set_wide

    flags = typer.Typer(add_completion=False)

    @flags.command()
    def _flags(
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress, summaries or 'Wrote FILE' lines."),
        wide: bool = typer.Option(False, "--wide", help="Full tables at their natural width, even wider than "
                                  "the terminal (default: a compact layout when a table does not fit)."),
    ) -> None:
        """The shared flags."""

    params = typer.main.get_command(flags).params
    for param in params:
        param.expose_value = False
        param.callback = _on(set_quiet if param.name == "quiet" else set_wide)
    return tuple(params)


class ElcaCommand(TyperCommand):
    """A typer command with the shared conventions (see the module docstring)."""

    def __init__(self, *args: Any, params: list[Any] | None = None, **kwargs: Any) -> None:
        params = list(params or [])
        taken = {opt for p in params for opt in (*p.opts, *p.secondary_opts)}
        tables = any(p.name == "fmt" for p in params)
        params += [flag for flag in shared_flags(tables) if not taken & set(flag.opts)]
        super().__init__(*args, params=params, **kwargs)
        quick_coercion(self.params)

    def get_params(self, ctx: Any) -> list[Any]:
        return _shown_params(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, merge_repeated(self, ctx, list(args)))

    def invoke(self, ctx: Any) -> Any:
        return _at_the_boundary(self, ctx, super().invoke)


class ElcaGroup(TyperGroup):
    """A typer group with the shared conventions; a group that runs on its own (``plan``) gets them all."""

    def __init__(self, *args: Any, params: list[Any] | None = None, **kwargs: Any) -> None:
        params = list(params or [])
        if any(p.name == "fmt" for p in params):
            taken = {opt for p in params for opt in (*p.opts, *p.secondary_opts)}
            params += [flag for flag in shared_flags(True) if not taken & set(flag.opts)]
        super().__init__(*args, params=params, **kwargs)
        quick_coercion(self.params)

    def get_params(self, ctx: Any) -> list[Any]:
        return _shown_params(super().get_params(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, merge_repeated(self, ctx, list(args), frozenset(self.commands)))

    def invoke(self, ctx: Any) -> Any:
        return _at_the_boundary(self, ctx, super().invoke)


def _shown_params(params: list[Any]) -> list[Any]:
    _hide_flag_metavars(params)
    quick_coercion(params)  # --help, added here
    return params


def _at_the_boundary(command: Any, ctx: Any, invoke: Any) -> Any:
    """Run a command or group; an error leaving it names options by the flags this command has."""
    try:
        guard_out(ctx)
        return invoke(ctx)
    except ElcaError as exc:
        exc.respell(flag_speller(command))
        raise


def _default(cls: Any, typer_class: type) -> bool:
    """True when ``cls`` is typer's default (None, a DefaultPlaceholder or typer's own class)."""
    return cls is None or cls is typer_class or isinstance(cls, DefaultPlaceholder)


def adopt(app: typer.Typer, prefix: str = "") -> None:
    """Make every command and group of ``app`` (recursively) follow the shared conventions.

    Each command also gets its examples (``cli/examples.py``) at the end of its help.
    """
    from .examples import epilog

    # typer fills in its own classes as defaults; a command that chose another class keeps it
    if _default(app.info.cls, TyperGroup):
        app.info.cls = ElcaGroup
    for info in app.registered_commands:
        if _default(info.cls, TyperCommand):
            info.cls = ElcaCommand
        name = info.name or info.callback.__name__.replace("_", "-")
        if info.epilog is None:
            info.epilog = epilog(f"{prefix}{name}")
    for group in app.registered_groups:
        if _default(group.cls, TyperGroup):
            group.cls = ElcaGroup
        if group.typer_instance is not None:
            # a group that runs on its own (`plan`) shows its examples like a command
            sub = group.typer_instance.info
            if _default(sub.epilog, type(None)):
                sub.epilog = epilog(f"{prefix}{group.name}")
            adopt(group.typer_instance, f"{prefix}{group.name} ")


def usage_message(exc: Any) -> dict[str, str]:
    """A click usage error's parts for the ``command_line`` message: what is wrong, where to read the options."""
    ctx = getattr(exc, "ctx", None)
    where = f"`{ctx.command_path} --help`" if ctx is not None else "`elca-match --help`"
    text = " ".join(exc.format_message().split())
    return {"detail": text.rstrip("."), "help": where}
