"""Markdown exports: text typed by users is never read as emphasis or strike-through."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from elca_match.export import Document, Section, render
from elca_match.export.markdown import escape

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def test_markdown__typed_emphasis__escaped_and_codes_kept_readable():
    assert escape("*GmbH* ~~old~~ _new_") == r"\*GmbH\* \~\~old\~\~ \_new\_"
    assert escape("high_strength_steel; body_panel") == "high_strength_steel; body_panel"


@given(st.lists(st.text(alphabet=st.sampled_from("*_~ abc1.\\`"), max_size=20), min_size=1, max_size=3))
def test_markdown__any_cell_text__never_emphasis_or_struck_out(cells):
    html = RENDERER.render(render(Document("T", [Section("S", ["a"] * len(cells), [cells])]), "md"))
    assert not re.search(r"<(em|strong|del|s|code)>", html)
