"""Property tests of ingest: valid answers written any supported way read back to the same
normalised answers; re-ingest changes nothing; --skip-invalid keeps every row somewhere.

The answers are drawn from the questionnaire definition itself (every question, by type),
then rendered as a person or a survey tool might type them: codes or labels in any of the
six languages, any case, accents dropped, padded with spaces; headers as codes or
translated labels; optional columns left out; columns in any order. The file is written in
UTF-8, UTF-8 with BOM, UTF-16 or cp1252, with ``,`` ``;`` or tab, minimal or full quoting,
CRLF or LF line ends.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sqlite3
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elca_match import markets
from elca_match.errors import ValidationError
from elca_match.questionnaire import Question, load_questionnaire
from elca_match.services.ingest import ingest_files
from elca_match.store import open_db
from elca_match.store.survey import counts, current_members

import pytest

QUESTIONNAIRE = load_questionnaire()
WESTERN = ("de", "it", "fr", "es", "en")  # languages whose labels cp1252 can hold
PROPERTY = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
COUNTRIES = ["DE", "IT", "PL", "FR", "ES", "JP", "US", "IN", "MX", "BR", "CL", "CO", "KR", "CN", "CA", "GB", "CH"]
# typed text: letters of the six languages, digits, punctuation a CSV must protect, line breaks
WESTERN_TEXT = st.text(alphabet=st.sampled_from(list(
    "abcxyzABCXYZ0189 ,.;:'\"-()/&%=+@€äöüßÄÖÜéèêàâçñáíóúìòÉÀÇ–„“…\n\t")), max_size=40)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n\t"),
                   max_size=40)


def _plain(text: str) -> str:
    """Accents dropped, as someone typing on a keyboard without them would."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@st.composite
def typed(draw, text: str) -> str:
    """A code or label as a person types it: any case, maybe without accents, padded."""
    text = draw(st.sampled_from([text, text.upper(), text.lower(), _plain(text)]))
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " ", "\t"]))


@st.composite
def choice_text(draw, question: Question, code: str, languages: tuple[str, ...]) -> str:
    if question.choices_from == "countries":
        names = [code, code.lower()] + [markets.country_name(code, lang) for lang in languages]
        return draw(typed(draw(st.sampled_from([n for n in names if markets.resolve_country(n) == code]))))
    choice = next(c for c in question.choices if c.code == code)
    return draw(typed(draw(st.sampled_from([code] + [choice.labels[lang] for lang in languages]))))


def _choice_codes(question: Question) -> list[str]:
    return COUNTRIES if question.choices_from == "countries" else [c.code for c in question.choices]


@st.composite
def answer(draw, question: Question, position: int, languages: tuple[str, ...], text: st.SearchStrategy
           ) -> tuple[Any, str]:
    """(the normalised value, the cell text) of one valid answer to ``question``."""
    kind = question.type
    if question.code == "org_name":
        # unique per row, so that each row is its own organisation
        value = f"N{position:03d} {draw(text)}".strip()[: question.max_length]
        return value, draw(st.sampled_from(["", " "])) + value
    if question.key:
        value = draw(st.sampled_from(["", f"ID{position:05d}", f"id-{position:05d}"]))
        return value, value
    if not question.required and draw(st.integers(0, 3)) == 0:
        empty = [] if question.is_multi else "" if kind == "text" else None
        return empty, draw(st.sampled_from(["", " "]))
    if kind == "text":
        value = draw(text)[: question.max_length]
        return value.strip(), value
    if kind in ("integer", "likert"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 10_000
        value = draw(st.integers(low, high))
        shown = draw(st.sampled_from([str(value), f" {value} ", f"{value}.0", f"{value:,}".replace(",", " ")]))
        return value, shown
    if kind == "consent":
        value = draw(st.booleans())
        return value, draw(choice_text(question, "yes" if value else "no", languages))
    if kind == "date":
        moment = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31))).replace(microsecond=0)
        fmt = draw(st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d"]))
        if fmt == "%Y-%m-%d":
            moment = moment.replace(hour=0, minute=0, second=0)
        return moment.isoformat(sep=" ", timespec="seconds"), moment.strftime(fmt)
    if kind == "email":
        value = f"person.{position}@example.org"
        return value, f" {value} "
    codes = _choice_codes(question)
    if question.is_multi:
        picked = draw(st.lists(st.sampled_from(codes), min_size=1 if question.required else 1, max_size=3,
                               unique=True))
        parts = [draw(choice_text(question, code, languages)) for code in picked]
        return picked, draw(st.sampled_from([";", "; ", " ; "])).join(parts)
    code = draw(st.sampled_from(codes))
    return code, draw(choice_text(question, code, languages))


@st.composite
def survey_file(draw) -> tuple[bytes, list[dict[str, Any]], dict[str, Any]]:
    """(file bytes, the expected answers of each row, how the file was written)."""
    western = draw(st.booleans())
    languages = WESTERN if western else QUESTIONNAIRE.languages
    text = WESTERN_TEXT if western else ANY_TEXT
    questions = [q for q in QUESTIONNAIRE.questions if q.required or q.key or draw(st.booleans())]
    questions = draw(st.permutations(questions))
    header = [draw(typed(draw(st.sampled_from([q.code] + [q.labels[lang] for lang in languages])))).strip()
              for q in questions]
    expected, lines = [], []
    for position in range(draw(st.integers(1, 4))):
        drawn = {q.code: draw(answer(q, position, languages, text)) for q in QUESTIONNAIRE.questions}
        expected.append({code: value for code, (value, _) in drawn.items()})
        for q in QUESTIONNAIRE.questions:
            if q not in questions:  # a column left out: the answer is empty
                expected[-1][q.code] = [] if q.is_multi else "" if q.type == "text" else None
        lines.append([drawn[q.code][1] for q in questions])
    how = {
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"] if western else
                                         ["utf-8", "utf-8-sig", "utf-16"])),
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "terminator": draw(st.sampled_from(["\r\n", "\n"])),
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=how["delimiter"], quoting=how["quoting"], lineterminator=how["terminator"])
    writer.writerow(header)
    writer.writerows(lines)
    return buffer.getvalue().encode(how["encoding"]), expected, how


_FOLDERS: list[Path] = []  # each example's folder (hypothesis runs a body many times: no tmp_path per run)


@pytest.fixture(scope="module", autouse=True)
def _remove_example_folders():
    """Remove every example's folder once the module's tests are done (they were left behind before)."""
    yield
    for folder in _FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)
    _FOLDERS.clear()


def _ingest(data: bytes, **options: Any) -> tuple[Path, Any]:
    folder = Path(tempfile.mkdtemp(prefix="elca-prop-"))
    _FOLDERS.append(folder)
    path = folder / "answers.csv"
    path.write_bytes(data)
    return folder / "elca.db", ingest_files(folder / "elca.db", [path], **options)


def _stored(db: Path) -> dict[str, dict[str, Any]]:
    conn = open_db(db, create=False)
    try:
        return {m.name: m.answers for m in current_members(conn)}
    finally:
        conn.close()


@pytest.mark.slow  # many generated files, each ingested
@PROPERTY
@given(survey_file())
def test_property__valid_answers_in_any_encoding_and_delimiter__read_back_the_same(case):
    data, expected, how = case
    try:
        db, result = _ingest(data)
    except ValidationError as exc:
        raise AssertionError(f"{how}: {exc.paragraph()} file={data[:3000]!r}") from None
    assert result.files[0].accepted == len(expected)
    stored = _stored(db)
    assert stored == {row["org_name"]: row for row in expected}, how


@pytest.mark.slow  # many generated files, each ingested
@PROPERTY
@given(survey_file())
def test_property__same_file_twice__changes_nothing(case):
    data, expected, _ = case
    db, _ = _ingest(data)
    folder = db.parent
    before = _table_contents(db)
    again = ingest_files(db, [folder / "answers.csv"])
    assert again.files[0].status == "already ingested" and again.accepted == 0
    assert _table_contents(db) == before


def _table_contents(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()  # constant table names
                for table in ("sources", "organisations", "submissions", "raw_rows", "set_aside")}
    finally:
        conn.close()


BAD_VALUES = {"trl": ["0", "10", "seven", "-3"], "sectors": ["automotiv", "spaceships"], "consent": ["maybe", "1"],
              "country": ["Atlantis"], "employees": ["-5", "many"], "cluster": ["XYZ"]}


@pytest.mark.slow  # many generated files, each ingested
@PROPERTY
@given(survey_file(), st.data())
def test_property__skip_invalid__every_row_accepted_or_set_aside_with_reasons(case, data):
    raw, expected, how = case
    text = raw.decode(how["encoding"])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=how["delimiter"]))
    header = [QUESTIONNAIRE.match_header(h)[0] for h in rows[0]]
    spoiled = set()
    for index in range(1, len(rows)):
        present = [code for code in BAD_VALUES if code in header]
        if present and data.draw(st.booleans(), label=f"spoil row {index + 1}"):
            code = data.draw(st.sampled_from(present), label="column")
            rows[index][header.index(code)] = data.draw(st.sampled_from(BAD_VALUES[code]), label="bad value")
            spoiled.add(index + 1)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=how["delimiter"], lineterminator="\r\n").writerows(rows)
    payload = buffer.getvalue().encode(how["encoding"])
    if spoiled:
        with pytest.raises(ValidationError) as caught:  # by default the whole file is refused
            _ingest(payload)
        assert {p.row for p in caught.value.problems} == spoiled
    db, result = _ingest(payload, skip_invalid=True)
    assert (result.accepted, result.set_aside) == (len(expected) - len(spoiled), len(spoiled))
    conn = sqlite3.connect(db)
    aside = {number: json.loads(reasons) for number, reasons in conn.execute("SELECT row_number, reasons FROM set_aside")}
    conn.close()
    assert set(aside) == spoiled and all(aside.values())
    stored = _stored(db)
    assert sorted(stored) == sorted(row["org_name"] for i, row in enumerate(expected, 2) if i not in spoiled)


def test_ingest__organisation_twice_in_one_file__one_current_submission(tmp_path):
    """Found by the fuzzer: the earlier row of the same file stayed 'current' as well."""
    from conftest import survey_rows, write_survey

    row = next(survey_rows(1, prefix="Twice"))
    later = {**row, "submitted_at": "2026-04-01", "trl": "9"}
    path = write_survey(tmp_path / "twice.csv", [row, later])
    db = tmp_path / "elca.db"
    result = ingest_files(db, [path])
    assert (result.accepted, result.files[0].new_organisations) == (2, 1)
    conn = sqlite3.connect(db)
    statuses = conn.execute("SELECT status FROM submissions ORDER BY id").fetchall()
    conn.close()
    assert statuses == [("superseded",), ("current",)]
    assert _stored(db)[row["org_name"]]["trl"] == 9
    connection = open_db(db, create=False)
    assert counts(connection)["organisations"] == 1
    connection.close()
