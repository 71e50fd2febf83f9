"""What the opportunity and mission files share: header matching and typed cell reading.

Pure functions over a :class:`~elca_match.tabular.Table`: every problem becomes a
:class:`~elca_match.errors.Problem` naming file, row, column (as the user wrote its
header) and value; nothing is raised here, so a caller can report all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import markets
from ..errors import Problem, did_you_mean
from ..questionnaire import Questionnaire
from ..tabular import Row, Table
from ..text import closest, fold, parse_day, slug, split_multi



@dataclass(frozen=True)
class Column:
    """One column of a catalogue file: its canonical name and whether the file must have it."""

    name: str
    required: bool = False


@dataclass
class Checked:
    """The outcome of checking a file: normalised records (with their row numbers) and problems."""

    records: list[Any] = field(default_factory=list)  # records of the file's kind
    rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def match_columns(table: Table, columns: Sequence[Column], what: str) -> tuple[dict[str, int], list[Problem]]:
    """Map canonical column names to header positions, ignoring case, accents, space and ``_``.

    Returns the positions found and problems for missing required, duplicate and unknown columns.
    """
    file = table.source.name
    wanted = {slug(c.name): c.name for c in columns}
    allowed = ", ".join(c.name for c in columns)
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for index, header in enumerate(table.header):
        if not header.strip():
            continue
        name = wanted.get(slug(header))
        if name is None:
            problems.append(Problem("catalogue_unknown_column", file=file, row=1, column=header, params={
                "what": what, "allowed": allowed, "suggestion": did_you_mean(closest(header, wanted.values()))}))
        elif name in found:
            problems.append(Problem("catalogue_duplicate_column", file=file, row=1, column=header,
                                    params={"expected": name}))
        else:
            found[name] = index
    for column in columns:
        if column.required and column.name not in found:
            problems.append(Problem("catalogue_missing_column", file=file, row=1,
                                    params={"expected": column.name, "what": what, "allowed": allowed}))
    return found, problems


class RowReader:
    """Reads typed values from one row, appending a Problem for each bad cell."""

    def __init__(self, table: Table, row: Row, positions: dict[str, int], problems: list[Problem]):
        self.file = table.source.name
        self.row = row
        self.positions = positions
        self.headers = {name: table.header[index] for name, index in positions.items()}
        self.problems = problems

    def raw(self, name: str) -> str:
        index = self.positions.get(name)
        return "" if index is None else self.row.get(index).strip()

    def problem(self, code: str, name: str, value: Any = None, **params: Any) -> None:
        self.problems.append(Problem(code, file=self.file, row=self.row.number,
                                     column=self.headers.get(name, name), value=value, params=params))

    def text(self, name: str, required: bool = False) -> str:
        value = self.raw(name)
        if required and not value:
            self.problem("required_empty", name)
        return value

    def choice(self, name: str, questionnaire: Questionnaire, question: str, required: bool = False) -> str | None:
        """One choice code of a questionnaire question, from its code or label in any language."""
        value = self.text(name, required)
        return self._choice(name, value, questionnaire, question) if value else None

    def choices(self, name: str, questionnaire: Questionnaire, question: str) -> list[str]:
        """Choice codes from a ``;``-separated cell, each once, in the order given."""
        codes: list[str] = []
        for part in split_multi(self.raw(name)):
            code = self._choice(name, part, questionnaire, question)
            if code and code not in codes:
                codes.append(code)
        return codes

    def _choice(self, name: str, value: str, questionnaire: Questionnaire, question: str) -> str | None:
        code = questionnaire.match_choice(question, value)
        if code is None:
            self.problem("unknown_choice", name, value,
                         suggestion=did_you_mean(questionnaire.suggest_choice(question, value)),
                         allowed=", ".join(questionnaire.choice_codes(question)))
        return code

    def one_of(self, name: str, options: Sequence[str], required: bool = False) -> str | None:
        """One of a fixed list of codes (matched folded, ``expert visit`` = ``expert_visit``)."""
        value = self.text(name, required)
        if not value:
            return None
        by_key = {slug(option): option for option in options}
        code = by_key.get(slug(value))
        if code is None:
            self.problem("unknown_choice", name, value, suggestion=did_you_mean(closest(value, options)),
                         allowed=", ".join(options))
        return code

    def integer(self, name: str, low: int, high: int, required: bool = False) -> int | None:
        """A whole number in ``low..high``."""
        number = self._whole(name, required, example=low)
        if number is not None and not low <= number <= high:
            self.problem("out_of_range", name, self.raw(name), low=low, high=high)
            return None
        return number

    def positive(self, name: str, required: bool = False) -> int | None:
        """A whole number of at least 1."""
        number = self._whole(name, required, example=1)
        if number is not None and number < 1:
            self.problem("not_positive", name, self.raw(name))
            return None
        return number

    def _whole(self, name: str, required: bool, example: int) -> int | None:
        value = self.text(name, required)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            pass
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = None
        if number is None or not number.is_integer():  # NaN and inf are not integers either
            self.problem("not_integer", name, value, example=example)
            return None
        return int(number)

    def country(self, name: str, required: bool = False) -> str | None:
        """One country as an ISO alpha-2 code (codes and names in any questionnaire language)."""
        value = self.text(name, required)
        if not value:
            return None
        code = markets.resolve_country(value)
        if code is None and markets.is_region(value):
            self.problem("region_not_country", name, value, allowed=", ".join(markets.resolve_markets(value)))
        elif code is None:
            self.problem("unknown_country", name, value, suggestion=did_you_mean(markets.suggest_country(value, regions=False)))
        return code

    def date(self, name: str, required: bool = False) -> str | None:
        """A calendar date as ISO ``YYYY-MM-DD``."""
        value = self.text(name, required)
        if not value:
            return None
        day = parse_day(value)
        if day is None:
            self.problem("bad_date", name, value)
        return day

    def references(self, name: str) -> list[str]:
        """Ids from a ``;``-separated cell, each once, in the order given."""
        ids: list[str] = []
        for part in split_multi(self.raw(name)):
            if fold(part) not in {fold(i) for i in ids}:
                ids.append(part)
        return ids


def check_unique_ids(records: Sequence[Any], rows: list[int], file: str, column: str,
                     header: str | None = None) -> list[Problem]:
    """A problem for each id seen before in the file (compared without regard to case)."""
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for record, row in zip(records, rows):
        value = record.get(column) if isinstance(record, Mapping) else getattr(record, column)
        key = fold(value or "")
        if not key:
            continue
        if key in first:
            problems.append(Problem("duplicate_id", file=file, row=row, column=header or column,
                                    value=value, params={"first_row": first[key]}))
        else:
            first[key] = row
    return problems


def check_rows(table: Table, columns: Sequence[Column], what: str,
               make_record: Callable[[RowReader], Any]) -> Checked:
    """Check a whole file: its columns, one record per non-blank row, then unique ids (files with an ``id``).

    ``make_record`` reads one row's typed values (appending a Problem per bad cell), or
    returns None for a row it cannot make a record of; problems come back sorted by row.
    A missing required column stops before the rows.
    """
    result = Checked()
    positions, result.problems = match_columns(table, columns, what)
    if any(p.code == "catalogue_missing_column" for p in result.problems):
        return result
    for row in table.rows:
        if is_blank(row):
            continue
        record = make_record(RowReader(table, row, positions, result.problems))
        if record is not None:
            result.records.append(record)
            result.rows.append(row.number)
    if "id" in positions:
        id_header = table.header[positions["id"]]
        result.problems.extend(check_unique_ids(result.records, result.rows, table.source.name, "id", id_header))
    result.problems.sort(key=lambda p: (p.row or 0))
    return result


def is_blank(row: Row) -> bool:
    """True for a row with no text in any cell (spreadsheets leave them behind)."""
    return not any(cell.strip() for cell in row.cells)
