"""What adapters hand to validation: canonical rows plus how each source column was mapped."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem
from ..tabular import Table


@dataclass
class CanonicalRow:
    """One response in canonical form, still as text, with where it came from."""

    number: int  # row number in the source file as the user sees it
    values: dict[str, str]  # question code -> text; multi-valued answers joined with ';'
    raw: dict[str, str]  # every cell as read, keyed by the source header
    metadata: dict[str, str] = field(default_factory=dict)  # tool metadata kept as provenance (_uuid, Start time ...)
    columns: dict[str, str] = field(default_factory=dict)  # question code -> source header, for messages


@dataclass(frozen=True)
class ColumnMapping:
    """How one source column was read: which question, and by what rule."""

    column: str
    question: str | None
    how: str  # "code", "label (de)", "option of <question>", "metadata", "ignored", "unknown"


@dataclass
class AdapterOutput:
    """An adapter's reading of a whole file."""

    adapter: str
    table: Table
    rows: list[CanonicalRow]
    mapping: list[ColumnMapping]
    warnings: list[Problem] = field(default_factory=list)  # what was read but may be wrong (never fatal)
