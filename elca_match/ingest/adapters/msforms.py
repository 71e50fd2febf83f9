"""Microsoft Forms responses downloaded as an Excel workbook ("Open results in Excel").

Supported: the columns ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``
and (newer exports) ``Last modified time`` as Microsoft Forms writes them, kept as
provenance, with real Excel date-times; question titles as headers in any
questionnaire language; multiple-answer choices joined with ``;`` (with the trailing
``;`` Forms adds). ``Completion time`` answers the questionnaire's submission date.
"""

from __future__ import annotations

from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...surveytools.reading import ExportReader, Role, match_header, suggest
from ...tabular import Table
from ...text import split_multi

_META = {name.casefold(): name for name in C.MSFORMS_META}


class MSFormsAdapter(ExportReader):
    """Microsoft Forms: ``ID``, ``Start time``, ``Completion time``... then question titles."""

    name = "msforms"

    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        markers = sum(1 for h in table.header if h.casefold() in _META)
        if markers < 3:
            return 0.0
        roles = self.roles(table, questionnaire)
        return 1.5 if any(r.kind == "answer" for r in roles) else 0.0

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        roles = []
        for index, header in enumerate(table.header):
            if not header:
                continue
            name = _META.get(header.casefold())
            if name == C.MSFORMS_SUBMITTED:
                roles.append(Role(index, header, "submitted", how="metadata (submission time)"))
            elif name is not None:
                roles.append(Role(index, header, "metadata", how="metadata"))
            elif (hit := match_header(questionnaire, header)) is not None:
                roles.append(Role(index, header, "answer", hit[0], how=hit[1]))
            else:
                roles.append(Role(index, header, "unknown", how="unknown", suggestion=suggest(questionnaire, header)))
        return roles

    def split_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> list[str]:
        if C.is_country_list(question):
            return C.split_countries(text)
        return split_multi(text, C.MSFORMS_MULTI_SEPARATOR)


MSFORMS = MSFormsAdapter()
