"""KoboToolbox / ODK exports (XLSX, or CSV with ``;``) of the XLSForm that `survey xlsform` writes.

Supported export settings: "XML values and headers" (``group/question`` headers, choice
names) or "Labels" in any questionnaire language (``Group label/Question label``);
"include groups in headers" on or off; select_multiple "as single and separate
columns", "as single column" or "as separate columns". A select_multiple summary holds
choice names (or labels) separated by spaces; split ``question/option`` columns hold
1/0, or nothing when the question was not answered. ``start``, ``end``, ``_id``,
``_uuid``, ``_submission_time`` and the other ``_`` columns are kept as provenance;
``end`` (else ``_submission_time``) answers the questionnaire's submission date.
"""

from __future__ import annotations

import functools

from ... import markets
from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...tabular import Table
from ...text import fold
from .reading import ExportReader, Role, fuzzy_header, suggest


class XLSFormAdapter(ExportReader):
    """Kobo/ODK: metadata columns ``_uuid``/``_submission_time`` and ``group/question`` paths."""

    name = "xlsform"
    submitted_name = C.KOBO_SUBMITTED[0]

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        # every file is offered to this adapter: a score needs no suggestion for unknown columns
        roles = self._roles(table, questionnaire, suggest_unknown=False)
        matched = sum(1 for r in roles if r.kind in ("answer", "option"))
        if not matched:
            return 0.0
        markers = sum(1 for h in table.header if h in C.KOBO_MARKERS)
        paths = sum(1 for r in roles if r.kind in ("answer", "option") and C.KOBO_GROUP_SEPARATOR in r.header)
        if markers >= 2:
            return 1.5
        return 1.2 if paths >= max(1, matched // 2) else 0.0

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        return self._roles(table, questionnaire, suggest_unknown=True)

    def _roles(self, table: Table, questionnaire: Questionnaire, suggest_unknown: bool) -> list[Role]:
        roles = []
        for index, header in enumerate(table.header):
            if not header:
                continue
            if header in C.KOBO_META or header.startswith("_"):
                if header in C.KOBO_SUBMITTED:
                    roles.append(Role(index, header, "submitted", how="metadata (submission time)",
                                      rank=C.KOBO_SUBMITTED.index(header)))
                else:
                    roles.append(Role(index, header, "metadata", how="metadata"))
                continue
            roles.append(_path_role(index, header, questionnaire, suggest_unknown))
        return roles

    def split_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> list[str]:
        # names (or labels) separated by white space; labels themselves contain spaces
        return C.split_joined(text, None, _matcher(question, questionnaire))


def _matcher(question: Question, questionnaire: Questionnaire):
    if C.is_country_list(question):
        return markets.resolve_country
    return lambda text: questionnaire.match_choice(question.code, text)


def _path_role(index: int, header: str, questionnaire: Questionnaire, suggest_unknown: bool) -> Role:
    """Read ``group/question``, ``group/question/option`` or their label forms; the longest reading wins."""
    kind, code, choice, how = _path_reading(questionnaire, header)
    suggestion = None
    if kind == "unknown" and suggest_unknown:
        suggestion = suggest(questionnaire, header.split(C.KOBO_GROUP_SEPARATOR)[-1])
    return Role(index, header, kind, code, choice, how=how, suggestion=suggestion)


# Each header is read once per questionnaire, not once per file and adapter that asks (detection
# offers every file to this adapter, and a header's readings are tried part by part).
@functools.lru_cache(maxsize=8192)
def _path_reading(questionnaire: Questionnaire, header: str) -> tuple[str, str | None, str | None, str]:
    """``(kind, question, choice, how)`` for one header."""
    parts = header.split(C.KOBO_GROUP_SEPARATOR)
    for start in range(len(parts)):
        for cut in range(start + 1, len(parts)):
            option = _option(parts[start:cut], parts[cut:], questionnaire)
            if option is not None:
                code, choice, how = option
                return "option", code, choice, f"option {choice} of {code} ({how})"
        hit = questionnaire.match_header(C.KOBO_GROUP_SEPARATOR.join(parts[start:]))
        if hit is not None:
            code, how = hit
            group = C.KOBO_GROUP_SEPARATOR.join(parts[:start])
            return "answer", code, None, how + (f" in group {group!r}" if group else "")
    hit = fuzzy_header(questionnaire, parts[-1])
    if hit is not None:
        return "answer", hit[0], None, hit[1]
    return "unknown", None, None, "unknown"


def _option(question_parts: list[str], choice_parts: list[str], questionnaire: Questionnaire):
    hit = questionnaire.match_header(C.KOBO_GROUP_SEPARATOR.join(question_parts))
    if hit is None:
        return None
    question = questionnaire.question(hit[0])
    if not question.is_multi:
        return None
    text = C.KOBO_GROUP_SEPARATOR.join(choice_parts)
    choice = _matcher(question, questionnaire)(text)
    if choice is None:
        return None
    return question.code, choice, "name" if fold(text) == fold(choice) else "label"


XLSFORM = XLSFormAdapter()
