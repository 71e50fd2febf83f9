"""Microsoft Forms responses downloaded as an Excel workbook ("Open results in Excel").

Supported: the columns ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``
and (newer exports) ``Last modified time``, kept as provenance, named in the
interface language of the account that downloaded them (English, German, Italian,
Polish, French, Spanish: ``conventions.MSFORMS_META_NAMES``) or, where a name is not
known, recognised by position and type (a whole-number id first, then two
date-times); real Excel date-times; question titles as headers in any questionnaire
language; multiple-answer choices joined with ``;`` (with the trailing ``;`` Forms
adds). ``Completion time`` answers the questionnaire's submission date.
"""

from __future__ import annotations

import itertools
import re

from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...tabular import Table
from ...text import parse_datetime, split_multi
from .reading import ExportReader, Role, match_header, suggest

# folded name in any interface language -> the English name it stands for
_META = {name.casefold(): english for names in C.MSFORMS_META_NAMES.values()
         for name, english in zip(names, C.MSFORMS_META)}
_SAMPLE_ROWS = 200  # rows looked at to tell a column's type


class MSFormsAdapter(ExportReader):
    """Microsoft Forms: ``ID``, ``Start time``, ``Completion time``... then question titles."""

    name = "msforms"
    submitted_name = C.MSFORMS_SUBMITTED

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        markers = sum(1 for h in table.header if h.casefold() in _META)
        if markers < 3 and not _positional(table, questionnaire):
            return 0.0
        roles = self.roles(table, questionnaire)
        return 1.5 if any(r.kind == "answer" for r in roles) else 0.0

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        by_position = _positional(table, questionnaire)
        roles = []
        for index, header in enumerate(table.header):
            if not header:
                continue
            name = _META.get(header.casefold())
            how = "metadata"
            if name is None and index in by_position:
                name = by_position[index]
                how = f"metadata (Microsoft Forms' {name!r}, recognised by position and type)"
            if name == C.MSFORMS_SUBMITTED:
                roles.append(Role(index, header, "submitted", how=how + " (submission time)"))
            elif name is not None:
                roles.append(Role(index, header, "metadata", how=how))
            elif (hit := match_header(questionnaire, header)) is not None:
                roles.append(Role(index, header, "answer", hit[0], how=hit[1]))
            else:
                roles.append(Role(index, header, "unknown", how="unknown", suggestion=suggest(questionnaire, header)))
        return roles

    def split_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> list[str]:
        if C.is_country_list(question):
            return C.split_countries(text)
        return split_multi(text, C.MSFORMS_MULTI_SEPARATOR)


def _positional(table: Table, questionnaire: Questionnaire) -> dict[int, str]:
    """Column index -> Microsoft Forms metadata name, for columns recognised by position and type.

    Only when the first columns have Forms' signature (an integer id, then two date-times)
    (by name or by type); then e-mail, name and last modified time follow, each only if its
    header names no question.
    """
    found: dict[int, str] = {}
    rows: list = []
    for index, kind, name in C.MSFORMS_POSITIONS:
        if index >= len(table.header):
            break
        header = table.header[index]
        if header.casefold() in _META:
            found[index] = _META[header.casefold()]  # named as Forms names it: part of the signature
            continue
        if questionnaire.match_header(header) is not None:
            break
        # rows are read only once the headers leave no other reading (a refused header reads none)
        rows = rows or list(itertools.islice(table.rows, _SAMPLE_ROWS))
        cells = [row.get(index).strip() for row in rows]
        filled = [c for c in cells if c]
        if kind == "integer" and not (filled and all(re.fullmatch(r"\d+", c) for c in filled)):
            break
        if kind == "datetime" and not all(parse_datetime(c) for c in filled):
            break
        if kind == "datetime" and index < 3 and not filled:
            break
        found[index] = name
    # the signature is the id and both times; without them the first columns are someone else's
    return found if {0, 1, 2} <= set(found) else {}


MSFORMS = MSFormsAdapter()
