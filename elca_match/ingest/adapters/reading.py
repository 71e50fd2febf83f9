"""Reading a survey tool's export: each column gets a role, then rows become canonical rows.

An adapter says what each source column is (:class:`Role`: the answer to a question,
one option of a multi-choice question, tool metadata, the tool's completion time...)
and how the tool writes values (how multi-choice answers are joined, what marks a
ticked option, how dates look). :class:`ExportReader` does the rest the same way for
every tool: the mapping report, unknown/duplicate/missing column problems collected
and raised at once, and the canonical rows with their raw cells and provenance.
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from dataclasses import dataclass

from ...errors import InputError, Problem, did_you_mean
from ...questionnaire import Question, Questionnaire
from ...surveytools import conventions as C
from ...tabular import Row, Table
from ...text import slug
from ..model import AdapterOutput, CanonicalRow, ColumnMapping

FUZZY_CUTOFF = 0.85


@dataclass(frozen=True)
class Role:
    """What one source column holds."""

    index: int
    header: str
    kind: str  # answer | option | metadata | submitted | ignored | unknown
    question: str | None = None
    choice: str | None = None  # the choice an option column stands for
    how: str = ""
    suggestion: str | None = None  # for unknown columns: the closest question
    rank: int = 0  # submitted columns: lower wins


def match_header(questionnaire: Questionnaire, text: str) -> tuple[str, str] | None:
    """The question a header names and how: by code, by label in a language, or fuzzily."""
    hit = questionnaire.match_header(text)
    return hit if hit is not None else fuzzy_header(questionnaire, text)


def fuzzy_header(questionnaire: Questionnaire, text: str, cutoff: float = FUZZY_CUTOFF) -> tuple[str, str] | None:
    """A header that is a near miss of one question's label or code (a typo, a word dropped).

    Returns ``(code, "fuzzy: label (de) 'Branchen'")``; None when nothing is that close
    or when the two closest candidates belong to different questions.
    """
    return _fuzzy_header(questionnaire, text, cutoff)


# Every adapter's detect() reads the same headers again, and one file repeats a heading in many
# option columns: difflib over every label is most of choosing an adapter, so each answer is kept.
@functools.lru_cache(maxsize=8192)
def _fuzzy_header(questionnaire: Questionnaire, text: str, cutoff: float) -> tuple[str, str] | None:
    key = slug(text)
    if len(key) < 4:
        return None
    options = _header_options(questionnaire)
    hits = difflib.get_close_matches(key, list(options), n=3, cutoff=cutoff)
    if not hits:
        return None
    best = difflib.SequenceMatcher(None, key, hits[0]).ratio()
    rivals = {options[h][0] for h in hits if difflib.SequenceMatcher(None, key, h).ratio() >= best - 0.02}
    if len(rivals) > 1:
        return None  # as close to two questions: a guess, not a match
    code, how, shown = options[hits[0]]
    return code, f"fuzzy: {how} {shown!r}"


@functools.lru_cache(maxsize=16)
def _header_options(questionnaire: Questionnaire) -> dict[str, tuple[str, str, str]]:
    options: dict[str, tuple[str, str, str]] = {}
    for q in questionnaire.questions:
        options.setdefault(slug(q.code), (q.code, "code", q.code))
        for lang, label in q.labels.items():
            options.setdefault(slug(label), (q.code, f"label ({lang})", label))
    return options


def header_language(roles: list[Role]) -> str | None:
    """The language most headers were matched in (``label (de)`` -> ``de``), if any."""
    langs = Counter(role.how.split("label (", 1)[1][:2] for role in roles if "label (" in role.how)
    return langs.most_common(1)[0][0] if langs else None


def suggest(questionnaire: Questionnaire, header: str) -> str | None:
    """The question label or code closest to an unknown header."""
    return questionnaire.suggest_header(header)


def ignored_columns(file: str, columns: list[str]) -> Problem:
    """The warning that names every column --ignore-unknown-columns left out."""
    return Problem("columns_ignored", file=file, row=1,
                   params={"count": len(columns), "columns": ", ".join(map(repr, columns))})


class ExportReader:
    """The reading every survey-tool adapter shares; subclasses say what columns and values mean."""

    name = "export"
    submitted_name = ""  # the tool's completion-time column, as its English interface names it

    # --- what a subclass provides ---------------------------------------------------
    def detect(self, table: Table, questionnaire: Questionnaire) -> float:
        raise NotImplementedError

    def roles(self, table: Table, questionnaire: Questionnaire) -> list[Role]:
        raise NotImplementedError

    def prepare(self, table: Table, questionnaire: Questionnaire) -> Table:
        """The table to read (e.g. two header rows made into one); the same table by default."""
        return table

    def split_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> list[str]:
        """A multi-choice answer held in one cell, as codes or the text of unknown parts."""
        if C.is_country_list(question):
            return C.split_countries(text)
        return [text] if text.strip() else []

    def convert_answer(self, question: Question, text: str, questionnaire: Questionnaire) -> str:
        """A one-cell answer of a non-multi question, as validation reads it (code, label or text)."""
        return text

    def mark(self, cell: str, questionnaire: Questionnaire) -> bool | None:
        """Is an option column ticked? None for a value that is no known mark."""
        return C.selection_mark(cell, questionnaire)

    def timestamp(self, text: str, language: str | None) -> str:
        """The tool's completion time as text validation reads (ISO); ``language`` is the export's."""
        return text.strip()

    def language(self, table: Table, roles: list[Role]) -> str | None:
        """The export's language: the one most question headers were matched in."""
        return header_language(roles)

    def expected(self, question: Question) -> str:
        """What a missing required column should be called, for the message."""
        return f"{question.code!r} or {question.label('en')!r}"

    # --- the shared reading ---------------------------------------------------------
    def read(self, table: Table, questionnaire: Questionnaire, ignore_unknown: bool = False) -> AdapterOutput:
        """Map every column, raise every column problem at once, then build canonical rows."""
        table = self.prepare(table, questionnaire)
        roles = self.roles(table, questionnaire)
        if ignore_unknown:
            roles = [Role(r.index, r.header, "ignored", how="ignored (matches no question)")
                     if r.kind == "unknown" else r for r in roles]
        self.check(table, roles, questionnaire)
        language = self.language(table, roles)
        rows = [self.canonical_row(table, row, roles, questionnaire, language) for row in table.rows]
        date_question = C.submission_question(questionnaire)
        split = {r.question for r in roles if r.kind == "option"}
        mapping = [ColumnMapping(r.header, date_question if r.kind == "submitted" else r.question,
                                 (r.how or r.kind) + (" (summary; its option columns are read)"
                                                      if r.kind == "answer" and r.question in split else ""))
                   for r in roles]
        return AdapterOutput(self.name, table, rows, mapping, self.warnings(table, roles, rows, questionnaire))

    def warnings(self, table: Table, roles: list[Role], rows: list[CanonicalRow],
                 questionnaire: Questionnaire) -> list[Problem]:
        """Columns ignored, and a submission date no column answered: said, never silently dropped."""
        name = table.source.name
        ignored = [r.header for r in roles if r.kind == "ignored"]
        found: list[Problem] = []
        date_question = C.submission_question(questionnaire)
        answered = {r.question for r in roles if r.kind in ("answer", "option")}
        if date_question and date_question not in answered and not any(r.kind == "submitted" for r in roles):
            undated = sum(1 for row in rows if not row.values.get(date_question, "").strip())
            if undated:
                shown = f" (ignored: {', '.join(map(repr, ignored))})" if ignored else ""
                found.append(Problem("submission_date_unmapped", file=name, row=1, params={
                    "count": undated, "rows": len(rows), "question": date_question, "ignored": shown,
                    "expected": repr(self.submitted_name or date_question)}))
        if ignored:
            found.append(ignored_columns(name, ignored))
        return found

    def check(self, table: Table, roles: list[Role], questionnaire: Questionnaire) -> None:
        name = table.source.name
        problems: list[Problem] = []
        seen: dict[tuple[str, str | None], str] = {}
        headers: set[str] = set()
        for role in roles:
            if role.header in headers and role.kind not in ("answer", "option"):
                # raw cells are kept by header: a second column of the same name would be lost
                problems.append(Problem("duplicate_column", file=name, row=1, column=role.header,
                                        params={"expected": repr(role.header)}))
            headers.add(role.header)
            if role.kind == "unknown":
                problems.append(Problem("unknown_column", file=name, row=1, column=role.header,
                                        params={"suggestion": did_you_mean(role.suggestion)}))
            elif role.kind in ("answer", "option"):
                key = (role.question, role.choice if role.kind == "option" else None)
                if key in seen:
                    problems.append(Problem("duplicate_column", file=name, row=1, column=role.header,
                                            params={"expected": role.question if role.kind == "answer"
                                                    else f"{role.question} ({role.choice})"}))
                seen[key] = role.header
        answered = {r.question for r in roles if r.kind in ("answer", "option")}
        timestamped = any(r.kind == "submitted" for r in roles)
        date_question = C.submission_question(questionnaire)
        for question in questionnaire.questions:
            if not question.required or question.code in answered:
                continue
            if question.code == date_question and timestamped:
                continue
            problems.append(Problem("missing_column", file=name, row=1, column=question.code,
                                    params={"expected": self.expected(question)}))
        if problems:
            raise InputError(problems=problems)

    def canonical_row(self, table: Table, row: Row, roles: list[Role], questionnaire: Questionnaire,
                      language: str | None = None) -> CanonicalRow:
        """One source row as a canonical row: answers as text, raw cells, tool metadata."""
        values: dict[str, str] = {}
        columns: dict[str, str] = {}
        metadata: dict[str, str] = {}
        ticked: dict[str, list[str]] = {}
        split_questions = {r.question for r in roles if r.kind == "option"}
        submitted: list[tuple[int, str]] = []
        for role in roles:
            cell = row.get(role.index)
            if role.kind == "answer" and role.question not in split_questions:
                question = questionnaire.question(role.question)
                if question.is_multi:
                    values[question.code] = ";".join(self.split_answer(question, cell, questionnaire))
                else:
                    values[question.code] = self.convert_answer(question, cell, questionnaire)
                columns[question.code] = role.header
            elif role.kind == "option":
                chosen = ticked.setdefault(role.question, [])
                columns.setdefault(role.question, role.header)
                mark = self.mark(cell, questionnaire)
                if mark:
                    chosen.append(role.choice)
                elif mark is None:
                    # not a tick mark: handed to validation as an answer, so the row is set aside with a reason
                    chosen.append(cell.strip())
                    columns[role.question] = role.header
            elif role.kind in ("metadata", "submitted"):
                metadata[role.header] = cell
                if role.kind == "submitted" and cell.strip():
                    submitted.append((role.rank, cell))
        for code, chosen in ticked.items():
            values[code] = ";".join(dict.fromkeys(chosen))
        date_question = C.submission_question(questionnaire)
        if date_question and submitted and not values.get(date_question, "").strip():
            rank, cell = min(submitted, key=lambda item: item[0])
            values[date_question] = self.timestamp(cell, language)
            columns[date_question] = next(r.header for r in roles if r.kind == "submitted" and r.rank == rank)
        raw = {header: row.get(index) for index, header in enumerate(table.header) if header}
        return CanonicalRow(row.number, values, raw, metadata, columns)
