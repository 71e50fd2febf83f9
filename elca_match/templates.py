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
from dataclasses import dataclass
from pathlib import Path

from . import markets
from .errors import UsageError, did_you_mean
from .questionnaire import Question, Questionnaire, load_questionnaire
from .surveytools import conventions as C
from .text import closest, fold

FORMATS = ("xlsx", "csv")
TEMPLATE_ROWS = 500  # rows below the help row that get drop-downs and checks

# Words of the template itself (not of the questionnaire), per language.
PHRASES: dict[str, dict[str, str]] = {
    "en": {"required": "Required.", "single": "One from the list.",
           "multi": "One or more from sheet '{sheet}', separated by ;.",
           "range": "Whole number from {min} to {max}.", "minimum": "Whole number, {min} or more.",
           "date": "Date: YYYY-MM-DD.", "email": "E-mail address.", "country": "Country: ISO code (DE) or name.",
           "countries": "Countries: ISO codes or names, separated by ;.", "text": "Free text.",
           "text_max": "Free text, up to {max} characters.", "responses": "Responses", "lists": "Lists",
           "invalid": "Not an answer from the list; a code or a label in another language is accepted too."},
    "de": {"required": "Pflichtangabe.", "single": "Eine Auswahl aus der Liste.",
           "multi": "Eine oder mehrere Angaben aus Blatt „{sheet}“, mit ; getrennt.",
           "range": "Ganze Zahl von {min} bis {max}.", "minimum": "Ganze Zahl, mindestens {min}.",
           "date": "Datum: JJJJ-MM-TT.", "email": "E-Mail-Adresse.", "country": "Land: ISO-Code (DE) oder Name.",
           "countries": "Länder: ISO-Codes oder Namen, mit ; getrennt.", "text": "Freitext.",
           "text_max": "Freitext, höchstens {max} Zeichen.", "responses": "Antworten", "lists": "Listen",
           "invalid": "Keine Angabe aus der Liste; ein Code oder eine Bezeichnung in einer anderen Sprache geht auch."},
    "it": {"required": "Obbligatorio.", "single": "Una scelta dall'elenco.",
           "multi": "Una o più voci dal foglio «{sheet}», separate da ;.",
           "range": "Numero intero da {min} a {max}.", "minimum": "Numero intero, almeno {min}.",
           "date": "Data: AAAA-MM-GG.", "email": "Indirizzo e-mail.", "country": "Paese: codice ISO (DE) o nome.",
           "countries": "Paesi: codici ISO o nomi, separati da ;.", "text": "Testo libero.",
           "text_max": "Testo libero, al massimo {max} caratteri.", "responses": "Risposte", "lists": "Elenchi",
           "invalid": "Non è una voce dell'elenco; sono accettati anche un codice o un'etichetta in un'altra lingua."},
    "pl": {"required": "Wymagane.", "single": "Jedna pozycja z listy.",
           "multi": "Jedna lub więcej pozycji z arkusza „{sheet}”, oddzielone ;.",
           "range": "Liczba całkowita od {min} do {max}.", "minimum": "Liczba całkowita, co najmniej {min}.",
           "date": "Data: RRRR-MM-DD.", "email": "Adres e-mail.", "country": "Kraj: kod ISO (DE) lub nazwa.",
           "countries": "Kraje: kody ISO lub nazwy, oddzielone ;.", "text": "Tekst dowolny.",
           "text_max": "Tekst dowolny, maksymalnie {max} znaków.", "responses": "Odpowiedzi", "lists": "Listy",
           "invalid": "To nie jest pozycja z listy; kod lub etykieta w innym języku też są akceptowane."},
    "fr": {"required": "Obligatoire.", "single": "Un choix dans la liste.",
           "multi": "Un ou plusieurs choix de la feuille « {sheet} », séparés par ;.",
           "range": "Nombre entier de {min} à {max}.", "minimum": "Nombre entier, au moins {min}.",
           "date": "Date : AAAA-MM-JJ.", "email": "Adresse e-mail.", "country": "Pays : code ISO (DE) ou nom.",
           "countries": "Pays : codes ISO ou noms, séparés par ;.", "text": "Texte libre.",
           "text_max": "Texte libre, {max} caractères au plus.", "responses": "Réponses", "lists": "Listes",
           "invalid": "Ce n'est pas un choix de la liste ; un code ou un libellé dans une autre langue est aussi accepté."},
    "es": {"required": "Obligatorio.", "single": "Una opción de la lista.",
           "multi": "Una o varias opciones de la hoja «{sheet}», separadas por ;.",
           "range": "Número entero de {min} a {max}.", "minimum": "Número entero, como mínimo {min}.",
           "date": "Fecha: AAAA-MM-DD.", "email": "Dirección de correo electrónico.",
           "country": "País: código ISO (DE) o nombre.",
           "countries": "Países: códigos ISO o nombres, separados por ;.", "text": "Texto libre.",
           "text_max": "Texto libre, como máximo {max} caracteres.", "responses": "Respuestas", "lists": "Listas",
           "invalid": "No es una opción de la lista; también se acepta un código o una etiqueta en otro idioma."},
}
# Excel's list separator where the language's users open CSV files with a double click.
CSV_DELIMITER = {"en": ",", "de": ";", "it": ";", "pl": ";", "fr": ";", "es": ";"}


def check_language(lang: str, questionnaire: Questionnaire) -> str:
    """``lang`` if the questionnaire has it, else a UsageError naming the languages."""
    if lang not in questionnaire.languages or lang not in PHRASES:
        raise UsageError.of("unknown_name", what="language", value=lang, allowed=", ".join(questionnaire.languages),
                            suggestion=did_you_mean(closest(lang, questionnaire.languages)))
    return lang


def help_text(question: Question, lang: str) -> str:
    """What the help row says under a question's column, in ``lang``."""
    words = PHRASES[lang]
    parts = [words["required"]] if question.required else []
    if question.type == "consent":
        parts.append(" / ".join(c.labels.get(lang, c.code) for c in question.choices) + ".")
    elif C.is_country_list(question):
        parts.append(words["countries"] if question.is_multi else words["country"])
    elif question.is_multi:
        parts.append(words["multi"].format(sheet=words["lists"]))
    elif question.is_choice:
        parts.append(words["single"])
    elif question.type in ("integer", "likert"):
        if question.min is not None and question.max is not None:
            parts.append(words["range"].format(min=question.min, max=question.max))
        elif question.min is not None:
            parts.append(words["minimum"].format(min=question.min))
    elif question.type == "date":
        parts.append(words["date"])
    elif question.type == "email":
        parts.append(words["email"])
    elif question.max_length:
        parts.append(words["text_max"].format(max=question.max_length))
    else:
        parts.append(words["text"])
    if question.help.get(lang):
        parts.append(question.help[lang])
    return " ".join(parts)


def is_help_row(cells: dict[str, str], questionnaire: Questionnaire) -> bool:
    """Is this row (question code -> cell) a template's help row, in any language?

    True when at least one cell is filled and every filled cell is exactly the help text
    of its question in one of the languages (compared folded).
    """
    filled = {code: fold(text) for code, text in cells.items() if text.strip()}
    if not filled:
        return False
    for code, text in filled.items():
        question = questionnaire.question(code)
        if text not in {fold(help_text(question, lang)) for lang in questionnaire.languages if lang in PHRASES}:
            return False
    return True


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

@dataclass(frozen=True)
class FormField:
    """One question of the XLSForm: its XLSForm type and, for selects, its choice list."""

    question: Question
    type: str  # text, integer, date, select_one, select_multiple
    list_name: str | None = None

    @property
    def xlsform_type(self) -> str:
        return f"{self.type} {self.list_name}" if self.list_name else self.type


COUNTRY_LIST = "countries"


def form_fields(questionnaire: Questionnaire) -> list[FormField]:
    """The questions of the XLSForm in order (the submission date is Kobo's ``end``)."""
    fields = []
    for q in C.asked_questions(questionnaire):
        if q.is_choice or q.type == "consent":
            list_name = COUNTRY_LIST if C.is_country_list(q) else (q.choice_list or q.code)
            fields.append(FormField(q, "select_multiple" if q.is_multi else "select_one", list_name))
        elif q.type in ("integer", "likert"):
            fields.append(FormField(q, "integer"))
        elif q.type == "date":
            fields.append(FormField(q, "date"))
        else:
            fields.append(FormField(q, "text"))
    return fields


def form_group(questionnaire: Questionnaire) -> str:
    """The name of the group that holds every question (Kobo headers read ``group/question``)."""
    return questionnaire.name


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
