"""Fuzzing every reader and adapter: only the project's own error ever escapes, and a
rejected file leaves the database byte-identical.

Inputs: random bytes (bare, or behind a CSV/XLSX/BOM signature); each survey tool's real
export (rendered by ``elca_match.surveytools``) with its cells, headers, columns, encoding,
delimiter, quoting and line ends mutated; the same exports with random byte edits.
Every adapter in the ``ADAPTERS`` registry is fuzzed, forced by name and detected, so
an adapter added later is covered without touching this file.

Each input is ingested into a copy of a database holding three members. A rejection must
be an ``ElcaError`` and leave the file's bytes unchanged; an accepted file must leave a
database that passes every `check` (integrity, foreign keys, orphans, re-derivable).
The short ``ci`` profile runs in the normal suite; ``HYPOTHESIS_PROFILE=long`` (see
benchmarks/bench_reliability.py) tries fifty times as many inputs.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from elca_match.errors import ElcaError
from elca_match.ingest.adapters import ADAPTERS
from elca_match.questionnaire import load_questionnaire
from elca_match.services.check import check_database
from elca_match.services.ingest import ingest_files
from elca_match.surveytools import TOOLS, render_export

from conftest import FIXTURES, survey_rows

pytestmark = pytest.mark.slow  # thousands of generated files

QUESTIONNAIRE = load_questionnaire()
ADAPTER_CHOICES = [None, *sorted(ADAPTERS)]  # None: let detection choose
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252"]
DELIMITERS = [",", ";", "\t"]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE]
TERMINATORS = ["\r\n", "\n", "\r"]
# fixtures and shrinking share one module-wide database template: no per-example fixtures
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])


def _labels() -> list[str]:
    labels = [label for q in QUESTIONNAIRE.questions for label in q.labels.values()]
    labels += [label for q in QUESTIONNAIRE.questions for c in q.choices for label in c.labels.values()]
    return labels


# what a person (or a broken export) might put in a cell
CELL = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", "yes", "no", "0", "-1", "10", "1e9", "NaN", "nan", "99999999999999999999",
                     "2026-02-30", "31.12.2026", "=1+1", "+49 30", "@SUM(A1)", ";", ";;", " ; ", "JP;US",
                     "Deutschland", "Niemcy", "automotiv", '"', '""', "\ufeff", "\u202e", "\r", "\n",
                     "\x00", "\x1b[31m", "日本", "Łódź", "ß", "Robert'); DROP TABLE organisations;--"]),
    st.sampled_from(_labels()),
    st.builds(lambda n: "x" * n, st.sampled_from([200, 4001, 32_768, 140_000])),
)


class _Quiet(dict):
    """A fixture value that hypothesis reports by name, not by its (long) contents."""

    def __repr__(self) -> str:
        return f"<{self.get('_name', 'fixture')}>"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> _Quiet:
    """The bytes of a database holding the three members of the canonical fixture."""
    path = tmp_path_factory.mktemp("fuzz") / "elca.db"
    ingest_files(path, [FIXTURES / "survey" / "canonical_en.csv"])
    return _Quiet(_name="template database", data=path.read_bytes())


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> _Quiet:
    """Each survey tool's real export of three responses, as (suffix, bytes), by adapter name."""
    folder = tmp_path_factory.mktemp("seeds")
    rows = list(survey_rows(3, seed=11, prefix="Fuzz"))
    rows[1]["capabilities"] = 'Quoted "text", commas; semicolons\nand a second line'
    found = _Quiet(_name="seed exports")
    for tool in TOOLS:
        for suffix in (".csv", ".xlsx"):
            path = folder / f"{tool}{suffix}"
            try:
                render_export(tool, rows, path, "de", QUESTIONNAIRE)
            except (ElcaError, ValueError):
                continue  # the tool does not export this format
            found.setdefault(tool, []).append((suffix, path.read_bytes()))
    return found


def attempt(template: _Quiet, data: bytes, suffix: str, adapter: str | None, *, skip_invalid: bool = False,
            ignore_unknown: bool = False) -> str:
    """Ingest ``data`` into a copy of the template: a rejection must be an ElcaError and change no byte."""
    with tempfile.TemporaryDirectory(prefix="elca-fuzz-") as tmp:
        db = Path(tmp) / "elca.db"
        db.write_bytes(template["data"])
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        try:
            ingest_files(db, [path], adapter=adapter, skip_invalid=skip_invalid, ignore_unknown=ignore_unknown)
        except ElcaError as exc:
            assert exc.paragraph().strip()
            assert db.read_bytes() == template["data"], "a rejected file changed the database"
            assert not Path(f"{db}-journal").exists()
            _count(f"rejected: {exc.problems[0].code if exc.problems else type(exc).__name__}")
            return "rejected"
        result = check_database(db)
        assert result.ok, [f.detail for f in result.findings]
        _count("accepted")
        return "accepted"


def _count(outcome: str) -> None:
    """Tally outcomes in hypothesis's statistics (--hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(outcome)


# --- random bytes -------------------------------------------------------------------------

PREFIXES = [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"org_name,cluster,country\r\n",
            b"\xef\xbb\xbforg_name;country;sectors\n", b"\x89PNG\r\n\x1a\n", b"Respondent ID,Collector ID\r\n"]


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx"]),
       adapter=st.sampled_from(ADAPTER_CHOICES))
def test_fuzz__random_bytes__only_own_errors_and_db_unchanged(template, prefix, body, suffix, adapter):
    attempt(template, prefix + body, suffix, adapter)


@FUZZ
@given(text=st.text(max_size=300), encoding=st.sampled_from(ENCODINGS), adapter=st.sampled_from(ADAPTER_CHOICES))
def test_fuzz__random_text__only_own_errors_and_db_unchanged(template, text, encoding, adapter):
    attempt(template, text.encode(encoding, errors="replace"), ".csv", adapter)


# --- mutated real exports -------------------------------------------------------------------

def _table(suffix: str, data: bytes) -> list[list[str]]:
    """A seed export as rows of cell text (header rows included), however it was written."""
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    text = data.decode("utf-8-sig")
    delimiter = csv.Sniffer().sniff(text[:2000], delimiters=",;\t").delimiter
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


@st.composite
def mutated_rows(draw, rows: list[list[str]]) -> list[list[str]]:
    """Rows with a few structural and cell mutations applied."""
    rows = [list(r) for r in rows]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "header", "drop_column", "add_column", "swap_columns",
                                     "duplicate_header", "drop_row", "duplicate_row", "shorten_row", "lengthen_row"]))
        r = draw(st.integers(0, len(rows) - 1))
        width = max(1, len(rows[r]))
        c = draw(st.integers(0, width - 1))
        if kind == "cell" and rows[r]:
            rows[r][c] = draw(CELL)
        elif kind == "header" and rows[0]:
            rows[0][c % len(rows[0])] = draw(CELL)
        elif kind == "drop_column":
            rows = [row[:c] + row[c + 1:] for row in rows]
        elif kind == "add_column":
            rows = [row[:c] + [draw(CELL) if i == 0 else ""] + row[c:] for i, row in enumerate(rows)]
        elif kind == "swap_columns":
            d = draw(st.integers(0, width - 1))
            for row in rows:
                if max(c, d) < len(row):
                    row[c], row[d] = row[d], row[c]
        elif kind == "duplicate_header" and rows[0]:
            rows[0][c % len(rows[0])] = rows[0][draw(st.integers(0, len(rows[0]) - 1))]
        elif kind == "drop_row" and len(rows) > 1:
            del rows[r]
        elif kind == "duplicate_row":
            rows.insert(r, list(rows[r]))
        elif kind == "shorten_row":
            rows[r] = rows[r][:c]
        elif kind == "lengthen_row":
            rows[r] = rows[r] + [draw(CELL)]
    return rows


def _as_csv(rows: list[list[str]], encoding: str, delimiter: str, quoting: int, terminator: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=terminator,
                        escapechar="\\" if quoting == csv.QUOTE_NONE else None)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding, errors="replace")


def _as_xlsx(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        # openpyxl refuses control characters that XML 1.0 cannot hold; a real file cannot hold them either
        sheet.append([_xml_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def _tools() -> list[str]:
    return sorted(ADAPTERS)


@pytest.mark.parametrize("tool", _tools())
@FUZZ
@given(data=st.data())
def test_fuzz__mutated_exports__only_own_errors_and_db_unchanged(template, seeds, tool, data):
    suffix, seed = data.draw(st.sampled_from(seeds.get(tool) or seeds["canonical"]), label="seed")
    rows = data.draw(mutated_rows(_table(suffix, seed)), label="rows")
    out = data.draw(st.sampled_from([".csv", ".csv", ".xlsx"]), label="format")
    if out == ".xlsx":
        payload = _as_xlsx(rows)
    else:
        payload = _as_csv(rows, data.draw(st.sampled_from(ENCODINGS), label="encoding"),
                          data.draw(st.sampled_from(DELIMITERS), label="delimiter"),
                          data.draw(st.sampled_from(QUOTING), label="quoting"),
                          data.draw(st.sampled_from(TERMINATORS), label="line end"))
    adapter = data.draw(st.sampled_from([tool, tool, None]), label="adapter")
    attempt(template, payload, out, adapter, skip_invalid=data.draw(st.booleans(), label="skip_invalid"),
            ignore_unknown=data.draw(st.booleans(), label="ignore_unknown"))


@pytest.mark.parametrize("tool", _tools())
@FUZZ
@given(data=st.data())
def test_fuzz__byte_edits_of_exports__only_own_errors_and_db_unchanged(template, seeds, tool, data):
    suffix, seed = data.draw(st.sampled_from(seeds.get(tool) or seeds["canonical"]), label="seed")
    payload = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8), label="edits")):
        at = data.draw(st.integers(0, len(payload)), label="at")
        kind = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]), label="edit")
        if kind == "flip" and at < len(payload):
            payload[at] ^= data.draw(st.integers(1, 255), label="mask")
        elif kind == "insert":
            payload[at:at] = data.draw(st.binary(min_size=1, max_size=8), label="bytes")
        elif kind == "delete":
            del payload[at:at + data.draw(st.integers(1, 16), label="length")]
        elif kind == "truncate" and at > 0:
            del payload[at:]
    assume(payload != seed)
    attempt(template, bytes(payload), suffix, data.draw(st.sampled_from([tool, None]), label="adapter"),
            skip_invalid=data.draw(st.booleans(), label="skip_invalid"))


def test_fuzz__seeds__every_adapter_has_an_accepted_export(template, seeds):
    """The mutations start from files that ingest: otherwise the fuzzing above only tests rejections."""
    for tool in _tools():
        for suffix, data in seeds.get(tool) or seeds["canonical"]:
            assert attempt(template, data, suffix, tool) == "accepted", (tool, suffix)
