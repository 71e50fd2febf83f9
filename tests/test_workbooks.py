"""XLSX reading (issue 18 item 3, issue 15 item 4): calamine's speed, every guard kept, odd shapes bounded.

calamine and openpyxl must give the same table for every workbook the tools write; a
workbook whose grid would dwarf its cells is read by openpyxl's streaming reader; an
empty cell in column XFD on every row costs nothing; a value past the column limit is
refused naming its row before any reader builds a row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from elca_match.errors import InputError
from elca_match.tabular import MAX_COLUMNS, SourceInfo, _read_sheet, read_table
from elca_match.workbooks import (SheetShape, _calamine_sheets, _openpyxl_sheets, check_workbook, column_number,
                                  read_sheets, sheet_parts)

from conftest import FIXTURES
from test_tabular import cell, hand_made_xlsx

XLSX_FIXTURES = sorted(p for p in (FIXTURES / "exports").glob("*.xlsx")) + sorted((FIXTURES / "survey").glob("*.xlsx"))


def _table(sheets):
    title, rows = next(iter(sheets))
    table = _read_sheet(rows, SourceInfo("x.xlsx", "x.xlsx", "", "xlsx", sheet=title), MAX_COLUMNS)
    return title, table.header, [(r.number, r.cells) for r in table.rows]


@pytest.mark.parametrize("path", XLSX_FIXTURES, ids=lambda p: p.name)
def test_calamine_and_openpyxl__same_table_for_every_tool_workbook(path):
    data = path.read_bytes()
    assert _table(_calamine_sheets(data)) == _table(_openpyxl_sheets(data))


@pytest.mark.parametrize("letters,number", [(b"A", 1), (b"Z", 26), (b"AA", 27), (b"ALL", 1000), (b"XFD", 16384)])
def test_column_number(letters, number):
    assert column_number(letters) == number


def _rows_with(extra: str, count: int) -> str:
    body = [f'<row r="1">{cell("A1", "org_name")}{cell("B1", "country")}</row>']
    body += [f'<row r="{r}">{cell(f"A{r}", f"Org {r}")}{cell(f"B{r}", "DE")}{extra.format(r=r)}</row>'
             for r in range(2, count + 2)]
    return "".join(body)


def test_xfd_empty_cell_on_every_row__read_fast_at_the_known_width(tmp_path):
    path = tmp_path / "xfd.xlsx"
    path.write_bytes(hand_made_xlsx(_rows_with('<c r="XFD{r}" s="1"/>', 20_000)))
    table = read_table(path)  # how fast: benchmarks/bench_latency.py
    assert table.header == ["org_name", "country"]
    assert len(table.rows) == 20_000 and table.rows[-1].cells == ["Org 20001", "DE"]


def test_value_past_the_column_limit__refused_naming_its_row(tmp_path):
    sheet = _rows_with("", 5).replace('</row><row r="4">', f'{cell("XFD3", "far")}</row><row r="4">')
    path = tmp_path / "far.xlsx"
    path.write_bytes(hand_made_xlsx(sheet))
    with pytest.raises(InputError) as caught:
        read_table(path)
    problem = caught.value.problems[0]
    assert (problem.code, problem.row) == ("file_too_large", 3)
    assert "16384 columns, over the limit of 1000" in problem.message()


@pytest.mark.slow  # a sheet a million rows tall
def test_values_at_opposite_corners__not_a_dense_grid__streamed_by_openpyxl(tmp_path):
    sheet = (f'<row r="1">{cell("A1", "org_name")}{cell("ALL1", "last")}</row>'
             f'<row r="1048576">{cell("A1048576", "Bottom GmbH")}</row>')
    data = hand_made_xlsx(sheet)
    shapes = check_workbook(data, "corners.xlsx", MAX_COLUMNS)
    [shape] = shapes.values()
    assert (shape.last_row, shape.last_column, shape.cells) == (1_048_576, 1000, 3)
    assert not shape.dense()  # a billion-cell grid for three cells
    path = tmp_path / "corners.xlsx"
    path.write_bytes(data)
    table = read_table(path)
    assert table.header[0] == "org_name" and table.header[-1] == "last" and len(table.header) == 1000
    assert [(r.number, r.cells) for r in table.rows] == [(1_048_576, ["Bottom GmbH"])]


def test_cells_without_references__placed_by_position__read_by_openpyxl(tmp_path):
    sheet = ('<row r="1"><c t="inlineStr"><is><t>org_name</t></is></c><c t="inlineStr"><is><t>country</t></is></c>'
             '</row><row r="2"><c t="inlineStr"><is><t>Nord GmbH</t></is></c><c t="inlineStr"><is><t>DE</t></is>'
             '</c></row>')
    data = hand_made_xlsx(sheet)
    [shape] = check_workbook(data, "plain.xlsx", MAX_COLUMNS).values()
    assert shape.unreferenced and not shape.dense()
    path = tmp_path / "plain.xlsx"
    path.write_bytes(data)
    table = read_table(path)
    assert (table.header, [r.cells for r in table.rows]) == (["org_name", "country"], [["Nord GmbH", "DE"]])


def test_sheet_parts__in_workbook_order():
    data = (FIXTURES / "exports" / "kobo_de.xlsx").read_bytes()
    assert sheet_parts(data)[0].startswith("xl/worksheets/")


def test_dense_shape__budget():
    assert SheetShape(last_row=100_001, last_column=22, cells=2_200_022).dense()
    assert not SheetShape(last_row=1_000_000, last_column=702, cells=10).dense()
    assert not SheetShape(last_row=2, last_column=2, cells=4, unreferenced=True).dense()


def test_read_sheets__dense_workbook__read_by_calamine(monkeypatch):
    data = (FIXTURES / "exports" / "msforms_de.xlsx").read_bytes()
    shapes = check_workbook(data, "msforms_de.xlsx", MAX_COLUMNS)
    import elca_match.workbooks as workbooks

    monkeypatch.setattr(workbooks, "_openpyxl_sheets", lambda data: pytest.fail("openpyxl used"))
    assert next(iter(read_sheets(data, shapes)))[0]


_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 2 else "&lol;" * 10}">' for n in range(2, 10))
           + "]>")
_XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def hostile_workbook(path: Path, dtd: str, entity: str) -> Path:
    """A workbook whose sheet declares ``dtd`` and uses ``entity`` in a cell (also used by bench_latency.py)."""
    import io
    import zipfile

    from test_tabular import _xlsx_parts

    parts = _xlsx_parts(f'<row r="1">{cell("A1", "org_name")}</row><row r="2">{cell("A2", entity)}</row>')
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        '<?xml version="1.0"?>', '<?xml version="1.0"?>' + dtd)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("dtd,entity", [(_LAUGHS, "&lol9;"), (_XXE, "&xxe;")], ids=["billion-laughs", "xxe"])
def test_hostile_xml__entities_never_expanded__refused_as_broken(tmp_path, dtd, entity):
    path = hostile_workbook(tmp_path / "hostile.xlsx", dtd, entity)
    with pytest.raises(InputError) as caught:  # how soon: benchmarks/bench_latency.py
        read_table(path)
    assert caught.value.problems[0].code == "file_broken_xlsx"
    assert "root:" not in str(caught.value)
