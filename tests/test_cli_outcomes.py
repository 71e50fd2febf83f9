"""`elca-match outcomes import|add|list` driven through the real entry point."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from elca_match.errors import Problem, did_you_mean
from elca_match.outcomes.vocabulary import EVENT_KINDS, RECORD_KINDS, codes

from conftest import FIXTURES, CliResult, run_cli

HERE = FIXTURES / "outcomes"
HEADER = ["record", "id", "name", "date", "country", "kind", "mission", "event", "parties", "partners",
          "objectives", "sector", "technology", "agreement", "status", "confidential", "description"]
ORGS = [
    {"record": "org", "id": "ORG-1", "name": "Chubu Composites Cluster", "country": "JP", "kind": "cluster"},
    {"record": "org", "id": "ORG-2", "name": "Detroit Forming Inc", "country": "US", "kind": "large"},
]
CLUSTERS = "AMZ, MECH, BIC, POLYM, MAV"


def run(*args: object, db: Path) -> CliResult:
    """Run `elca-match` in this process: the console script's own main(), ~30 times faster than a subprocess.

    A few tests still go through :func:`conftest.run_cli` (the installed command) to cover the real entry point.
    """
    return run_cli(*args, db=db)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """Members (survey fixture plus three) and five missions; no outcomes yet."""
    db = tmp_path_factory.mktemp("base") / "elca.db"
    for step in (("ingest", FIXTURES / "survey" / "canonical_en.csv", HERE / "members.csv"),
                 ("missions", "import", HERE / "missions.csv")):
        assert run(*step, db=db).exit_code == 0
    return db


@pytest.fixture
def db(base_db, tmp_path) -> Path:
    path = tmp_path / "elca.db"
    shutil.copy(base_db, path)
    return path


def write(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(header)
    out.writerows([r.get(h, "") for h in header] for r in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def event(**cells: str) -> dict[str, str]:
    return {"record": "event", "id": "EV-1", "name": "Forum", "date": "2027-03-09", "country": "JP", "kind": "c2c",
            "parties": "AMZ", **cells}


def meeting(**cells: str) -> dict[str, str]:
    return {"record": "meeting", "id": "MT-1", "date": "2027-03-10", "kind": "b2b",
            "parties": "Leichtbau Sachsen GmbH", "partners": "ORG-2", **cells}


def case(**cells: str) -> dict[str, str]:
    return {"record": "case", "id": "CASE-1", "name": "MoU", "date": "2027-03-11", "kind": "2", "parties": "AMZ",
            "partners": "ORG-1", "objectives": "rd", **cells}


def expect(code: str, row: int | None, column: str | None, value: str | None = None, **params) -> str:
    """The catalogue message a problem prints, as the user sees it."""
    return Problem(code, file="bad.csv" if row else None, row=row, column=column, value=value, params=params).message()


# Each rejected file: its rows (after the two organisations, so the bad row is row 4) and the expected message.
REJECTIONS = {
    "member name typo": ([event(parties="Leichtbau Sachsen GmbX")],
                         expect("outcome_unknown_party", 4, "parties", "Leichtbau Sachsen GmbX",
                                suggestion=did_you_mean("Leichtbau Sachsen GmbH"), clusters=CLUSTERS)),
    "cluster code typo": ([event(parties="AMZZ")],
                          expect("outcome_unknown_party", 4, "parties", "AMZZ", suggestion=did_you_mean("AMZ"),
                                 clusters=CLUSTERS)),
    "unknown mission": ([event(mission="M6")],
                        expect("unknown_reference", 4, "mission", "M6", what="mission", suggestion=did_you_mean("M06"))),
    "EU country": ([event(country="JP;Germany")],
                   expect("outcome_not_third_country", 4, "country", "Germany", country="Germany")),
    "COSME country": ([event(country="Turkey")],
                      expect("outcome_not_third_country", 4, "country", "Turkey", country="Türkiye")),
    "unknown country": ([event(country="Japna")],
                        expect("unknown_country", 4, "country", "Japna", suggestion=did_you_mean("japan"))),
    "unknown partner": ([meeting(partners="Detroit Forming")],
                        expect("outcome_unknown_partner", 4, "partners", "Detroit Forming",
                               suggestion=did_you_mean("Detroit Forming Inc"))),
    "event kind": ([event(kind="b2bb")],
                   expect("unknown_choice", 4, "kind", "b2bb", suggestion=did_you_mean("b2b"),
                          allowed=", ".join(codes(EVENT_KINDS)))),
    "objective": ([case(objectives="rd;exprots")],
                  expect("unknown_choice", 4, "objectives", "exprots", suggestion=did_you_mean("exports"),
                         allowed="rd (1), technology_transfer (2), exports (3), imports (4), sales_office (5), "
                                 "joint_venture (6), mna (7), soft_landing (8), staff_exchange (9), academic (10), "
                                 "fdi (11), joint_events (12), knowledge_sharing (13), business_contacts (14), other")),
    "bad date": ([event(date="2027-13-01")], expect("bad_date", 4, "date", "2027-13-01")),
    "column for another record": ([{**ORGS[0], "id": "ORG-3", "date": "2027-01-01"}],
                                  expect("outcome_column_not_used", 4, "date", "2027-01-01", what="org")),
    "duplicate id": ([event(), event(id="ev-1")], expect("duplicate_id", 5, "id", "ev-1", first_row=4)),
    "meeting country differs from partner": (
        [meeting(country="Mexico")],
        expect("outcome_partner_country", 4, "country", "Mexico", partner="Detroit Forming Inc",
               partner_country="United States", country="Mexico")),
    "meeting partners in two countries": (
        [meeting(partners="ORG-1;ORG-2")],
        expect("outcome_country_ambiguous", 4, "country", countries="Japan, United States")),
    "meeting without party": ([meeting(parties="")], expect("required_empty", 4, "parties")),
    "case flag": ([case(confidential="perhaps")], expect("outcome_bad_flag", 4, "confidential", "perhaps")),
    "record kind": ([{"record": "evnt", "id": "X"}],
                    expect("unknown_choice", 4, "record", "evnt", suggestion=did_you_mean("event"),
                           allowed=", ".join(codes(RECORD_KINDS)))),
}


@pytest.mark.parametrize("case_name", sorted(REJECTIONS))
def test_import__bad_row__rejected_with_message_and_db_unchanged(db, tmp_path, case_name):
    rows, message = REJECTIONS[case_name]
    path = write(tmp_path / "bad.csv", ORGS + rows)
    before = db.read_bytes()
    result = run("outcomes", "import", path, db=db)
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("Error: bad.csv rejected, nothing was stored")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_import__several_bad_rows__all_reported_at_once(db, tmp_path):
    path = write(tmp_path / "bad.csv", ORGS + [event(parties="Nobody"), meeting(id="MT-9", date="soon"),
                                              case(objectives="")])
    before = db.read_bytes()
    result = run_cli("outcomes", "import", path, db=db)  # the installed command
    assert db.read_bytes() == before
    assert result.exit_code == 4
    assert "3 problems" in result.stderr
    for where in ("row 4, column 'parties'", "row 5, column 'date'", "row 6, column 'objectives'"):
        assert where in result.stderr


def test_import__missing_and_unknown_columns__rejected(db, tmp_path):
    header = [h for h in HEADER if h != "record"] + ["colour"]
    path = write(tmp_path / "bad.csv", [{"id": "X", "colour": "red"}], header=header)
    result = run("outcomes", "import", path, db=db)
    assert result.exit_code == 4
    assert "the required column record is missing from the outcomes file" in result.stderr
    assert "column 'colour'" in result.stderr


def test_import__rejected_file_into_missing_db__creates_nothing(tmp_path):
    db = tmp_path / "none.db"
    path = write(tmp_path / "bad.csv", ORGS + [event(country="Germany")])
    assert run("outcomes", "import", path, db=db).exit_code == 4
    assert not db.exists()


def test_import__history__added_then_unchanged_then_updated(db, tmp_path):
    first = run_cli("outcomes", "import", HERE / "history.csv", "--format", "json", db=db)  # the installed command
    assert first.exit_code == 0, first.stderr
    data = json.loads(first.stdout)
    assert {k: len(v) for k, v in data["added"].items()} == {"org": 7, "event": 5, "meeting": 5, "case": 5}
    assert data["totals"] == {"event": 5, "meeting": 5, "org": 7, "case": 5}

    again = json.loads(run("outcomes", "import", HERE / "history.csv", "--format", "json", db=db).stdout)
    assert again["added"] == {} and again["updated"] == {}
    assert {k: len(v) for k, v in again["unchanged"].items()} == {"org": 7, "event": 5, "meeting": 5, "case": 5}

    text = (HERE / "history.csv").read_text(encoding="utf-8").replace("Online forum for", "Forum of")
    changed = tmp_path / "history.csv"
    changed.write_text(text, encoding="utf-8")
    third = json.loads(run("outcomes", "import", changed, "--format", "json", db=db).stdout)
    assert third["updated"] == {"event": ["EV-2"]}


def test_import__xlsx__same_records_as_csv(db, tmp_path):
    with open(HERE / "history.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "history.xlsx"
    book.save(path)
    assert run("outcomes", "import", path, db=db).exit_code == 0
    listed = json.loads(run("outcomes", "list", "--format", "json", db=db).stdout)
    assert [e["id"] for e in listed["events"]] == ["EV-1", "EV-4", "EV-2", "EV-3", "EV-5"]
    forum = next(e for e in listed["events"] if e["id"] == "EV-2")
    assert forum["countries"] == ["JP", "US"]
    assert [p["ref"] for p in forum["parties"]] == ["AMZ", "MECH", "name:leichtbau netzwerk thuringen|DE"]


def test_add__org_meeting_case__ids_allocated_and_names_resolved(db):
    org = run("outcomes", "add", "org", "--name", "Queretaro Moldes SA", "--country", "mexico", "--kind", "SME",
                  "--format", "json", db=db)
    assert org.exit_code == 0, org.stderr
    assert json.loads(org.stdout)["added"] == {"org": ["ORG-001"]}
    meeting_ = run("outcomes", "add", "meeting", "--date", "24.02.2027", "--kind", "B2B", "--party",
                       "ESB12345678", "--partner", "queretaro moldes sa", "--format", "json", db=db)
    assert meeting_.exit_code == 0, meeting_.stderr
    assert json.loads(meeting_.stdout)["added"] == {"meeting": ["MT-001"]}
    case_ = run("outcomes", "add", "case", "--name", "Pilot", "--date", "2027-02-25", "--kind", "1", "--party",
                    "MAV", "--party", "Composites Catalunya SL", "--partner", "ORG-001", "--objective", "1",
                    "--objective", "technology transfer", "--agreement", "cooperation", "--confidential",
                    "--format", "json", db=db)
    assert case_.exit_code == 0, case_.stderr
    listed = json.loads(run("outcomes", "list", "--format", "json", db=db).stdout)
    assert listed["meetings"][0]["country"] == "MX" and listed["meetings"][0]["date"] == "2027-02-24"
    stored = listed["cases"][0]
    assert (stored["id"], stored["countries"], stored["objectives"], stored["status"], stored["confidential"]) == \
        ("CASE-001", ["MX"], ["rd", "technology_transfer"], "signed", True)
    assert [p["ref"] for p in stored["parties"]] == ["MAV", "id:ESB12345678"]


def test_add__unknown_party__names_the_option(db):
    before = db.read_bytes()
    result = run("outcomes", "add", "event", "--name", "Forum", "--date", "2027-03-09", "--kind", "c2c",
                     "--country", "JP", "--party", "Polymeris", db=db)
    assert result.exit_code == 4
    assert expect("outcome_unknown_party", None, "--party", "Polymeris", suggestion=did_you_mean("POLYM"),
                  clusters=CLUSTERS) in result.stderr
    assert result.stderr.startswith("Error: the event was not recorded: 1 problem (fix them")
    assert db.read_bytes() == before


def test_add__event_without_country__takes_the_missions(db):
    result = run("outcomes", "add", "event", "--name", "Kobe visit", "--date", "2027-09-14", "--kind",
                     "visit", "--mission", "m09", "--format", "json", db=db)
    assert result.exit_code == 0, result.stderr
    listed = json.loads(run("outcomes", "list", "--kind", "event", "--format", "json", db=db).stdout)
    assert [(e["id"], e["countries"], e["kind"], e["mission_id"]) for e in listed["events"]] == \
        [("EV-001", ["JP"], "preparatory", "M09")]
    assert listed["meetings"] == [] and listed["orgs"] == []


def test_add__unknown_record_kind_in_list__suggestion(db):
    result = run("outcomes", "list", "--kind", "meetng", db=db)
    assert result.exit_code == 2
    assert "did you mean 'meeting'?" in result.stderr


def test_list__readable_tables(db):
    assert run("outcomes", "import", HERE / "history.csv", db=db).exit_code == 0
    result = run("outcomes", "list", "--format", "md", db=db)
    assert result.exit_code == 0
    assert "## Events" in result.stdout and "## Cooperation cases" in result.stdout
    assert "| EV-2 | 2027-03-09 | c2c | Lightweight Mobility Forum | JP; US |" in result.stdout


def test_docs_example__imports_and_means_what_the_docs_say(db, tmp_path):
    text = (Path(__file__).resolve().parents[1] / "docs" / "outcomes-format.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    result = run("outcomes", "import", path, db=db)
    assert result.exit_code == 0, result.stderr
    listed = json.loads(run("outcomes", "list", "--format", "json", db=db).stdout)
    events = {e["id"]: e for e in listed["events"]}
    cases = {c["id"]: c for c in listed["cases"]}
    assert events["EV-1"]["countries"] == ["JP"] and listed["meetings"][0]["country"] == "JP"
    assert (cases["CASE-1"]["countries"], cases["CASE-1"]["agreement"], cases["CASE-1"]["status"]) == \
        (["JP"], "cooperation", "signed")
