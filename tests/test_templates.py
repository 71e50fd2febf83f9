"""Blank questionnaires: the response sheet in six languages read back unchanged, and the XLSForm."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from elca_match import markets
from elca_match.errors import InputError, Problem, UsageError
from elca_match.questionnaire import load_questionnaire
from elca_match.services.ingest import analyse_file
from elca_match.surveytools import render_export
from elca_match.surveytools.forms import help_text, is_help_row
from elca_match.surveytools.writers import label_of
from elca_match.templates import (
    CSV_DELIMITER,
    TEMPLATE_ROWS,
    write_template,
    write_xlsform,
    xlsform_sheets,
)

from conftest import FIXTURES, SHARED

Q = load_questionnaire()
LANGS = ["de", "it", "pl", "fr", "es", "en"]
EXPORTS = FIXTURES / "exports"


def answers(path) -> list[dict]:
    analysed = analyse_file(path)
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    return [v.answers for v in analysed.valid]


CANONICAL = answers(EXPORTS / "canonical.csv")


@pytest.mark.parametrize("lang", LANGS)
def test_template_xlsx__translated_headers_help_row_and_dropdowns(tmp_path, lang):
    path = write_template(tmp_path / f"d12-{lang}.xlsx", lang)
    book = openpyxl.load_workbook(path)
    sheet, lists = book.worksheets
    assert [c.value for c in sheet[1]] == [q.label(lang) for q in Q.questions]
    assert [c.value for c in sheet[2]] == [help_text(q, lang) for q in Q.questions]
    assert sheet.freeze_panes == "A3"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    column = {q.code: openpyxl.utils.get_column_letter(i) for i, q in enumerate(Q.questions, 1)}
    single = [q for q in Q.questions if q.is_choice and not q.is_multi]
    assert {q.code for q in single} >= {"cluster", "country", "org_type", "consent"}
    for q in single:
        rule = validations[f"{column[q.code]}3:{column[q.code]}{2 + TEMPLATE_ROWS}"]
        assert rule.type == "list" and rule.errorStyle == "warning"
        sheet_name, cells = rule.formula1.split("!")
        assert sheet_name.strip("'") == lists.title
        letter = cells.split("$")[1]
        listed = [c.value for c in lists[letter][1:] if c.value is not None]
        expected = [markets.country_name(c, lang) for c in markets.country_codes()] if q.choices_from \
            else [label_of(Q, q, c.code, lang) for c in q.choices]
        assert sorted(listed) == sorted(expected)
    trl = validations[f"{column['trl']}3:{column['trl']}{2 + TEMPLATE_ROWS}"]
    assert (trl.type, trl.operator, trl.formula1, trl.formula2) == ("whole", "between", "1", "9")
    assert not any(f"{column[q.code]}3:" in ref for q in Q.questions if q.type == "text" for ref in validations)


@pytest.mark.parametrize("lang", LANGS)
def test_template_csv__excel_list_separator_bom_and_help_row(tmp_path, lang):
    path = write_template(tmp_path / f"d12-{lang}.csv", lang)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=CSV_DELIMITER[lang]))
    assert rows == [[q.label(lang) for q in Q.questions], [help_text(q, lang) for q in Q.questions]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template__blank__ingest_says_there_are_no_answers(tmp_path, fmt):
    path = write_template(tmp_path / f"blank.{fmt}", "fr")
    with pytest.raises(InputError) as caught:
        analyse_file(path)
    assert caught.value.problems == [Problem("file_header_only", file=path.name)]


def test_german_template_and_kobo_export__round_trip_to_the_same_answers():
    template = answers(EXPORTS / "template_de.xlsx")  # the German template filled in with German labels
    kobo = answers(EXPORTS / "kobo_de.xlsx")  # KoboToolbox export of the `survey xlsform` form, German labels
    kobo_names = answers(EXPORTS / "kobo_xml.csv")  # the same, XML names and values
    assert template == kobo == kobo_names == CANONICAL
    book = openpyxl.load_workbook(EXPORTS / "template_de.xlsx")
    assert book.worksheets[0]["C3"].value == "AMZ Automobilzulieferer Sachsen"  # a drop-down label, as typed


def test_template_csv__filled_in_polish__help_row_left_in__same_answers(tmp_path):
    path = write_template(tmp_path / "d12-pl.csv", "pl")
    rows = [[_cell(q, row.get(q.code, ""), "pl") for q in Q.questions] for row in _canonical_rows()]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(path.read_bytes() + buffer.getvalue().encode("utf-8"))
    assert answers(path) == CANONICAL


def _canonical_rows() -> list[dict[str, str]]:
    with open(EXPORTS / "canonical.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cell(question, value: str, lang: str) -> str:
    if value and (question.is_choice or question.type == "consent"):
        codes = value.split(";") if question.is_multi else [value]
        return "; ".join(label_of(Q, question, code, lang) for code in codes)
    return value


@pytest.mark.parametrize("lang", LANGS)
def test_help_row__recognised_in_every_language(lang):
    cells = {q.code: help_text(q, lang) for q in Q.questions}
    assert is_help_row(cells, Q)
    assert is_help_row({**cells, "region": ""}, Q)  # a cleared help cell is still the help row
    assert not is_help_row({**cells, "org_name": "Leichtbau Nord GmbH"}, Q)
    assert not is_help_row({q.code: "" for q in Q.questions}, Q)


def test_help_row__edited__not_skipped_silently(tmp_path):
    path = write_template(tmp_path / "d12-it.xlsx", "it")
    book = openpyxl.load_workbook(path)
    book.worksheets[0]["A2"] = "Nome completo, per favore"
    book.save(path)
    analysed = analyse_file(path)
    assert [bad.row.number for bad in analysed.invalid] == [2]  # reported, never dropped


def test_help_text__says_required_and_range_in_the_language():
    assert help_text(Q.question("trl"), "de").startswith("Ganze Zahl von 1 bis 9.")
    assert help_text(Q.question("sectors"), "fr").startswith("Obligatoire. Un ou plusieurs choix de la feuille")
    assert help_text(Q.question("consent"), "pl") == "Wymagane. Tak / Nie."


def test_template__unknown_language_or_format__usage_error(tmp_path):
    with pytest.raises(UsageError) as caught:
        write_template(tmp_path / "x.xlsx", "nl")
    assert "de, it, pl, fr, es, en" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        write_template(tmp_path / "x.ods", "de")
    assert "use one of: xlsx, csv" in str(caught.value)


# --- the XLSForm ---------------------------------------------------------------------------

LANGUAGE_COLUMNS = ["Deutsch (de)", "Italiano (it)", "Polski (pl)", "Français (fr)", "Español (es)", "English (en)"]


def test_xlsform__sheets_language_columns_selects_required_and_constraints():
    sheets = xlsform_sheets(Q)
    assert list(sheets) == ["survey", "choices", "settings"]
    header, *rows = sheets["survey"]
    assert [h for h in header if h.startswith("label::")] == [f"label::{name}" for name in LANGUAGE_COLUMNS]
    survey = {row[1]: dict(zip(header, row)) for row in rows if row[1]}
    assert survey["sectors"]["type"] == "select_multiple sectors"
    assert survey["cluster"]["type"] == "select_one clusters"
    assert survey["country"]["type"] == "select_one countries"
    assert survey["target_markets"]["type"] == "select_multiple countries"
    assert survey["trl"]["type"] == "integer" and survey["trl"]["constraint"] == ". >= 1 and . <= 9"
    assert survey["trl"]["constraint_message::Deutsch (de)"] == "Ganze Zahl von 1 bis 9."
    assert survey["sectors"]["label::Polski (pl)"] == "Sektory"
    assert {code for code, row in survey.items() if row["required"] == "yes"} == \
        set(Q.required_codes()) - {"submitted_at"}
    assert "submitted_at" not in survey and survey["end"]["type"] == "end"  # Kobo's own completion time
    choice_header, *choices = sheets["choices"]
    assert choice_header[:2] == ["list_name", "name"]
    assert [c[1] for c in choices if c[0] == "sectors"] == Q.choice_codes("sectors")
    assert len([c for c in choices if c[0] == "countries"]) == len(markets.country_codes())
    assert dict(zip(*sheets["settings"]))["version"] == Q.version


def test_xlsform__pyxform_converts_it_without_errors_or_warnings(tmp_path):
    from pyxform.xls2xform import convert

    path = write_xlsform(tmp_path / "d12.xlsx")
    result = convert(xlsform=str(path), validate=False)
    assert result.warnings == []
    assert re.findall(r'<translation lang="([^"]+)"', result.xform) == LANGUAGE_COLUMNS
    assert '<translation lang="English (en)" default="true()">' in result.xform
    assert 'constraint=". &gt;= 1 and . &lt;= 9"' in result.xform
    assert 'nodeset="/data/d12/sectors"' in result.xform  # the group Kobo puts in front of every header


def test_xlsform__kobo_export_headers_are_its_names():
    sheets = xlsform_sheets(Q)
    names = [row[1] for row in sheets["survey"][1:] if row[0] not in ("begin_group", "end_group", "start", "end")]
    table = list(csv.reader(io.StringIO((EXPORTS / "kobo_xml.csv").read_text(encoding="utf-8")), delimiter=";"))
    questions = [h.split("/")[1] for h in table[0] if h.count("/") == 1]
    assert questions == names


def test_real_xlsform__same_language_column_convention():
    path = SHARED / "real-exports" / "xlsform" / "I8n_lang_choicefilter.xlsx"
    if not path.exists():
        pytest.skip("the real XLSForm is not in ../shared/real-exports/ beside this checkout")
    header = [c.value for c in openpyxl.load_workbook(path, read_only=True)["survey"][1]]
    pattern = re.compile(r"(label|hint)::[^()]+ \([a-z]{2}\)")
    real = [h for h in header if h and "::" in h]
    assert real and all(pattern.fullmatch(h) for h in real)
    ours = [h for h in xlsform_sheets(Q)["survey"][0] if h.startswith(("label::", "hint::"))]
    assert all(pattern.fullmatch(h) for h in ours)


def test_kobo_writer__labels_export_in_every_language_round_trips(tmp_path):
    rows = _canonical_rows()
    for lang in LANGS:
        path = render_export("xlsform", rows, tmp_path / f"kobo-{lang}.csv", lang, headers="labels")
        assert answers(path) == CANONICAL, lang
