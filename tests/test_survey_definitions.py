"""`survey limesurvey` and `survey googleforms`: survey definitions whose codes are right by construction.

The LimeSurvey structure file is read with the same reader as LimeSurvey's own sample
structure files (``../shared/real-exports/limesurvey/``) and must hold every question,
subquestion and answer in six languages. Round trips: answers rendered from the
definition file alone, the way the tool records them, ingest to the canonical answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from elca_match import markets
from elca_match.questionnaire import load_questionnaire
from elca_match.services.ingest import analyse_file
from elca_match.surveytools import conventions as C
from elca_match.surveytools.definitions import read_limesurvey_structure
from elca_match.text import split_multi

from conftest import SHARED, run_cli, survey_rows, write_survey

Q = load_questionnaire()
LANGS = ["de", "it", "pl", "fr", "es", "en"]
REAL = SHARED / "real-exports" / "limesurvey"


def run(*args: object) -> tuple[int, str, str]:
    result = run_cli(*args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def structure_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lime") / "d12.txt"
    code, _, err = run("survey", "limesurvey", "--out", path)
    assert code == 0, err
    return path


def _rows(count: int = 6) -> list[dict[str, str]]:
    rows = list(survey_rows(count, seed=7))
    for i, row in enumerate(rows):
        row["submitted_at"] = f"2026-03-0{i % 9 + 1} 10:1{i % 10}:00"
    rows[0]["org_type"] = "university"
    rows[1]["capabilities"] = "Forming, bonding; testing \"quoted\" text"
    return rows


def _canonical(rows, tmp_path: Path) -> list[dict]:
    analysed = analyse_file(write_survey(tmp_path / "canonical.csv", rows))
    assert not analysed.invalid
    return [_unordered(v.answers) for v in analysed.valid]


def _unordered(answers: dict) -> dict:
    """Answers with multiple choices as sets: a tool lists ticks in the form's order, people in theirs."""
    return {code: set(value) if isinstance(value, list) else value for code, value in answers.items()}


# --- the LimeSurvey structure file -------------------------------------------------------

@pytest.mark.parametrize("name", ["testing-multilingual-export.txt", "testing-checkbox-autofix-export.txt"])
def test_real_structure_files__read_by_the_same_reader(name):
    path = REAL / name
    if not path.exists():
        pytest.skip("../shared/real-exports/ is not beside this checkout")
    structure = read_limesurvey_structure(path)
    assert structure.languages == ["en", "nl"]
    [question] = structure.questions
    assert set(question.texts) == {"en", "nl"}
    options = question.subquestions or question.answers
    assert list(options) == ["1", "2"] and all(set(texts) == {"en", "nl"} for texts in options.values())


def test_structure_file__tab_separated_crlf_with_the_columns_limesurvey_reads(structure_file):
    data = structure_file.read_bytes()
    assert b"\r\n" in data and not data.startswith(b"\xef\xbb\xbf")
    header = data.split(b"\r\n", 1)[0].decode().split("\t")
    real = (REAL / "testing-multilingual-export.txt")
    if real.exists():
        real_header = [h.strip() for h in real.read_text(encoding="utf-8").splitlines()[0].split("\t")]
        assert set(header) <= set(real_header)  # every column is one LimeSurvey itself exports
    assert header[:11] == ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
                           "language", "validation", "mandatory"]


def test_structure_file__every_question_subquestion_and_answer_in_six_languages(structure_file):
    structure = read_limesurvey_structure(structure_file)
    assert sorted(structure.languages) == sorted(LANGS)
    assert set(structure.titles) == set(LANGS)
    asked = C.asked_questions(Q)
    assert [q.code for q in structure.questions] == [C.limesurvey_code(q.code) for q in asked]
    for question, lime in zip(asked, structure.questions):
        assert lime.texts == {lang: question.label(lang) for lang in LANGS}
        assert lime.mandatory == question.required
        layout = C.limesurvey_layout_for(question)
        if question.is_multi and question.choices:
            assert [f"{lime.code}[{code}]" for code in lime.subquestions] == [c.code for c in layout]
            for choice, texts in zip(question.choices, lime.subquestions.values()):
                assert texts == {lang: choice.labels[lang] for lang in LANGS}
        elif C.is_country_list(question) and not question.is_multi:
            assert list(lime.answers) == markets.country_codes()
            assert all(set(texts) == set(LANGS) for texts in lime.answers.values())
        elif question.choices and not C.is_yes_no(question):
            assert list(lime.answers) == [C.limesurvey_answer_code(question, c.code) for c in question.choices]
            for choice, texts in zip(question.choices, lime.answers.values()):
                assert texts == {lang: choice.labels[lang] for lang in LANGS}
        for code in [*lime.subquestions, *lime.answers]:
            assert re.fullmatch(r"[A-Za-z0-9]{1,5}", code)  # LimeSurvey's limit for answer codes
        assert len(lime.code) <= C.LIMESURVEY_MAX_CODE


def _lime_export(structure, rows: list[dict[str, str]], path: Path) -> Path:
    """Responses as LimeSurvey exports them (codes, Y ticks, CSV UTF-8 with BOM, CRLF, all quoted),
    derived from the structure file alone: an answer's code is the one whose English text is the label."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    columns = []
    for lime in structure.questions:
        if lime.type == "M":
            columns += [(lime, code) for code in lime.subquestions]
        else:
            columns.append((lime, None))
    header += [f"{lime.code}[{code}]" if code else lime.code for lime, code in columns]
    by_lime = {C.limesurvey_code(q.code): q for q in C.asked_questions(Q)}
    lines = [header]
    for position, row in enumerate(rows, 1):
        line = [str(position), row["submitted_at"], "1", "de", "123", row["submitted_at"], row["submitted_at"]]
        for lime, code in columns:
            question = by_lime[lime.code]
            value = row.get(question.code, "")
            labels = {Q.choice_label(question.code, c, "en") for c in split_multi(value)} if question.choices else set()
            if code is not None:
                line.append("Y" if lime.subquestions[code]["en"] in labels else "")
            elif lime.type in ("L", "!") and value:
                wanted = markets.country_name(value, "en") if C.is_country_list(question) else labels.pop()
                line.append(next(c for c, texts in lime.answers.items() if texts["en"] == wanted))
            elif lime.type == "Y" and value:
                line.append("Y" if value == "yes" else "N")
            elif lime.type == "N" and value:
                line.append(f"{value}.0000000000")
            else:
                line.append(value)
        lines.append(line)
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(lines)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def test_limesurvey_round_trip__responses_to_the_imported_structure__same_answers(structure_file, tmp_path):
    rows = _rows()
    export = _lime_export(read_limesurvey_structure(structure_file), rows, tmp_path / "results-survey120412.csv")
    analysed = analyse_file(export)
    assert analysed.output.adapter == "limesurvey"
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    assert [_unordered(v.answers) for v in analysed.valid] == _canonical(rows, tmp_path)


def test_survey_limesurvey__suffix_of_another_format__refused(tmp_path):
    code, _, err = run("survey", "limesurvey", "--out", tmp_path / "d12.xlsx")
    assert code == 2 and "names a .xlsx file" in " ".join(err.split())


# --- the Google Apps Script ---------------------------------------------------------------

def parse_apps_script(text: str) -> list[dict]:
    """Each form item the script adds: kind, title, required and choices, read from its JSON literals."""
    decoder = json.JSONDecoder()
    items = []
    for chunk in text.split("form.add")[1:]:
        kind = chunk[:chunk.index("(")]
        title, _ = decoder.raw_decode(chunk, chunk.index(".setTitle(") + len(".setTitle("))
        required = ".setRequired(true)" in chunk
        choices = None
        if ".setChoiceValues(" in chunk:
            choices, _ = decoder.raw_decode(chunk, chunk.index(".setChoiceValues(") + len(".setChoiceValues("))
        items.append({"kind": kind, "title": title, "required": required, "choices": choices})
    return items


@pytest.mark.parametrize("lang", LANGS)
def test_googleforms_script__exact_titles_and_choice_labels(tmp_path, lang):
    path = tmp_path / f"d12-{lang}.gs"
    code, _, err = run("survey", "googleforms", "--lang", lang, "--out", path)
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "function createForm()" in text and text.count("FormApp.create(") == 1
    items = parse_apps_script(text)
    asked = C.asked_questions(Q)
    assert [i["title"] for i in items] == [q.label(lang) for q in asked]
    for item, question in zip(items, asked):
        assert item["required"] == question.required
        if question.choices:
            assert item["choices"] == [c.labels[lang] for c in question.choices]
            assert item["kind"] == ("CheckboxItem" if question.is_multi else "MultipleChoiceItem")


def _google_export(items: list[dict], rows: list[dict[str, str]], lang: str, path: Path) -> Path:
    """Responses as the form's sheet downloads them: titles as headers, labels joined with ', '."""
    by_title = {q.label(lang): q for q in C.asked_questions(Q)}
    header = [C.GOOGLE_TIMESTAMP[lang]] + [item["title"] for item in items]
    lines = [header]
    for row in rows:
        moment = dt.datetime.fromisoformat(row["submitted_at"])
        line = [C.google_timestamp(moment, lang)]
        for item in items:
            question = by_title[item["title"]]
            value = row.get(question.code, "")
            if item["choices"] and question.choices:
                chosen = split_multi(value)
                line.append(", ".join(label for label, choice in zip(item["choices"], question.choices)
                                      if choice.code in chosen))
            elif item["kind"] == "ListItem" and value:
                line.append(markets.country_name(value, lang))
            else:
                line.append(value)
        lines.append(line)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


@pytest.mark.parametrize("lang", ["fr", "pl"])
def test_googleforms_round_trip__responses_to_the_scripted_form__same_answers(tmp_path, lang):
    script = tmp_path / f"d12-{lang}.gs"
    assert run("survey", "googleforms", "--lang", lang, "--out", script)[0] == 0
    rows = _rows()
    export = _google_export(parse_apps_script(script.read_text(encoding="utf-8")), rows, lang,
                            tmp_path / "responses.csv")
    analysed = analyse_file(export)
    assert analysed.output.adapter == "googleforms"
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    assert [_unordered(v.answers) for v in analysed.valid] == _canonical(rows, tmp_path)


def test_survey_googleforms__unknown_language__usage_error(tmp_path):
    code, _, err = run("survey", "googleforms", "--lang", "nl", "--out", tmp_path / "d12.gs")
    assert code == 2 and "nl" in err
