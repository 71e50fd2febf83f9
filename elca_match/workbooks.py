"""XLSX bytes to a table: guarded first, then read by python-calamine (openpyxl for odd shapes).

Nothing in a workbook is trusted before it is measured. Every worksheet and the shared
strings are unpacked as a stream, once, counting the real bytes (a zip's declared sizes
can lie; the CRC catches a member that does) and noting each sheet's shape: its last
row, its last column, where a value sits beyond the allowed width. Zip bombs, sheets
past Excel's grid and values past the column limit are refused from that scan alone,
before any reader builds a row.

calamine reads a sheet into one dense grid (last row x last column), about 20 times
faster than openpyxl. A sheet whose grid would be far larger than its cells (two
values at opposite corners of Excel's grid, cells without references) is read by
openpyxl's streaming reader instead, with every row cut at the allowed width; its cells
are the same text either way (``cell_text``).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from .errors import InputError

MAX_XLSX_UNCOMPRESSED = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 100  # a real sheet compresses ~10x; a zip bomb compresses ~1000x
# openpyxl builds a whole row (~330 bytes a cell) before we can count its cells, so a part
# that unpacks this far at a bomb's ratio is refused: 4 MiB of `<c/>` is a million cells.
XLSX_RATIO_FROM = 4 * 1024 * 1024
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit
MAX_XLSX_COLUMN = 16_384  # XFD, Excel's last column
# calamine's grid costs ~32 bytes a cell: a grid of up to this many cells, or up to three
# times the sheet's real cells, is read by calamine; a sparser one by openpyxl.
DENSE_CELLS = 8_000_000
_CHUNK = 4 * 1024 * 1024

# Excel, LibreOffice, openpyxl and the survey tools write a cell's reference first: <c r="B7" ...>.
_ROW = re.compile(rb'<row r="(\d+)"')
_COLUMN_2 = re.compile(rb'<c r="([A-Z]{2})\d')
_WIDE = re.compile(rb'<c r="([A-Z]{3,})(\d+)"([^>]*)>')
_PREFIXED = re.compile(rb"<\w+:sheetData\b")


@dataclass
class SheetShape:
    """What the scan of one worksheet part found."""

    last_row: int = 0
    last_column: int = 0  # 1-based; 0 when the sheet has no referenced cell
    cells: int = 0  # cell elements with a reference
    unreferenced: bool = False  # cells without r="..." (their column is their position)

    @property
    def grid(self) -> int:
        return self.last_row * self.last_column

    def dense(self) -> bool:
        """Can calamine's dense grid hold this sheet at a cost proportional to its cells?"""
        return not self.unreferenced and self.grid <= max(DENSE_CELLS, 3 * self.cells)


def column_number(letters: bytes) -> int:
    """``b"A"`` -> 1, ``b"XFD"`` -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_workbook(data: bytes, name: str, max_columns: int) -> dict[str, SheetShape]:
    """Refuse a workbook that is broken, a bomb or wider or longer than allowed; its sheets' shapes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError.of("file_broken_xlsx", file=name, detail=str(exc)) from None
    declared = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if declared > MAX_XLSX_UNCOMPRESSED or any(_bomb(info.file_size, info.compress_size) for info in infos):
        raise _too_large(name, declared, packed)
    sheets = [info for info in infos if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")]
    if not sheets:
        raise InputError.of("file_broken_xlsx", file=name, detail="the archive holds no worksheet")
    shapes: dict[str, SheetShape] = {}
    unpacked = 0
    for info in infos:
        if info in sheets or info.filename == "xl/sharedStrings.xml":
            shape, size = _scan(archive, info, name, max_columns, unpacked, packed)
            unpacked += size
            if info in sheets:
                shapes[info.filename] = shape
    return shapes


def _bomb(size: int, packed: int) -> bool:
    return size > XLSX_RATIO_FROM and size / max(1, packed) > MAX_XLSX_RATIO


def _too_large(name: str, size: int, packed: int) -> InputError:
    return InputError.of("file_too_large", file=name,
                         detail=f"the workbook unpacks to {size // 2**20} MiB from {packed // 2**10} KiB "
                                "(a zip bomb or a sheet far larger than a survey)")


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_columns: int, before: int,
          packed: int) -> tuple[SheetShape, int]:
    """Unpack one part as a stream, counting its real size; the shape of a worksheet."""
    shape = SheetShape()
    size = 0
    carry = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if before + size > MAX_XLSX_UNCOMPRESSED or _bomb(size, info.compress_size):
                    raise _too_large(name, before + size, packed)
                if info.filename.startswith("xl/worksheets/"):
                    text = carry + chunk
                    cut = text.rfind(b">") + 1  # tags never straddle two scans
                    _measure(text[:cut], shape, name, max_columns, first=not carry and size == len(chunk))
                    carry = text[cut:]
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError.of("file_broken_xlsx", file=name, detail=f"{type(exc).__name__}: {exc}") from None
    return shape, size


def _measure(text: bytes, shape: SheetShape, name: str, max_columns: int, first: bool) -> None:
    """Add one stretch of a worksheet's XML to its shape (a few C-speed passes, no per-cell Python)."""
    if first and _PREFIXED.search(text):
        shape.unreferenced = True  # prefixed element names: leave the counting to openpyxl
    rows = _ROW.findall(text)
    if rows:
        shape.last_row = max(shape.last_row, max(map(int, rows)))
        if shape.last_row > MAX_XLSX_ROWS:
            raise InputError.of("file_too_large", file=name, row=MAX_XLSX_ROWS + 1,
                                detail=f"the sheet goes beyond row {MAX_XLSX_ROWS}, Excel's own limit")
    references = text.count(b'<c r="')
    shape.cells += references
    # a cell or row without a leading reference is placed by its position: not measured here
    # (an empty <c/> is skipped by every reader, so it cannot widen the grid)
    if text.count(b"<c ") + text.count(b"<c>") != references or text.count(b"<row") != len(rows):
        shape.unreferenced = True
    if _COLUMN_2.search(text):
        shape.last_column = max(shape.last_column, column_number(max(set(_COLUMN_2.findall(text)))))
    elif references:
        shape.last_column = max(shape.last_column, 26)  # one letter: at most Z
    if not _WIDE.search(text):
        return
    for match in _WIDE.finditer(text):
        letters, row, rest = match.groups()
        column = column_number(letters)
        if len(letters) > 3 or column > MAX_XLSX_COLUMN:
            raise InputError.of("file_broken_xlsx", file=name,
                                detail=f"cell {(letters + row).decode()} is outside Excel's grid")
        if rest.endswith(b"/") or text.startswith(b"</c>", match.end()):
            continue  # an empty cell (a style, a border) is no column of the table
        if column > max_columns:
            raise InputError.of("file_too_large", file=name, row=int(row),
                                detail=f"the row has {column} columns, over the limit of {max_columns}")
        shape.last_column = max(shape.last_column, column)


def sheet_parts(data: bytes) -> list[str]:
    """The worksheet part of each sheet, in the workbook's sheet order."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = archive.read("xl/workbook.xml")
    relations = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid.decode(): target.decode() for rid, target in
               re.findall(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', relations)}
    targets.update({rid.decode(): target.decode() for target, rid in
                    re.findall(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', relations)})
    parts = []
    for rid in re.findall(rb'<sheet\b[^>]*?r:id="([^"]+)"', workbook):
        target = targets.get(rid.decode(), "")
        parts.append(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    return parts


def read_sheets(data: bytes, shapes: dict[str, SheetShape]):
    """(title, rows) of each worksheet in order; rows are (number as the user sees it, values).

    calamine reads the workbook when every sheet is dense enough for its grid; otherwise
    openpyxl streams it. Past the allowed width a row holds only empty cells (the scan
    refused values there), except in openpyxl's reading of cells without references, which
    the caller checks.
    """
    try:
        parts = sheet_parts(data)
    except (KeyError, zipfile.BadZipFile, ValueError):
        parts = []
    if parts and all(shapes.get(part, SheetShape()).dense() for part in parts):
        return _calamine_sheets(data)
    return _openpyxl_sheets(data)


def _calamine_sheets(data: bytes):
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ == SheetTypeEnum.WorkSheet:
            yield meta.name, _calamine_rows(workbook.get_sheet_by_index(index))


def _calamine_rows(sheet):
    # the whole grid from A1, so that row and column numbers are the user's
    return enumerate(sheet.to_python(skip_empty_area=False), 1)


def _openpyxl_sheets(data: bytes):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            # The declared dimension (e.g. A1:XFD1048576) is not to be trusted: openpyxl pads
            # every missing row to its width, so a 2 KiB file kept the CPU busy for hours.
            sheet.reset_dimensions()
            yield sheet.title, enumerate(sheet.iter_rows(values_only=True), 1)
    finally:
        workbook.close()
