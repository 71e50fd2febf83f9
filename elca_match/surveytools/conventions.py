"""What each survey tool writes in its exports: one declaration read by the writers and the adapters.

The conventions come from real exports (see ``../shared/real-exports/README.md``) and the
tools' documentation; the writers in this package render them and the adapters in
``elca_match.ingest.adapters`` read them, so the two cannot drift apart.

LimeSurvey codes are derived from the questionnaire definition, never typed by hand:

- question code: the D1.2 code in lowerCamelCase (``org_name`` -> ``orgName``,
  ``value_chain_stages`` -> ``valueChainStages``); LimeSurvey allows letters and digits
  only, starting with a letter, at most 20 characters;
- multiple choice (type ``multi`` with a choice list): one subquestion per choice, coded
  ``SQ001``, ``SQ002``... by the choice's position in its list, so a column reads
  ``sectors[SQ001]`` and holds ``Y`` when ticked;
- list question (type ``single``): answer options coded ``A1``, ``A2``... by position;
  countries (``choices_from: countries``) use the ISO alpha-2 code as the answer code;
- consent: a LimeSurvey Yes/No question (``Y``/``N``);
- countries asked as a ``multi`` question: a short free text with ISO codes or names
  separated by ``;`` or ``,``.
New choices must therefore be appended to a list (a renamed choice keeps its position).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import markets
from ..questionnaire import Question, Questionnaire
from ..text import fold

LANGUAGE_NAMES = {"de": "Deutsch", "it": "Italiano", "pl": "Polski", "fr": "Français", "es": "Español",
                  "en": "English"}


def submission_question(questionnaire: Questionnaire) -> str | None:
    """The question a tool's own completion time answers: the definition's one ``date`` question."""
    dates = [q.code for q in questionnaire.questions if q.type == "date"]
    return dates[0] if len(dates) == 1 else None


def asked_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions a survey tool asks (the submission date is the tool's own timestamp)."""
    skip = submission_question(questionnaire)
    return [q for q in questionnaire.questions if q.code != skip]


def is_country_list(question: Question) -> bool:
    return question.choices_from == "countries"


# --- KoboToolbox / ODK ------------------------------------------------------------------

KOBO_META_BEFORE = ("start", "end")
KOBO_META_AFTER = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                   "_submitted_by", "__version__", "_tags", "_index")
KOBO_META = frozenset({*KOBO_META_BEFORE, *KOBO_META_AFTER, "today", "deviceid", "username", "phonenumber",
                       "simserial", "subscriberid", "audit", "meta/instanceID", "meta/instanceName",
                       "meta/rootUuid", "meta/deprecatedID", "formhub/uuid", "_xform_id_string",
                       "_attachments", "_geolocation", "_duration"})
KOBO_MARKERS = ("_uuid", "_submission_time", "_id", "_index", "__version__", "_validation_status")
KOBO_SUBMITTED = ("end", "_submission_time")  # local completion time first, then the server's
KOBO_CSV_DELIMITER = ";"
KOBO_GROUP_SEPARATOR = "/"


# --- LimeSurvey -------------------------------------------------------------------------

# response table columns: code heading -> full-text heading (English interface)
LIMESURVEY_META = {"id": "Response ID", "submitdate": "Date submitted", "lastpage": "Last page",
                   "startlanguage": "Start language", "seed": "Seed", "startdate": "Date started",
                   "datestamp": "Date last action", "ipaddr": "IP address", "refurl": "Referrer URL",
                   "token": "Token"}
LIMESURVEY_SUBMITTED = "submitdate"
LIMESURVEY_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:\[[A-Za-z0-9_]+\])?")
LIMESURVEY_MAX_CODE = 20


@dataclass(frozen=True)
class LimeColumn:
    """One response column of the LimeSurvey survey built from the definition."""

    code: str  # the column heading in 'Question code' style: orgName, sectors[SQ001]
    question: str
    choice: str | None = None  # the choice a subquestion column stands for


def limesurvey_code(question_code: str) -> str:
    """``value_chain_stages`` -> ``valueChainStages`` (letters and digits only, as LimeSurvey requires)."""
    head, *rest = question_code.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def limesurvey_layout(questionnaire: Questionnaire) -> list[LimeColumn]:
    """The response columns, in order, that the definition's LimeSurvey survey exports."""
    return [column for q in asked_questions(questionnaire) for column in limesurvey_layout_for(q)]


def limesurvey_layout_for(question: Question) -> list[LimeColumn]:
    """The response columns of one question: one, or one per choice of a multiple choice."""
    code = limesurvey_code(question.code)
    if question.is_multi and question.choices:
        return [LimeColumn(f"{code}[SQ{position:03d}]", question.code, choice.code)
                for position, choice in enumerate(question.choices, 1)]
    return [LimeColumn(code, question.code)]


# "Convert Y to" / "Convert N to" (Export responses > Format) write any one character in
# place of Y and N; LimeSurvey offers 1 and 2, and people pick 1 and 0.
LIMESURVEY_YES = frozenset({"y", "1"})
LIMESURVEY_NO = frozenset({"n", "0", "2"})


def is_yes_no(question: Question) -> bool:
    """A question LimeSurvey asks as Yes/No: consent, or any question whose choices are yes and no."""
    return question.type == "consent" or {c.code for c in question.choices} == {"yes", "no"}


def limesurvey_answer_code(question: Question, choice_code: str) -> str:
    """The LimeSurvey answer code of a choice of a list or Yes/No question."""
    if is_yes_no(question):
        return "Y" if choice_code == _consent_codes(question)[0] else "N"
    if is_country_list(question):
        return choice_code
    for position, choice in enumerate(question.choices, 1):
        if choice.code == choice_code:
            return f"A{position}"
    return choice_code


def limesurvey_answer_choice(question: Question, answer: str) -> str | None:
    """The choice code a LimeSurvey answer code stands for (None when it is not an answer code)."""
    text = answer.strip()
    if is_yes_no(question):
        # a Yes/No question (Y/N, or converted to 1/0 or 1/2), or one built as a list (A1/A2)
        yes, no = _consent_codes(question)
        if text.casefold() in LIMESURVEY_YES:
            return yes
        if text.casefold() in LIMESURVEY_NO:
            return no
    match = re.fullmatch(r"[Aa](\d+)", text)
    if match and question.choices and 1 <= int(match.group(1)) <= len(question.choices):
        return question.choices[int(match.group(1)) - 1].code
    return None


def _consent_codes(question: Question) -> tuple[str, str]:
    codes = [c.code for c in question.choices]
    yes = "yes" if "yes" in codes else codes[0]
    no = "no" if "no" in codes else codes[-1]
    return yes, no


def limesurvey_number(value: str) -> str:
    """A number as LimeSurvey's numerical-input column writes it (``85.0000000000``)."""
    return f"{int(value)}.0000000000" if re.fullmatch(r"-?\d+", value.strip()) else value


# --- Google Forms -----------------------------------------------------------------------

# Google Sheets names the first column in the spreadsheet's language.
GOOGLE_TIMESTAMP = {"en": "Timestamp", "de": "Zeitstempel", "it": "Informazioni cronologiche",
                    "pl": "Sygnatura czasowa", "fr": "Horodateur", "es": "Marca temporal"}
GOOGLE_EMAIL = {"en": "Email Address", "de": "E-Mail-Adresse", "it": "Indirizzo email", "pl": "Adres e-mail",
                "fr": "Adresse e-mail", "es": "Dirección de correo electrónico"}
GOOGLE_SCORE = {"en": "Score", "de": "Punkte", "it": "Punteggio", "pl": "Wynik", "fr": "Score", "es": "Puntuación"}
GOOGLE_CHECKBOX_SEPARATOR = ", "
# (date order, time separator) of each spreadsheet locale: en-US 8/28/2021 12:26:09,
# de 28.08.2021 12:26:09, it 28/08/2021 12.26.09, pl 2021-08-28 12:26:09, fr/es 28/08/2021 12:26:09
_GOOGLE_LOCALE = {"en": "mdy/", "de": "dmy.", "it": "dmy/", "pl": "ymd-", "fr": "dmy/", "es": "dmy/"}


def google_timestamp(moment: dt.datetime, lang: str) -> str:
    """A response time as the Google Sheets of a form in ``lang`` writes it."""
    order = _GOOGLE_LOCALE.get(lang, "mdy/")
    time = f"{moment:%H.%M.%S}" if lang == "it" else f"{moment:%H:%M:%S}"
    if order.startswith("mdy"):
        day = f"{moment.month}/{moment.day}/{moment.year}"
    elif order.startswith("ymd"):
        day = f"{moment:%Y-%m-%d}"
    else:
        day = f"{moment:%d}{order[3]}{moment:%m}{order[3]}{moment.year}"
    return f"{day} {time}"


def parse_google_timestamp(text: str, lang: str | None) -> str | None:
    """A Google Sheets timestamp as ISO text, reading day and month in the order of ``lang``."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?", text)
    if not match:
        return None
    a, b, c, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if a > 31:
        orders = [(a, b, c)]  # year first
    else:
        day_first = (c, b, a)
        month_first = (c, a, b)
        orders = [month_first, day_first] if _GOOGLE_LOCALE.get(lang or "en", "mdy/").startswith("mdy") \
            else [day_first, month_first]
    for year, month, day in orders:
        try:
            return dt.datetime(year, month, day, hour, minute, second).isoformat(sep=" ")
        except ValueError:
            continue
    return None


# --- Microsoft Forms --------------------------------------------------------------------

MSFORMS_META = ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time")
MSFORMS_SUBMITTED = "Completion time"
# The same six columns as Forms names them in the account's interface language, in the order
# of MSFORMS_META. Confirmed: en (the real sample in ../shared/real-exports/ms-forms/), de
# "ID, Startzeit, Abschlusszeit, E-Mail, Name" (a public app that reads German Forms
# workbooks), es (a Spanish cluster's export, quoted in issue 18). The others, and the
# German and Spanish "last modified" names, could not be confirmed: the adapter also
# recognises the columns by position and type (MSFORMS_POSITIONS), so a name that differs
# still reads.
MSFORMS_META_NAMES = {
    "en": MSFORMS_META,
    "de": ("ID", "Startzeit", "Abschlusszeit", "E-Mail", "Name", "Zeitpunkt der letzten Änderung"),
    "es": ("Id", "Hora de inicio", "Hora de finalización", "Correo electrónico", "Nombre",
           "Hora de la última modificación"),
    "it": ("ID", "Ora di inizio", "Ora di completamento", "Posta elettronica", "Nome", "Ora dell'ultima modifica"),
    "fr": ("ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom",
           "Heure de la dernière modification"),
    "pl": ("Identyfikator", "Godzina rozpoczęcia", "Godzina ukończenia", "Adres e-mail", "Nazwa",
           "Godzina ostatniej modyfikacji"),
}
MSFORMS_CONFIRMED = {"en": 6, "de": 5, "es": 6}  # how many of each language's names were confirmed
# Position -> (what the column holds, the MSFORMS_META name it stands for): every export
# starts with a whole-number id, two date-times, then e-mail and name.
MSFORMS_POSITIONS = ((0, "integer", "ID"), (1, "datetime", "Start time"), (2, "datetime", "Completion time"),
                     (3, "text", "Email"), (4, "text", "Name"), (5, "datetime", "Last modified time"))
MSFORMS_MULTI_SEPARATOR = ";"  # and a trailing ';' after the last choice


# --- SurveyMonkey -----------------------------------------------------------------------

SURVEYMONKEY_META = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                     "First Name", "Last Name", "Custom Data 1", "Custom Data")
SURVEYMONKEY_SUBMITTED = "End Date"
SURVEYMONKEY_ANSWER = "Response"
SURVEYMONKEY_OPEN = "Open-Ended Response"
SURVEYMONKEY_CSV_DATE = "%m/%d/%Y %I:%M:%S %p"
# The reading of a two-row header is stored with one header row: question, this, option.
FLAT_SEPARATOR = " | "


def parse_surveymonkey_date(text: str) -> str | None:
    """SurveyMonkey's CSV date (``03/01/2026 10:00:00 AM``) as ISO text; None if it is not one."""
    try:
        return dt.datetime.strptime(text.strip(), SURVEYMONKEY_CSV_DATE).isoformat(sep=" ")
    except ValueError:
        return None


# --- shared reading helpers -------------------------------------------------------------

TRUE_MARKS = frozenset({"y", "yes", "1", "true", "x", "checked", "selected"})
FALSE_MARKS = frozenset({"", "n", "no", "0", "false", "not selected"})


def selection_mark(cell: str, questionnaire: Questionnaire) -> bool | None:
    """Is a one-column-per-option cell ticked? True, False, or None when it is no known mark.

    Tools write ``Y``/``1``/``Yes`` (or the translated yes of a "full answer text" export)
    for ticked and empty/``0``/``N`` for not ticked.
    """
    key = fold(cell)
    if key in TRUE_MARKS or key in _consent_words(questionnaire, 0):
        return True
    if key in FALSE_MARKS or key in _consent_words(questionnaire, 1):
        return False
    return None


@functools.lru_cache(maxsize=16)
def _consent_words(questionnaire: Questionnaire, which: int) -> frozenset[str]:
    for q in questionnaire.questions:
        if q.type == "consent" and len(q.choices) >= 2:
            choice = q.choices[0 if which == 0 else -1]
            return frozenset(fold(label) for label in choice.labels.values())
    return frozenset()


def split_joined(text: str, separator: str | None, match: Callable[[str], str | None]) -> list[str]:
    """Split a joined multi-choice cell against known items, preferring the longest items.

    ``separator`` is what the tool put between items (``", "``; None for white space);
    items may contain it themselves ("Design, simulation, engineering"), so the split
    that leaves the fewest unknown stretches wins, then the one with the fewest (longest)
    items. Returns each item's code from ``match``, or the unknown stretch as written.
    """
    pieces = text.split() if separator is None else text.split(separator)
    joiner = " " if separator is None else separator
    count = len(pieces)

    @functools.lru_cache(maxsize=None)
    def best(start: int) -> tuple[int, int, tuple[tuple[bool, str], ...]]:
        if start == count:
            return 0, 0, ()
        options = []
        for end in range(count, start, -1):
            candidate = joiner.join(pieces[start:end]).strip()
            code = match(candidate) if candidate else None
            if code is not None:
                unknown, items, rest = best(end)
                options.append((unknown, items + 1, ((True, code), *rest)))
        unknown, items, rest = best(start + 1)
        stray = pieces[start].strip()
        options.append((unknown + (1 if stray else 0), items + (1 if stray else 0),
                        ((False, stray),) + rest if stray else rest))
        return min(options, key=lambda o: (o[0], o[1]))

    result: list[str] = []
    previous_unknown = False
    for known, text in best(0)[2]:
        if not known and previous_unknown:
            result[-1] = f"{result[-1]}{joiner}{text}"  # one unknown stretch, as the person wrote it
        else:
            result.append(text)
        previous_unknown = not known
    return result


def split_countries(text: str) -> list[str]:
    """ISO codes of a typed list of countries (``;`` or ``,`` between them; names may hold commas)."""
    result: list[str] = []
    for part in text.split(";"):
        if part.strip():
            result.extend(split_joined(part, ",", markets.resolve_country))
    return result
