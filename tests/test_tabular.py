"""tabular.read_table: encodings, delimiters, quoting, XLSX cells, and every file it must refuse."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from elca_match.errors import InputError, Problem
from elca_match.tabular import MAX_CELL_LENGTH, MAX_COLUMNS, MAX_XLSX_ROWS, cell_text, read_table

TEXT = "Kühlerträger aus Aluminium, „präzise“ – 25 % leichter; Prüfstand €"


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- what is read -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding,delimiter,detected", [
    ("utf-8", ",", "utf-8"),
    ("utf-8-sig", ";", "utf-8-sig"),
    ("utf-16", "\t", "utf-16"),  # Excel "Unicode text": BOM, tab-separated
    ("utf-16-le", "\t", "utf-16-le"),  # the same without a BOM
    ("utf-16-be", ",", "utf-16-be"),
    ("cp1252", ";", "cp1252"),
])
def test_read_table__encoding_and_delimiter__detected_and_text_exact(tmp_path, encoding, delimiter, detected):
    text = TEXT if encoding != "cp1252" else TEXT.replace("„", '"').replace("“", '"')
    path = write(tmp_path, "in.csv", csv_bytes([["org_name", "capabilities"], ["Müller GmbH", text]], delimiter, encoding))
    table = read_table(path)
    assert (table.source.encoding, table.source.delimiter, table.source.format) == (detected, delimiter, "csv")
    assert table.header == ["org_name", "capabilities"]
    assert [r.cells for r in table.rows] == [["Müller GmbH", text]]


@pytest.mark.parametrize("lang,text,encoding", [
    ("de", "Schiffbau und maritime Wirtschaft; Fügen, Montage; Zerstörungsfreie Prüfung", "cp1252"),
    ("it", "Università; Giunzione, assemblaggio; Città più leggera", "cp1252"),
    ("fr", "Pôle ou réseau; Matériaux hybrides; Essais, réparation, fin de vie", "cp1252"),
    ("es", "Clúster o red; España; ¿Año de fundación?", "cp1252"),
    ("pl", "Bydgoski Klaster Przemysłowy; Łączenie, montaż; Gdańsk", "cp1250"),
])
def test_read_table__windows_code_page_of_each_language__read_exactly(tmp_path, lang, text, encoding):
    # Excel's "CSV" is in the user's Windows code page; open-ended detection misread a third of these
    rows = [["org_name", "capabilities"], ["Org", text], ["Org 2", text.upper()]]
    table = read_table(write(tmp_path, "in.csv", csv_bytes(rows, ";", encoding)))
    assert table.source.encoding == encoding
    assert [r.cells for r in table.rows] == rows[1:]


def test_read_table__quoted_newlines_and_delimiters__one_cell_and_user_row_numbers(tmp_path):
    rows = [["org_name", "capabilities"], ["A", 'line one, "quoted"\nline two'], ["B", "plain"]]
    table = read_table(write(tmp_path, "in.csv", csv_bytes(rows)))
    assert [r.cells for r in table.rows] == rows[1:]
    assert [r.number for r in table.rows] == [2, 3]  # header is row 1, records counted as a user sees them


@pytest.mark.parametrize("rows,delimiter", [
    ([["org_name", "sectors", "capabilities"], ['";', "automotive;rail", 'a "b"; c']], ","),  # csv.Sniffer said ;
    ([["org_name", "Design, simulation, engineering"], ["A, B und C", "x,y,z"], ["D", "w"]], ";"),
    ([["org_name", "capabilities"], ["A;B", "1,2;3"]], "\t"),
    ([["org_name", "sectors"], ["Solo", "rail"]] * 1 + [["x" * 30_000, "rail"]] * 3, ","),  # past the sample
])
def test_read_table__delimiter_inside_cells__header_decides(tmp_path, rows, delimiter):
    table = read_table(write(tmp_path, "in.csv", csv_bytes(rows, delimiter)))
    assert table.source.delimiter == delimiter
    assert [table.header] + [r.cells for r in table.rows] == rows


def test_read_table__blank_rows__skipped_but_numbers_kept(tmp_path):
    table = read_table(write(tmp_path, "in.csv", b"org_name,x\r\n,\r\nA,b\r\n\r\nB,c\r\n"))
    assert [(r.number, r.cells[0]) for r in table.rows] == [(3, "A"), (5, "B")]


def test_read_table__sha256_of_the_bytes(tmp_path):
    import hashlib

    data = csv_bytes([["org_name"], ["A"]])
    assert read_table(write(tmp_path, "in.csv", data)).source.sha256 == hashlib.sha256(data).hexdigest()


def test_read_table__xlsx__cells_as_a_person_would_type_them(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])  # a blank line above the header
    sheet.append(["org_name", "trl", "share", "consent", "submitted_at", "at", None])
    sheet.append(["=A1 formula-looking text", 7.0, 0.25, True, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9, 30), None])
    sheet.cell(row=3, column=1).data_type = "s"
    workbook.save(tmp_path / "in.xlsx")
    table = read_table(tmp_path / "in.xlsx")
    assert table.source.format == "xlsx"
    assert table.header == ["org_name", "trl", "share", "consent", "submitted_at", "at"]
    [row] = table.rows
    assert row.number == 3
    assert row.cells == ["=A1 formula-looking text", "7", "0.25", "yes", "2026-03-01", "2026-03-01 09:30:00"]


@pytest.mark.parametrize("value,text", [
    (None, ""), (3.0, "3"), (2.5, "2.5"), (False, "no"), (dt.date(2026, 1, 2), "2026-01-02"),
    (dt.datetime(2026, 1, 2), "2026-01-02"), (dt.datetime(2026, 1, 2, 0, 0, 5), "2026-01-02 00:00:05"),
])
def test_cell_text__excel_values(value, text):
    assert cell_text(value) == text


# --- what is refused, and how it is said ---------------------------------------------------

def _xlsx_parts(sheet_xml: str, dimension: str | None = None) -> dict[str, str]:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="S" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{ns}">{dim}<sheetData>{sheet_xml}'
        '</sheetData></worksheet>',
    }


def hand_made_xlsx(sheet_xml: str, dimension: str | None = None) -> bytes:
    """A minimal workbook around raw sheet XML, as a hostile file would be made."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _xlsx_parts(sheet_xml, dimension).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def lying_sizes(data: bytes, member: str, claimed: int) -> bytes:
    """A zip whose headers claim ``member`` unpacks to ``claimed`` bytes (a bomb hiding its size)."""
    data = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == member.encode():
            struct.pack_into("<I", data, at + 24, claimed)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


HEADER_ONLY = f'<row r="1">{cell("A1", "org_name")}</row>'
REFUSED = [
    # name, bytes, problem code, row, column
    ("empty.csv", b"", "file_empty", None, None),
    ("blank.csv", b"  \r\n \r\n", "file_empty", None, None),
    ("bom-only.csv", b"\xef\xbb\xbf", "file_empty", None, None),
    ("header-only.csv", b"org_name,country\r\n", "file_header_only", None, None),
    # a ",,," line above the header is skipped (issue 22): A,B,C is the header, and no answers follow
    ("empty-header.csv", b",,\r\nA,B,C\r\n", "file_header_only", None, None),
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "file_binary", None, None),
    ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "file_binary", None, None),
    ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "file_binary", None, None),
    ("packed.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "file_binary", None, None),
    ("nul.csv", b"org_name,x\r\nA\x00B,c\r\n", "nul_byte", None, None),
    ("controls.csv", b"org_name,x\r\n" + bytes(range(1, 9)) * 8 + b"\r\n", "file_binary", None, None),
    ("odd-utf16.csv", b"\xff\xfea\x00b", "file_encoding", None, None),
    ("row-too-long.csv", b"org_name,x\r\nA,b\r\nB,c,surplus\r\n", "row_too_long", 3, None),
    ("long-cell.csv", b"org_name,capabilities\r\nA,ok\r\nB," + b"x" * (MAX_CELL_LENGTH + 1) + b"\r\n",
     "cell_too_long", 3, "capabilities"),
    # over the csv module's own field limit (128 KiB): still named by row and column
    ("huge-cell.csv", b"org_name,capabilities\r\nA," + b"y" * 300_000 + b"\r\n", "cell_too_long", 2, "capabilities"),
    ("wide.csv", b",".join(b"h%d" % i for i in range(MAX_COLUMNS + 1)) + b"\r\nA\r\n", "file_too_large", 1, None),
    ("million-columns.csv", b"," * 1_000_000 + b"h\r\nA\r\n", "file_too_large", 1, None),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "file_broken_xlsx", None, None),
    ("truncated.xlsx", hand_made_xlsx(HEADER_ONLY)[:300], "file_broken_xlsx", None, None),
    ("header-only.xlsx", hand_made_xlsx(HEADER_ONLY), "file_header_only", None, None),
    ("wide.xlsx", hand_made_xlsx(f'<row r="1">{cell("A1", "org_name")}{cell("XFD1", "far")}</row>'),
     "file_too_large", 1, None),
    ("bad-ref.xlsx", hand_made_xlsx(f'<row r="1">{cell("A1", "org_name")}{cell("ZZZZ1", "x")}</row>'),
     "file_broken_xlsx", None, None),
    # 2 million empty cells in one row: 9 KiB packed, 660 MB once openpyxl builds the row
    ("cell-bomb.xlsx", hand_made_xlsx(HEADER_ONLY + '<row r="2">' + "<c/>" * 2_000_000 + "</row>"),
     "file_too_large", None, None),
    ("row-bomb.xlsx", hand_made_xlsx(HEADER_ONLY + "<row/>" * 2_000_000), "file_too_large", None, None),
    # the same bomb with headers claiming it unpacks to 4 KiB: the CRC gives it away
    ("lying-bomb.xlsx", lying_sizes(hand_made_xlsx(HEADER_ONLY + "<row/>" * 2_000_000), "xl/worksheets/sheet1.xml",
                                    4096), "file_broken_xlsx", None, None),
    # a row far below Excel's last one, under a dimension of the whole grid: refused, not padded
    ("far-row.xlsx", hand_made_xlsx(HEADER_ONLY + f'<row r="2000000000">{cell("A2000000000", "x")}</row>',
                                    dimension="A1:XFD1048576"), "file_too_large", MAX_XLSX_ROWS + 1, None),
]


@pytest.mark.parametrize("name,data,code,row,column", REFUSED, ids=[case[0] for case in REFUSED])
def test_read_table__not_a_table__refused_with_catalogue_message(tmp_path, name, data, code, row, column):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as caught:  # how soon: benchmarks/bench_latency.py
        read_table(path)
    problem = caught.value.problems[0]
    assert (problem.code, problem.file, problem.row, problem.column) == (code, name, row, column)
    assert str(caught.value) == Problem(code, name, row, column, problem.value, problem.params).message()


def test_read_table__missing_file__says_so(tmp_path):
    with pytest.raises(InputError) as caught:
        read_table(tmp_path / "nowhere.csv")
    assert caught.value.problems[0].code == "file_missing"


def test_read_table__far_but_legal_row__read_with_its_number(tmp_path):
    data = hand_made_xlsx(HEADER_ONLY + f'<row r="{MAX_XLSX_ROWS}">{cell(f"A{MAX_XLSX_ROWS}", "last")}</row>',
                          dimension="A1:XFD1048576")
    table = read_table(write(tmp_path, "far.xlsx", data))
    assert [(r.number, r.cells) for r in table.rows] == [(MAX_XLSX_ROWS, ["last"])]


def test_read_table__many_problems__all_listed_up_to_fifty(tmp_path):
    rows = [["org_name", "x"]] + [["A", "b", "surplus"]] * 80
    with pytest.raises(InputError) as caught:
        read_table(write(tmp_path, "in.csv", csv_bytes(rows)))
    assert len(caught.value.problems) == 50
    assert [p.row for p in caught.value.problems[:3]] == [2, 3, 4]
