"""`elca-match missions import|list`: through typer's CliRunner, and the real entry point for exits."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from elca_match.cli import app
from elca_match.errors import ElcaError, StateError, UsageError, ValidationError

from conftest import FIXTURES, json_result

CATALOGUE = FIXTURES / "catalogue"
FIELDS = ["id", "country", "type", "seats", "region", "start_date", "end_date", "lead_cluster", "sectors",
          "opportunities"]
GOOD = {"id": "T-M9", "country": "JP", "type": "showcase", "seats": "6", "region": "Tokyo", "start_date": "2027-04-12",
        "end_date": "2027-04-15", "lead_cluster": "POLYM", "sectors": "aerospace", "opportunities": "JP-T-01"}


def run(db: Path, *args: object):
    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)], env={"COLUMNS": "200"})


def data(db: Path, *args: object):
    result = CliRunner().invoke(app, ["--db", str(db), *map(str, args), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json_result(json.loads(result.stdout))


def failure(db: Path, *args: object, kind: type[ElcaError] = ElcaError) -> ElcaError:
    result = run(db, *args)
    assert isinstance(result.exception, kind), (result.exception, result.output)
    return result.exception


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows([[r.get(h, "") for h in FIELDS] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    """A database with the fixture opportunities and the four fixture missions."""
    db = tmp_path / "elca.db"
    data(db, "opportunities", "import", CATALOGUE / "opportunities.csv")
    data(db, "missions", "import", CATALOGUE / "missions.csv")
    return db


@pytest.fixture(scope="module")
def builtin_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("builtin") / "elca.db"
    data(db, "opportunities", "import", "--builtin")
    data(db, "missions", "import", "--builtin")
    return db


# --- import --------------------------------------------------------------------------------

def test_import__builtin_calendar__22_missions_then_unchanged(tmp_path):
    db = tmp_path / "elca.db"
    data(db, "opportunities", "import", "--builtin")
    first = data(db, "missions", "import", "--builtin")
    assert len(first["added"]) == 22 and first["total"] == 22
    second = data(db, "missions", "import", "--builtin")
    assert len(second["unchanged"]) == 22 and second["added"] == [] and second["updated"] == {}


def test_import__builtin_without_opportunities__state_error_and_no_database_created(tmp_path):
    db = tmp_path / "elca.db"
    error = failure(db, "missions", "import", "--builtin", kind=StateError)
    assert "opportunities import" in str(error)
    assert not db.exists()


def test_import__fixture__normalised_records(planned):
    by_id = {m["id"]: m for m in data(planned, "missions", "list")}
    assert by_id["T-M2"]["country"] == "US" and by_id["T-M2"]["opportunities"] == ["US-T-01"]  # typed us-t-01
    assert by_id["T-M3"]["type"] == "expert_visit" and by_id["T-M3"]["start_date"] == "2027-09-15"
    assert by_id["T-M2"]["sectors"] == ["maritime", "aerospace"] and by_id["T-M4"]["lead_cluster"] == "MAV"


def test_import__changed_row__reported_as_updated(tmp_path, planned):
    changed = write_csv(tmp_path / "m.csv", [{**GOOD, "id": "T-M1", "country": "JP", "type": "exploratory",
                                              "seats": "10", "region": "Nagoya", "start_date": "2027-02-15",
                                              "end_date": "2027-02-19", "lead_cluster": "AMZ"}, GOOD])
    result = data(planned, "missions", "import", changed)
    assert result["added"] == ["T-M9"] and result["updated"] == {"T-M1": ["seats"]}
    assert result["total"] == 5


# --- rejections: every rule, database byte-identical ------------------------------------------

@pytest.mark.parametrize(
    "change, code, column",
    [
        ({"type": "sightseeing"}, "unknown_choice", "type"),
        ({"seats": "0"}, "not_positive", "seats"),
        ({"seats": "-2"}, "not_positive", "seats"),
        ({"seats": "a few"}, "not_integer", "seats"),
        ({"seats": ""}, "required_empty", "seats"),
        ({"start_date": "2027-13-01"}, "bad_date", "start_date"),
        ({"end_date": "31/02/2027"}, "bad_date", "end_date"),
        ({"start_date": "2027-04-15", "end_date": "2027-04-12"}, "date_order", "end_date"),
        ({"lead_cluster": "ACME"}, "unknown_choice", "lead_cluster"),
        ({"opportunities": "JP-T-01;JP-T-99"}, "unknown_reference", "opportunities"),
        ({"country": "Japn"}, "unknown_country", "country"),
        ({"sectors": "aerospace;spaceflight"}, "unknown_choice", "sectors"),
    ],
)
def test_import__bad_value__rejected_and_database_unchanged(tmp_path, planned, change, code, column):
    before = planned.read_bytes()
    bad = write_csv(tmp_path / "bad.csv", [GOOD, {**GOOD, "id": "T-M10", **change}])
    error = failure(planned, "missions", "import", bad, kind=ValidationError)
    assert [(p.code, p.file, p.row, p.column) for p in error.problems] == [(code, "bad.csv", 3, column)]
    assert planned.read_bytes() == before
    assert "T-M9" not in {m["id"] for m in data(planned, "missions", "list")}


def test_import__duplicate_ids__rejected_and_database_unchanged(tmp_path, planned):
    before = planned.read_bytes()
    error = failure(planned, "missions", "import", write_csv(tmp_path / "d.csv", [GOOD, {**GOOD, "id": "t-m9"}]),
                    kind=ValidationError)
    assert [(p.code, p.row) for p in error.problems] == [("duplicate_id", 3)]
    assert planned.read_bytes() == before


def test_import__unknown_reference__suggests_closest_opportunity(tmp_path, planned):
    error = failure(planned, "missions", "import", write_csv(tmp_path / "r.csv", [{**GOOD, "opportunities": "JP-T-1"}]),
                    kind=ValidationError)
    assert "(did you mean 'JP-T-01'?)" in str(error)


def test_import__rejected_through_real_entry_point__exit_4_db_unchanged(cli, tmp_path, planned):
    before = planned.read_bytes()
    result = cli("missions", "import", write_csv(tmp_path / "bad.csv", [{**GOOD, "seats": "0"}]), db=planned)
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: bad.csv, row 2, column 'seats': value '0'") and "Traceback" not in result.stderr
    assert planned.read_bytes() == before


# --- list ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("jp", {"T-M1"}), ("Japan", {"T-M1"}), ("JAPAN", {"T-M1"}), ("Japon", {"T-M1"}), ("Giappone", {"T-M1"}),
        ("Japonia", {"T-M1"}), ("Japón", {"T-M1"}),
        ("US", {"T-M2"}), ("usa", {"T-M2"}), ("United States", {"T-M2"}), ("Estados Unidos", {"T-M2"}),
        ("Stany Zjednoczone", {"T-M2"}), ("Vereinigte Staaten", {"T-M2"}), ("États-Unis", {"T-M2"}),
        ("india", {"T-M3"}), ("Indien", {"T-M3"}), ("Indie", {"T-M3"}),
        ("Mexico", {"T-M4"}), ("Meksyk", {"T-M4"}), ("latin-america", {"T-M4"}), ("América Latina", {"T-M4"}),
        ("north-america", {"T-M2", "T-M4"}), ("asia", {"T-M1", "T-M3"}), ("Asien", {"T-M1", "T-M3"}),
        ("Brazil", set()),
    ],
)
def test_list__every_country_spelling__missions_to_that_market(planned, spelling, expected):
    assert {m["id"] for m in data(planned, "missions", "list", "--country", spelling)} == expected


def test_list__country_typo__usage_error_with_did_you_mean(planned):
    error = failure(planned, "missions", "list", "--country", "japna", kind=UsageError)
    assert "(did you mean 'japan'?)" in str(error) and error.exit_code == 2


def test_list__builtin_calendar__date_order_and_four_regions(builtin_db):
    calendar = data(builtin_db, "missions", "list")
    starts = [m["start_date"] for m in calendar]
    assert starts == sorted(starts) and len(calendar) == 22
    for region in ("usa", "japan", "india", "latin-america"):
        assert data(builtin_db, "missions", "list", "--country", region), region


def test_list__table__count_and_seats(builtin_db):
    result = CliRunner().invoke(app, ["--db", str(builtin_db), "missions", "list", "-c", "Japón"],
                                catch_exceptions=False, env={"COLUMNS": "200"})
    assert "5 missions, 38 seats to JP." in result.stdout and "M06" in result.stdout


def test_list__no_missions__state_error_says_how_to_import(tmp_path):
    db = tmp_path / "elca.db"
    data(db, "opportunities", "import", CATALOGUE / "opportunities.csv")
    assert "missions import --builtin" in str(failure(db, "missions", "list", kind=StateError))
