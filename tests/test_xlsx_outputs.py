"""Workbooks that need no cleaning: the invitation list, print set-up, dates, sheet names, languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from elca_match.cli import run
from elca_match.export import Document, Section, write
from elca_match.export.xlsx import sheet_names
from elca_match.i18n import catalogue

from conftest import FIXTURES
from test_cli_narrow import built  # noqa: F401  (the fixture database)


def workbook(db: Path, tmp_path: Path, *args: str) -> openpyxl.Workbook:
    path = tmp_path / "out.xlsx"
    assert run(["--db", str(db), "-q", *args, "--out", str(path)]) == 0
    return openpyxl.load_workbook(path)


def test_shortlist__opens_on_invite_each_organisation_once_with_drop_downs(built, tmp_path):  # noqa: F811
    book = workbook(built, tmp_path, "export", "shortlist", "--country", "japan", "--with-contacts")
    assert book.sheetnames[:2] == ["Invite", "Summary"] and book.active.title == "Invite"
    invite = book["Invite"]
    header = [c.value for c in invite[1]]
    assert header[:6] == ["organisation", "cluster", "type", "region", "country", "TRL"]
    assert header[-3:] == ["invitation", "meeting slot", "notes"]
    assert "market experience in Japan" in header and "contact e-mail" in header
    names = []
    for row in invite.iter_rows(min_row=2, values_only=True):
        if not row[0]:
            break  # the notes follow an empty row
        names.append(row[0])
    listed = {r[1] for s in book.worksheets[2:] for r in s.iter_rows(min_row=2, values_only=True) if r[1]}
    assert sorted(names) == sorted(set(names)) == sorted(listed)  # every organisation, each once
    fits = [row[header.index("best fit")] for row in invite.iter_rows(min_row=2, max_row=len(names) + 1,
                                                                     values_only=True)]
    assert fits == sorted(fits, reverse=True) and all(isinstance(f, float) for f in fits)
    rules = invite.data_validations.dataValidation
    assert len(rules) == 1 and rules[0].type == "list"
    assert rules[0].formula1 == '"invited,confirmed,declined"'
    column = openpyxl.utils.get_column_letter(header.index("invitation") + 1)
    assert str(rules[0].sqref).startswith(f"{column}2:{column}")
    email = header.index("contact e-mail")
    links = [r[email].hyperlink.target for r in invite.iter_rows(min_row=2, max_row=len(names) + 1)
             if r[email].value]
    assert links and all(link.startswith("mailto:") for link in links)


def test_every_sheet__landscape_fit_to_width_header_repeated(built, tmp_path):  # noqa: F811
    for args in (["export", "shortlist", "--country", "japan"], ["plan", "--format", "xlsx"],
                 ["missions", "list", "--format", "xlsx"]):
        book = workbook(built, tmp_path, *args)
        for sheet in book.worksheets:
            assert sheet.page_setup.orientation == "landscape", (args, sheet.title)
            assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
            assert sheet.page_setup.fitToHeight == 0
            if sheet.max_row > 1:
                assert sheet.print_title_rows == "$1:$1", (args, sheet.title)


def test_missions__dates_are_excel_dates(built, tmp_path):  # noqa: F811
    book = workbook(built, tmp_path, "missions", "list", "--format", "xlsx")
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    start = header.index("start_date")
    cells = [row[start] for row in sheet.iter_rows(min_row=2) if row[start].value is not None]
    assert cells and all(c.is_date and isinstance(c.value, dt.datetime) for c in cells)
    assert all(c.number_format == "yyyy-mm-dd" for c in cells)


def test_shortlist__lang_de__no_english_header(built, tmp_path):  # noqa: F811
    book = workbook(built, tmp_path, "export", "shortlist", "--country", "japan", "--lang", "de", "--with-contacts")
    english = {v for k, v in catalogue("en").items() if k.startswith(("col.", "sheet.", "sum.", "word."))}
    german = set(catalogue("de").values())
    assert book.sheetnames[:2] == ["Einladen", "Übersicht"]
    for sheet in [book.worksheets[0], *book.worksheets[2:]]:
        headers = {c.value for c in sheet[1] if c.value}
        assert not (headers & english) - german, (sheet.title, (headers & english) - german)
    keys = {row[0] for row in book["Übersicht"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "Abfrage" in keys and not (keys & english) - german


@pytest.mark.parametrize(("titles", "expected"), [
    (["JP-AUT-01 Aluminium, high-strength steel and CFRP"], ["JP-AUT-01 Aluminium"]),
    (["JP-1 CFRP body panels/(EV)-roof modules"], ["JP-1 CFRP body panels-(EV)-roof"]),
    (["A" * 40], ["A" * 31]),
    (["Same title that is much too long here", "Same title that is much too long there"],
     ["Same title that is much too", "Same title that is much too (2)"]),
])
def test_sheet_names__cut_between_words_unique(titles, expected):
    assert sheet_names(titles) == expected


def test_sheet_names__never_cut_inside_a_word():
    titles = [f"MX-AUT-0{i} Lightweighting thermoplastic composite bumper beams" for i in range(5)]
    words = set(" ".join(titles).split())
    for name in sheet_names(titles):
        assert all(w in words for w in name.removesuffix(")").split() if not w.startswith("(")), name
        assert len(name) <= 31


def test_iso_text_dates__stored_as_dates(tmp_path):
    path = tmp_path / "d.xlsx"
    write(Document("D", [Section("Dates", ["when", "at", "code"], [["2027-03-09", "2027-03-09 14:30", "2027-13-99"]])]),
          "xlsx", path)
    row = openpyxl.load_workbook(path)["Dates"][2]
    assert row[0].is_date and row[0].value == dt.datetime(2027, 3, 9)
    assert row[1].is_date and row[1].value == dt.datetime(2027, 3, 9, 14, 30)
    assert row[2].value == "2027-13-99"  # not a date: kept as text


def test_fixture_files_exist():
    assert (FIXTURES / "outcomes" / "missions.csv").exists()
