"""Survey use cases: the blank response sheet, the XLSForm, survey-tool definitions, the questionnaire as a table."""

from __future__ import annotations

from ..export import Document, Section
from ..questionnaire import load_questionnaire
from ..surveytools import conventions as C
from ..surveytools.definitions import google_apps_script, limesurvey_structure_text
from ..templates import check_language, write_template, write_xlsform

__all__ = ["google_script", "limesurvey_structure", "questionnaire_document", "write_template", "write_xlsform"]


def limesurvey_structure(version: str | None = None) -> str:
    """The LimeSurvey survey structure (tab-separated text, six languages) of questionnaire ``version``."""
    return limesurvey_structure_text(load_questionnaire(version))


def google_script(lang: str, version: str | None = None) -> str:
    """The Google Apps Script that creates the form in ``lang`` (a UsageError for a language the questionnaire lacks)."""
    questionnaire = load_questionnaire(version)
    check_language(lang, questionnaire)
    return google_apps_script(questionnaire, lang)


def questionnaire_document(lang: str, version: str | None = None) -> Document:
    """The questionnaire as a table of questions, labels and choices in ``lang``."""
    q = load_questionnaire(version)
    check_language(lang, q)
    rows = []
    for question in q.questions:
        if C.is_country_list(question):
            choices = "countries (ISO code or name)"
        else:
            choices = "; ".join(f"{c.code} = {c.labels.get(lang, c.code)}" for c in question.choices)
        if question.type in ("integer", "likert") and question.min is not None:
            choices = f"{question.min}..{question.max if question.max is not None else ''}"
        lime = ", ".join(c.code for c in C.limesurvey_layout_for(question)) \
            if question.code != C.submission_question(q) else C.LIMESURVEY_SUBMITTED
        block = f"{question.profile_block} x{question.profile_weight:g}" if question.profile_block else ""
        rows.append([question.code, question.type, "yes" if question.required else "", question.label(lang),
                     choices, block, lime])
    section = Section(f"{q.title.get(lang, q.version)} ({q.version})",
                      ["code", "type", "required", "label", "choices", "profile", "LimeSurvey code"], rows,
                      wrap_columns=("label", "choices", "LimeSurvey code"))
    return Document("Questionnaire", [section], summary={"version": q.version, "language": lang},
                    notes=[f"{len(q.questions)} questions, {len(q.required_codes())} required."], lang=lang)
