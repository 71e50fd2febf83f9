"""LimeSurvey response exports (CSV or XLSX) of the survey built from the definition's codes.

Columns are matched on LimeSurvey question codes only, never on question text: the
codes are derived from the questionnaire definition as ``surveytools.conventions``
documents (``orgName``, ``sectors[SQ001]``...). Supported export settings: Headings
"Question code" or "Question code & question text"; Responses "Answer codes" or "Full
answer text"; "Convert Y to" left as ``Y`` or set to ``1`` (N to empty, ``N`` or ``0``);
CSV (UTF-8 with BOM, CRLF, every field quoted) or Microsoft Excel. ``submitdate`` answers
the questionnaire's submission date; ``id``, ``startlanguage`` and the other response
table columns are kept as provenance. An export with question-text headings is refused
with the setting to change.
"""

from __future__ import annotations

import difflib
import re

from ...errors import InputError
from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...tabular import Table
from ..model import AdapterOutput
from .reading import ExportReader, Role

_TIMING = re.compile(r"^(interviewtime|\d+X\d+(X\d+)?time)$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*(?:[.:\-–]\s*)?")


class LimeSurveyAdapter(ExportReader):
    """LimeSurvey: response-table columns (``id``, ``submitdate``, ``lastpage``...) and question codes."""

    name = "limesurvey"
    submitted_name = C.LIMESURVEY_SUBMITTED

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        meta = _meta_names()
        markers = sum(1 for h in table.header if _meta_name(h, meta) is not None)
        if markers < 2:
            return 0.0
        roles = self.roles(table, questionnaire)
        coded = sum(1 for r in roles if r.kind in ("answer", "option"))
        texts = sum(1 for r in roles if r.kind == "unknown" and _names_a_question(r.header, questionnaire))
        # a LimeSurvey export with text headings is still LimeSurvey's: read() says which setting to change
        return 1.5 if coded and coded >= texts else 1.1

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        # codes are matched exactly: a heading "Cluster" or "Region" is question text, not a code
        layout = {column.code: column for column in C.limesurvey_layout(questionnaire)}
        meta = _meta_names()
        roles = []
        for index, header in enumerate(table.header):
            if not header:
                continue
            name = _meta_name(header, meta)
            if name is not None:
                if name == C.LIMESURVEY_SUBMITTED:
                    roles.append(Role(index, header, "submitted", how="metadata (submission time)"))
                else:
                    roles.append(Role(index, header, "metadata", how="metadata"))
                continue
            if _TIMING.match(header):
                roles.append(Role(index, header, "metadata", how="metadata (timing)"))
                continue
            match = C.LIMESURVEY_CODE.match(header)
            rest = header[match.end():] if match else header
            column = layout.get(match.group(0)) if match else None
            if column is not None and (not rest or _SEPARATOR.match(rest).end() > 0):
                how = f"LimeSurvey code {column.code}" + (" (question text ignored)" if rest.strip() else "")
                if column.choice is not None:
                    roles.append(Role(index, header, "option", column.question, column.choice,
                                      how=f"option {column.choice} of {column.question}, {how}"))
                else:
                    roles.append(Role(index, header, "answer", column.question, how=how))
                continue
            token = match.group(0) if match else header
            roles.append(Role(index, header, "unknown", how="unknown",
                              suggestion=_closest_code(token, list(layout.values()))
                              or _code_for_text(header, questionnaire)))
        return roles

    def read(self, table: Table, questionnaire: Questionnaire, ignore_unknown: bool = False) -> AdapterOutput:
        roles = self.roles(table, questionnaire)
        coded = sum(1 for r in roles if r.kind in ("answer", "option"))
        texts = sum(1 for r in roles if r.kind == "unknown" and _names_a_question(r.header, questionnaire))
        if texts > coded or not coded and any(r.kind != "unknown" for r in roles):
            raise InputError.of("limesurvey_headings", file=table.source.name, row=1)
        return super().read(table, questionnaire, ignore_unknown)

    def convert_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> str:
        if question.is_choice or question.type == "consent":
            return C.limesurvey_answer_choice(question, text) or text
        return text

    def expected(self, question: Question) -> str:
        columns = [c.code for c in C.limesurvey_layout_for(question)]
        shown = columns[0] if len(columns) == 1 else f"{columns[0]} ... {columns[-1]}"
        return f"{shown} (its LimeSurvey question code)"


def _meta_names() -> dict[str, str]:
    names = {code: code for code in C.LIMESURVEY_META}
    names.update({text.lower(): code for code, text in C.LIMESURVEY_META.items()})
    return names


def _meta_name(header: str, meta: dict[str, str]) -> str | None:
    """The response-table column a heading names: ``submitdate``, ``Date submitted`` or ``submitdate. Date submitted``."""
    name = meta.get(header.lower())
    if name is None:
        match = C.LIMESURVEY_CODE.match(header)
        if match and match.group(0).lower() in meta and _SEPARATOR.match(header[match.end():]).end() > 0:
            name = meta[match.group(0).lower()]
    return name


def _names_a_question(header: str, questionnaire: Questionnaire) -> bool:
    """Is a heading a question's text (``Branchen`` or ``Branchen [Automobil]``) rather than a code?"""
    return questionnaire.match_header(header.split(" [", 1)[0]) is not None


def _code_for_text(header: str, questionnaire: Questionnaire) -> str | None:
    """The LimeSurvey code of the question whose text is closest to an unknown heading."""
    label = questionnaire.suggest_header(header)
    hit = questionnaire.match_header(label) if label else None
    return C.limesurvey_code(hit[0]) if hit else None


def _closest_code(token: str, columns: list[C.LimeColumn]) -> str | None:
    codes = {c.code.lower(): c.code for c in columns}
    hits = difflib.get_close_matches(token.lower(), list(codes), n=1, cutoff=0.75)
    return codes[hits[0]] if hits else None


LIMESURVEY = LimeSurveyAdapter()
