"""Survey-tool adapters: every tool's export of the same responses gives the canonical file's answers.

The fixtures in ``fixtures/exports/`` hold the same five responses as each tool exports
them (written by ``elca_match.surveytools``, regenerate with ``make_fixtures.py``). The
real exports in ``../shared/real-exports/`` (not D1.2 questionnaires) prove the table
layer and the adapters' parsing handle each tool's actual shape.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match.errors import InputError, Problem, ValidationError, did_you_mean
from elca_match.ingest.adapters import ADAPTERS, choose_adapter
from elca_match.questionnaire import load_questionnaire
from elca_match.services.ingest import analyse_file, ingest_files
from elca_match.store import open_db, survey
from elca_match.surveytools import conventions as C
from elca_match.surveytools import render_export
from elca_match.ingest.adapters.reading import fuzzy_header
from elca_match.tabular import read_table

from conftest import FIXTURES, SHARED

EXPORTS = FIXTURES / "exports"
REAL = SHARED / "real-exports"
Q = load_questionnaire()

# fixture -> (adapter auto-detection must pick, language of its headers or labels)
FIXTURE_ADAPTERS = {
    "canonical_pl.xlsx": ("canonical", "pl"),
    "template_de.xlsx": ("canonical", "de"),
    "kobo_xml.csv": ("xlsform", None),
    "kobo_de.xlsx": ("xlsform", "de"),
    "kobo_pl.csv": ("xlsform", "pl"),
    "limesurvey_it.csv": ("limesurvey", "it"),
    "limesurvey_es.xlsx": ("limesurvey", "es"),
    "googleforms_fr.csv": ("googleforms", "fr"),
    "googleforms_en.csv": ("googleforms", "en"),
    "msforms_de.xlsx": ("msforms", "de"),
    "msforms_it.xlsx": ("msforms", "it"),
    "surveymonkey_pl.xlsx": ("surveymonkey", "pl"),
    "surveymonkey_en.csv": ("surveymonkey", "en"),
}


def answers_of(path: Path) -> list[dict]:
    analysed = analyse_file(path)
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    return [valid.answers for valid in analysed.valid]


CANONICAL_ANSWERS = answers_of(EXPORTS / "canonical.csv")


def real(path: str) -> Path:
    file = REAL / path
    if not file.exists():
        pytest.skip(f"the real export {path} is not in ../shared/real-exports/ beside this checkout")
    return file


def _row(**overrides: str) -> dict[str, str]:
    base = {"org_name": "Leichtbau Nord GmbH", "cluster": "AMZ", "country": "DE", "org_type": "sme",
            "sectors": "automotive", "value_chain_stages": "production", "trl": "6", "consent": "yes",
            "contact_email": "eva@example.org", "submitted_at": "2026-01-10 09:30:00"}
    return {**base, **overrides}



# --- the same answers from every tool -------------------------------------------------------

def test_fixtures__every_adapter_in_at_least_two_languages():
    by_adapter: dict[str, set[str]] = {}
    for adapter, lang in FIXTURE_ADAPTERS.values():
        if lang:
            by_adapter.setdefault(adapter, set()).add(lang)
    assert set(by_adapter) == set(ADAPTERS)
    assert all(len(langs) >= 2 for langs in by_adapter.values()), by_adapter
    assert set().union(*by_adapter.values()) == {"de", "it", "pl", "fr", "es", "en"}


@pytest.mark.parametrize("name", sorted(FIXTURE_ADAPTERS))
def test_export__same_normalised_answers_as_canonical_file(name):
    analysed = analyse_file(EXPORTS / name)
    assert analysed.output.adapter == FIXTURE_ADAPTERS[name][0]
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    assert [valid.answers for valid in analysed.valid] == CANONICAL_ANSWERS


@pytest.mark.parametrize("name", sorted(FIXTURE_ADAPTERS))
def test_auto_detection__picks_the_tool_that_wrote_the_file(name):
    table = read_table(EXPORTS / name)
    scores = {adapter: ADAPTERS[adapter].detect(table, Q) for adapter in ADAPTERS}
    expected = FIXTURE_ADAPTERS[name][0]
    assert choose_adapter(table, Q).name == expected
    assert all(score < scores[expected] for adapter, score in scores.items() if adapter != expected), scores


@pytest.mark.parametrize("name,meta", [
    ("kobo_xml.csv", {"_uuid", "_id", "_submission_time", "start", "end", "__version__"}),
    ("limesurvey_it.csv", {"id", "submitdate", "startlanguage", "seed"}),
    ("googleforms_en.csv", {"Timestamp", "Email Address"}),
    ("msforms_de.xlsx", {"ID", "Start time", "Completion time", "Email", "Name", "Last modified time"}),
    ("surveymonkey_en.csv", {"Respondent ID", "Collector ID", "Start Date", "End Date"}),
])
def test_tool_metadata__kept_as_provenance_of_each_row(name, meta):
    rows = analyse_file(EXPORTS / name).output.rows
    assert meta <= set(rows[0].metadata)
    assert not meta & set(rows[0].values)


def test_ingest__every_tool_export__members_stored_with_adapter_and_version(tmp_path):
    db_path = tmp_path / "elca.db"
    files = [EXPORTS / name for name in sorted(FIXTURE_ADAPTERS)]
    result = ingest_files(db_path, files)
    assert [f.adapter for f in result.files] == [FIXTURE_ADAPTERS[f.name][0] for f in files]
    assert {f.questionnaire_version for f in result.files} == {Q.version}
    db = open_db(db_path, create=False)
    try:
        members = {m.name: m.answers for m in survey.current_members(db)}
    finally:
        db.close()
    assert len(members) == 5
    assert members == {a["org_name"]: a for a in CANONICAL_ANSWERS}


# --- splitting joined answers -----------------------------------------------------------------

STAGES_AND_TECH = [(q, c) for q in ("value_chain_stages", "technologies") for c in Q.question(q).choices]


@given(st.sampled_from(["de", "it", "pl", "fr", "es", "en"]),
       st.lists(st.sampled_from(range(len(Q.question("technologies").choices))), min_size=1, max_size=6,
                unique=True))
def test_split_joined__labels_holding_the_separator__longest_first(lang, picks):
    question = Q.question("technologies")
    codes = [question.choices[i].code for i in sorted(picks)]
    labels = [Q.choice_label("technologies", code, lang) for code in codes]
    match = lambda text: Q.match_choice("technologies", text)  # noqa: E731
    assert C.split_joined(", ".join(labels), ", ", match) == codes  # Google Forms
    assert C.split_joined(" ".join(labels), None, match) == codes  # Kobo, labels export


@given(st.lists(st.sampled_from(["BO", "CD", "TW", "KR", "US", "JP", "MX", "PS"]), min_size=1, max_size=5,
                unique=True),
       st.sampled_from(["de", "it", "pl", "fr", "es", "en"]), st.sampled_from([", ", "; ", ","]))
def test_split_countries__names_with_commas_in_six_languages(codes, lang, separator):
    from elca_match import markets

    text = separator.join(markets.country_name(code, lang) for code in codes)
    assert C.split_countries(text) == codes


def test_split_joined__unknown_stretch__kept_for_the_validation_message():
    match = lambda text: Q.match_choice("value_chain_stages", text)  # noqa: E731
    assert C.split_joined("Design, simulation, engineering, Quantum teleportation", ", ", match) == \
        ["design", "Quantum teleportation"]


def test_google_forms__checkbox_with_commas_and_unknown_option__set_aside_naming_the_option(tmp_path):
    path = render_export("googleforms", [_row(value_chain_stages="design;integration")], tmp_path / "g.csv", "en")
    text = path.read_text(encoding="utf-8").replace("Joining, assembly, system integration", "Painting, polishing")
    path.write_text(text, encoding="utf-8")
    analysed = analyse_file(path)
    problem = analysed.invalid[0].problems[0]
    assert (problem.code, problem.row, problem.column) == ("unknown_choice", 2, "Value-chain stages")
    assert problem.value == "design;Painting, polishing"


# --- LimeSurvey codes from the definition ---------------------------------------------------

@pytest.mark.parametrize("code,expected", [("org_name", "orgName"), ("value_chain_stages", "valueChainStages"),
                                           ("trl", "trl"), ("contact_email", "contactEmail")])
def test_limesurvey_code__lower_camel_case(code, expected):
    assert C.limesurvey_code(code) == expected


def test_limesurvey_layout__valid_unique_codes_and_positional_subquestions():
    layout = C.limesurvey_layout(Q)
    codes = [c.code for c in layout]
    assert len(codes) == len(set(codes))
    for column in layout:
        question_code = column.code.split("[")[0]
        assert C.LIMESURVEY_CODE.fullmatch(column.code) and len(question_code) <= C.LIMESURVEY_MAX_CODE
    sectors = [c for c in layout if c.question == "sectors"]
    assert [c.code for c in sectors[:2]] == ["sectors[SQ001]", "sectors[SQ002]"]
    assert [c.choice for c in sectors] == Q.choice_codes("sectors")
    assert "submittedAt" not in codes  # LimeSurvey's own submitdate answers it


def test_limesurvey__answer_codes_and_y_marks_in_the_file():
    table = read_table(EXPORTS / "limesurvey_it.csv")
    first = dict(zip(table.header, table.rows[0].cells))
    assert first["orgType"] == "A1" and first["consent"] == "Y" and first["cluster"] == "A1"
    assert first["sectors[SQ001]"] == "Y" and first["sectors[SQ002]"] == ""
    assert first["employees"] == "85.0000000000"


def test_limesurvey__question_text_headings__refused_with_the_setting_to_change(tmp_path):
    path = render_export("limesurvey", [_row()], tmp_path / "ls.csv", "de", headings="full")
    with pytest.raises(InputError) as caught:
        analyse_file(path)
    assert caught.value.problems[0] == Problem("limesurvey_headings", file="ls.csv", row=1)


# --- mapping report, unknown and missing columns -------------------------------------------

def test_dry_run__mapping_report_says_how_each_column_was_read(cli, db_path):
    result = cli("ingest", EXPORTS / "kobo_de.xlsx", EXPORTS / "limesurvey_it.csv", EXPORTS / "googleforms_fr.csv",
                 "--dry-run", "--format", "json", db=db_path)
    assert result.exit_code == 0, result.stderr
    assert not db_path.exists()
    files = {f["file"]: {m["column"]: (m["question"], m["how"]) for m in f["mapping"]}
             for f in json.loads(result.stdout)["files"]}
    kobo, lime, google = files["kobo_de.xlsx"], files["limesurvey_it.csv"], files["googleforms_fr.csv"]
    group = Q.title["de"]
    assert kobo[f"{group}/Branchen"] == ("sectors", f"label (de) in group {group!r} "
                                                    "(summary; its option columns are read)")
    assert kobo[f"{group}/Branchen/Automobil"] == ("sectors", "option automotive of sectors (label)")
    assert kobo["_uuid"] == (None, "metadata")
    assert kobo["end"] == ("submitted_at", "metadata (submission time)")
    assert lime["valueChainStages[SQ002]"] == ("value_chain_stages",
                                               "option design of value_chain_stages, LimeSurvey code "
                                               "valueChainStages[SQ002]")
    assert google["Secteurs"] == ("sectors", "label (fr)")
    assert google["Horodateur"] == ("submitted_at", "metadata (submission time)")


def test_dry_run__near_miss_header__mapped_fuzzy(cli, db_path, tmp_path):
    path = EXPORTS / "canonical.csv"
    text = path.read_text(encoding="utf-8").replace("org_type", "Organisaton type", 1)
    (tmp_path / "typo.csv").write_text(text, encoding="utf-8")
    result = cli("ingest", tmp_path / "typo.csv", "--dry-run", "--format", "json", db=db_path)
    assert result.exit_code == 0, result.stderr
    mapping = {m["column"]: m for m in json.loads(result.stdout)["files"][0]["mapping"]}
    assert mapping["Organisaton type"]["question"] == "org_type"
    assert mapping["Organisaton type"]["how"] == "fuzzy: label (en) 'Organisation type'"


@pytest.mark.parametrize("header,expected", [
    ("Organisaton type", "org_type"), ("Nazwa organizacj", "org_name"), ("Favourite colour", None),
    ("Type", None),  # too short and too far from anything to guess
])
def test_fuzzy_header(header, expected):
    hit = fuzzy_header(Q, header)
    assert (hit[0] if hit else None) == expected


# each tool's header of the org_type column, so every adapter meets an unknown column
ORG_TYPE_HEADER = {
    "canonical.csv": "org_type",
    "kobo_xml.csv": "d12/org_type",
    "limesurvey_it.csv": "orgType",
    "googleforms_fr.csv": "Type d'organisation",
    "msforms_de.xlsx": "Art der Organisation",
    "surveymonkey_en.csv": "Organisation type",
}


def rename_header(source: Path, target: Path, old: str, new: str) -> Path:
    """Copy an export, renaming one header cell (CSV keeps its dialect; XLSX is re-saved)."""
    if source.suffix == ".xlsx":
        book = openpyxl.load_workbook(source)
        for cell in book.worksheets[0][1]:
            if cell.value == old:
                cell.value = new
        book.save(target)
        return target
    data = source.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    head, sep, rest = text.partition("\n")
    for quote in ('"', ""):
        head = head.replace(f"{quote}{old}{quote}", f"{quote}{new}{quote}", 1) if f"{quote}{old}{quote}" in head \
            else head
    target.write_bytes(("\ufeff" if bom else "").encode("utf-8") + (head + sep + rest).encode("utf-8"))
    return target


@pytest.fixture
def stored_db(tmp_path: Path) -> Path:
    """A database holding the canonical fixture's five members."""
    path = tmp_path / "stored.db"
    ingest_files(path, [EXPORTS / "canonical.csv"])
    return path


@pytest.mark.parametrize("name", sorted(ORG_TYPE_HEADER))
def test_unknown_column__error_names_closest_question__database_unchanged(stored_db, tmp_path, name):
    before = stored_db.read_bytes()
    bad = rename_header(EXPORTS / name, tmp_path / name, ORG_TYPE_HEADER[name], "Organisation category")
    with pytest.raises(InputError) as caught:
        ingest_files(stored_db, [bad])
    closest = "orgType" if name.startswith("limesurvey") else "Organisation type"
    column = "Organisation category" + (f"{C.FLAT_SEPARATOR}Response" if name.startswith("surveymonkey") else "")
    assert caught.value.problems[0] == Problem("unknown_column", file=name, row=1, column=column,
                                               params={"suggestion": did_you_mean(closest)})
    assert [p.code for p in caught.value.problems] == ["unknown_column", "missing_column"]
    assert stored_db.read_bytes() == before
    with pytest.raises(InputError) as ignored:  # still: org_type is required and now missing
        ingest_files(stored_db, [bad], ignore_unknown=True)
    assert [p.code for p in ignored.value.problems] == ["missing_column"]


def test_unknown_column__cli__exit_code_message_and_database_bytes(cli, db_path, tmp_path):
    assert cli("ingest", EXPORTS / "canonical.csv", db=db_path).exit_code == 0
    before = db_path.read_bytes()
    bad = rename_header(EXPORTS / "kobo_xml.csv", tmp_path / "kobo.csv", "d12/org_type", "d12/Organisation category")
    result = cli("ingest", bad, db=db_path)
    assert result.exit_code == InputError.exit_code
    assert Problem("unknown_column", file="kobo.csv", row=1, column="d12/Organisation category",
                   params={"suggestion": did_you_mean("Organisation type")}).message(
        lambda option: "--" + option.replace("_", "-")) in " ".join(result.stderr.split())  # options as flags
    assert db_path.read_bytes() == before


def test_unknown_column__ignored_when_asked(cli, db_path, tmp_path):
    bad = rename_header(EXPORTS / "msforms_it.xlsx", tmp_path / "ms.xlsx", "Regione", "Colore preferito")
    assert cli("ingest", bad, db=db_path).exit_code == InputError.exit_code
    result = cli("ingest", bad, "--ignore-unknown-columns", "--format", "json", db=db_path)
    assert result.exit_code == 0, result.stderr
    mapping = {m["column"]: m["how"] for m in json.loads(result.stdout)["files"][0]["mapping"]}
    assert mapping["Colore preferito"] == "ignored (matches no question)"


# --- bad values in every tool: clear error, database byte-identical --------------------------

BAD_EXPORTS = [
    ("canonical", "csv", "en", {}), ("xlsform", "csv", "en", {}), ("xlsform", "xlsx", "de", {"headers": "labels"}),
    ("limesurvey", "csv", "it", {}), ("limesurvey", "xlsx", "es", {"answers": "text", "headings": "codetext"}),
    ("googleforms", "csv", "fr", {}), ("msforms", "xlsx", "pl", {}), ("surveymonkey", "xlsx", "en", {}),
    ("surveymonkey", "csv", "de", {}),
]


BAD_ROWS = [_row(), _row(org_name="Zweite GmbH", trl="12"), _row(org_name="Dritte GmbH", contact_email="not-mail")]


@pytest.mark.parametrize("tool,fmt,lang,options", BAD_EXPORTS, ids=lambda v: v if isinstance(v, str) else "")
def test_bad_values__every_adapter__rejected_with_row_and_column__database_unchanged(stored_db, tmp_path,
                                                                                       tool, fmt, lang, options):
    before = stored_db.read_bytes()
    path = render_export(tool, BAD_ROWS, tmp_path / f"bad.{fmt}", lang, **options)
    with pytest.raises(ValidationError) as caught:
        ingest_files(stored_db, [path])
    first = 2 + (tool == "surveymonkey")  # SurveyMonkey's answers start below its second header row
    trl = Q.question("trl")
    columns = ADAPTERS[tool].read(read_table(path), Q).rows[1].columns
    assert caught.value.problems == [
        Problem("out_of_range", file=path.name, row=first + 1, column=columns["trl"],
                value="12.0000000000" if tool == "limesurvey" else "12", params={"low": trl.min, "high": trl.max}),
        Problem("bad_email", file=path.name, row=first + 2, column=columns["contact_email"], value="not-mail"),
    ]
    assert stored_db.read_bytes() == before
    result = ingest_files(stored_db, [path], skip_invalid=True)
    assert (result.accepted, result.set_aside) == (1, 2)


def test_bad_values__cli__exit_code_and_database_bytes(cli, db_path, tmp_path):
    assert cli("ingest", EXPORTS / "canonical.csv", db=db_path).exit_code == 0
    before = db_path.read_bytes()
    path = render_export("surveymonkey", BAD_ROWS, tmp_path / "bad.xlsx", "en")
    result = cli("ingest", path, db=db_path)
    assert result.exit_code == ValidationError.exit_code
    assert "bad.xlsx rejected, nothing was stored: 2 invalid answers" in " ".join(result.stderr.split())
    assert "row 4, column 'Technology readiness level (TRL) | Response'" in " ".join(result.stderr.split())
    assert db_path.read_bytes() == before


def test_option_column__value_that_is_no_tick_mark__set_aside(tmp_path):
    path = render_export("limesurvey", [_row()], tmp_path / "ls.csv", "en")
    text = path.read_text(encoding="utf-8-sig").replace('"Y","","","",', '"Y","maybe","","",', 1)
    path.write_text(text, encoding="utf-8-sig")
    problem = analyse_file(path).invalid[0].problems[0]
    assert (problem.code, problem.column) == ("unknown_choice", "sectors[SQ002]")


def test_no_adapter__rejected_listing_what_was_tried(tmp_path):
    path = tmp_path / "shopping.csv"
    path.write_text("item,quantity\napples,3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        analyse_file(path)
    assert caught.value.problems == [Problem("no_adapter", file="shopping.csv", params={"tried": ", ".join(ADAPTERS)})]
    assert "canonical, xlsform, limesurvey, googleforms, msforms, surveymonkey" in str(caught.value)


def test_forced_adapter__wrong_tool__clear_error(cli, db_path):
    result = cli("ingest", EXPORTS / "googleforms_fr.csv", "--adapter", "limesurvey", db=db_path)
    assert result.exit_code == InputError.exit_code
    assert Problem("limesurvey_headings", file="googleforms_fr.csv", row=1).message() in " ".join(result.stderr.split())
    result = cli("ingest", EXPORTS / "googleforms_fr.csv", "--adapter", "googleform", db=db_path)
    assert result.exit_code == 2 and "did you mean 'googleforms'?" in result.stderr


def test_surveymonkey__second_header_row_missing__clear_error(tmp_path):
    source = EXPORTS / "surveymonkey_en.csv"
    lines = source.read_bytes().split(b"\r\n")
    (tmp_path / "sm.csv").write_bytes(b"\r\n".join([lines[0]] + lines[2:]))
    with pytest.raises(InputError) as caught:
        analyse_file(tmp_path / "sm.csv")
    assert caught.value.problems == [Problem("surveymonkey_header", file="sm.csv", row=2,
                                             params={"detail": "row 2 is not SurveyMonkey's row of answer options"})]


# --- the real exports: each tool's actual shape ---------------------------------------------

def test_real_limesurvey__bom_crlf_read__text_headings_refused_with_the_setting():
    path = real("limesurvey/survey_998192_R_data_file.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n")
    table = read_table(path)
    assert table.source.encoding == "utf-8-sig" and table.header[:2] == ["Response ID", "Date submitted"]
    assert len(table.rows) == 7 and all("\r" not in cell for row in table.rows for cell in row.cells)
    assert choose_adapter(table, Q).name == "limesurvey"
    with pytest.raises(InputError) as caught:
        ADAPTERS["limesurvey"].read(table, Q)
    assert caught.value.problems[0].code == "limesurvey_headings"


def test_real_limesurvey__one_zero_marks_read_as_ticks():
    table = read_table(real("limesurvey/survey_998192_R_data_file.csv"))
    column = next(i for i, h in enumerate(table.header) if h.endswith("[Primary School]"))
    marks = {C.selection_mark(row.get(column), Q) for row in table.rows}
    assert marks <= {True, False} and True in marks


def test_real_google_forms__commas_inside_option_labels__split_longest_first():
    table = read_table(real("google-forms/first_year_form_responses_1.csv"))
    assert table.header[0] == C.GOOGLE_TIMESTAMP["en"]
    rank_columns = [i for i, h in enumerate(table.header) if h.startswith("What are you interested in?")]
    labels = sorted({row.get(i) for row in table.rows for i in rank_columns if row.get(i)})
    assert any(", " in label for label in labels)  # e.g. "Art (Visual Arts, Music, Theatre, etc.)"
    known = {label: label for label in labels}
    joined = ", ".join(labels)  # what a checkbox question with these options writes
    assert C.split_joined(joined, C.GOOGLE_CHECKBOX_SEPARATOR, known.get) == labels
    first = table.rows[0].get(0)
    assert C.parse_google_timestamp(first, "en") == dt.datetime.strptime(first, "%m/%d/%Y %H:%M:%S").isoformat(" ")


def test_real_google_forms__not_a_d12_form__no_adapter():
    table = read_table(real("google-forms/mentor_form_responses_1.csv"))
    assert ADAPTERS["googleforms"].detect(table, Q) == 0
    with pytest.raises(InputError) as caught:
        choose_adapter(table, Q)
    assert caught.value.problems[0].code == "no_adapter"


def test_real_ms_forms__real_excel_datetimes_read_as_iso():
    path = real("ms-forms/exampleformoutput.xlsx")
    raw = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    values = next(raw.iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(values[1], dt.datetime)
    table = read_table(path)
    assert tuple(table.header[:6]) == C.MSFORMS_META
    assert table.rows[0].get(1) == values[1].isoformat(sep=" ")
    assert ADAPTERS["msforms"].detect(table, Q) == 0  # its questions are not D1.2's


def test_real_surveymonkey__two_header_rows__question_forward_filled_over_its_options():
    table = read_table(real("surveymonkey/SurveyMonkeyRaw.xlsx"))
    assert len(table.header) == len(table.rows[0].cells) == 100  # option columns past the last question text
    flat = ADAPTERS["surveymonkey"].prepare(table, Q)
    assert flat.header[0] == "Respondent ID"
    assert f"Question 5{C.FLAT_SEPARATOR}Response 1" in flat.header
    assert f"Question 5{C.FLAT_SEPARATOR}Response 6" in flat.header  # five columns after the question text
    assert flat.header[-1].startswith(f"Question 30{C.FLAT_SEPARATOR}")  # the last question's last option
    assert flat.rows[0].number == 3  # the option row is header, not an answer
    assert table.rows[1].get(1) == "2021-01-22 12:01:17"  # Start Date, a real Excel date-time
    assert ADAPTERS["surveymonkey"].detect(table, Q) == 0  # its questions are not D1.2's


def test_real_xlsform__legacy_xls__refused_clearly():
    with pytest.raises(InputError) as caught:
        read_table(real("xlsform/I8n_label_choices.xls"))
    assert "legacy .xls" in str(caught.value)


def test_kobo_csv__semicolons_fully_quoted__split_columns_empty_not_zero_when_unanswered():
    text = (EXPORTS / "kobo_xml.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    records = (EXPORTS / "kobo_xml.csv").read_bytes().decode("utf-8").split("\r\n")
    field = r'"(?:[^"]|"")*"'  # every field quoted, quotes inside doubled
    assert all(re.fullmatch(f"({field};)*{field}", record) for record in records if record)
    assert read_table(EXPORTS / "kobo_xml.csv").source.delimiter == ";"
    header = rows[0]
    polytechnic = rows[3]  # Politechnika Lekka answered no certification
    cert = [i for i, h in enumerate(header) if h.startswith("d12/certifications/")]
    assert {polytechnic[i] for i in cert} == {""}
    assert {rows[1][i] for i in cert} == {"0", "1"}


# --- any answers, any tool: the writers and the adapters agree --------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="=+-@"), max_size=30) \
    .map(str.strip)
COUNTRIES = ["BO", "CD", "TW", "KR", "PS", "US", "JP", "DE", "MX"]


@st.composite
def responses(draw) -> dict[str, str]:
    """One valid response in canonical values, multiple answers in their list's order."""
    row: dict[str, str] = {}
    for q in Q.questions:
        if q.type in ("text", "email", "date"):
            continue
        if q.choices_from:
            pool = COUNTRIES
            picked = draw(st.lists(st.sampled_from(pool), unique=True, max_size=4, min_size=0 if q.is_multi else 1))
            row[q.code] = ";".join(sorted(picked)) if q.is_multi else picked[0]
        elif q.is_multi:
            codes = Q.choice_codes(q.code)
            picked = draw(st.sets(st.sampled_from(codes), min_size=1 if q.required else 0, max_size=5))
            row[q.code] = ";".join(c for c in codes if c in picked)
        elif q.choices:
            row[q.code] = draw(st.sampled_from(Q.choice_codes(q.code)))
        elif q.type in ("integer", "likert"):
            low, high = q.min or 0, q.max if q.max is not None else 10_000
            row[q.code] = draw(st.one_of(st.just(""), st.integers(low, high).map(str)))
    row["org_name"] = draw(TEXT.filter(bool))
    row["capabilities"] = draw(TEXT)
    row["contact_email"] = draw(st.sampled_from(["", "a.b@example.org"]))
    row["submitted_at"] = f"2026-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))} 1{draw(st.integers(0, 9))}:30:00"
    return row


@pytest.mark.parametrize("tool,suffix,lang,options", [
    ("xlsform", "csv", "en", {"headers": "xml"}), ("xlsform", "xlsx", "it", {"headers": "labels"}),
    ("limesurvey", "csv", "pl", {}), ("limesurvey", "xlsx", "fr", {"answers": "text", "headings": "codetext"}),
    ("googleforms", "csv", "es", {}), ("msforms", "xlsx", "de", {}), ("surveymonkey", "csv", "it", {}),
])
@pytest.mark.slow  # every tool's export of many generated answers
@settings(max_examples=12)
@given(rows=st.lists(responses(), min_size=1, max_size=3))
def test_any_answers__tool_export__same_as_canonical(tmp_path_factory, tool, suffix, lang, options, rows):
    folder = tmp_path_factory.mktemp("any")
    canonical = analyse_file(render_export("canonical", rows, folder / "c.csv"))
    exported = analyse_file(render_export(tool, rows, folder / f"t.{suffix}", lang, **options))
    assert exported.output.adapter == tool
    assert [v.answers for v in exported.valid] == [v.answers for v in canonical.valid]
    assert len(exported.invalid) == len(canonical.invalid) == 0


def test_surveymonkey__blank_header_beside_metadata__not_forward_filled(tmp_path):
    path = render_export("surveymonkey", [_row()], tmp_path / "sm.csv", "de")
    data = path.read_bytes().replace(b",IP Address,", b",,", 1)
    path.write_bytes(data)
    row = analyse_file(path).output.rows[0]
    assert row.raw["End Date"] == "01/10/2026 09:30:00 AM"  # not overwritten by the blank column after it
    assert row.values["submitted_at"] == "2026-01-10 09:30:00"


def test_duplicate_metadata_columns__refused_since_raw_cells_are_kept_by_header(tmp_path):
    path = rename_header(EXPORTS / "kobo_xml.csv", tmp_path / "kobo.csv", "_notes", "_uuid")
    with pytest.raises(InputError) as caught:
        analyse_file(path)
    assert caught.value.problems == [Problem("duplicate_column", file="kobo.csv", row=1, column="_uuid",
                                             params={"expected": "'_uuid'"})]
