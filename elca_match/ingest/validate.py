"""Validation: canonical text rows to normalised answers, every problem named.

Each answer is checked against its question in the questionnaire definition: choices
by code or label in any language (folded), integers and their ranges, consent, dates,
e-mails and text lengths. Nothing here names a question; the definition drives it all.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass
from typing import Any

from .. import markets
from ..errors import Problem, did_you_mean
from ..questionnaire import Question, Questionnaire
from ..text import name_slug, parse_datetime, split_multi
from .model import CanonicalRow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# C0 control characters other than tab and line breaks: no survey tool writes them, and
# they break the XML of an xlsx export and the terminals that show the data
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ValidRow:
    """An accepted row: normalised answers plus the keys that identify its organisation."""

    row: CanonicalRow
    answers: dict[str, Any]
    org_key: str
    org_id: str | None
    name_key: str


@dataclass
class InvalidRow:
    """A row with at least one invalid answer, and why."""

    row: CanonicalRow
    problems: list[Problem]


def validate_rows(rows: list[CanonicalRow], questionnaire: Questionnaire, file: str
                  ) -> tuple[list[ValidRow], list[InvalidRow]]:
    """Split rows into valid (normalised) and invalid (with their problems).

    Works column by column: each distinct text of a choice, number, consent or date
    column is normalised once, whatever the number of rows repeating it.
    """
    codes = [question.code for question in questionnaire.questions]
    columns, problems = _normalise_columns(rows, questionnaire, file)
    valid: list[ValidRow] = []
    invalid: list[InvalidRow] = []
    for index, (row, values) in enumerate(zip(rows, zip(*columns) if columns else ((),) * len(rows))):
        found = problems.get(index)
        if found:
            invalid.append(InvalidRow(row, found))
            continue
        valid.append(_keyed(row, dict(zip(codes, values)), questionnaire))
    return valid, invalid


def organisation_keys(answers: dict[str, Any], questionnaire: Questionnaire) -> tuple[str, str | None, str]:
    """(key, org_id, name_key): org_id (VAT or PIC) when given, else normalised name + country."""
    key_code = questionnaire.key_code()
    raw_id = answers.get(key_code) if key_code else None
    org_id = org_id_of(raw_id) if raw_id else None
    name_key = f"{name_slug(answers.get('org_name', ''))}|{answers.get('country', '')}"
    return (f"id:{org_id}" if org_id else f"name:{name_key}"), org_id, name_key


def org_id_of(text: object) -> str:
    """A VAT or PIC id as stored, whatever its spelling: ``DE.123 456-789`` -> ``DE123456789``."""
    return re.sub(r"[\s.\-/]", "", str(text)).upper()


def _keyed(row: CanonicalRow, answers: dict[str, Any], questionnaire: Questionnaire) -> ValidRow:
    key, org_id, name_key = organisation_keys(answers, questionnaire)
    return ValidRow(row, answers, key, org_id, name_key)


def normalise_row(row: CanonicalRow, questionnaire: Questionnaire, file: str) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise every answer of one row; return the answers and the problems found."""
    columns, problems = _normalise_columns([row], questionnaire, file)
    found = problems.get(0, [])
    bad = {problem.column for problem in found}
    answers = {question.code: column[0] for question, column in zip(questionnaire.questions, columns)
               if row.columns.get(question.code, question.code) not in bad}
    return answers, found


def _normalise_columns(rows: list[CanonicalRow], questionnaire: Questionnaire, file: str
                       ) -> tuple[list[list[Any]], dict[int, list[Problem]]]:
    """One list of normalised values per question (None where invalid), and each bad row's problems.

    A row's problems come in question order, as a reader of the row meets them.
    """
    columns: list[list[Any]] = []
    problems: dict[int, list[Problem]] = {}
    cells = [row.values for row in rows]
    for question in questionnaire.questions:
        code = question.code
        try:  # adapters give every row the same codes; a row without one falls back to a lookup per row
            texts = list(map(operator.itemgetter(code), cells))
        except KeyError:
            texts = [values.get(code, "") for values in cells]
        if question.type in _UNIQUE_TYPES:
            column, results = _unique_column(question, texts, questionnaire)
            bad = sorted(results)
        else:
            lookup = {text: normalise_answer(question, text, questionnaire) for text in set(texts)}
            column = list(map({text: result[0] for text, result in lookup.items()}.__getitem__, texts))
            if question.is_multi:  # rows repeating a text share its list: each row owns a copy
                column = [value if value is None else value.copy() for value in column]
            wrong = {text for text, result in lookup.items() if result[1] is not None}
            bad = [index for index, text in enumerate(texts) if text in wrong] if wrong else []
            results = None  # the lookup holds each bad text's result
        for index in bad:  # an invalid answer's value is None
            row, text = rows[index], texts[index]
            _, problem_code, params = results[index] if isinstance(results, dict) else lookup[text]
            problems.setdefault(index, []).append(Problem(
                problem_code, file=file, row=row.number, column=row.columns.get(code, code),
                value=None if problem_code == "required_empty" else text[:200], params=params))
        columns.append(column)
    return columns, problems


# Free text and e-mails differ on every row: looking up their distinct values would only hold memory.
_UNIQUE_TYPES = ("text", "email")


def _unique_column(question: Question, texts: list[str], questionnaire: Questionnaire
                   ) -> tuple[list[Any], dict[int, tuple[Any, str | None, dict[str, Any]]]]:
    """A text or e-mail column: its values, and the result of every cell that has a problem.

    The common case (text present, no control character, short enough; a well-formed
    address) is checked for the whole column with C-level maps; any other cell goes
    through :func:`normalise_answer`, which says exactly what is wrong with it.
    """
    if None in texts:
        results = [normalise_answer(question, text, questionnaire) for text in texts]
        return [r[0] for r in results], {i: r for i, r in enumerate(results) if r[1] is not None}
    column = list(map(str.strip, texts))
    if question.type == "text":
        limit = question.max_length
        suspect = [i for i, (text, stripped, control) in enumerate(zip(texts, column, map(_CONTROL.search, texts)))
                   if control or (limit and len(text) > limit) or not stripped]
    else:
        suspect = [i for i, match in enumerate(map(_EMAIL.match, column)) if match is None]
    problems = {}
    for index in suspect:  # empty, too long, not an address: the per-cell rules decide
        value, problem_code, params = result = normalise_answer(question, texts[index], questionnaire)
        column[index] = value
        if problem_code is not None:
            problems[index] = result
    return column, problems


def empty_value(question: Question) -> Any:
    """The normalised value of an unanswered question."""
    if question.is_multi:
        return []
    if question.type == "text":
        return ""
    return None


def normalise_answer(question: Question, text: str, questionnaire: Questionnaire
                     ) -> tuple[Any, str | None, dict[str, Any]]:
    """One answer: (normalised value, problem code or None, message parameters)."""
    if text is None or not str(text).strip():
        if question.required:
            return None, "required_empty", {}
        return empty_value(question), None, {}
    text = str(text)
    kind = question.type
    if kind == "text":
        if _CONTROL.search(text):
            return None, "control_characters", {}
        if question.max_length and len(text) > question.max_length:
            return None, "cell_too_long", {"length": len(text), "limit": question.max_length}
        return text.strip(), None, {}
    if kind in ("integer", "likert"):
        return _integer(question, text)
    if kind == "consent":
        code = questionnaire.match_choice(question.code, text)
        if code is None:
            return None, "bad_consent", {}
        return code == "yes", None, {}
    if kind == "date":
        parsed = parse_datetime(text)
        return (parsed, None, {}) if parsed else (None, "bad_date", {})
    if kind == "email":
        text = text.strip()
        return (text, None, {}) if _EMAIL.match(text) else (None, "bad_email", {})
    parts = split_multi(text) if question.is_multi else [text.strip()]
    codes: list[str] = []
    for part in parts:
        code = _choice(question, part, questionnaire)
        found = [code] if code is not None else []
        if code is None and question.is_multi and "," in part:
            # hand-typed "a, b" where the template says "a; b": split when every part is a choice
            readings = comma_readings(part, lambda piece: _choice(question, piece, questionnaire))
            if len(readings) > 1:
                return None, "ambiguous_choices", {"readings": " or ".join(
                    "; ".join(reading) for reading in readings)}
            found = readings[0] if readings else []
            if not found:  # name the piece that is no choice, not the whole cell
                unknown = [p.strip() for p in part.split(",") if p.strip() and _choice(question, p.strip(),
                                                                                         questionnaire) is None]
                part = unknown[0] if unknown and len(unknown) < len(part.split(",")) else part
        if not found:
            return None, *_unknown_choice(question, part, questionnaire)
        codes.extend(c for c in found if c not in codes)
    return (codes if question.is_multi else codes[0]), None, {}


def comma_readings(text: str, match, limit: int = 2) -> list[list[str]]:
    """The ways (at most ``limit``) to read ``text`` as known choices separated by commas.

    Labels may hold commas themselves ("Design, simulation, engineering"), so every
    segmentation of the comma-separated pieces into known choices counts; readings that
    give the same choices are one reading.
    """
    pieces = text.split(",")

    @functools.lru_cache(maxsize=None)
    def from_piece(start: int) -> tuple[tuple[str, ...], ...]:
        if start == len(pieces):
            return ((),)
        found: list[tuple[str, ...]] = []
        for end in range(len(pieces), start, -1):
            code = match(",".join(pieces[start:end]).strip())
            if code is not None:
                found.extend((code, *rest) for rest in from_piece(end))
            if len({frozenset(r) for r in found}) >= limit:
                break
        return tuple(found)

    readings: list[list[str]] = []
    for reading in from_piece(0):
        if all(frozenset(reading) != frozenset(r) for r in readings):
            readings.append(list(dict.fromkeys(reading)))
    return readings[:limit]


def _choice(question: Question, text: str, questionnaire: Questionnaire) -> str | None:
    return _cached_choice(questionnaire, question.code, question.choices_from, text)


@functools.lru_cache(maxsize=65_536)
def _cached_choice(questionnaire: Questionnaire, code: str, choices_from: str | None, text: str) -> str | None:
    # Survey cells repeat the same few codes and labels: folding each afresh was most of
    # the time of a 100,000-row ingest (2 million folds).
    if choices_from == "countries":
        return markets.resolve_country(text)
    return questionnaire.match_choice(code, text)


def _unknown_choice(question: Question, text: str, questionnaire: Questionnaire) -> tuple[str, dict[str, Any]]:
    if question.choices_from == "countries":
        return "unknown_country", {"suggestion": did_you_mean(markets.suggest_country(text))}
    allowed = questionnaire.choice_codes(question.code)
    return "unknown_choice", {"suggestion": did_you_mean(questionnaire.suggest_choice(question.code, text)),
                              "allowed": ", ".join(allowed)}


def _integer(question: Question, text: str) -> tuple[Any, str | None, dict[str, Any]]:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    try:
        number = float(cleaned.replace(",", ".")) if re.fullmatch(r"-?\d+([.,]0+)?", cleaned) else None
    except ValueError:
        number = None
    if number is None:
        example = question.min if question.min is not None else 1
        return None, "not_integer", {"example": max(example, 1)}
    value = int(number)
    low, high = question.min, question.max
    if low == 0 and value < 0:
        return None, "negative", {}
    if (low is not None and value < low) or (high is not None and value > high):
        return None, "out_of_range", {"low": low, "high": high}
    return value, None, {}


