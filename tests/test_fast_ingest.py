"""The column-wise ingest agrees exactly with a plain per-row, per-question reading.

``reference_validate`` below is the obviously correct implementation: every row, every
question, one cell at a time through :func:`normalise_answer`. The fast path (distinct
values looked up once per column, text columns checked with C-level maps, rows built
without per-cell lookups) must give the same valid rows, answers, keys, problems and
problem order, on random cells (hypothesis) and on the demo cohort's exports.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elca_match.demo import generate_cohort
from elca_match.demo.exports import write_exports
from elca_match.errors import Problem
from elca_match.ingest.model import CanonicalRow
from elca_match.ingest.validate import normalise_answer, normalise_row, organisation_keys, validate_rows
from elca_match.questionnaire import Question, load_questionnaire
from elca_match.services.ingest import analyse_file, ingest_files
from elca_match.store import open_db

Q = load_questionnaire()


def reference_validate(rows: list[CanonicalRow], questionnaire, file: str) -> tuple[list[tuple], list[tuple]]:
    """Per row, per question: (number, answers, key, org_id, name_key) and (number, problems)."""
    valid, invalid = [], []
    for row in rows:
        answers: dict[str, Any] = {}
        problems: list[Problem] = []
        for question in questionnaire.questions:
            text = row.values.get(question.code, "")
            value, code, params = normalise_answer(question, text, questionnaire)
            if code:
                problems.append(Problem(code, file=file, row=row.number,
                                        column=row.columns.get(question.code, question.code),
                                        value=text[:200] if code != "required_empty" else None, params=params))
            else:
                answers[question.code] = value
        if problems:
            invalid.append((row.number, problems))
        else:
            valid.append((row.number, answers, *organisation_keys(answers, questionnaire)))
    return valid, invalid


def fast_validate(rows: list[CanonicalRow], questionnaire, file: str) -> tuple[list[tuple], list[tuple]]:
    valid, invalid = validate_rows(rows, questionnaire, file)
    return ([(v.row.number, v.answers, v.org_key, v.org_id, v.name_key) for v in valid],
            [(bad.row.number, bad.problems) for bad in invalid])


def _cell_texts(question: Question) -> st.SearchStrategy[str]:
    """What a cell of this question may hold: good, bad, empty, oddly spaced, hostile."""
    junk = st.text(alphabet=st.sampled_from(list("abzAZ09 ,;.-@\x01\téüł")), max_size=12)
    options = [junk, st.sampled_from(["", " ", "  \t"])]
    if question.choices:
        choices = [c.code for c in question.choices] + [
            label for c in question.choices for label in c.labels.values()]
        one = st.sampled_from(choices).map(lambda text: text.upper() if len(text) % 3 == 0 else f" {text} ")
        options.append(one)
        if question.is_multi:
            options.append(st.lists(one, min_size=1, max_size=4).flatmap(
                lambda parts: st.sampled_from(["; ".join(parts), ",".join(parts), ";".join(parts) + ";"])))
    if question.choices_from == "countries":
        options.append(st.sampled_from(["JP", "japan", "Japon", "us", "Brazil; Chile", "DE,FR", "Atlantis"]))
    if question.type in ("integer", "likert"):
        options.append(st.integers(-3, 12000).map(str))
        options.append(st.sampled_from(["1.0", "2,0", "1 000", "3.5", "x"]))
    if question.type == "date":
        options.append(st.sampled_from(["2026-03-01", "01.03.2026 10:00", "2026/03/01", "13/13/2026", "soon"]))
    if question.type == "email":
        options.append(st.sampled_from(["a@b.org", " x.y@z.de ", "no-at-sign", "a@b"]))
    if question.type == "text":
        options.append(st.text(max_size=30))
        if question.max_length:
            options.append(st.just("y" * (question.max_length + 1)))
    return st.one_of(options)


@st.composite
def canonical_rows(draw) -> list[CanonicalRow]:
    count = draw(st.integers(1, 8))
    # repeated rows exercise the per-column lookup of distinct values
    distinct = [{q.code: draw(_cell_texts(q)) for q in Q.questions} for _ in range(draw(st.integers(1, count)))]
    rows = []
    for number in range(2, count + 2):
        values = dict(draw(st.sampled_from(distinct)))
        if draw(st.booleans()):  # an adapter that left a question out
            values.pop(draw(st.sampled_from(sorted(values))))
        rows.append(CanonicalRow(number, values, dict(values), {}, {code: f"h:{code}" for code in values}))
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(canonical_rows())
def test_validate_rows__random_cells__same_as_per_row_reference(rows):
    assert fast_validate(rows, Q, "r.csv") == reference_validate(rows, Q, "r.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(canonical_rows())
def test_normalise_row__random_cells__same_answers_and_problems_as_reference(rows):
    row = rows[0]
    answers, problems = normalise_row(row, Q, "r.csv")
    expected_valid, expected_invalid = reference_validate([row], Q, "r.csv")
    assert problems == (expected_invalid[0][1] if expected_invalid else [])
    if expected_valid:
        assert answers == expected_valid[0][1]


def test_validate_rows__shared_text__each_row_owns_its_list():
    values = {q.code: "" for q in Q.questions} | {"org_name": "A", "cluster": "AMZ", "country": "DE",
                                                  "org_type": "sme", "sectors": "rail", "consent": "yes",
                                                  "value_chain_stages": "design"}
    rows = [CanonicalRow(n, dict(values), dict(values)) for n in (2, 3)]
    first, second = (v.answers["sectors"] for v in validate_rows(rows, Q, "r.csv")[0])
    assert first == second == ["rail"] and first is not second


@pytest.fixture(scope="module")
def demo_exports():
    with tempfile.TemporaryDirectory() as folder:
        files = write_exports(generate_cohort(), Path(folder))
        yield [Path(f.path) for f in files]


def test_validate_rows__demo_cohort_exports__same_as_per_row_reference(demo_exports):
    for path in demo_exports:
        output = analyse_file(path).output
        assert fast_validate(output.rows, Q, path.name) == reference_validate(output.rows, Q, path.name), path.name


def test_canonical_adapter__demo_exports__rows_as_a_per_cell_reading(demo_exports):
    for path in demo_exports:
        output = analyse_file(path).output
        if output.adapter != "canonical":
            continue
        table, columns = output.table, output.rows[0].columns
        header_index = {header: index for index, header in enumerate(table.header)}
        by_number = {row.number: row for row in table.rows}
        for row in output.rows:
            source = by_number[row.number]
            assert row.values == {code: source.get(header_index[header]) for code, header in columns.items()}
            assert row.raw == {h: source.get(i) for i, h in enumerate(table.header) if h}


def test_ingest__stored_json__as_json_dumps_writes_it(tmp_path, demo_exports):
    path = next(p for p in demo_exports if p.suffix == ".csv")
    ingest_files(tmp_path / "x.db", [path], skip_invalid=True)
    db = open_db(tmp_path / "x.db")
    for cells, answers in db.conn.execute(
            "SELECT r.cells, s.answers FROM raw_rows r JOIN submissions s ON s.raw_row_id = r.id LIMIT 50"):
        assert cells == json.dumps(json.loads(cells), ensure_ascii=False)
        assert answers == json.dumps(json.loads(answers), ensure_ascii=False)
