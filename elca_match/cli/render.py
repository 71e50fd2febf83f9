"""Tables on a terminal that never break an id, a date, a code or a word in the middle.

A section prints as a table when every column gets at least its longest unbreakable
text (a cell without spaces, or the longest word of a longer text); otherwise, on a
narrow terminal, as compact records: the short fields on one line, each long text
(the "why") on its own lines, wrapped between words. ``wide`` forces the full table at
its natural width, whatever the terminal.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..text import visible

# Table overhead per column (one space of padding each side, one border) plus the left border.
_PER_COLUMN, _EDGE = 3, 1
# A field longer than this, or a column the section wraps, goes on its own line in a record.
_LONG_FIELD = 30
_SHORT_TEXT = 24
_INDENT = "    "


def cell_text(value: Any) -> str:
    """A cell value as the screen shows it (floats with 3 decimals, lists joined with ``; ``,
    control characters as visible codes so data cannot move the cursor or clear the screen)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return visible("; ".join(map(str, value)))
    return visible(str(value))


def _longest_word(text: str) -> int:
    if " " not in text and text.isprintable():  # one word (whitespace other than " " is not printable)
        return len(text)
    return max(map(len, text.split()), default=0)


def _longest_line(text: str) -> int:
    return len(text) if text.isprintable() else max(map(len, text.splitlines()), default=0)


def _needs(columns: list[str], rows: list[list[str]]) -> list[int]:
    """Each column's narrowest width that breaks nothing: its longest word (header and cells)."""
    return [max([_longest_word(columns[i]), 1, *(_longest_word(r[i]) for r in rows if i < len(r))])
            for i in range(len(columns))]


def _natural(columns: list[str], rows: list[list[str]]) -> list[int]:
    return [max([len(columns[i]), 1, *(_longest_line(r[i]) for r in rows if i < len(r))])
            for i in range(len(columns))]


def table_widths(columns: list[str], rows: list[list[str]], width: int) -> list[int] | None:
    """Column widths that fit ``width`` without breaking a word, or None when no such widths exist."""
    need, natural = _needs(columns, rows), _natural(columns, rows)
    overhead = _PER_COLUMN * len(columns) + _EDGE
    if sum(need) + overhead > width:
        return None
    widths = list(need)
    spare = width - overhead - sum(widths)
    # share what is left fairly (max-min): columns that lack little get all they need and do
    # not wrap; the long texts share the rest equally
    lacking = {i: n - w for i, (n, w) in enumerate(zip(natural, widths)) if n > w}
    while lacking and spare > 0:
        share = spare // len(lacking)
        settled = {i: lack for i, lack in lacking.items() if lack <= share}
        if not settled:
            for i in sorted(lacking)[: spare - share * len(lacking)]:
                widths[i] += 1
            for i in lacking:
                widths[i] += share
            break
        for i, lack in settled.items():
            widths[i] += lack
            spare -= lack
            del lacking[i]
    return widths


def print_section(out: Console, title: str, columns: list[str], rows: list[list[Any]], *,
                  long_columns: tuple[str, ...] = (), wide: bool = False) -> None:
    """Print one titled table: full when it fits (or ``wide``), else as compact records."""
    columns = [str(c) for c in columns]
    cells = [[cell_text(v) for v in row] for row in rows]
    widths = _natural(columns, cells) if wide else table_widths(columns, cells, out.width)
    if title:
        out.print(Text(visible(title)), soft_wrap=wide, overflow="ignore" if wide else "fold")
    if widths is None:
        _print_records(out, columns, cells, long_columns)
        return
    if not wide and out.color_system is None and _print_plain(out, columns, cells, widths):
        return
    table = Table(show_lines=False)
    for name, w in zip(columns, widths):
        table.add_column(Text(visible(name)), width=w, overflow="fold")
    for row in cells:
        table.add_row(*(Text(c) for c in row))
    if wide:
        # the natural width even beyond the terminal: the pager or the terminal scrolls
        full = sum(widths) + _PER_COLUMN * len(widths) + _EDGE
        Console(file=out.file, width=max(full, out.width), no_color=out.no_color,
                color_system=out.color_system).print(table, crop=False)
    else:
        out.print(table)


def _plain(text: str) -> bool:
    """Printable, one cell per character: drawn as its characters, nothing for rich to measure."""
    return text.isprintable() and (text.isascii() or cell_len(text) == len(text))


def _wrap(text: str, width: int) -> list[str]:
    """``text`` (plain, see :func:`_plain`) in lines of at most ``width``, as rich's table wraps a cell
    (``Text.wrap`` with left justification and fold): the same break positions, without building a
    rich ``Text`` for every line (that was most of drawing a long table)."""
    bounds = [0, *divide_line(text, width, fold=True), len(text)]
    return [text[start:end][:width] for start, end in zip(bounds, bounds[1:])]


def _print_plain(out: Console, columns: list[str], rows: list[list[str]], widths: list[int]) -> bool:
    """Draw the table as rich draws it, without rich's per-cell layout; False (nothing drawn)
    when a cell holds a line break, a tab or a wide character: rich then draws it.

    Rich measures every cell and renders each through its layout engine; on 600 rows that
    was three quarters of `members list`. Only for output without colour, where rich's
    table is plain text with these borders; a cell longer than its column is wrapped by
    rich's own :meth:`Text.wrap`, as the table would wrap it.
    """
    names = [visible(name) for name in columns]
    if not all(map(_plain, names)) or any(len(row) != len(widths) or not all(map(_plain, row)) for row in rows):
        return False

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def draw(texts: list[str], edge: str) -> list[str]:
        if all(len(text) <= w for text, w in zip(texts, widths)):
            return [edge + edge.join(f" {text.ljust(w)} " for text, w in zip(texts, widths)) + edge]
        wrapped = [[text] if len(text) <= w else _wrap(text, w) for text, w in zip(texts, widths)]
        height = max(map(len, wrapped))
        return [edge + edge.join(f" {(cell[k] if k < len(cell) else '').ljust(w)} "
                                 for cell, w in zip(wrapped, widths)) + edge for k in range(height)]

    lines = [line("┏", "━", "┳", "┓"), *draw(names, "┃"), line("┡", "━", "╇", "┩")]
    for row in rows:
        lines.extend(draw(row, "│"))
    lines.append(line("└", "─", "┴", "┘"))
    _write_lines(out, lines)
    return True


def _write_lines(out: Console, lines: list[str]) -> None:
    """Write plain lines (see :func:`_plain`) as they are: no markup, no wrapping, no cropping."""
    text = "\n".join(lines)
    if out.record or out.quiet:
        out.out(text, highlight=False)
    else:  # what out() writes here, without splitting the text into a rich Text per line first
        out.file.write(text + "\n")
        out.file.flush()


def _print_records(out: Console, columns: list[str], rows: list[list[str]], long_columns: tuple[str, ...]) -> None:
    width = max(out.width, 20)
    printed: list[str] = []  # every record's lines, a blank line after each
    for row in rows:
        short, long = [], []
        for name, value in zip(columns, row):
            if not value:
                continue
            if len(value) > _LONG_FIELD or (name in long_columns and len(value) > _SHORT_TEXT):
                long.append((name, value))
            elif name == "#":
                short.append(f"#{value}")
            else:
                short.append(f"{name}: {value}")
        lines = _pack(short, width)
        for name, value in long:
            lines.extend(textwrap.wrap(f"{name}: {value}", width, initial_indent=_INDENT,
                                       subsequent_indent=_INDENT + "  ", break_long_words=False,
                                       break_on_hyphens=False))
        printed.extend(lines)
        printed.append("")
    if out.color_system is None and all(map(_plain, printed)):
        _write_lines(out, printed)  # at once: rich's per-line printing was a fifth of `plan`
        return
    for line in printed:
        out.print(Text(line), soft_wrap=True)


def _pack(fields: list[str], width: int) -> list[str]:
    """Fields joined by two spaces into lines of at most ``width``; a field never splits unless alone too long."""
    lines: list[str] = []
    current = ""
    for field in fields:
        indent = _INDENT if lines or current else ""
        candidate = f"{current}  {field}" if current else f"{indent}{field}"
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        start = _INDENT
        if len(start + field) <= width:
            current = start + field
        else:
            wrapped = textwrap.wrap(field, width, initial_indent=start, subsequent_indent=start + "  ",
                                    break_long_words=False, break_on_hyphens=False)
            lines.extend(wrapped[:-1])
            current = wrapped[-1] if wrapped else ""
    if current:
        lines.append(current)
    return lines
