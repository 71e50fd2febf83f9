"""Bytes to a table: header plus rows with the row numbers a user sees (header = row 1).

CSV in UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"), cp1252/latin-1 and
whatever charset-normalizer recognises; delimiter ``,`` ``;`` or tab, sniffed; quoted
newlines and delimiters. XLSX through :mod:`.workbooks` (guards, then python-calamine). Files that are not a
table (empty, binary, a renamed image, a broken or oversized workbook) raise InputError
before anything else reads them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Problem

MAX_COLUMNS = 1_000
MAX_CELL_LENGTH = 32_767  # Excel's own limit for a cell
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_XLSX_ROWS = 1_048_576  # Excel's own limit

_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "a legacy .xls or .doc file (save it as .xlsx)",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-zip archive",
    b"Rar!": "a RAR archive",
}


@dataclass(frozen=True)
class SourceInfo:
    """What was read: the file, its hash and what the reader detected."""

    name: str
    path: str
    sha256: str
    format: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Row:
    """One answer row: its number as the user sees it and its cells as text."""

    number: int
    cells: list[str]

    def get(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


class LazyRows(Sequence):
    """Rows parsed when first needed, then kept: a file refused for its header never has its rows read.

    A problem found while parsing (a row too long, an overlong cell) is raised where the
    rows are read, and again on every later read: rows are never silently cut short.
    """

    def __init__(self, source: Iterator[Row]):
        self._rows: list[Row] = []
        self._source: Iterator[Row] | None = source
        self._error: BaseException | None = None

    def _fill(self, upto: int | None) -> None:
        while self._source is not None and (upto is None or len(self._rows) <= upto):
            try:
                self._rows.append(next(self._source))
            except StopIteration:
                self._source = None
            except Exception as exc:
                self._source, self._error = None, exc
        if self._error is not None and (upto is None or len(self._rows) <= upto):
            raise self._error

    def __iter__(self) -> Iterator[Row]:
        index = 0
        while True:
            if index >= len(self._rows):
                self._fill(index)
                if index >= len(self._rows):
                    return
            yield self._rows[index]
            index += 1

    def __len__(self) -> int:
        self._fill(None)
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice) or index < 0:
            self._fill(None)
        else:
            self._fill(index)
        return self._rows[index]

    def __bool__(self) -> bool:
        self._fill(0)
        return bool(self._rows)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, LazyRows)) else NotImplemented


@dataclass
class Table:
    """A header row and the answer rows below it."""

    source: SourceInfo
    header: list[str]
    rows: Sequence[Row] = field(default_factory=list)
    header_row: int = 1  # the header's row number (blank lines above it are skipped)
    warnings: list[Problem] = field(default_factory=list)  # read, but worth a look (repaired bytes ...)


def read_table(path: str | Path, *, max_columns: int = MAX_COLUMNS, max_cell_length: int = MAX_CELL_LENGTH,
               require_rows: bool = True, lazy: bool = False) -> Table:
    """Read a CSV or XLSX file into a Table; raise InputError if it is not a readable table.

    With ``lazy``, only the header is read and checked here: CSV rows are parsed when first
    read (``LazyRows``) and their problems raised then, so a file refused for its header
    costs no more than its header.
    """
    path = Path(path)
    data = read_bytes(path)
    name = path.name
    if not data or data.isspace():  # (strip() would copy the whole file)
        raise InputError.of("file_empty", file=name)
    sha = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(path, data, sha, max_columns)
    else:
        for signature, kind in _BINARY_SIGNATURES.items():
            if data.startswith(signature):
                raise InputError.of("file_binary", file=name, detail=f"it is {kind}")
        table = _read_csv(path, data, sha, max_columns)
    del data  # the rows still to be parsed hold the decoded text, not the bytes
    if not any(h.strip() for h in table.header):
        raise InputError.of("file_empty", file=name)
    table.rows = LazyRows(_checked_rows(table, iter(table.rows), max_cell_length))
    if require_rows and not table.rows:
        raise InputError.of("file_header_only", file=name)
    if not lazy:
        len(table.rows)  # parse and check every row now
    return table


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device (such as /dev/zero)"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, never more than ``limit`` (+1 to know it is over): devices and pipes refused.

    The file is opened without blocking (a FIFO with no writer would hang) and checked on the
    open descriptor, so a symlink to /dev/zero is caught whatever it points to at the time.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError.of("file_missing", file=str(path)) from None
    except IsADirectoryError:
        raise InputError.of("file_is_folder", file=str(path)) from None
    except OSError as exc:
        raise InputError.of("file_unreadable", file=str(path), detail=exc.strerror or str(exc)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError.of("file_is_folder", file=str(path))
        kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
        raise InputError.of("file_not_regular", file=str(path), detail=kind)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        size = os.fstat(fd).st_size
        if size > limit:
            raise _over_limit(path.name, size, limit)
        chunks, total = [], 0
        while total <= limit and (chunk := handle.read(min(8 * 1024 * 1024, limit + 1 - total))):
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # the file grew while it was read
            raise _over_limit(path.name, total, limit)
        return b"".join(chunks)


def _over_limit(name: str, size: int, limit: int) -> InputError:
    return InputError.of("file_too_large", file=name, detail=f"it is {size // 2**20} MiB, over {limit // 2**20} MiB")


def _checked_rows(table: Table, rows: Iterator[Row], max_cell_length: int) -> Iterator[Row]:
    """The table's rows, checked as they are read; every problem (up to 50) raised at the end."""
    name = table.source.name
    width = len(table.header)
    problems: list[Problem] = []
    for row in rows:
        if len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
            problems.append(Problem("row_too_long", file=name, row=row.number,
                                    params={"count": len(row.cells), "width": width}))
        for index, cell in enumerate(row.cells):
            if len(cell) > max_cell_length:
                column = table.header[index] if index < width else f"#{index + 1}"
                problems.append(Problem("cell_too_long", file=name, row=row.number, column=column,
                                        value=cell[:40], params={"length": len(cell), "limit": max_cell_length}))
        if len(problems) >= 50:
            break
        yield row
    if problems:
        raise InputError(problems=problems)


# --- CSV -------------------------------------------------------------------------------

def decode_text(data: bytes, name: str) -> tuple[str, str, list[Problem]]:
    """Decode file bytes: (text, encoding name, warnings); BOMs first, then UTF-8, then code pages.

    A UTF-8 file with a few stray bytes (a line pasted from a Windows program) stays UTF-8:
    the stray bytes are kept as lone surrogates for ``repair_cell`` to read as Windows-1252
    and report by row and column. Open-ended detection comes last, and a reading in a script
    none of the questionnaire's languages uses is said, not stored silently.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = _utf8(data[3:], name)
        return text, "utf-8-sig" + (STRAY_BYTES if _STRAY.search(text) else ""), []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", name), "utf-16", []
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM shows a NUL beside every ASCII letter; anything else is binary
        even, odd = data[0:4096:2].count(0), data[1:4096:2].count(0)
        if odd > len(data[:4096]) // 4 and even == 0:
            return _decode(data, "utf-16-le", name), "utf-16-le", []
        if even > len(data[:4096]) // 4 and odd == 0:
            return _decode(data, "utf-16-be", name), "utf-16-be", []
        raise InputError.of("nul_byte", file=name)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return _utf8(data, name), "utf-8" + STRAY_BYTES, []
    windows = _windows_codepage(data)
    if windows is not None:
        return (*windows, [])
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    # charset-normalizer may name a close cousin; Western survey exports are cp1252 far more often
    if encoding in ("latin_1", "iso8859_1", "iso8859_15", "cp1250", "cp1252") and _decodes(data, "cp1252"):
        encoding = "cp1252"
    text = _decode(data, encoding, name)
    return text, encoding, _foreign_script(text, encoding, name)


_STRAY = re.compile("[\udc80-\udcff]+")
STRAY_BYTES = " (stray bytes read as cp1252)"  # the encoding's name says the file was repaired


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with stray bytes: more well-formed multi-byte letters than bytes that are not UTF-8."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray = sum(len(run) for run in _STRAY.findall(text))
    letters = len(_NON_ASCII.findall(text)) - stray
    return 0 < stray <= letters


def _utf8(data: bytes, name: str) -> str:
    text = data.decode("utf-8", errors="surrogateescape")
    if "\x00" in text:
        raise InputError.of("nul_byte", file=name)
    return text


def repair_cell(cell: str) -> tuple[str, list[str]]:
    """A cell with stray (non-UTF-8) bytes read as Windows-1252; and the bytes, as hex, that were."""
    found: list[str] = []

    def reading(run: re.Match) -> str:
        raw = bytes(ord(ch) - 0xDC00 for ch in run.group(0))
        found.append(" ".join(f"0x{b:02X}" for b in raw))
        return raw.decode("cp1252", errors="replace")

    return _STRAY.sub(reading, cell), found


# Letters of scripts none of the questionnaire's languages (de, it, pl, fr, es, en) uses.
_FOREIGN = {"Greek": "\u0370-\u03ff", "Cyrillic": "\u0400-\u04ff", "Hebrew": "\u0590-\u05ff",
            "Arabic": "\u0600-\u06ff", "Thai": "\u0e00-\u0e7f", "CJK": "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"}


def _foreign_script(text: str, encoding: str, name: str) -> list[Problem]:
    for script, letters in _FOREIGN.items():
        sample = re.search(f"[^\\s,;\"]*[{letters}]+[^\\s,;\"]*", text)
        if sample:
            return [Problem("foreign_script", file=name, params={"encoding": encoding, "script": script,
                                                                  "sample": sample.group(0)[:40]})]
    return []


# Beyond ASCII, the letters and signs of the questionnaire's languages (de, it, pl, fr, es, en)
# and of the numbers and units people type in them.
_EXPECTED = frozenset("äöüßÄÖÜàèéìíîòóùúÀÈÉÌÍÎÒÓÙÚąćęłńśźżĄĆĘŁŃŚŹŻâæçêëïôœûÿÂÆÇÊËÏÔŒÛŸáñÁÑ¿¡"
                      "€„“”‘’‚–—…«»°§²µ±·×\u00a0")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _windows_codepage(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes read as cp1252 (Western Europe) or cp1250 (Poland), else None.

    Excel saves "CSV" in the Windows code page of the user's language. Open-ended
    detection read such files as mac_latin2 or cp1258 (a German umlaut became another
    letter in a third of the survey files tried), so the two code pages of the
    questionnaire's languages are tried first: the one whose text holds only the letters
    of those languages wins; cp1252 when both do, unless only cp1250 reads Polish letters.
    """
    readings: dict[str, tuple[str, Counter]] = {}
    for encoding in ("cp1252", "cp1250"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings[encoding] = (text, Counter(_NON_ASCII.findall(text)))
    if not readings:
        return None

    def odd(encoding: str) -> int:
        return sum(n for ch, n in readings[encoding][1].items() if ch not in _EXPECTED)

    # a tie goes to cp1252: Polish text nearly always has an ł or ą, which cp1252 reads as ³ or ¹
    best = min(readings, key=lambda e: (odd(e), e != "cp1252"))
    total = sum(readings[best][1].values())
    if odd(best) > max(2, total // 20):
        return None  # another script (Cyrillic, Greek ...): leave it to detection
    return readings[best][0], best


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError.of("file_encoding", file=name) from None
    if "\x00" in text:
        raise InputError.of("nul_byte", file=name)
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: ``,`` ``;`` or tab, from the first lines.

    Each candidate parses the first records (quotes respected); the one that splits the
    header into columns and gives every record the header's width wins. csv.Sniffer alone
    took a quoted cell holding a quote and a semicolon for a ``;`` delimiter and split a
    comma file wrongly; it now only decides when no candidate makes a table.
    """
    sample = text[:50_000]
    scores: dict[str, tuple[float, int]] = {}
    for delimiter in (",", ";", "\t"):
        try:
            records = [r for r in itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 51)
                       if any(cell.strip() for cell in r)]
        except csv.Error:
            continue
        if len(sample) < len(text) and len(records) > 2:
            records.pop()  # the sample may end inside the last record
        if records and len(records[0]) > 1:
            rest = records[1:]
            scores[delimiter] = (sum(len(r) == len(records[0]) for r in rest) / max(1, len(rest)), len(records[0]))
    if scores:
        return max(scores, key=lambda d: scores[d])  # most consistent, then widest, then , ; tab
    try:
        return csv.Sniffer().sniff(sample[:20_000], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_csv(path: Path, data: bytes, sha: str, max_columns: int) -> Table:
    """The header now (the first line with a value: blank or ``,,,`` lines above it are skipped); rows lazily."""
    name = path.name
    text, encoding, warnings = decode_text(data, name)
    if not text or text.isspace():
        raise InputError.of("file_empty", file=name)
    _refuse_binary_text(text, name)
    delimiter = sniff_delimiter(text)
    source = SourceInfo(name, str(path), sha, "csv", encoding, delimiter)
    # Let an overlong cell be read whole, so that the row check names its row and column
    # (the csv module's own limit, 128 KiB, failed the whole file without saying where).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    records = _records(csv.reader(_lines(text), delimiter=delimiter), name, max_columns)
    del text  # the reader holds it until the last row is parsed
    header_row, header = 1, []
    for number, record in records:
        if any(cell.strip() for cell in record):
            header_row, header = number, [cell.strip() for cell in record]
            break
    rows = (Row(number, record) for number, record in records if any(cell.strip() for cell in record))
    table = Table(source, header, header_row=header_row)
    table.rows = rows  # read_table wraps them in the row checks and LazyRows
    table.warnings.extend(warnings)
    if encoding.endswith(STRAY_BYTES):
        for index, cell in enumerate(header):  # now: the adapters read the header before any row
            header[index], found = repair_cell(cell)
            table.warnings.extend(Problem("stray_bytes", file=name, row=header_row, column=header[index],
                                          value=header[index], params={"bytes": b}) for b in found)
        table.rows = _repaired(table, rows)
    return table


def _repaired(table: Table, rows: Iterator[Row]) -> Iterator[Row]:
    """Rows with stray bytes read as Windows-1252, each repair a warning naming row and column."""
    name = table.source.name
    header = table.header
    for row in rows:
        for index, cell in enumerate(row.cells):
            if _STRAY.search(cell):
                row.cells[index], found = repair_cell(cell)
                column = header[index] if index < len(header) else f"#{index + 1}"
                table.warnings.extend(Problem("stray_bytes", file=name, row=row.number, column=column,
                                              value=row.cells[index], params={"bytes": b}) for b in found)
        yield row


def _lines(text: str) -> Iterator[str]:
    """The text's lines, endings kept, made one at a time.

    io.StringIO copied the whole text at four bytes a character (a 512 MiB file cost 2 GiB
    before its first row); the csv module joins a quoted cell's lines itself.
    """
    end_of_line = "\n" if "\n" in text or "\r" not in text else "\r"  # old Mac files end lines with CR alone
    start, size = 0, len(text)
    while start < size:
        end = text.find(end_of_line, start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _records(reader, name: str, max_columns: int) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, record in enumerate(reader, 1):
            if len(record) > max_columns:
                raise InputError.of("file_too_large", file=name, row=number,
                                    detail=f"the row has {len(record)} columns, over the limit of {max_columns}")
            yield number, record
    except csv.Error as exc:
        raise InputError.of("file_binary", file=name, detail=f"CSV parse error: {exc}") from None


def _refuse_binary_text(text: str, name: str) -> None:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if control > max(3, len(sample) // 50):
        raise InputError.of("file_binary", file=name, detail="it holds control characters, not text")


# --- XLSX ------------------------------------------------------------------------------

def _read_xlsx(path: Path, data: bytes, sha: str, max_columns: int) -> Table:
    """The workbook's first sheet that has a header; refused when another sheet holds the same table.

    Answers split over several sheets would otherwise be half ingested without a word; a
    sheet of notes or drop-down lists after the answers (as in our own templates) is fine.
    """
    from .workbooks import check_workbook, read_sheets

    name = path.name
    shapes = check_workbook(data, name, max_columns)
    table: Table | None = None
    try:
        for title, rows in read_sheets(data, shapes):
            if table is None:
                table = _read_sheet(rows, SourceInfo(name, str(path), sha, "xlsx", sheet=title), max_columns)
                if not table.header:
                    table = None
            elif _first_row(rows) == [h.casefold() for h in table.header if h]:
                raise InputError.of("file_several_sheets", file=name, value=title, first=table.source.sheet)
    except InputError:
        raise
    except Exception as exc:  # the readers raise many types for a damaged workbook
        raise InputError.of("file_broken_xlsx", file=name, detail=f"{type(exc).__name__}: {exc}") from None
    return table or Table(SourceInfo(name, str(path), sha, "xlsx"), [], [])


def _first_row(rows, look: int = 50) -> list[str]:
    """The first non-empty row of a sheet (folded, empty cells dropped), looking at most ``look`` rows."""
    for number, values in rows:
        cells = [cell_text(v).strip().casefold() for v in values[:MAX_COLUMNS] if v not in (None, "")]
        if cells or number >= look:
            return cells
    return []


def _read_sheet(sheet_rows, source: SourceInfo, max_columns: int) -> Table:
    name = source.name
    header: list[str] | None = None
    rows: list[Row] = []
    for number, values in sheet_rows:
        if number > MAX_XLSX_ROWS:
            raise InputError.of("file_too_large", file=name, row=number,
                                detail=f"the sheet goes beyond row {MAX_XLSX_ROWS}, Excel's own limit")
        if len(values) > max_columns:
            last = max((i for i, v in enumerate(values) if v not in (None, "")), default=-1)
            if last >= max_columns:
                raise InputError.of("file_too_large", file=name, row=number,
                                    detail=f"the row has {last + 1} columns, over the limit of {max_columns}")
            values = values[:max_columns]
        cells = [v if type(v) is str else cell_text(v) for v in values]  # most cells are text already
        if header is None:
            if not any(c.strip() for c in cells):
                continue  # blank lines above the header
            header, header_row = [c.strip() for c in cells], number
            continue
        while cells and cells[-1] == "":
            cells.pop()
        if any(c.strip() for c in cells):
            rows.append(Row(number, cells))
    if header is not None:
        # A sheet's width is its widest row: tools such as SurveyMonkey leave the first header
        # row empty above a question's options, and those columns still belong to the table.
        width = max([len(r.cells) for r in rows], default=0)
        while len(header) > width and header and header[-1] == "":
            header.pop()
        header += [""] * (width - len(header))
    return Table(source, header or [], rows, header_row if header is not None else 1)


def cell_text(value: object) -> str:
    """An Excel cell value as the text a person would type: dates ISO, whole floats as integers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds") if (value.hour or value.minute or value.second) \
            else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
