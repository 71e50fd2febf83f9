"""Google Forms responses downloaded as CSV (File > Download > CSV from the responses sheet).

Supported: the first column ``Timestamp`` as Google Sheets names it in the spreadsheet's
language (``Zeitstempel``, ``Horodateur``, ``Marca temporal``, ``Informazioni
cronologiche``, ``Sygnatura czasowa``) and written in that locale's date order; question
titles as headers in any questionnaire language; checkbox answers joined with ``, ``,
split against the question's known choices longest first (labels such as "Design,
simulation, engineering" contain the separator themselves); the optional "Email
Address" and "Score" columns kept as provenance. The timestamp answers the
questionnaire's submission date.
"""

from __future__ import annotations

from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...tabular import Table
from .reading import ExportReader, Role, header_language, match_header, suggest


def _names(table: dict[str, str]) -> dict[str, str]:
    return {text.casefold(): lang for lang, text in table.items()}


_TIMESTAMP = _names(C.GOOGLE_TIMESTAMP)
_EXTRA = {**_names(C.GOOGLE_EMAIL), **_names(C.GOOGLE_SCORE)}


class GoogleFormsAdapter(ExportReader):
    """Google Forms: a ``Timestamp`` column (in the sheet's language) and question titles."""

    name = "googleforms"
    submitted_name = C.GOOGLE_TIMESTAMP["en"]

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        if not any(h.casefold() in _TIMESTAMP for h in table.header):
            return 0.0
        roles = self.roles(table, questionnaire)
        return 1.5 if any(r.kind == "answer" for r in roles) else 0.0

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        roles = []
        for index, header in enumerate(table.header):
            if not header:
                continue
            folded = header.casefold()
            if folded in _TIMESTAMP:
                roles.append(Role(index, header, "submitted", how="metadata (submission time)"))
            elif folded in _EXTRA:
                roles.append(Role(index, header, "metadata", how="metadata"))
            elif (hit := match_header(questionnaire, header)) is not None:
                roles.append(Role(index, header, "answer", hit[0], how=hit[1]))
            else:
                roles.append(Role(index, header, "unknown", how="unknown", suggestion=suggest(questionnaire, header)))
        return roles

    def language(self, table: Table, roles: list[Role]) -> str | None:
        for header in table.header:
            if header.casefold() in _TIMESTAMP and C.GOOGLE_TIMESTAMP["en"].casefold() != header.casefold():
                return _TIMESTAMP[header.casefold()]
        return header_language(roles)

    def split_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> list[str]:
        if C.is_country_list(question):
            return C.split_countries(text)
        return C.split_joined(text, C.GOOGLE_CHECKBOX_SEPARATOR,
                              lambda part: questionnaire.match_choice(question.code, part))

    def timestamp(self, text: str, language: str | None) -> str:
        return C.parse_google_timestamp(text, language) or text.strip()


GOOGLEFORMS = GoogleFormsAdapter()
