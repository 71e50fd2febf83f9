"""Workbooks for people (plan, agenda): labelled headers, member names, Excel dates, labels, any language."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest

from elca_match.cli import run
from elca_match.i18n import LANGUAGES, catalogue

from test_cli_narrow import built  # noqa: F401  (the fixture database)

CODE = re.compile(r"[a-z]+(_[a-z]+)+")  # a column code such as start_date or seats_empty
KEY = re.compile(r"(id|name|pic):")  # how member keys begin


def workbook(db: Path, tmp_path: Path, *args: str) -> openpyxl.Workbook:
    path = tmp_path / "plan.xlsx"
    assert run(["--db", str(db), "-q", *args, "--out", str(path)]) == 0
    return openpyxl.load_workbook(path)


def tables(book: openpyxl.Workbook) -> dict[str, tuple[list, list[tuple]]]:
    """Sheet title -> (header, data rows up to the first empty row)."""
    out = {}
    for sheet in book.worksheets[1:]:
        header = [c.value for c in sheet[1]]
        rows = []
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if not any(v is not None for v in row):
                break
            rows.append(row)
        out[sheet.title] = (header, rows)
    return out


def test_plan_xlsx__labels_names_dates_keys_last(built, tmp_path):  # noqa: F811
    book = workbook(built, tmp_path, "plan", "--format", "xlsx")
    en = catalogue("en")
    assert book.sheetnames == [en["sheet.summary"], *(en[f"plan.sheet.{k}"] for k in (
        "calendar", "assignments", "unfilled", "waitlist", "left_out", "certificate"))]
    sheets = tables(book)
    for title, (header, _) in sheets.items():
        assert not [h for h in header if CODE.fullmatch(str(h))], (title, header)
    header, rows = sheets[en["plan.sheet.assignments"]]
    assert rows and header[0] == en["col.organisation"] and header[-1] == en["plan.col.member_key"]
    assert all(KEY.match(row[-1]) for row in rows)
    for row in rows:
        assert not any(isinstance(v, str) and KEY.match(v) for v in row[:-1]), row  # the key only at the end
        assert isinstance(row[header.index(en["col.fit"])], float)
        assert "_" not in row[header.index(en["col.why"])].split(" text: ")[0]  # labels, not codes
    cells = book[en["plan.sheet.assignments"]]
    start = header.index(en["plan.col.start"])
    dates = [row[start] for row in cells.iter_rows(min_row=2, max_row=len(rows) + 1)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dates)
    calendar_header, calendar = sheets[en["plan.sheet.calendar"]]
    assert all(isinstance(row[calendar_header.index(en["plan.col.end"])], dt.datetime) for row in calendar)
    assert {row[calendar_header.index(en["col.type"])] for row in calendar} <= {
        en[f"mtype.{t}"] for t in ("exploratory", "showcase", "expert_visit", "final")}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_plan_xlsx__lang_leaves_no_english_header(built, tmp_path, lang):  # noqa: F811
    book = workbook(built, tmp_path, "plan", "--format", "xlsx", "--lang", lang)
    english = {v for k, v in catalogue("en").items() if k.startswith(("col.", "plan.", "sheet.", "word."))}
    translated = set(catalogue(lang).values())
    assert book.sheetnames[0] == catalogue(lang)["sheet.summary"]
    assert not (set(book.sheetnames) & english) - translated
    for title, (header, _) in tables(book).items():
        assert not (set(header) & english) - translated, (title, (set(header) & english) - translated)
    keys = {row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row[0]}
    assert not (keys & english) - translated


def test_plan_show__xlsx_by_suffix_in_german(built, tmp_path):  # noqa: F811
    assert run(["--db", str(built), "-q", "plan", "--format", "json", "--out", str(tmp_path / "p.json")]) == 0
    book = workbook(built, tmp_path, "plan", "show", "1", "--lang", "de")
    de, en = catalogue("de"), catalogue("en")
    assert de["plan.sheet.calendar"] in book.sheetnames
    items = {row[0] for row in book[de["plan.sheet.certificate"]].iter_rows(min_row=2, values_only=True)}
    assert de["plan.cert.dual_bound"] in items and not items & {v for k, v in en.items() if k.startswith("plan.cert.")}
    notes = [row[5] for row in book[de["plan.sheet.waitlist"]].iter_rows(min_row=2, values_only=True) if row[5]]
    assert not [n for n in notes if "now on" in n or n == "free"]


def test_waitlist_notes__in_the_readers_language():
    from types import SimpleNamespace

    from elca_match.questionnaire import load_questionnaire
    from elca_match.services.plan_workbook import _Book

    book = _Book(SimpleNamespace(plan=SimpleNamespace(missions=())), "de", load_questionnaire())
    note = "now on M06, M07; AMZ is at its quota here: can only replace a AMZ member"
    assert book.note(note) == ("jetzt auf M06, M07; AMZ hat hier seine Quote erreicht: kann nur ein Mitglied von "
                               "AMZ ersetzen")
    assert book.note("free") == "frei" and book.note("something new") == "something new"


def test_plan_csv__keeps_its_column_codes_whatever_the_language(built, tmp_path):  # noqa: F811
    path = tmp_path / "plan.csv"
    assert run(["--db", str(built), "-q", "plan", "--format", "csv", "--lang", "de", "--out", str(path)]) == 0
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert header[:3] == ["mission", "start_date", "end_date"] and "member" in header


def test_plan__unknown_language_is_a_usage_error(built, tmp_path, capsys):  # noqa: F811
    assert run(["--db", str(built), "plan", "--format", "xlsx", "--lang", "dee",
                "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "de" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_agenda_xlsx__lang_de__catalogue_headings_and_labelled_why(built, tmp_path):  # noqa: F811
    book = workbook(built, tmp_path, "agenda", "export", "--mission", "M06", "--lang", "de")
    de, en = catalogue("de"), catalogue("en")
    english = {v for k, v in en.items() if k.startswith("agenda.")} - set(de.values())
    assert book.sheetnames[0] == de["sheet.summary"] and de["agenda.room_grid"] in book.sheetnames
    assert all(name.startswith(("Agenda von", de["agenda.room_grid"])) for name in book.sheetnames[1:])
    for title, (header, rows) in tables(book).items():
        assert not set(header) & english, title
    keys = {row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row[0]}
    assert de["agenda.sum.meetings"] in keys and not keys & english
    header, rows = tables(book)[book.sheetnames[1]]
    why = [row[header.index(de["agenda.why"])] for row in rows]
    assert why and not [w for w in why if "_" in w.split("Text: ")[0]]  # labels, not codes such as adhesive_bonding
    assert all(isinstance(row[0], dt.datetime) for row in rows)  # the day is an Excel date
    for sheet in book.sheetnames[1:-1]:
        header, rows = tables(book)[sheet]
        who = [row[header.index(de["agenda.who"])] for row in rows]
        assert not [w for w in who if re.search(r"\b(member|sme|large|intermediary)\b|, [A-Z]{2}$", w)], who


@pytest.mark.parametrize(("text", "expected"), [
    ("AMZ member, sme, DE", "Mitglied von AMZ, KMU, Deutschland"),
    ("intermediary, Osaka", "Vermittler, Osaka"),
    ("cluster, JP", "Cluster oder Netzwerk, Japan"),
    ("something else", "something else"),
])
def test_who_they_are__labels_in_german(text, expected):
    from elca_match.questionnaire import load_questionnaire
    from elca_match.services.agenda_labels import who_label

    assert who_label(text, "de", load_questionnaire()) == expected


def test_agenda_json__table_names_the_same_in_every_language(built, tmp_path):  # noqa: F811
    import json

    names = []
    for lang in ("en", "de"):
        path = tmp_path / f"agenda-{lang}.json"
        assert run(["--db", str(built), "-q", "agenda", "export", "--mission", "M06", "--format", "json",
                    "--lang", lang, "--out", str(path)]) == 0
        names.append(list(json.loads(path.read_text(encoding="utf-8"))["tables"]))
    assert names[0] == names[1] and "room-grid" in names[0]
