"""The brief's canonical response file: one column per question, by code or translated label.

A header that is a near miss of a label (a typo, a dropped word) is matched and reported
as ``fuzzy``; the help row of a blank template (`survey template`) is recognised and
skipped, so a filled template is ingested as it is.
"""

from __future__ import annotations

import operator

from ...errors import InputError, Problem, did_you_mean
from ...questionnaire import Questionnaire
from ...surveytools.forms import is_help_row
from ...tabular import Table
from ..model import AdapterOutput, CanonicalRow, ColumnMapping
from .reading import fuzzy_header, ignored_columns


class CanonicalAdapter:
    """Headers are question codes or labels in any questionnaire language."""

    name = "canonical"

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        matched = {m[0] for h in table.header if (m := questionnaire.match_header(h))}
        required = set(questionnaire.required_codes())
        if not matched:
            return 0.0
        # sure when every required question has a column; still a candidate when most do
        return 0.5 + 0.5 * len(matched & required) / max(1, len(required))

    def read(self, table: Table, questionnaire: Questionnaire, ignore_unknown: bool = False) -> AdapterOutput:
        mapping, positions = map_headers(table, questionnaire, ignore_unknown)
        rows = []
        columns = {code: table.header[index] for code, index in positions.items()}  # shared by every row
        codes, pick = list(positions), _picker(list(positions.values()))
        named = [(index, header) for index, header in enumerate(table.header) if header]
        headers, pick_raw = [header for _, header in named], _picker([index for index, _ in named])
        width = max([*positions.values(), *(index for index, _ in named)], default=-1) + 1
        for row in table.rows:
            cells = row.cells if len(row.cells) >= width else [*row.cells, *[""] * (width - len(row.cells))]
            values = dict(zip(codes, pick(cells)))
            if row.number == table.header_row + 1 and is_help_row(values, questionnaire):
                continue
            rows.append(CanonicalRow(row.number, values, dict(zip(headers, pick_raw(cells))), {}, columns))
        if table.rows and not rows:
            raise InputError.of("file_header_only", file=table.source.name)
        ignored = [m.column for m in mapping if m.how == "ignored"]
        warnings = [ignored_columns(table.source.name, ignored)] if ignored else []
        return AdapterOutput(self.name, table, rows, mapping, warnings)


def _picker(indices: list[int]):
    """A function from a row's cells to the cells at ``indices``, as a tuple (a C-level itemgetter)."""
    if len(indices) == 1:
        index = indices[0]
        return lambda cells: (cells[index],)
    return operator.itemgetter(*indices) if indices else (lambda cells: ())


def map_headers(table: Table, questionnaire: Questionnaire, ignore_unknown: bool,
                metadata: frozenset[str] = frozenset()) -> tuple[list[ColumnMapping], dict[str, int]]:
    """Map each header to a question (by code, then by label in any language, then fuzzily).

    Returns the mapping report and question code -> column index. Unknown columns,
    duplicates and missing required columns are collected and raised together.
    """
    name = table.source.name
    problems: list[Problem] = []
    mapping: list[ColumnMapping] = []
    positions: dict[str, int] = {}
    exact = {code for h in table.header if h and h not in metadata and (m := questionnaire.match_header(h))
             for code in [m[0]]}
    for index, header in enumerate(table.header):
        if not header:
            continue
        if header in metadata:
            mapping.append(ColumnMapping(header, None, "metadata"))
            continue
        hit = questionnaire.match_header(header)
        if hit is None:
            # a near miss, unless its question already has an exact column
            near = fuzzy_header(questionnaire, header)
            hit = near if near is not None and near[0] not in exact else None
        if hit is None:
            if ignore_unknown:
                mapping.append(ColumnMapping(header, None, "ignored"))
            else:
                mapping.append(ColumnMapping(header, None, "unknown"))
                problems.append(Problem("unknown_column", file=name, row=1, column=header,
                                        params={"suggestion": did_you_mean(questionnaire.suggest_header(header))}))
            continue
        code, how = hit
        if code in positions:
            problems.append(Problem("duplicate_column", file=name, row=1, column=header, params={"expected": code}))
            continue
        positions[code] = index
        mapping.append(ColumnMapping(header, code, how))
    for code in questionnaire.required_codes():
        if code not in positions:
            problems.append(Problem("missing_column", file=name, row=1, column=code,
                                    params={"expected": f"{code!r} or {questionnaire.question(code).label('en')!r}"}))
    if problems:
        raise InputError(problems=problems)
    return mapping, positions


CANONICAL = CanonicalAdapter()
