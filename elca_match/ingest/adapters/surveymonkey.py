"""SurveyMonkey "All individual responses" exports (XLSX or CSV) with two header rows.

Row 1 holds the question text only above a question's first column (read forward), row 2
the answer option of each column: the choice label under each column of a
multiple-choice question (one column per option, the label in the cell when ticked),
``Response`` or ``Open-Ended Response`` under a one-column question. ``Respondent ID``,
``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``, ``Email Address``,
``First Name``, ``Last Name`` and ``Custom Data 1`` are kept as provenance; ``End Date``
answers the questionnaire's submission date. Supported: "Actual answer text" values, in
any questionnaire language; dates as XLSX date-times or the CSV's ``MM/DD/YYYY hh:mm:ss
AM``. The two header rows are stored as one (``question | option``), so raw rows can be
re-read by ``reprocess``.
"""

from __future__ import annotations

from ... import markets
from ...errors import InputError
from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...tabular import Table
from ...text import fold
from .reading import ExportReader, Role, match_header, suggest

_META = {name.casefold(): name for name in C.SURVEYMONKEY_META}
_GENERIC = {fold(C.SURVEYMONKEY_ANSWER), fold(C.SURVEYMONKEY_OPEN), ""}


class SurveyMonkeyAdapter(ExportReader):
    """SurveyMonkey: ``Respondent ID`` and a second header row of answer options."""

    name = "surveymonkey"
    submitted_name = C.SURVEYMONKEY_SUBMITTED

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        if not any(h.casefold() == "respondent id" for h in table.header):
            return 0.0
        try:
            flat = self.prepare(table, questionnaire)
        except InputError:
            # SurveyMonkey's columns without its option row: still SurveyMonkey's, and read() says what is wrong
            return 1.05 if sum(1 for h in table.header if h.casefold() in _META) >= 3 else 0.0
        roles = self.roles(flat, questionnaire)
        return 1.6 if any(r.kind in ("answer", "option") for r in roles) else 0.0

    def prepare(self, table: Table, questionnaire: Questionnaire) -> Table:
        """Join the two header rows into one (``question | option``), forward-filling the question."""
        if any(C.FLAT_SEPARATOR in h for h in table.header):
            return table  # already one row (a stored source being reprocessed)
        if not _has_option_row(table):
            raise InputError.of("surveymonkey_header", file=table.source.name, row=2,
                                detail="row 2 is not SurveyMonkey's row of answer options")
        options = table.rows[0]
        width = max(len(table.header), len(options.cells))
        header, question = [], ""
        for index in range(width):
            top = table.header[index] if index < len(table.header) else ""
            question = top or question
            below = options.get(index).strip()
            # only an option (a label in row 2) inherits the question text from the left
            header.append(f"{question}{C.FLAT_SEPARATOR}{below}" if below else top)
        return Table(table.source, header, table.rows[1:], table.header_row + 1, table.warnings)

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        roles = []
        seen: set[str] = set()
        for index, header in enumerate(table.header):
            if not header:
                continue
            top, _, below = header.partition(C.FLAT_SEPARATOR)
            name = _META.get(top.casefold())
            if name is not None:
                kind = "submitted" if name == C.SURVEYMONKEY_SUBMITTED else "metadata"
                roles.append(Role(index, header, kind, how="metadata" + (" (submission time)" if kind == "submitted"
                                                                         else "")))
                continue
            hit = match_header(questionnaire, top)
            if hit is None:
                roles.append(Role(index, header, "unknown", how="unknown", suggestion=suggest(questionnaire, top)))
                continue
            code, how = hit
            question = questionnaire.question(code)
            first = code not in seen
            seen.add(code)
            choice = _choice(question, below, questionnaire) if question.is_multi and below else None
            if choice is not None:
                roles.append(Role(index, header, "option", code, choice,
                                  how=f"option {choice} of {code} (row 2 {below!r}; question {how})"))
            elif first and (fold(below) in _GENERIC or not question.is_multi):
                roles.append(Role(index, header, "answer", code, how=how))
            else:
                # an extra column of a question ("Other (please specify)") or an option the question lacks
                hint = questionnaire.suggest_choice(code, below) if question.choices and below else None
                roles.append(Role(index, header, "unknown", how="unknown", suggestion=hint))
        return roles

    def mark(self, cell: str, questionnaire: Questionnaire) -> bool | None:
        # a ticked option's cell holds the option's text; an unticked one is empty
        return bool(cell.strip())

    def timestamp(self, text: str, language: str | None) -> str:
        return C.parse_surveymonkey_date(text) or text.strip()


def _has_option_row(table: Table) -> bool:
    if not table.rows or table.rows[0].number != table.header_row + 1:
        return False
    row = table.rows[0]
    respondent = next((i for i, h in enumerate(table.header) if h.casefold() == "respondent id"), None)
    if respondent is not None and row.get(respondent).strip():
        return False  # row 2 is already a response
    gaps = any(not table.header[i] if i < len(table.header) else True
               for i, cell in enumerate(row.cells) if cell.strip())
    generic = any(fold(cell) in _GENERIC - {""} for cell in row.cells)
    return gaps or generic


def _choice(question: Question, text: str, questionnaire: Questionnaire) -> str | None:
    if C.is_country_list(question):
        return markets.resolve_country(text)
    return questionnaire.match_choice(question.code, text)


SURVEYMONKEY = SurveyMonkeyAdapter()
