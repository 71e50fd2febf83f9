"""Blank questionnaires: the canonical response sheet in six languages, and the XLSForm.

``write_template`` writes what a person fills in by hand: the canonical columns with
headers in one language, a help row under them (what to write, whether it is
required), and in XLSX Excel drop-downs for single-choice cells and whole-number
checks, with every choice list on a second sheet. ``ingest`` reads it back unchanged:
the help row is recognised and skipped. ``write_xlsform`` writes the questionnaire as an
XLSForm (``survey``, ``choices``, ``settings``) for KoboToolbox or ODK, with labels,
hints and constraint messages in every language. Both are generated from the
questionnaire definition; nothing here names a question.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import markets
from .errors import UsageError, did_you_mean
from .questionnaire import Question, Questionnaire, load_questionnaire
from .surveytools import conventions as C
from .surveytools.forms import COUNTRY_LIST, PHRASES, form_fields, form_group, help_text
from .text import closest, fold

FORMATS = ("xlsx", "csv")
TEMPLATE_ROWS = 500  # rows below the help row that get drop-downs and checks

# Excel's list separator where the language's users open CSV files with a double click.
CSV_DELIMITER = {"en": ",", "de": ";", "it": ";", "pl": ";", "fr": ";", "es": ";"}


def check_language(lang: str, questionnaire: Questionnaire) -> str:
    """``lang`` if the questionnaire has it, else a UsageError naming the languages."""
    if lang not in questionnaire.languages or lang not in PHRASES:
        raise UsageError.of("unknown_name", what="language", value=lang, allowed=", ".join(questionnaire.languages),
                            suggestion=did_you_mean(closest(lang, questionnaire.languages)))
    return lang


def choice_labels(question: Question, lang: str) -> list[str]:
    """The labels a person picks from for a choice question, in ``lang``."""
    if C.is_country_list(question):
        return sorted((markets.country_name(code, lang) for code in markets.country_codes()), key=fold)
    return [c.labels.get(lang) or c.code for c in question.choices]


# --- the canonical response sheet ------------------------------------------------------

def write_template(path: str | Path, lang: str, fmt: str | None = None,
                   questionnaire: Questionnaire | None = None) -> Path:
    """Write the blank response sheet in ``lang`` as XLSX (drop-downs) or CSV; return the path."""
    questionnaire = questionnaire or load_questionnaire()
    check_language(lang, questionnaire)
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    if fmt not in FORMATS:
        raise UsageError.of("unknown_name", what="template format", value=fmt, allowed=", ".join(FORMATS),
                            suggestion=did_you_mean(closest(fmt, FORMATS)))
    header = [q.label(lang) for q in questionnaire.questions]
    helps = [help_text(q, lang) for q in questionnaire.questions]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=CSV_DELIMITER[lang], lineterminator="\r\n")
        writer.writerow(header)
        writer.writerow(helps)
        # BOM: Excel opens UTF-8 CSV with accents intact only with one
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        return path
    _write_template_xlsx(path, lang, questionnaire, header, helps)
    return path


def _write_template_xlsx(path: Path, lang: str, questionnaire: Questionnaire, header: list[str],
                         helps: list[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    words = PHRASES[lang]
    book = Workbook()
    sheet = book.active
    sheet.title = words["responses"]
    lists = book.create_sheet(words["lists"])
    sheet.append(header)
    sheet.append(helps)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, question in enumerate(questionnaire.questions, 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if question.required:
            cell.fill = required_fill
        help_cell = sheet.cell(row=2, column=index)
        help_cell.font = Font(italic=True, color="666666")
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = max(16, min(40, len(header[index - 1]) + 4))
    sheet.freeze_panes = "A3"
    first, last = 3, 2 + TEMPLATE_ROWS
    list_column = 0
    for index, question in enumerate(questionnaire.questions, 1):
        letter = get_column_letter(index)
        target = f"{letter}{first}:{letter}{last}"
        validation = None
        if question.is_choice:
            list_column += 1
            labels = choice_labels(question, lang)
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=question.label(lang)).font = Font(bold=True)
            for offset, label in enumerate(labels, 2):
                lists.cell(row=offset, column=list_column, value=label)
            lists.column_dimensions[list_letter].width = 32
            if not question.is_multi:
                reference = f"{quote_sheetname(words['lists'])}!${list_letter}$2:${list_letter}${len(labels) + 1}"
                # a warning, not a stop: codes and labels in other languages are valid answers too
                validation = DataValidation(type="list", formula1=reference, allow_blank=True,
                                            errorStyle="warning", error=words["invalid"])
        elif question.type in ("integer", "likert") and question.min is not None:
            if question.max is not None:
                validation = DataValidation(type="whole", operator="between", formula1=str(question.min),
                                            formula2=str(question.max), allow_blank=True)
            else:
                validation = DataValidation(type="whole", operator="greaterThanOrEqual",
                                            formula1=str(question.min), allow_blank=True)
            validation.error = help_text(question, lang)
        if validation is None:
            continue
        validation.showErrorMessage = True
        validation.prompt = help_text(question, lang)
        validation.showInputMessage = True
        sheet.add_data_validation(validation)
        validation.add(target)
    book.save(path)


# --- the XLSForm -----------------------------------------------------------------------

def _lang_column(kind: str, lang: str) -> str:
    return f"{kind}::{C.LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def xlsform_sheets(questionnaire: Questionnaire | None = None) -> dict[str, list[list[object]]]:
    """The XLSForm as rows of its three sheets: ``survey``, ``choices`` and ``settings``."""
    questionnaire = questionnaire or load_questionnaire()
    langs = list(questionnaire.languages)
    survey_header = ["type", "name", *[_lang_column("label", l) for l in langs],
                     *[_lang_column("hint", l) for l in langs], "required", "constraint",
                     *[_lang_column("constraint_message", l) for l in langs], "appearance"]
    survey: list[list[object]] = [survey_header]

    def line(kind: str, name: str, labels: dict[str, str], hints: dict[str, str] | None = None,
             required: str = "", constraint: str = "", messages: dict[str, str] | None = None,
             appearance: str = "") -> list[object]:
        return [kind, name, *[labels.get(l, "") for l in langs], *[(hints or {}).get(l, "") for l in langs],
                required, constraint, *[(messages or {}).get(l, "") for l in langs], appearance]

    survey.append(line("start", "start", {}))
    survey.append(line("end", "end", {}))
    survey.append(line("begin_group", form_group(questionnaire), questionnaire.title))
    lists: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for field in form_fields(questionnaire):
        q = field.question
        constraint, messages = _constraint(q)
        appearance = "minimal" if field.list_name == COUNTRY_LIST else ""
        if field.list_name == COUNTRY_LIST and field.type == "select_one":
            appearance = "minimal autocomplete"
        survey.append(line(field.xlsform_type, q.code, q.labels, q.help, "yes" if q.required else "",
                           constraint, messages, appearance))
        if field.list_name and field.list_name not in lists:
            lists[field.list_name] = _choices(q, langs)
    survey.append(line("end_group", "", {}))
    choices: list[list[object]] = [["list_name", "name", *[_lang_column("label", l) for l in langs]]]
    for list_name, items in lists.items():
        choices.extend([list_name, name, *[labels.get(l, "") for l in langs]] for name, labels in items)
    settings = [["form_title", "form_id", "version", "default_language"],
                [questionnaire.title.get("en") or questionnaire.version,
                 f"{questionnaire.name}_v{questionnaire.version_number}", questionnaire.version,
                 f"{C.LANGUAGE_NAMES['en']} (en)" if "en" in langs else langs[0]]]
    return {"survey": survey, "choices": choices, "settings": settings}


def _choices(question: Question, langs: list[str]) -> list[tuple[str, dict[str, str]]]:
    if C.is_country_list(question):
        return [(code, {l: markets.country_name(code, l) for l in langs}) for code in markets.country_codes()]
    return [(c.code, dict(c.labels)) for c in question.choices]


def _constraint(question: Question) -> tuple[str, dict[str, str]]:
    langs = list(PHRASES)
    if question.type in ("integer", "likert") and question.min is not None:
        if question.max is not None:
            return (f". >= {question.min} and . <= {question.max}",
                    {l: PHRASES[l]["range"].format(min=question.min, max=question.max) for l in langs})
        return f". >= {question.min}", {l: PHRASES[l]["minimum"].format(min=question.min) for l in langs}
    if question.type == "email":
        return r"regex(., '^[^@\s]+@[^@\s]+\.[^@\s]+$')", {l: PHRASES[l]["email"] for l in langs}
    if question.type == "text" and question.max_length:
        return (f"string-length(.) <= {question.max_length}",
                {l: PHRASES[l]["text_max"].format(max=question.max_length) for l in langs})
    return "", {}


def write_xlsform(path: str | Path, questionnaire: Questionnaire | None = None) -> Path:
    """Write the questionnaire as an XLSForm workbook (for KoboToolbox, ODK); return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    for title, rows in xlsform_sheets(questionnaire).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([value if value != "" else None for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    book.save(path)
    return path
