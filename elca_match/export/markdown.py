"""Markdown: a heading per section and GitHub pipe tables, with cell text escaped."""

from __future__ import annotations

import re
from typing import IO, Any

from .cells import text
from .document import Document

# Backslash first, so the escapes added for the others are not escaped again. < and >
# are escaped so a renderer never turns typed text into HTML; [ ] and ! so it never makes
# a link or loads a remote image (every link and image needs an unescaped bracket, so
# parentheses stay as typed and titles such as "(cumulated results)" stay readable). * and ~
# always, and _ unless it joins two letters or digits (high_strength_steel, which renderers
# never read as emphasis), so a typed *name* or ~~name~~ is not shown in italics or struck out.
_SPECIAL = re.compile(r"([\\|<>`\[\]!*~]|_(?![^\W_])|(?<![^\W_])_)")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def escape(value: Any) -> str:
    """One cell as markdown table text: ``| \\ < > [ ] ! * ~``, backquote and emphasis ``_`` escaped, line breaks
    as spaces."""
    return _NEWLINES.sub(" ", _SPECIAL.sub(r"\\\1", text(value, float_digits=3)))


def write_markdown(document: Document, stream: IO[str]) -> None:
    """Write ``document`` as Markdown: title, summary list, one pipe table per section, notes."""
    lines: list[str] = [f"# {escape(document.title)}", ""]
    for key, value in document.summary.items():
        if isinstance(value, dict):
            lines.append(f"- **{escape(key)}**:")
            lines.extend(f"  - {escape(k)}: {escape(v)}" for k, v in value.items())
        else:
            lines.append(f"- **{escape(key)}**: {escape(value)}")
    if document.summary:
        lines.append("")
    for heatmap in document.heatmaps:
        lines += [f"## {escape(heatmap.title)}", ""]
        lines.append("| | " + " | ".join(escape(c) for c in heatmap.column_labels) + " |")
        lines.append("|---|" + "|".join("---:" for _ in heatmap.column_labels) + "|")
        for label, values in zip(heatmap.row_labels, heatmap.values):
            lines.append(f"| {escape(label)} | " + " | ".join(_fit(v) for v in values) + " |")
        lines.append("")
    for section in document.sections:
        if section.title:
            lines += [f"## {escape(section.title)}", ""]
        lines.append("| " + " | ".join(escape(c) for c in section.columns) + " |")
        lines.append("|" + "|".join(_rule(section, i) for i in range(len(section.columns))) + "|")
        for row in section.rows:
            lines.append("| " + " | ".join(escape(v) for v in row) + " |")
        lines.append("")
        for note in section.notes:
            lines += [escape(note), ""]
    for note in document.notes:
        lines += [escape(note), ""]
    stream.write("\n".join(lines).rstrip("\n") + "\n")


def _fit(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return f"{value:.2f}"
    return "–"


def _rule(section, index: int) -> str:
    numeric = section.rows and all(
        isinstance(row[index], (int, float)) and not isinstance(row[index], bool)
        for row in section.rows if row[index] is not None
    )
    return "---:" if numeric else "---"
