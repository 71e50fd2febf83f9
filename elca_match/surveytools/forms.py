"""What a blank form says and holds, shared by its writers and its readers.

The help row under the canonical template's headers (written by ``templates``, recognised
and skipped by the canonical adapter in ``ingest``), and the fields of the XLSForm (written
by ``templates``, rendered as KoboToolbox exports by :mod:`.writers`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..questionnaire import Question, Questionnaire
from ..text import fold
from . import conventions as C

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
