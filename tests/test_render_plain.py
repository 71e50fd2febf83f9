"""Large tables drawn without rich's per-cell layout look exactly as rich draws them.

``print_section`` draws an uncoloured table itself when every cell is printable and one
cell per character; the reference is the same section drawn by rich's ``Table`` (the
plain drawing switched off). They must agree byte for byte, wrapped cells included.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from elca_match.cli import render

WORD = st.text(alphabet=st.sampled_from(list("abcxyz019|:.-_éłÜ")), min_size=1, max_size=14)
CELL = st.lists(WORD, max_size=6).map(" ".join) | st.sampled_from(["", "id:DE101981203", "a  b", " lead"])


def drawn(columns, rows, width: int, plain: bool) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, no_color=True)
    original = render._print_plain
    if not plain:
        render._print_plain = lambda *args: False
    try:
        render.print_section(console, "Members", columns, rows)
    finally:
        render._print_plain = original
    return console.file.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(WORD, min_size=n, max_size=n), st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=8))),
    st.integers(30, 200))
def test_print_section__plain_drawing__same_text_as_rich(table, width):
    columns, rows = table
    assert drawn(columns, rows, width, plain=True) == drawn(columns, rows, width, plain=False)


def test_print_section__tab_or_wide_character__left_to_rich():
    console = Console(file=io.StringIO(), width=80, color_system=None)
    assert not render._print_plain(console, ["a"], [["x\ty"]], [10])
    assert not render._print_plain(console, ["a"], [["東京"]], [10])


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.lists(WORD, min_size=n, max_size=n), st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=5))),
    st.integers(20, 60))
def test_print_records__written_at_once__same_text_as_rich_line_by_line(table, width):
    columns, rows = table
    rows = [[cell * 4 for cell in row] for row in rows]  # long cells: too wide for a table, so records

    def records(at_once: bool) -> str:
        console = Console(file=io.StringIO(), width=width, color_system=None, no_color=True)
        original = render._plain
        if not at_once:
            render._plain = lambda text: False
        try:
            render._print_records(console, columns, rows, long_columns=(columns[-1],))
        finally:
            render._plain = original
        return console.file.getvalue()

    assert records(at_once=True) == records(at_once=False)
