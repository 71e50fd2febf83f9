"""What every writer takes: a Document of titled table Sections, plus summary facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError, did_you_mean
from ..text import closest


@dataclass
class Section:
    """One table: a sheet in xlsx, a table in md/html, a block of rows in csv/json."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)  # printed under the table
    meta: dict[str, Any] = field(default_factory=dict)  # facts about this section (country, policy driver ...)
    wrap_columns: tuple[str, ...] = ("why",)  # long text columns wrapped in xlsx/html
    number_formats: dict[str, str] = field(default_factory=dict)  # column -> Excel number format
    name: str = ""  # short name for --table (default: the title's first words, see table_name)
    table: str | None = None  # the name of the table it belongs to in JSON (and CSV --table); else from title
    sheet: str | None = None  # a short sheet name for xlsx; else from the title, cut between words
    choices: dict[str, list[str]] = field(default_factory=dict)  # column -> drop-down values (xlsx)
    links: dict[str, str] = field(default_factory=dict)  # column -> URL prefix of its cells, e.g. "mailto:"

    @property
    def table_name(self) -> str:
        """The name `--table` and JSON choose this section by: ``name`` or ``table``, else the title folded to
        a-z0-9 words and hyphens."""
        if self.name or self.table:
            return self.name or self.table
        words = re.findall(r"[a-z0-9]+", self.title.split(":")[0].lower())
        return "-".join(words[:4]) or "rows"


@dataclass
class Heatmap:
    """A matrix to draw as a picture (html): fit by row label and column label."""

    title: str
    row_labels: list[str]
    column_labels: list[str]
    values: list[list[float]]
    explanation: str = ""  # how to read it: what a value means
    reading: str = ""  # one line that reads it for the reader ("MECH is strongest in maritime")


@dataclass
class Document:
    """A result to print or export: what was asked, and the tables that answer it."""

    title: str
    sections: list[Section]
    summary: dict[str, Any] = field(default_factory=dict)  # query, date, database, model version, counts
    notes: list[str] = field(default_factory=list)
    heatmaps: list[Heatmap] = field(default_factory=list)
    data: Any = None  # the result dataclass itself, serialised whole by the json writer when present
    lang: str = "en"  # language of the labels (html lang attribute)
    table: str | None = None  # the section a one-table format (csv) writes; None: the first
    # what was asked (command and options); set by the command line, which then gets the
    # documented JSON shape of docs/json.md (query, summary, tables)
    query: dict[str, Any] | None = None
    # sheets only a workbook has, before the summary: worksheets to fill in (an invitation list)
    workbook_front: list[Section] = field(default_factory=list)
    # the writers' own words (Summary, Notes, Sheet, About, Rows) in the document's language
    words: dict[str, str] = field(default_factory=dict)

    def one_table(self) -> Section | None:
        """The section a one-table format writes: the one named ``table``, else the first.

        Raises UsageError naming the tables when ``table`` names none of them.
        """
        if not self.sections:
            return None
        if self.table is None:
            return self.sections[0]
        names = [s.table_name for s in self.sections]
        if self.table in names:
            return self.sections[names.index(self.table)]
        raise UsageError.of("unknown_name", what="table", value=self.table,
                            suggestion=did_you_mean(closest(self.table, names)), allowed=", ".join(names))
