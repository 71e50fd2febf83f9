"""`elca-match survey template|xlsform|show` through the real entry point."""

from __future__ import annotations

import json

import openpyxl
import pytest

from elca_match.errors import Problem, UsageError
from elca_match.questionnaire import load_questionnaire

from conftest import FIXTURES

Q = load_questionnaire()


def test_survey_template__german_xlsx__written_and_ingested_back_once_filled(cli, db_path, tmp_path):
    out = tmp_path / "d12-de.xlsx"
    result = cli("survey", "template", "--lang", "de", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert f"Wrote {out}" in " ".join(result.stderr.split())
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Name der Organisation"
    for column, value in {"A": "Leichtbau Nord GmbH", "C": "AMZ Automobilzulieferer Sachsen", "D": "Deutschland",
                          "F": "KMU", "I": "Automobil; Schienenfahrzeuge", "J": "Fügen, Montage, Systemintegration",
                          "V": "Ja"}.items():
        sheet[f"{column}3"] = value
    assert [sheet[f"{c}1"].value for c in "CDFIJV"] == [Q.question(code).label("de") for code in
                                                        ("cluster", "country", "org_type", "sectors",
                                                         "value_chain_stages", "consent")]
    book.save(out)
    ingested = cli("ingest", out, db=db_path)
    assert ingested.exit_code == 0, ingested.stderr
    assert "1 rows accepted, 0 set aside" in ingested.stdout


@pytest.mark.parametrize("args,expected", [
    (["--lang", "pl", "--format", "csv"], b"\xef\xbb\xbfNazwa organizacji;"),
    (["--lang", "en"], b"\xef\xbb\xbfOrganisation name,"),  # the format from the file's suffix
])
def test_survey_template__csv(cli, tmp_path, args, expected):
    out = tmp_path / "d12.csv"
    result = cli("survey", "template", *args, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(expected)


@pytest.mark.parametrize("args,message", [
    (["--lang", "nl"], Problem("unknown_name", value="nl", params={"what": "language",
                                                                   "allowed": "de, it, pl, fr, es, en"}).message()),
    (["--lang", "de", "--format", "pdf"], "there is no template format called pdf; use one of: xlsx, csv."),
])
def test_survey_template__bad_option__usage_error(cli, tmp_path, args, message):
    result = cli("survey", "template", *args, "--out", tmp_path / "x.xlsx")
    assert result.exit_code == UsageError.exit_code
    assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "x.xlsx").exists()


def test_survey_xlsform__written__pyxform_converts_it(cli, tmp_path):
    from pyxform.xls2xform import convert

    out = tmp_path / "d12.xlsx"
    result = cli("survey", "xlsform", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["survey", "choices", "settings"]
    assert convert(xlsform=str(out), validate=False).warnings == []


def test_survey_show__italian__every_question_with_label_and_limesurvey_code(cli):
    result = cli("survey", "show", "--lang", "it", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["code"]: row for row in json.loads(result.stdout)["sections"][0]["rows"]}
    assert list(rows) == Q.codes
    assert rows["sectors"]["label"] == "Settori"
    assert "automotive = Automotive" in rows["sectors"]["choices"]
    assert rows["sectors"]["LimeSurvey code"].startswith("sectors[SQ001], sectors[SQ002]")
    assert rows["trl"]["choices"] == "1..9" and rows["org_name"]["required"] == "yes"
    assert rows["submitted_at"]["LimeSurvey code"] == "submitdate"


def test_survey_show__older_version_and_unknown_version(cli):
    v1 = cli("survey", "show", "--version", "d12-v1", "--format", "json")
    assert v1.exit_code == 0, v1.stderr
    codes = [row["code"] for row in json.loads(v1.stdout)["sections"][0]["rows"]]
    assert "export_share" not in codes and "iso14001 = ISO 14001" in v1.stdout
    missing = cli("survey", "show", "--version", "d12-v9")
    assert missing.exit_code == 2 and "no questionnaire version called d12-v9 (did you mean 'd12-v2'?)" in missing.stderr


def test_survey_show__readable_table_by_default(cli):
    result = cli("survey", "show", "--lang", "fr")
    assert result.exit_code == 0, result.stderr
    assert "Nom de l'organisation" in result.stdout and "LimeSurvey code" in result.stdout


def test_survey__fixture_template_is_what_the_command_writes(cli, tmp_path):
    out = tmp_path / "d12-de.xlsx"
    assert cli("survey", "template", "--lang", "de", "--out", out).exit_code == 0
    fresh = [c.value for c in openpyxl.load_workbook(out).worksheets[0][2]]
    fixture = [c.value for c in openpyxl.load_workbook(FIXTURES / "exports" / "template_de.xlsx").worksheets[0][2]]
    assert fresh == fixture
