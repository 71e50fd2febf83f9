"""`elca-match ingest`, `members`, `forget` and `reprocess` driven through the real entry point."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from elca_match.errors import MESSAGES, Problem
from elca_match.questionnaire import load_questionnaire

from conftest import FIXTURES

CANONICAL = FIXTURES / "survey" / "canonical_en.csv"
HEADER = ["org_name", "org_id", "cluster", "country", "org_type", "sectors", "value_chain_stages", "trl",
          "capabilities", "contact_name", "contact_email", "consent", "submitted_at"]


def row(**overrides: str) -> dict[str, str]:
    base = {"org_name": "Leichtbau Nord GmbH", "org_id": "", "cluster": "AMZ", "country": "DE", "org_type": "sme",
            "sectors": "automotive", "value_chain_stages": "production", "trl": "6",
            "capabilities": "RTM body panels", "contact_name": "Eva Muster", "contact_email": "eva@example.org",
            "consent": "yes", "submitted_at": "2026-01-10"}
    return {**base, **overrides}


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", delimiter: str = ",",
              header: list[str] | None = None, header_text: list[str] | None = None) -> Path:
    """Write rows (dicts by question code) as CSV; ``header_text`` replaces the header row's text."""
    header = header or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header_text or header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def answers(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    result = {name: json.loads(a) for name, a in conn.execute(
        "SELECT o.name, s.answers FROM organisations o JOIN submissions s ON s.id = o.current_submission")}
    conn.close()
    return result


def test_ingest__canonical_file__members_listed_with_summary(cli, db_path):
    result = cli("ingest", CANONICAL, db=db_path)
    assert result.exit_code == 0, result.stderr
    assert "3 rows accepted" in result.stdout
    listing = cli("members", "list", "--format", "json", db=db_path)
    names = [s for s in json.loads(listing.stdout)["sections"][0]["rows"]]
    assert len(names) == 3
    assert "anna.schmidt@example.de" not in listing.stdout  # never contact data in a list


@pytest.mark.parametrize("encoding,delimiter", [
    ("utf-16", "\t"),  # Excel "Unicode text"
    ("cp1252", ","),
    ("utf-8-sig", ";"),
])
def test_ingest__encodings_and_delimiters__text_preserved_exactly(cli, db_path, tmp_path, encoding, delimiter):
    text = "Kühlerträger aus Aluminium, „präzise“ – 25 % leichter; Prüfstand €"
    path = write_csv(tmp_path / "in.csv", [row(capabilities=text, org_name="Müller Leichtbau GmbH")],
                     encoding, delimiter)
    result = cli("ingest", path, db=db_path)
    assert result.exit_code == 0, result.stderr
    assert answers(db_path)["Müller Leichtbau GmbH"]["capabilities"] == text


def test_ingest__quoted_newlines_and_commas__kept_in_one_cell(cli, db_path, tmp_path):
    text = 'Line one, with comma\nLine two "quoted"'
    path = write_csv(tmp_path / "in.csv", [row(capabilities=text)])
    assert cli("ingest", path, db=db_path).exit_code == 0
    assert answers(db_path)["Leichtbau Nord GmbH"]["capabilities"] == text


def test_ingest__hostile_text__stored_verbatim(cli, db_path, tmp_path):
    name = "Robert'); DROP TABLE members;--"
    formula = '=HYPERLINK("http://evil.example","click")'
    path = write_csv(tmp_path / "in.csv", [row(org_name=name, capabilities=formula)])
    assert cli("ingest", path, db=db_path).exit_code == 0
    stored = answers(db_path)
    assert stored[name]["capabilities"] == formula
    shown = cli("members", "show", name, "--format", "json", db=db_path)
    assert shown.exit_code == 0 and name in shown.stdout


LABELS_BY_LANGUAGE = {
    "de": ("Automobil; Luft- und Raumfahrt", "Fügen, Montage, Systemintegration", "KMU", "Ja", "Deutschland"),
    "it": ("Automotive; Aerospazio", "Giunzione, assemblaggio, integrazione di sistema", "PMI", "Sì", "Germania"),
    "pl": ("Motoryzacja; Lotnictwo i kosmonautyka", "Łączenie, montaż, integracja systemów", "MŚP", "Tak", "Niemcy"),
    "fr": ("Automobile; Aéronautique et spatial", "Assemblage, montage, intégration de systèmes", "PME", "Oui", "Allemagne"),
    "es": ("Automoción; Aeroespacial", "Unión, montaje, integración de sistemas", "PYME", "Sí", "Alemania"),
    "en": ("automotive; AEROSPACE ", "Joining, assembly, system integration", "SME", "yes", "Germany"),
}


@pytest.mark.parametrize("lang", sorted(LABELS_BY_LANGUAGE))
def test_ingest__labels_in_each_language__same_codes(cli, db_path, tmp_path, lang):
    sectors, stage, org_type, consent, country = LABELS_BY_LANGUAGE[lang]
    q = load_questionnaire()
    header = [q.question(code).label(lang) for code in HEADER]
    path = write_csv(tmp_path / f"{lang}.csv", [row(sectors=sectors, value_chain_stages=stage, org_type=org_type,
                                                   consent=consent, country=country)],
                     header=HEADER, header_text=header)
    result = cli("ingest", path, db=db_path)
    assert result.exit_code == 0, result.stderr
    stored = answers(db_path)["Leichtbau Nord GmbH"]
    assert stored["sectors"] == ["automotive", "aerospace"]
    assert stored["value_chain_stages"] == ["integration"]
    assert (stored["org_type"], stored["consent"], stored["country"]) == ("sme", True, "DE")


def test_ingest__same_file_twice__idempotent(cli, db_path):
    assert cli("ingest", CANONICAL, db=db_path).exit_code == 0
    before = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    again = cli("ingest", CANONICAL, db=db_path)
    assert again.exit_code == 0 and "already ingested" in again.stdout
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == before


def test_ingest__newer_submission__supersedes_and_keeps_history(cli, db_path, tmp_path):
    first = write_csv(tmp_path / "a.csv", [row(trl="5", submitted_at="2026-01-10")])
    second = write_csv(tmp_path / "b.csv", [row(trl="8", submitted_at="2026-02-01", org_name=" leichtbau  NORD gmbh")])
    older = write_csv(tmp_path / "c.csv", [row(trl="2", submitted_at="2025-12-01")])
    for path in (first, second, older):
        assert cli("ingest", path, db=db_path).exit_code == 0
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM organisations").fetchone()[0] == 1
    statuses = conn.execute("SELECT status, json_extract(answers, '$.trl') FROM submissions ORDER BY id").fetchall()
    assert statuses == [("superseded", 5), ("current", 8), ("superseded", 2)]
    assert conn.execute("SELECT COUNT(*) FROM raw_rows").fetchone()[0] == 3  # history kept


def test_ingest__skip_invalid__valid_rows_in_and_reasons_stored(cli, db_path, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", [row(), row(org_name="Bad Sector AG", sectors="automotiv")])
    result = cli("ingest", path, "--skip-invalid", db=db_path)
    assert result.exit_code == 0, result.stderr
    assert "1 set aside" in result.stdout
    conn = sqlite3.connect(db_path)
    (row_number, reasons), = conn.execute("SELECT row_number, reasons FROM set_aside").fetchall()
    assert row_number == 3
    reason = json.loads(reasons)[0]
    assert reason["column"] == "sectors" and "did you mean 'automotive'" in reason["message"]


def _db_with_members(cli, db_path: Path) -> bytes:
    assert cli("ingest", CANONICAL, db=db_path).exit_code == 0
    return db_path.read_bytes()


def _xlsx(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    for r in rows:
        workbook.active.append(r)
    workbook.save(path)
    return path


REJECTIONS = {
    "empty": (lambda p: p.write_bytes(b""), "file_empty", {}),
    "header only": (lambda p: p.write_text(",".join(HEADER) + "\n"), "file_header_only", {}),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 20), "nul_byte", {}),
    "renamed image": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "file_binary", {}),
    "broken xlsx": (lambda p: p.write_bytes(b"PK\x03\x04" + b"garbage" * 20), "file_broken_xlsx", {}),
    "row longer than header": (lambda p: p.write_text(",".join(HEADER) + "\n" + ",".join(row().values()) + ",extra\n"),
                               "row_too_long", {"row": 2}),
    "nul bytes": (lambda p: p.write_bytes((",".join(HEADER) + "\nA\x00B\n").encode()), "nul_byte", {}),
    "missing required column": (lambda p: write_csv(p, [{k: v for k, v in row().items() if k != "cluster"}]),
                                "missing_column", {"column": "cluster"}),
    "unknown choice": (lambda p: write_csv(p, [row(sectors="automotiv")]), "unknown_choice",
                       {"row": 2, "column": "sectors"}),
    "trl outside 1..9": (lambda p: write_csv(p, [row(trl="10")]), "out_of_range", {"row": 2, "column": "trl"}),
    "trl not a number": (lambda p: write_csv(p, [row(trl="high")]), "not_integer", {"row": 2, "column": "trl"}),
    "negative employees": (lambda p: write_csv(p, [{**row(), "employees": "-5"}]), "negative",
                           {"row": 2, "column": "employees"}),
    "consent not yes/no": (lambda p: write_csv(p, [row(consent="maybe")]), "bad_consent", {"row": 2, "column": "consent"}),
    "required cell empty": (lambda p: write_csv(p, [row(org_type=" ")]), "required_empty",
                            {"row": 2, "column": "org_type"}),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_ingest__bad_file__rejected_with_one_paragraph_and_db_unchanged(cli, db_path, tmp_path, case):
    make, code, where = REJECTIONS[case]
    before = _db_with_members(cli, db_path)
    suffix = ".xlsx" if "xlsx" in case else ".csv"
    path = tmp_path / f"bad{suffix}"
    make(path)
    result = cli("ingest", path, db=db_path)
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n\n" not in message
    assert path.name in message
    expected_tail = MESSAGES[code].split("{")[0].strip()
    assert expected_tail in message
    if "row" in where:
        assert f"row {where['row']}" in message
    if "column" in where:
        assert f"column '{where['column']}'" in message
    assert db_path.read_bytes() == before


def test_ingest__rejected_file_into_missing_db__creates_nothing(cli, db_path, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [row(trl="0")])
    assert cli("ingest", path, db=db_path).exit_code != 0
    assert not db_path.exists()


def test_ingest__xlsx_file__accepted(cli, db_path, tmp_path):
    r = row()
    path = _xlsx(tmp_path / "in.xlsx", [list(r), list(r.values())])
    assert cli("ingest", path, db=db_path).exit_code == 0
    assert answers(db_path)["Leichtbau Nord GmbH"]["trl"] == 6


def test_ingest__dry_run__shows_mapping_and_stores_nothing(cli, db_path, tmp_path):
    q = load_questionnaire()
    header = [q.question(c).label("pl") if c == "trl" else c for c in HEADER]
    path = write_csv(tmp_path / "in.csv", [row()], header=HEADER, header_text=header)
    result = cli("ingest", path, "--dry-run", db=db_path)
    assert result.exit_code == 0, result.stderr
    assert "label (pl)" in result.stdout
    assert not db_path.exists()


def test_members_show__contacts_only_on_request(cli, db_path):
    _db_with_members(cli, db_path)
    plain = cli("members", "show", "Leichtbau Sachsen GmbH", db=db_path)
    assert plain.exit_code == 0 and "anna.schmidt@example.de" not in plain.stdout
    full = cli("members", "show", "DE123456789", "--with-contacts", db=db_path)
    assert "anna.schmidt@example.de" in full.stdout
    assert "canonical_en.csv" in full.stdout  # provenance


def test_members_list__filters_by_cluster_sector_and_market(cli, db_path):
    _db_with_members(cli, db_path)
    def keys(*args: str) -> list[str]:
        out = cli("members", "list", *args, "--format", "json", db=db_path)
        assert out.exit_code == 0, out.stderr
        return [r["name"] for r in json.loads(out.stdout)["sections"][0]["rows"]]
    assert keys("--cluster", "AMZ") == ["Leichtbau Sachsen GmbH"]
    assert keys("--sector", "Schienenfahrzeuge") == ["Leichtbau Sachsen GmbH", "Politechnika Lekka"]
    assert keys("--market", "japan") == ["Leichtbau Sachsen GmbH", "Compositi Emilia Srl"]
    bad = cli("members", "list", "--sector", "automotiv", db=db_path)
    assert bad.exit_code != 0 and "did you mean 'automotive'" in bad.stderr


def test_members__empty_database__says_what_to_ingest(cli, db_path):
    result = cli("members", "list", db=db_path)
    assert result.exit_code != 0 and "elca-match ingest" in result.stderr


def test_forget__leaves_no_trace_in_file_bytes(cli, db_path, tmp_path):
    _db_with_members(cli, db_path)
    # a set-aside row of the same organisation must go too
    bad = write_csv(tmp_path / "bad.csv", [row(org_name="Leichtbau Sachsen GmbH", org_id="DE123456789", trl="11",
                                               contact_email="anna.schmidt@example.de")])
    assert cli("ingest", bad, "--skip-invalid", db=db_path).exit_code == 0
    result = cli("forget", "Leichtbau Sachsen GmbH", "--yes", db=db_path)
    assert result.exit_code == 0, result.stderr
    data = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                   if db_path.with_name(db_path.name + "-wal").exists() else b"")
    for trace in (b"Leichtbau Sachsen", b"anna.schmidt@example.de", b"Anna Schmidt", b"DE123456789"):
        assert trace not in data
    assert "Compositi Emilia" in cli("members", "list", db=db_path).stdout


def test_forget__unknown_name__suggests_closest(cli, db_path):
    _db_with_members(cli, db_path)
    result = cli("forget", "Politechnika Leka", "--yes", db=db_path)
    assert result.exit_code != 0 and "did you mean 'Politechnika Lekka'" in result.stderr


def test_reprocess__rederives_same_answers(cli, db_path):
    _db_with_members(cli, db_path)
    before = answers(db_path)
    result = cli("reprocess", db=db_path)
    assert result.exit_code == 0, result.stderr
    assert "3 of 3 submissions" in result.stdout
    assert answers(db_path) == before


def test_problem_message__names_file_row_column_value():
    problem = Problem("out_of_range", file="a.csv", row=7, column="trl", value="12", params={"low": 1, "high": 9})
    assert problem.message() == ("a.csv, row 7, column 'trl': value '12': the value is outside the allowed "
                                 "range 1..9; correct it.")


def test_ingest__answers_split_over_two_sheets__refused_naming_the_sheet(cli, db_path, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "AMZ"
    for title in ("AMZ", "AMZ late"):
        sheet = workbook[title] if title in workbook.sheetnames else workbook.create_sheet(title)
        sheet.append(list(row()))
        sheet.append(list(row(org_name=f"{title} GmbH").values()))
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    result = cli("ingest", path, db=db_path)
    assert result.exit_code == 3 and "'AMZ late'" in result.stderr and "same columns as sheet 'AMZ'" in result.stderr
    assert not db_path.exists()


def test_ingest__a_folder__refused_clearly(cli, db_path, tmp_path):
    result = cli("ingest", tmp_path, db=db_path)
    assert result.exit_code == 3 and "this is a folder" in result.stderr


def test_ingest__control_characters_in_text__rejected(cli, db_path, tmp_path):
    path = write_csv(tmp_path / "ctl.csv", [row(contact_name="Null\x01Byte")])
    result = cli("ingest", path, db=db_path)
    assert result.exit_code == 4 and "column 'contact_name'" in result.stderr and "control characters" in result.stderr


def test_forget__organisation_only_in_set_aside_rows__erased(cli, db_path, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [row(org_name="Nie Akzeptiert GmbH", trl="12",
                                               contact_email="hans@example.de")])
    assert cli("ingest", bad, "--skip-invalid", db=db_path).exit_code == 0
    assert b"hans@example.de" in db_path.read_bytes()
    result = cli("forget", "nie akzeptiert gmbh", "--yes", db=db_path)
    assert result.exit_code == 0, result.stderr
    assert b"hans@example.de" not in db_path.read_bytes()


def test_forget__same_name_in_two_countries__ambiguous_not_a_guess(cli, db_path, tmp_path):
    path = write_csv(tmp_path / "twins.csv", [row(org_name="Twin Composites", country="ES", cluster="MAV"),
                                              row(org_name="twin  COMPOSITES", country="DE")])
    assert cli("ingest", path, db=db_path).exit_code == 0
    result = cli("forget", "Twin Composites", "--yes", db=db_path)
    assert result.exit_code == 2 and "matches several" in result.stderr


@pytest.mark.parametrize("out,expected", [
    ("", "is a folder"), (".", "is a folder"), ("nodir/x.csv", "does not exist"), ("list.xlsx", "format is csv"),
])
def test_members_list__unusable_out__refused_before_any_work(cli, db_path, out, expected):
    _db_with_members(cli, db_path)
    result = cli("members", "list", "--format", "csv", "--out", out, db=db_path)
    assert result.exit_code == 2 and expected in result.stderr
