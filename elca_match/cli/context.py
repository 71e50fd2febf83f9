"""What every command shares: consoles, the database from --db, and result output."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
    if value is None:
        return None
    if not str(value).strip():
        raise typer.BadParameter("is empty; give a file name such as shortlist.xlsx")
    if value.is_dir():
        raise typer.BadParameter(f"{value} is a folder; give a file name inside it, such as {value / 'out.xlsx'}")
    parent = value.parent if str(value.parent) else Path(".")
    if not parent.is_dir():
        raise typer.BadParameter(f"the folder {parent} does not exist; create it or choose another path")
    return value


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="table (readable), csv, json, md, xlsx or html.")
OUT_OPTION = typer.Option(None, "--out", "-o", help="Write to this file instead of the screen.", callback=check_out)
TABLE_OPTION = typer.Option(None, "--table", help="Which table a CSV file holds when the output has several "
                            "(a CSV is one table; json keeps everything).", show_default=False)


def console() -> Console:
    return Console(soft_wrap=False)


def err_console() -> Console:
    return Console(stderr=True, soft_wrap=True)


def db_path(ctx: typer.Context) -> Path:
    """The database path chosen with --db or $ELCA_MATCH_DB."""
    root = ctx.find_root()
    return (root.obj or {}).get("db") or Path("elca.db")


def open_database(ctx: typer.Context, create: bool = True):
    """Open the --db database (``create=False`` for read-only commands on a missing file)."""
    from ..store import open_db

    return open_db(db_path(ctx), create=create)


def emit(document: Any, fmt: Format, out: Path | None, table: str | None = None) -> None:
    """Print ``document`` (an export.Document) as a rich table, or write it in ``fmt``.

    ``table`` (--table) names the one section a CSV file holds; it is checked whatever the format.
    """
    from .. import export

    if table is not None:
        document.table = table
        document.one_table()

    if fmt is Format.table:
        if out is not None:
            fmt = format_of(out, Format.md if out.suffix.lower() == ".txt" else Format.csv)
        else:
            _print_tables(document)
            return
    if fmt is Format.xlsx and out is None:
        raise UsageError.of("bad_option", detail="--format xlsx needs --out FILE.xlsx")
    if out is not None:
        check_suffix(out, fmt.value)
    if out is None:
        export.write(document, fmt.value, sys.stdout)
    else:
        export.write(document, fmt.value, out)
        err_console().print(f"Wrote {out}", markup=False)
    if fmt is Format.csv:
        _other_tables_note(document)


SUFFIX_FORMATS = {".csv": Format.csv, ".json": Format.json, ".md": Format.md, ".markdown": Format.md,
                  ".xlsx": Format.xlsx, ".html": Format.html, ".htm": Format.html}


def format_of(path: Path, default: Format) -> Format:
    """The format a file's suffix names, else ``default``."""
    return SUFFIX_FORMATS.get(path.suffix.lower(), default)


def check_suffix(out: Path, fmt: str) -> None:
    """Refuse writing one format into a file whose suffix names another (Excel would refuse to open it)."""
    named = SUFFIX_FORMATS.get(out.suffix.lower())
    if named is not None and named.value != fmt:
        raise UsageError.of("bad_option", detail=f"--out {out} names a .{out.suffix.lstrip('.')} file but the "
                            f"format is {fmt}; change the file's suffix or --format")


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
    # every title, header and cell comes from data: rich Text is never parsed as markup
    out = console()
    for section in document.sections:
        table = Table(title=_text(section.title) if section.title else None, show_lines=False, title_justify="left")
        for column in section.columns:
            table.add_column(_text(column), overflow="fold")
        for row in section.rows:
            table.add_row(*(_text("" if v is None else _cell(v)) for v in row))
        out.print(table)
        for note in section.notes:
            out.print(_text(note), highlight=False)
    for note in document.notes:
        out.print(_text(note), highlight=False)


def _text(value: Any) -> Text:
    """Data as rich Text: never markup, control characters shown as codes."""
    return Text(visible(value))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)
