"""Export settings that used to fail (issue 18): LimeSurvey Yes/No codings, Microsoft Forms in
other interface languages, and metadata that is read or, when it cannot be, named.

Every file is rendered exactly as the tool writes it (``elca_match.surveytools``), then
ingested through the real command line in-process.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from pathlib import Path
from unittest import mock

import openpyxl
import pytest

from elca_match.cli import main
from elca_match.errors import Problem
from elca_match.ingest.adapters.limesurvey import LIMESURVEY
from elca_match.ingest.validate import normalise_answer
from elca_match.questionnaire import load_questionnaire
from elca_match.services.ingest import analyse_file
from elca_match.surveytools import conventions as C
from elca_match.surveytools import render_export

LANGS = ["de", "it", "pl", "fr", "es", "en"]


def _rows() -> list[dict[str, str]]:
    base = {"org_name": "Leichtbau Nord GmbH", "cluster": "AMZ", "country": "DE", "org_type": "sme",
            "sectors": "automotive;rail", "value_chain_stages": "production", "trl": "6",
            "contact_email": "eva@example.org", "submitted_at": "2026-01-10 09:30:00"}
    return [{**base, "consent": "yes"}, {**base, "org_name": "Kompozyty Sp. z o.o.", "country": "PL",
                                         "consent": "no", "submitted_at": "2026-01-11 10:00:00"}]


def ingest(db: Path, *args: object, fmt: str = "json") -> tuple[int, str, dict | None]:
    """`elca-match ingest` through the console script's own main(), in this process."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["elca-match", "--db", str(db), "ingest", *map(str, args), "--format", fmt]
    code = 0
    with mock.patch.object(sys, "argv", argv), mock.patch.dict(os.environ, {"COLUMNS": "200", "NO_COLOR": "1"}), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
    data = json.loads(out.getvalue()) if code == 0 and fmt == "json" else None
    return code, out.getvalue() + err.getvalue(), data


# --- LimeSurvey: consent and every Yes/No question in each coding the export produces ----------

LIMESURVEY_CODINGS = [
    pytest.param({}, id="Y-N"),
    pytest.param({"convert_y": "1", "convert_n": "0"}, id="convert-Y-to-1-N-to-0"),
    pytest.param({"convert_y": "1", "convert_n": "2"}, id="convert-defaults-1-and-2"),
    pytest.param({"yes_no_as_list": True}, id="list-question-A1-A2"),
    pytest.param({"answers": "text"}, id="full-answer-text"),
]


@pytest.mark.parametrize("options", LIMESURVEY_CODINGS)
@pytest.mark.parametrize("lang", LANGS)
def test_limesurvey__consent_in_every_coding_and_language__read_as_yes_and_no(tmp_path, options, lang):
    path = render_export("limesurvey", _rows(), tmp_path / "lime.csv", lang, **options)
    analysed = analyse_file(path)
    assert analysed.output.adapter == "limesurvey"
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    assert [v.answers["consent"] for v in analysed.valid] == [True, False]
    assert [v.answers["sectors"] for v in analysed.valid] == [["automotive", "rail"]] * 2


def test_limesurvey__converted_codes__written_as_the_tool_writes_them(tmp_path):
    path = render_export("limesurvey", _rows(), tmp_path / "lime.csv", "de", convert_y="1", convert_n="0")
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text
    header, first, second = csv.reader(io.StringIO(text.decode("utf-8-sig"), newline=""))
    consent = header.index("consent")
    assert (first[consent], second[consent]) == ("1", "0")
    assert first[header.index("sectors[SQ001]")] == "1"  # "Convert Y to" applies to ticks as well


@pytest.mark.parametrize("value", ["Y", "y", "1", "A1", "Ja", "sí", "Tak", "Oui", "Yes"])
def test_limesurvey__yes_in_any_coding__consent_true(value):
    q = load_questionnaire()
    consent = q.question("consent")
    assert normalise_answer(consent, LIMESURVEY.convert_answer(consent, value, q), q)[0] is True


@pytest.mark.parametrize("value", ["N", "0", "2", "A2", "Nein", "No", "Nie", "Non"])
def test_limesurvey__no_in_any_coding__consent_false(value):
    q = load_questionnaire()
    consent = q.question("consent")
    assert normalise_answer(consent, LIMESURVEY.convert_answer(consent, value, q), q)[0] is False


# --- Microsoft Forms: metadata in the five clusters' interface languages and English -----------

@pytest.mark.parametrize("interface", sorted(C.MSFORMS_META_NAMES))
def test_msforms__interface_language__metadata_kept_and_completion_time_is_the_submission_date(tmp_path, interface):
    path = render_export("msforms", _rows(), tmp_path / "forms.xlsx", "es", interface=interface)
    header = [c.value for c in next(openpyxl.load_workbook(path).active.iter_rows(max_row=1))]
    assert header[:6] == list(C.MSFORMS_META_NAMES[interface])
    analysed = analyse_file(path)
    assert analysed.output.adapter == "msforms"
    assert [v.answers["submitted_at"] for v in analysed.valid] == ["2026-01-10 09:30:00", "2026-01-11 10:00:00"]
    assert not analysed.output.warnings
    assert analysed.output.rows[0].metadata[C.MSFORMS_META_NAMES[interface][0]] == "1"


def test_msforms__spanish_account_as_reported__ingested_with_dates(tmp_path):
    """The issue's report: a Spanish cluster's account, refused before."""
    names = ["Id", "Hora de inicio", "Hora de finalización", "Correo electrónico", "Nombre",
             "Hora de la última modificación"]
    path = render_export("msforms", _rows(), tmp_path / "mav.xlsx", "es", meta_names=names)
    code, output, data = ingest(tmp_path / "elca.db", path)
    assert code == 0, output
    assert data["files"][0]["accepted"] == 2 and data["files"][0]["warnings"] == []


def test_msforms__unknown_metadata_names__recognised_by_position_and_type(tmp_path):
    path = render_export("msforms", _rows(), tmp_path / "forms.xlsx", "de",
                         meta_names=["Nr.", "Begonnen", "Beendet", "Mail", "Person", "Geändert"])
    analysed = analyse_file(path)
    assert analysed.output.adapter == "msforms"
    assert [v.answers["submitted_at"] for v in analysed.valid] == ["2026-01-10 09:30:00", "2026-01-11 10:00:00"]
    how = {m.column: m.how for m in analysed.output.mapping}
    assert how["Beendet"] == "metadata (Microsoft Forms' 'Completion time', recognised by position and type) " \
                             "(submission time)"


def _forms_without_completion_column(path: Path) -> Path:
    """A Forms workbook whose completion time sits under a name and at a place nothing recognises."""
    source = render_export("msforms", _rows(), path.with_name("source.xlsx"), "de")
    rows = [list(r) for r in openpyxl.load_workbook(source).active.iter_rows(values_only=True)]
    book = openpyxl.Workbook()
    for row in rows:
        completion = row.pop(2)
        book.active.append(row + [("Abgeschickt am" if row[0] == "ID" else completion)])
    book.save(path)
    return path


def test_msforms__unmapped_completion_time__refused_naming_the_column(tmp_path):
    path = _forms_without_completion_column(tmp_path / "forms.xlsx")
    code, output, _ = ingest(tmp_path / "elca.db", path)
    assert code == 3
    assert "column 'Abgeschickt am'" in " ".join(output.split())


def test_msforms__ignore_unknown_columns__unmapped_date_is_a_warning_with_its_count(tmp_path):
    path = _forms_without_completion_column(tmp_path / "forms.xlsx")
    code, output, data = ingest(tmp_path / "elca.db", path, "--ignore-unknown-columns")
    assert code == 0, output
    result = data["files"][0]
    expected = Problem("submission_date_unmapped", file="forms.xlsx", row=1, params={
        "count": 2, "rows": 2, "question": "submitted_at", "ignored": " (ignored: 'Abgeschickt am')",
        "expected": repr(C.MSFORMS_SUBMITTED)}).message()
    assert expected in result["warnings"]
    assert {m["column"]: m["how"] for m in result["mapping"]}["Abgeschickt am"] == "ignored (matches no question)"
    code, output, _ = ingest(tmp_path / "other.db", path, "--ignore-unknown-columns", fmt="table")
    assert code == 0 and "2 of 2 rows have no submitted_at" in " ".join(output.split())
