"""Survey definitions for the tools, built from the questionnaire so the codes are right by construction.

``limesurvey_structure`` writes LimeSurvey's tab-separated survey structure (the ``.txt``
that "Import survey" takes): one S row per survey setting, SL rows per language, then
per language a G row for the group and, for each question, a Q row, its SQ rows
(multiple-choice options) and A rows (list answers). Question, subquestion and answer
codes are the ones the `limesurvey` adapter reads (``conventions.limesurvey_layout``),
in every questionnaire language. ``read_limesurvey_structure`` reads such a file back,
ours or LimeSurvey's own.

``google_apps_script`` writes a Google Apps Script that creates the form in one
language with the exact question titles and choice labels the `googleforms` adapter
matches.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import markets
from ..questionnaire import Question, Questionnaire
from . import conventions as C

# The columns LimeSurvey's TSV import reads by name (any other column is a question attribute).
STRUCTURE_COLUMNS = ("id", "related_id", "class", "type/scale", "name", "relevance", "text", "help", "language",
                     "validation", "mandatory", "other", "default", "same_default")
ATTRIBUTE_COLUMNS = ("maximum_chars", "min_num_value_n", "max_num_value_n", "num_value_int_only")
# LimeSurvey question types: https://manual.limesurvey.org/Question_object_types
LIME_LIST, LIME_DROPDOWN, LIME_MULTIPLE, LIME_YES_NO = "L", "!", "M", "Y"
LIME_SHORT_TEXT, LIME_LONG_TEXT, LIME_NUMBER = "S", "T", "N"
LONG_TEXT_FROM = 256  # a text question allowing longer answers is a long free text
_EMAIL_PATTERN = r"/^[^@\s]+@[^@\s]+\.[^@\s]+$/"
# The export columns the adapter keeps as provenance need these survey settings.
_SURVEY_SETTINGS = {"anonymized": "N", "format": "G", "datestamp": "Y", "ipaddr": "N", "refurl": "N",
                    "savetimings": "N", "usecookie": "N", "allowsave": "N", "showprogress": "Y",
                    "questionindex": "0", "showqnumcode": "X", "showwelcome": "Y"}


def limesurvey_type(question: Question) -> str:
    """The LimeSurvey question type the definition's question is built as."""
    if C.is_yes_no(question):
        return LIME_YES_NO
    if C.is_country_list(question):
        return LIME_SHORT_TEXT if question.is_multi else LIME_DROPDOWN
    if question.is_multi and question.choices:
        return LIME_MULTIPLE
    if question.choices:
        return LIME_LIST
    if question.type in ("integer", "likert"):
        return LIME_NUMBER
    if question.type == "text" and (question.max_length or 0) >= LONG_TEXT_FROM:
        return LIME_LONG_TEXT
    return LIME_SHORT_TEXT


def _options(question: Question, lang: str) -> list[tuple[str, str]]:
    """(answer or subquestion code, label in ``lang``) of a list or multiple-choice question."""
    if C.is_country_list(question):
        return [(code, markets.country_name(code, lang)) for code in markets.country_codes()]
    if question.is_multi:
        return [(column.code.split("[", 1)[1].rstrip("]"), question.choices[position].labels.get(lang)
                 or question.choices[position].code)
                for position, column in enumerate(C.limesurvey_layout_for(question))]
    return [(C.limesurvey_answer_code(question, choice.code), choice.labels.get(lang) or choice.code)
            for choice in question.choices]


def _help(question: Question, lang: str) -> str:
    text = question.help.get(lang) or question.help.get("en") or ""
    if C.is_country_list(question) and question.is_multi:
        hint = "ISO codes or names separated by ;"
        text = f"{text} ({hint})" if text else hint
    return text


def limesurvey_structure_rows(questionnaire: Questionnaire) -> list[dict[str, str]]:
    """The structure file's rows (column -> text) for the whole questionnaire, every language."""
    languages = ["en"] + [lang for lang in questionnaire.languages if lang != "en"]
    rows: list[dict[str, str]] = [{"class": "S", "name": "sid", "text": "120412"},
                                  {"class": "S", "name": "language", "text": languages[0]},
                                  {"class": "S", "name": "additional_languages", "text": " ".join(languages[1:])}]
    rows += [{"class": "S", "name": name, "text": value} for name, value in _SURVEY_SETTINGS.items()]
    for lang in languages:
        rows += [{"class": "SL", "name": "surveyls_title", "text": questionnaire.title.get(lang, questionnaire.name),
                  "language": lang},
                 {"class": "SL", "name": "surveyls_language", "text": lang, "language": lang}]
    questions = C.asked_questions(questionnaire)
    for lang in languages:
        rows.append({"id": "1", "class": "G", "type/scale": "0", "relevance": "1", "text": "", "language": lang,
                     "name": questionnaire.title.get(lang, questionnaire.name)})
        next_id = len(questions) + 1  # subquestions share the questions' id space
        for qid, question in enumerate(questions, 1):
            kind = limesurvey_type(question)
            row = {"id": str(qid), "class": "Q", "type/scale": kind, "name": C.limesurvey_code(question.code),
                   "relevance": "1", "text": question.label(lang), "help": _help(question, lang), "language": lang,
                   "mandatory": "Y" if question.required else "N", "other": "N", "same_default": "0"}
            if question.type == "email":
                row["validation"] = _EMAIL_PATTERN
            if kind in (LIME_SHORT_TEXT, LIME_LONG_TEXT) and question.max_length:
                row["maximum_chars"] = str(question.max_length)
            if kind == LIME_NUMBER:
                row["num_value_int_only"] = "1"
                if question.min is not None:
                    row["min_num_value_n"] = str(question.min)
                if question.max is not None:
                    row["max_num_value_n"] = str(question.max)
            rows.append(row)
            for code, label in (_options(question, lang) if kind in (LIME_LIST, LIME_DROPDOWN, LIME_MULTIPLE)
                                else []):
                if kind == LIME_MULTIPLE:
                    rows.append({"id": str(next_id), "class": "SQ", "type/scale": "0", "name": code, "relevance": "1",
                                 "text": label, "language": lang})
                    next_id += 1
                else:
                    rows.append({"id": str(qid), "class": "A", "type/scale": "0", "name": code, "text": label,
                                 "language": lang})
    return rows


def limesurvey_structure_text(questionnaire: Questionnaire) -> str:
    """The LimeSurvey survey structure file's text (tab-separated, one record a line; write it with CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    columns = STRUCTURE_COLUMNS + ATTRIBUTE_COLUMNS
    writer.writerow(columns)
    for row in limesurvey_structure_rows(questionnaire):
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


@dataclass
class StructureQuestion:
    """One question of a LimeSurvey structure file, with its texts in every language."""

    qid: str
    type: str
    code: str
    mandatory: bool
    texts: dict[str, str] = field(default_factory=dict)
    subquestions: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> language -> text
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> language -> text


@dataclass
class Structure:
    """A LimeSurvey structure file as read: settings, languages, titles and questions in order."""

    settings: dict[str, str]
    languages: list[str]
    titles: dict[str, str]
    questions: list[StructureQuestion]

    def question(self, code: str) -> StructureQuestion:
        return next(q for q in self.questions if q.code == code)


def read_limesurvey_structure(path: str | Path) -> Structure:
    """Read a LimeSurvey tab-separated structure file (LimeSurvey's own export or ours)."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    header = [h.strip() for h in records[0]]
    settings: dict[str, str] = {}
    titles: dict[str, str] = {}
    questions: dict[str, StructureQuestion] = {}
    current: dict[str, StructureQuestion] = {}  # language -> the question its SQ and A rows belong to
    for record in records[1:]:
        row = dict(zip(header, record))
        kind, lang = row.get("class", "").strip(), row.get("language", "").strip()
        if kind == "S":
            settings[row["name"]] = row.get("text", "")
        elif kind == "SL" and row.get("name") == "surveyls_title":
            titles[lang] = row.get("text", "")
        elif kind == "Q":
            question = questions.setdefault(row["name"], StructureQuestion(
                row.get("id", ""), row.get("type/scale", ""), row["name"], row.get("mandatory") == "Y"))
            question.texts[lang] = row.get("text", "")
            current[lang] = question
        elif kind in ("SQ", "A") and lang in current:
            target = current[lang].subquestions if kind == "SQ" else current[lang].answers
            target.setdefault(row["name"], {})[lang] = row.get("text", "")
    languages = [settings.get("language", "en")] + settings.get("additional_languages", "").split()
    return Structure(settings, languages, titles, list(questions.values()))


# --- Google Forms -----------------------------------------------------------------------

def google_apps_script(questionnaire: Questionnaire, lang: str) -> str:
    """A Google Apps Script creating the form in ``lang`` (paste it at script.google.com and run it)."""
    def js(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JavaScript string or array literal, quotes escaped

    title = questionnaire.title.get(lang, questionnaire.name)
    lines = [
        f"// {title}: creates the Google Form of questionnaire {questionnaire.version} in '{lang}'.",
        "// Written by `elca-match survey googleforms`; question titles and choice labels are the ones",
        "// `elca-match ingest` matches, so keep them as they are. Run createForm() once.",
        "function createForm() {",
        f"  var form = FormApp.create({js(title)});",
        "  form.setCollectEmail(false).setProgressBar(true);",
    ]
    for question in C.asked_questions(questionnaire):
        lines.extend(f"  {line}" for line in _google_item(question, lang, js))
    lines += [
        "  Logger.log('Form to share: ' + form.getPublishedUrl());",
        "  Logger.log('Form to edit: ' + form.getEditUrl());",
        "}",
        "",
    ]
    return "\n".join(lines)


def _google_item(question: Question, lang: str, js) -> list[str]:
    labels = [label for _, label in _options(question, lang)] if question.choices or C.is_country_list(question) \
        else []
    if C.is_yes_no(question):
        labels = [choice.labels.get(lang) or choice.code for choice in question.choices]
    if C.is_country_list(question) and question.is_multi:
        item, extra = "addTextItem()", [f".setHelpText({js(_help(question, lang))})"]
    elif C.is_country_list(question):
        item, extra = "addListItem()", [f".setChoiceValues({js(labels)})"]
    elif question.is_multi and labels:
        item, extra = "addCheckboxItem()", [f".setChoiceValues({js(labels)})"]
    elif labels:
        item, extra = "addMultipleChoiceItem()", [f".setChoiceValues({js(labels)})"]
    elif question.type in ("integer", "likert"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 2 ** 31 - 1
        item, extra = "addTextItem()", [f".setValidation(FormApp.createTextValidation().requireNumberBetween("
                                        f"{low}, {high}).build())"]
    elif question.type == "email":
        item, extra = "addTextItem()", [".setValidation(FormApp.createTextValidation().requireTextIsEmail().build())"]
    elif question.type == "text" and (question.max_length or 0) >= LONG_TEXT_FROM:
        item, extra = "addParagraphTextItem()", []
    else:
        item, extra = "addTextItem()", []
    help_text = question.help.get(lang)
    if help_text and not any(e.startswith(".setHelpText") for e in extra):
        extra.append(f".setHelpText({js(help_text)})")
    head = f"form.{item}.setTitle({js(question.label(lang))}).setRequired({js(question.required)})"
    if not extra:
        return [head + ";"]
    return [head, *(f"    {e}" for e in extra[:-1]), f"    {extra[-1]};"]
