"""What every command shares: consoles, the database from --db, and result output."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

import typer

try:  # typer >= 0.2x carries its own copy of click
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - older typer on top of click
    from click import get_current_context
from rich.console import Console

from ..errors import UsageError
from ..text import visible


class Format(str, Enum):
    """Output formats a result table can be printed or written in."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"
    xlsx = "xlsx"
    html = "html"


def check_out(value: Path | None) -> Path | None:
    """Refuse an --out that cannot become a file, before any work is done (a typer callback)."""
    if value is None or str(value) == STDOUT:
        return value
    if not str(value).strip():
        raise typer.BadParameter("is empty; give a file name such as shortlist.xlsx")
    if value.is_dir():
        raise typer.BadParameter(f"{value} is a folder; give a file name inside it, such as {value / 'out.xlsx'}")
    parent = value.parent if str(value.parent) else Path(".")
    if not parent.is_dir():
        raise typer.BadParameter(f"the folder {parent} does not exist; create it or choose another path")
    return value


STDOUT = "-"  # --out - writes to standard output, as in most tools


def is_stdout(out: Path | None) -> bool:
    """True when ``--out -`` asks for standard output."""
    return out is not None and str(out) == STDOUT


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="table (readable), csv, json, md, xlsx or html.")
OUT_OPTION = typer.Option(None, "--out", "-o", help="Write to this file instead of the screen ('-': standard output).",
                          callback=check_out)


@contextmanager
def stdin_files(files: list[Path]) -> Iterator[list[Path]]:
    """``files`` with ``-`` replaced by a temporary copy of standard input (``stdin.csv`` or ``stdin.xlsx``)."""
    if not any(str(f) == STDOUT for f in files):
        yield files
        return
    data = sys.stdin.buffer.read()
    # a workbook is a zip file; anything else is read as a text table
    name = "stdin.xlsx" if data[:4] == b"PK\x03\x04" else "stdin.csv"
    with tempfile.TemporaryDirectory(prefix="elca-stdin-") as folder:
        copy = Path(folder) / name
        copy.write_bytes(data)
        yield [copy if str(f) == STDOUT else f for f in files]


TABLE_OPTION = typer.Option(None, "--table", help="Which table a CSV file holds when the output has several "
                            "(a CSV is one table; json keeps everything).", show_default=False)


def console() -> Console:
    return Console(soft_wrap=False)


# Presentation switches of this invocation (--quiet, --wide), set once by the root callback or the command.
_STATE = {"quiet": False, "wide": False}


def set_quiet(quiet: bool) -> None:
    """Silence progress, summaries and 'Wrote FILE' lines (--quiet); errors still show."""
    _STATE["quiet"] = bool(quiet)


def set_wide(wide: bool) -> None:
    """Print full tables at their natural width, whatever the terminal (--wide)."""
    _STATE["wide"] = bool(wide)


def is_quiet() -> bool:
    """True under --quiet."""
    return _STATE["quiet"]


def err_console(always: bool = False) -> Console:
    """The console for progress and messages on stderr; silent under --quiet unless ``always``."""
    return Console(stderr=True, soft_wrap=True, quiet=_STATE["quiet"] and not always)


def db_path(ctx: typer.Context) -> Path:
    """The database path chosen with --db or $ELCA_MATCH_DB."""
    root = ctx.find_root()
    return (root.obj or {}).get("db") or Path("elca.db")


def emit(document: Any, fmt: Format, out: Path | None, table: str | None = None) -> None:
    """Print ``document`` (an export.Document) as a rich table, or write it in ``fmt``.

    ``table`` (--table) names the one section a CSV file holds; it is checked whatever the format.
    """
    from .. import export

    if table is not None:
        document.table = table
        document.one_table()
    if document.query is None:
        document.query = asked()
        resolved = getattr(document.data, "query", None)
        if resolved is not None and not isinstance(resolved, (str, int, float)):
            document.query["resolved"] = resolved
    if is_stdout(out):
        if fmt is Format.table:
            _print_tables(document)
            return
        if fmt is Format.xlsx:
            export.write_binary(document, fmt.value, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            export.write(document, fmt.value, sys.stdout)
        return
    if fmt is Format.table:
        if out is not None:
            fmt = format_of(out, Format.md if out.suffix.lower() == ".txt" else Format.csv)
        else:
            _print_tables(document)
            return
    if fmt is Format.xlsx and out is None:
        raise UsageError.of("xlsx_needs_file", alternative="")
    if out is not None:
        check_suffix(out, fmt.value)
    if out is None:
        export.write(document, fmt.value, sys.stdout)
    else:
        export.write(document, fmt.value, out)
        err_console().print(f"Wrote {out}", markup=False)
    if fmt is Format.csv:
        _other_tables_note(document)


def asked() -> dict[str, Any]:
    """The command and the options given to it, for the ``query`` of a JSON output (docs/json.md)."""
    ctx = get_current_context(silent=True)
    if ctx is None:
        return {"command": ""}
    path = ctx.command_path.split(" ", 1)[1] if " " in ctx.command_path else ""
    options = {name: value for name, value in ctx.params.items()
               if name not in ("fmt", "out") and value not in (None, False, (), [])}
    return {"command": path, **{k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()}}


SUFFIX_FORMATS = {".csv": Format.csv, ".json": Format.json, ".md": Format.md, ".markdown": Format.md,
                  ".xlsx": Format.xlsx, ".html": Format.html, ".htm": Format.html}


def format_of(path: Path, default: Format) -> Format:
    """The format a file's suffix names, else ``default``."""
    return SUFFIX_FORMATS.get(path.suffix.lower(), default)


def check_suffix(out: Path, fmt: str) -> None:
    """Refuse writing one format into a file whose suffix names another (Excel would refuse to open it)."""
    named = SUFFIX_FORMATS.get(out.suffix.lower())
    if named is not None and named.value != fmt:
        raise UsageError.of("out_suffix_mismatch", out=str(out), suffix=out.suffix.lstrip("."), fmt=fmt)


def _other_tables_note(document: Any) -> None:
    """Say on stderr which tables a one-table CSV left out, and how to get them."""
    sections = document.sections
    if len(sections) < 2 or all(list(s.columns) == list(sections[0].columns) for s in sections):
        return
    written = document.one_table().table_name
    others = [s.table_name for s in sections if s.table_name != written]
    err_console().print(f"The CSV holds the {written} table; for another add --table "
                        f"{' | '.join(others)} (--format json or xlsx keeps every table).",
                        markup=False, highlight=False)


def _print_tables(document: Any) -> None:
    from .render import print_section

    out = console()
    for section in document.sections:
        print_section(out, section.title or "", section.columns, section.rows,
                      long_columns=tuple(section.wrap_columns), wide=_STATE["wide"])
        for note in section.notes:
            out.print(visible(note), markup=False, highlight=False)
    if _STATE["quiet"]:
        return  # notes are the summary; the tables are the result
    for note in document.notes:
        out.print(visible(note), markup=False, highlight=False)
