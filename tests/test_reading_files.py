"""Reading files as people save them, and only files (issues 15 and 22).

Regular files only, never more than the limit plus one byte; the header checked before
any row is parsed; blank lines above the header skipped; stray non-UTF-8 bytes read as
Windows-1252 and reported where they are, never a foreign script without a word.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from unittest import mock

import pytest

from elca_match import tabular
from elca_match.errors import InputError, Problem
from elca_match.services.ingest import analyse_file
from elca_match.tabular import STRAY_BYTES, decode_text, read_bytes, read_table

from conftest import run_cli, survey_rows, write_survey


def run(*args: object) -> tuple[int, str]:
    """`elca-match ARGS` in this process: the exit status, and stdout and stderr as one line of words."""
    result = run_cli(*args)
    return result.exit_code, " ".join((result.stdout + result.stderr).split())


# --- only regular files, read within bounds (issue 15 item 3) -------------------------------

def test_symlink_to_dev_zero__refused_exit_3_without_reading(tmp_path):
    link = tmp_path / "answers.csv"
    link.symlink_to("/dev/zero")
    code, output = run("--db", tmp_path / "elca.db", "ingest", link)
    assert code == InputError.exit_code == 3
    assert Problem("file_not_regular", file=str(link),
                   params={"detail": "a character device (such as /dev/zero)"}).message() in output
    assert not (tmp_path / "elca.db").exists()


def test_fifo__refused_at_once_instead_of_hanging(tmp_path):
    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(run("--db", tmp_path / "elca.db", "ingest", fifo)),
                              daemon=True)
    thread.start()
    thread.join(10)
    assert outcome, "ingest hung on a FIFO"
    code, output = outcome[0]
    assert code == 3 and "a named pipe (FIFO), not a regular file" in output


def test_file_that_reports_no_size__read_no_further_than_the_limit_plus_one():
    # /proc files are regular files that say they are empty: only the reading itself can stop them
    with pytest.raises(InputError) as caught:
        read_bytes(Path("/proc/self/smaps"), limit=100)
    assert caught.value.problems[0].code == "file_too_large"
    opened = []
    real_fdopen = os.fdopen

    def counting(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        opened.append(handle)
        return handle

    with mock.patch.object(tabular.os, "fdopen", counting), pytest.raises(InputError):
        read_bytes(Path("/proc/self/smaps"), limit=100)
    assert opened and opened[0].closed


def test_regular_file_at_the_limit__read_whole(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 100)
    assert read_bytes(path, limit=100) == b"x" * 100
    with pytest.raises(InputError):
        read_bytes(path, limit=99)


# --- the header before the rows (issue 15 item 4) -----------------------------------------

def test_header_refused__rows_never_parsed(tmp_path):
    """A row that would itself be refused (a million columns) is never reached: the header decides first."""
    path = tmp_path / "bad-header.csv"
    path.write_bytes(b"org_name,colour,cluster\r\nA,red,AMZ\r\n" + b"," * 1_000_000 + b"\r\n")
    with pytest.raises(InputError) as caught:
        analyse_file(path)
    assert {p.code for p in caught.value.problems} >= {"unknown_column"}
    assert "file_too_large" not in {p.code for p in caught.value.problems}


def test_lazy_rows__parse_error__raised_again_on_every_later_read(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"org_name,x\r\nA,b\r\nB,c,surplus\r\n")
    table = read_table(path, lazy=True)
    assert table.rows[0].cells == ["A", "b"]
    for _ in range(2):
        with pytest.raises(InputError) as caught:
            list(table.rows)
        assert caught.value.problems[0].code == "row_too_long"


# --- blank lines above the header (issue 22 item 7) ----------------------------------------

@pytest.mark.parametrize("first,delimiter", [(b"\r\n", ","), (b",,,,\r\n", ","), (b";;;\r\n", ";"),
                                             (b" , ,\r\n", ",")])
def test_blank_first_line__skipped__rows_keep_their_numbers(tmp_path, first, delimiter):
    source = write_survey(tmp_path / "plain.csv", survey_rows(2), delimiter=delimiter)
    path = tmp_path / "excel.csv"
    path.write_bytes(first + source.read_bytes())
    analysed = analyse_file(path)
    assert not analysed.invalid
    assert [v.row.number for v in analysed.valid] == [3, 4]
    assert analysed.output.table.header_row == 2


# --- encodings (issue 15 item 7) ----------------------------------------------------------

def _utf8_with_a_stray_byte(tmp_path: Path) -> Path:
    rows = list(survey_rows(3))
    rows[0]["org_name"] = "Größe Leichtbau GmbH"
    rows[2]["capabilities"] = "Schweißen und Kleben, Prüfung"
    path = write_survey(tmp_path / "mixed.csv", rows)
    data = path.read_bytes().replace("Prüfung".encode(), "Pr\xfcfung".encode("cp1252"))
    path.write_bytes(data)
    return path


def test_utf8_with_a_stray_cp1252_byte__read_as_utf8__the_byte_reported_by_row_and_column(tmp_path):
    path = _utf8_with_a_stray_byte(tmp_path)
    text, encoding, _ = decode_text(path.read_bytes(), path.name)
    assert encoding == "utf-8" + STRAY_BYTES
    analysed = analyse_file(path)
    names = [v.answers["org_name"] for v in analysed.valid]
    assert names[0] == "Größe Leichtbau GmbH"  # not GrГ¶Гџe
    assert analysed.valid[2].answers["capabilities"] == "Schweißen und Kleben, Prüfung"
    expected = Problem("stray_bytes", file="mixed.csv", row=4, column="capabilities",
                       value="Schweißen und Kleben, Prüfung", params={"bytes": "0xFC"})
    assert analysed.output.warnings == [expected]


def test_utf8_with_a_stray_byte__cli_summary_says_where(tmp_path):
    path = _utf8_with_a_stray_byte(tmp_path)
    code, output = run("--db", tmp_path / "elca.db", "ingest", path)
    assert code == 0, output
    assert "row 4, column 'capabilities'" in output and "0xFC" in output


@pytest.mark.parametrize("lang,text,encoding", [
    ("de", "Größe, Prüfung, Maß", "cp1252"), ("pl", "Łódź, Źródło, Gęś", "cp1250"),
    ("fr", "Élément, façade, cœur", "cp1252"), ("es", "Año, señal, ¿qué?", "cp1252"),
])
def test_code_pages_of_the_languages__still_read_exactly(tmp_path, lang, text, encoding):
    path = tmp_path / f"{lang}.csv"
    path.write_bytes(f'org_name,capabilities\r\nA,"{text}"\r\n'.encode(encoding))
    table = read_table(path)
    assert (table.source.encoding, table.rows[0].cells[1]) == (encoding, text)
    assert not table.warnings


def test_cyrillic_file__read_but_said(tmp_path):
    path = tmp_path / "ru.csv"
    text = "org_name,capabilities\r\nЛегкие конструкции,Сварка и склеивание деталей\r\n"
    path.write_bytes(text.encode("cp1251"))
    table = read_table(path)
    assert [w.code for w in table.warnings] == ["foreign_script"]
    assert "Cyrillic" in table.warnings[0].message()


# --- hand-typed multiple choices separated by commas (issue 22 item 7) -----------------------

from elca_match.ingest.validate import comma_readings, normalise_answer  # noqa: E402
from elca_match.questionnaire import load_questionnaire  # noqa: E402

Q = load_questionnaire()


@pytest.mark.parametrize("code,text,expected", [
    ("sectors", "automotive, rail", ["automotive", "rail"]),
    ("sectors", "Automobil, Schienenfahrzeuge", ["automotive", "rail"]),
    ("sectors", "Motoryzacja,Kolejnictwo", ["automotive", "rail"]),
    # a label holding commas stays one choice; a comma list may mix with the template's ';'
    ("value_chain_stages", "Design, simulation, engineering, Materials and semi-finished products",
     ["design", "materials"]),
    ("value_chain_stages", "Konstruktion, Simulation, Engineering; Fertigung und Bearbeitung von Bauteilen",
     ["design", "production"]),
    ("target_markets", "Japan, Korea, Republic of", ["JP", "KR"]),
])
def test_comma_separated_choices__split_when_every_part_is_known(code, text, expected):
    assert normalise_answer(Q.question(code), text, Q) == (expected, None, {})


def test_comma_separated_choices__unknown_part__named_with_a_suggestion():
    value, problem, params = normalise_answer(Q.question("sectors"), "automotive, rial", Q)
    assert (value, problem) == (None, "unknown_choice")
    assert params["suggestion"] == " (did you mean 'rail'?)"


def test_comma_readings__two_readings__ambiguous():
    labels = {"a": "A", "b": "B", "a, b": "C"}
    assert comma_readings("a, b", labels.get) == [["C"], ["A", "B"]]
    assert comma_readings("b, a", labels.get) == [["B", "A"]]
    assert comma_readings("a, x", labels.get) == []


def test_comma_separated_choices__ambiguous__reported_with_both_readings(monkeypatch):
    question = Q.question("sectors")
    import elca_match.ingest.validate as validate

    # two labels that hold a comma overlap: "automotive, rail | sports" or "automotive | rail, sports"
    labels = {"automotive, rail": "energy", "sports": "sports", "automotive": "automotive", "rail, sports": "medical"}
    monkeypatch.setattr(validate, "_choice", lambda q, text, questionnaire: labels.get(text))
    value, problem, params = validate.normalise_answer(question, "automotive, rail, sports", Q)
    assert (value, problem) == (None, "ambiguous_choices")
    assert Problem(problem, params=params).message() == ("the commas can be read as energy; sports or automotive; "
                                                         "medical; separate the answers with ';' as the template does.")


def test_folder__refused_as_a_folder(tmp_path):
    code, output = run("--db", tmp_path / "elca.db", "ingest", tmp_path)
    assert code == 3 and "this is a folder" in output
