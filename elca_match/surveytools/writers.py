"""Writers: canonical answers rendered as each survey tool exports them.

Each writer takes rows of canonical values (question code -> text: choice codes, ISO
country codes, multi-valued answers joined with ``;``, dates ``YYYY-MM-DD HH:MM:SS``)
and writes the file the tool would give for the same responses, following the
conventions in :mod:`.conventions` exactly. They make the test fixtures and the demo's
synthetic exports; metadata (ids, uuids, start times) is derived deterministically from
the row, so the same rows always give the same file content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import markets
from ..questionnaire import Question, Questionnaire
from ..text import split_multi
from . import conventions as C
from .forms import form_fields, form_group

Rows = list[dict[str, str]]
_UUID_NAMESPACE = uuid.UUID("6f1c1f5e-3c3a-4c59-9f57-5ad1e2a0d120")


# --- value helpers ----------------------------------------------------------------------

def _codes(text: str | None) -> list[str]:
    return split_multi(text or "")


def label_of(questionnaire: Questionnaire, question: Question, code: str, lang: str) -> str:
    """A choice code's label (a country's name) in ``lang``."""
    if C.is_country_list(question):
        return markets.country_name(code, lang)
    return questionnaire.choice_label(question.code, code, lang)


def _moment(row: dict[str, str], questionnaire: Questionnaire, position: int) -> dt.datetime | None:
    code = C.submission_question(questionnaire)
    text = (row.get(code) or "").strip() if code else ""
    if not text:
        return None
    return dt.datetime.fromisoformat(text)


def _uuid(row: dict[str, str], position: int) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, f"{position}|{row.get('org_name', '')}"))


def _write_csv(path: Path, rows: list[list[Any]], *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL,
               terminator: str = "\r\n", encoding: str = "utf-8", final_newline: bool = True) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=terminator)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    if not final_newline and text.endswith(terminator):
        text = text[: -len(terminator)]
    path.write_bytes(text.encode(encoding))


def _write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    book.save(path)


def _fmt(path: Path, options: dict[str, Any], allowed: tuple[str, ...]) -> str:
    fmt = str(options.get("format") or path.suffix.lstrip(".") or allowed[0]).lower()
    if fmt not in allowed:
        raise ValueError(f"this tool exports {', '.join(allowed)}, not {fmt}")
    return fmt


def _answer_text(questionnaire: Questionnaire, question: Question, value: str, lang: str, join: str,
                 as_labels: bool = True) -> str:
    """One cell of a one-column answer: labels (or codes) of the choices, or the text as it is."""
    if not (value or "").strip():
        return ""
    if question.is_choice or question.type == "consent":
        codes = _codes(value) if question.is_multi else [value.strip()]
        return join.join(label_of(questionnaire, question, c, lang) if as_labels else c for c in codes)
    return value


# --- canonical --------------------------------------------------------------------------

def write_canonical(rows: Rows, path: Path, lang: str, questionnaire: Questionnaire, **options: Any) -> None:
    """The brief's response file; ``headers``/``values`` = ``code`` or ``label`` (in ``lang``)."""
    fmt = _fmt(path, options, ("csv", "xlsx"))
    by_label = options.get("headers", "code") == "label"
    labels = options.get("values", "code") == "label"
    questions = questionnaire.questions
    table = [[q.label(lang) if by_label else q.code for q in questions]]
    for row in rows:
        table.append([_answer_text(questionnaire, q, row.get(q.code, ""), lang, "; " if labels else ";", labels)
                      for q in questions])
    if fmt == "csv":
        _write_csv(path, table)
    else:
        _write_xlsx(path, table, "Responses")


# --- KoboToolbox ------------------------------------------------------------------------

def write_kobo(rows: Rows, path: Path, lang: str, questionnaire: Questionnaire, **options: Any) -> None:
    """A KoboToolbox export of the `survey xlsform` form.

    ``headers``: ``xml`` (names, the default) or ``labels`` (in ``lang``); ``groups``: include
    the group in headers (default True); ``multiple``: ``both`` (default), ``summary`` or
    ``details`` (select_multiple as one column, split columns, or both). CSV is
    ``;``-separated with every field quoted.
    """
    fmt = _fmt(path, options, ("xlsx", "csv"))
    labels = options.get("headers", "xml") == "labels"
    groups = options.get("groups", True)
    multiple = options.get("multiple", "both")
    sep = C.KOBO_GROUP_SEPARATOR
    group = (questionnaire.title.get(lang, questionnaire.name) if labels else form_group(questionnaire))
    prefix = f"{group}{sep}" if groups else ""

    header: list[str] = list(C.KOBO_META_BEFORE)
    cells: list[Callable[[dict[str, str], int], Any]] = [
        lambda row, i: _kobo_time(_moment(row, questionnaire, i), minutes=-14),
        lambda row, i: _kobo_time(_moment(row, questionnaire, i)),
    ]
    for field in form_fields(questionnaire):
        q = field.question
        name = q.label(lang) if labels else q.code
        if field.type != "select_multiple" or multiple in ("both", "summary"):
            header.append(prefix + name)
            cells.append(_kobo_cell(questionnaire, q, lang, labels, fmt))
        if field.type == "select_multiple" and multiple in ("both", "details"):
            for code in _choice_codes(q):
                header.append(prefix + name + sep + (label_of(questionnaire, q, code, lang) if labels else code))
                cells.append(_kobo_option(q, code, fmt))
    header.extend(C.KOBO_META_AFTER)
    cells.extend([
        lambda row, i: 41_000_000 + i if fmt == "xlsx" else str(41_000_000 + i),
        lambda row, i: _uuid(row, i),
        lambda row, i: _kobo_time(_moment(row, questionnaire, i), utc=True),
        lambda row, i: "", lambda row, i: "", lambda row, i: "submitted_via_web", lambda row, i: "",
        lambda row, i: "vA7nQ2xC3PqLr8sT4uWe9Z", lambda row, i: "",
        lambda row, i: i + 1 if fmt == "xlsx" else str(i + 1),
    ])
    table = [header] + [[cell(row, i) for cell in cells] for i, row in enumerate(rows)]
    if fmt == "csv":
        _write_csv(path, table, delimiter=C.KOBO_CSV_DELIMITER, quoting=csv.QUOTE_ALL)
    else:
        _write_xlsx(path, table, questionnaire.name)


def _choice_codes(question: Question) -> list[str]:
    return markets.country_codes() if C.is_country_list(question) else [c.code for c in question.choices]


def _kobo_time(moment: dt.datetime | None, minutes: int = 0, utc: bool = False) -> str:
    if moment is None:
        return ""
    moment = moment + dt.timedelta(minutes=minutes)
    if utc:  # the server's time, in UTC; the device's time carries its offset (CET here)
        return (moment - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    return moment.isoformat(timespec="milliseconds") + "+01:00"


def _kobo_cell(questionnaire: Questionnaire, question: Question, lang: str, labels: bool, fmt: str):
    def cell(row: dict[str, str], position: int) -> Any:
        value = row.get(question.code, "") or ""
        if question.type in ("integer", "likert") and value.strip() and fmt == "xlsx":
            return int(value)
        return _answer_text(questionnaire, question, value, lang, " ", labels)
    return cell


def _kobo_option(question: Question, code: str, fmt: str):
    def cell(row: dict[str, str], position: int) -> Any:
        chosen = _codes(row.get(question.code))
        if not chosen:
            return ""  # unanswered: empty, not 0
        mark = 1 if code in chosen else 0
        return mark if fmt == "xlsx" else str(mark)
    return cell


# --- LimeSurvey -------------------------------------------------------------------------

def write_limesurvey(rows: Rows, path: Path, lang: str, questionnaire: Questionnaire, **options: Any) -> None:
    """A LimeSurvey response export of the survey built from the definition's codes.

    ``headings``: ``code`` (default), ``codetext`` (``code. question text``) or ``full``
    (question text only, which the adapter refuses); ``answers``: ``code`` (default) or
    ``text`` (full answer texts in ``lang``); ``convert_y``/``convert_n``: the "Convert Y to" and
    "Convert N to" settings (e.g. ``1`` and ``0``); ``yes_no_as_list``: Yes/No questions built as
    list questions (answers ``A1``/``A2``). CSV is UTF-8 with BOM, CRLF, every field quoted.
    """
    fmt = _fmt(path, options, ("csv", "xlsx"))
    headings = options.get("headings", "code")
    as_text = options.get("answers", "code") == "text"
    convert = {"Y": options.get("convert_y", "Y"), "N": options.get("convert_n", "N")}
    as_list = options.get("yes_no_as_list", False)
    layout = C.limesurvey_layout(questionnaire)
    header = [code if headings == "code" else text if headings == "full" else f"{code}. {text}"
              for code, text in C.LIMESURVEY_META.items() if code not in ("ipaddr", "refurl", "token")]
    for column in layout:
        q = questionnaire.question(column.question)
        text = q.label(lang) + (f" [{label_of(questionnaire, q, column.choice, lang)}]" if column.choice else "")
        header.append(column.code if headings == "code" else text if headings == "full" else f"{column.code}. {text}")
    table: list[list[Any]] = [header]
    yes = _consent_label(questionnaire, lang, 0) if as_text else convert["Y"]
    for position, row in enumerate(rows):
        moment = _moment(row, questionnaire, position)
        stamp = moment.isoformat(sep=" ") if moment else ""
        started = (moment - dt.timedelta(minutes=11)).isoformat(sep=" ") if moment else ""
        line: list[Any] = [str(position + 1), stamp, "3", lang, str(1_000_000_000 + 7_919 * position), started,
                           stamp]
        for column in layout:
            q = questionnaire.question(column.question)
            value = row.get(q.code, "") or ""
            if column.choice is not None:
                line.append(yes if column.choice in _codes(value) else "")
            elif not value.strip():
                line.append("")
            elif C.is_country_list(q) and q.is_multi:
                line.append("; ".join(label_of(questionnaire, q, c, lang) for c in _codes(value)) if as_text
                            else ";".join(_codes(value)))
            elif as_text and (q.is_choice or q.type == "consent"):
                line.append(label_of(questionnaire, q, value.strip(), lang))
            elif C.is_yes_no(q) and as_list:
                line.append(f"A{[c.code for c in q.choices].index(value.strip()) + 1}")
            elif C.is_yes_no(q):
                line.append(convert[C.limesurvey_answer_code(q, value.strip())])
            elif q.is_choice:
                line.append(C.limesurvey_answer_code(q, value.strip()))
            elif q.type in ("integer", "likert"):
                line.append(C.limesurvey_number(value))
            else:
                line.append(value)
        table.append(line)
    if fmt == "csv":
        _write_csv(path, table, quoting=csv.QUOTE_ALL, encoding="utf-8-sig")
    else:
        _write_xlsx(path, table, "results")


def _consent_label(questionnaire: Questionnaire, lang: str, which: int) -> str:
    for q in questionnaire.questions:
        if q.type == "consent" and q.choices:
            return q.choices[which].labels.get(lang, q.choices[which].code)
    return "Yes"


# --- Google Forms -----------------------------------------------------------------------

def write_googleforms(rows: Rows, path: Path, lang: str, questionnaire: Questionnaire, **options: Any) -> None:
    """The responses sheet of a Google Form in ``lang`` downloaded as CSV (``email=True`` adds the
    collected e-mail column)."""
    _fmt(path, options, ("csv",))
    questions = C.asked_questions(questionnaire)
    header = [C.GOOGLE_TIMESTAMP[lang]] + ([C.GOOGLE_EMAIL[lang]] if options.get("email") else [])
    header += [q.label(lang) for q in questions]
    table: list[list[Any]] = [header]
    for position, row in enumerate(rows):
        moment = _moment(row, questionnaire, position)
        line: list[Any] = [C.google_timestamp(moment, lang) if moment else ""]
        if options.get("email"):
            line.append(row.get("contact_email", ""))
        line += [_answer_text(questionnaire, q, row.get(q.code, ""), lang, C.GOOGLE_CHECKBOX_SEPARATOR)
                 for q in questions]
        table.append(line)
    _write_csv(path, table, terminator="\n", final_newline=False)


# --- Microsoft Forms --------------------------------------------------------------------

def write_msforms(rows: Rows, path: Path, lang: str, questionnaire: Questionnaire, **options: Any) -> None:
    """A Microsoft Forms "Open results in Excel" workbook of a form in ``lang``.

    ``interface``: the language of the downloading account, which names the metadata columns
    (default ``en``); ``meta_names``: the six metadata names themselves, to override that.
    """
    _fmt(path, options, ("xlsx",))
    questions = C.asked_questions(questionnaire)
    meta = list(options.get("meta_names") or C.MSFORMS_META_NAMES[options.get("interface", "en")])
    table: list[list[Any]] = [meta + [q.label(lang) for q in questions]]
    for position, row in enumerate(rows):
        moment = _moment(row, questionnaire, position)
        line: list[Any] = [position + 1, moment - dt.timedelta(minutes=9) if moment else None, moment,
                           "anonymous", "", None]
        for q in questions:
            value = row.get(q.code, "") or ""
            text = _answer_text(questionnaire, q, value, lang, C.MSFORMS_MULTI_SEPARATOR)
            if q.is_multi and text:
                text += C.MSFORMS_MULTI_SEPARATOR
            line.append(text)
        table.append(line)
    _write_xlsx(path, table, "Sheet1")


# --- SurveyMonkey -----------------------------------------------------------------------

def write_surveymonkey(rows: Rows, path: Path, lang: str, questionnaire: Questionnaire, **options: Any) -> None:
    """A SurveyMonkey "All individual responses" export (XLSX or CSV) of a survey in ``lang``."""
    fmt = _fmt(path, options, ("xlsx", "csv"))
    top: list[Any] = list(C.SURVEYMONKEY_META[:-1])
    below: list[Any] = [""] * len(top)
    cells: list[Callable[[dict[str, str]], Any]] = []
    for q in C.asked_questions(questionnaire):
        if q.is_multi and q.choices:
            for offset, choice in enumerate(q.choices):
                top.append(q.label(lang) if offset == 0 else "")
                below.append(choice.labels.get(lang, choice.code))
                cells.append(_monkey_option(q, choice.code, choice.labels.get(lang, choice.code)))
        else:
            top.append(q.label(lang))
            below.append(C.SURVEYMONKEY_OPEN if q.type in ("text", "email") or q.is_multi else C.SURVEYMONKEY_ANSWER)
            cells.append(lambda row, q=q: _answer_text(questionnaire, q, row.get(q.code, ""), lang, ", "))
    table: list[list[Any]] = [top, below]
    for position, row in enumerate(rows):
        moment = _moment(row, questionnaire, position)
        start = moment - dt.timedelta(minutes=23) if moment else None
        if fmt == "csv":
            start, moment = (m.strftime(C.SURVEYMONKEY_CSV_DATE) if m else "" for m in (start, moment))
        respondent = 11_400_000_000 + 104_729 * position
        line: list[Any] = [respondent if fmt == "xlsx" else str(respondent),
                           "405712938" if fmt == "csv" else 405712938, start, moment, "", "", "", "", ""]
        line += [cell(row) for cell in cells]
        table.append(line)
    if fmt == "csv":
        _write_csv(path, table)
    else:
        _write_xlsx(path, table, "Sheet")


def _monkey_option(question: Question, code: str, label: str):
    return lambda row: label if code in _codes(row.get(question.code)) else ""


WRITERS: dict[str, Callable[..., None]] = {
    "canonical": write_canonical,
    "xlsform": write_kobo,
    "limesurvey": write_limesurvey,
    "googleforms": write_googleforms,
    "msforms": write_msforms,
    "surveymonkey": write_surveymonkey,
}
