"""`elca-match opportunities import|list|show`: through typer's CliRunner, and the real entry point for exits."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from elca_match.cli import app
from elca_match.errors import (ElcaError, InputError, NotFoundError, Problem, StateError, UsageError,
                               ValidationError, did_you_mean)
from elca_match.markets import regions
from elca_match.questionnaire import load_questionnaire

from conftest import FIXTURES, json_result

CATALOGUE = FIXTURES / "catalogue"
Q = load_questionnaire()
FIELDS = ["id", "title", "country", "region", "sector", "value_chain_stage", "description", "materials",
          "technologies", "trl_min", "trl_max", "cooperation_types", "market_maturity", "policy_driver", "priority",
          "source", "sources", "status", "checked_on", "valid_from", "valid_to", "caveats"]
GOOD = {"id": "CL-T-01", "title": "E-bus bodies", "country": "CL", "region": "Santiago", "sector": "automotive",
        "value_chain_stage": "integration", "description": "Aluminium e-bus bodies.", "materials": "aluminium",
        "technologies": "adhesive_bonding", "trl_min": "4", "trl_max": "6", "cooperation_types": "rd",
        "market_maturity": "emerging", "policy_driver": "Estrategia Nacional de Electromovilidad (2021)",
        "priority": "4", "source": "https://example.org"}


def run(db: Path, *args: object):
    """Invoke the app in-process; library errors stay on ``result.exception`` as raised."""
    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)], env={"COLUMNS": "200"})


def ok(db: Path, *args: object):
    result = CliRunner().invoke(app, ["--db", str(db), *map(str, args)], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


def failure(db: Path, *args: object, kind: type[ElcaError] = ElcaError) -> ElcaError:
    result = run(db, *args)
    assert isinstance(result.exception, kind), (result.exception, result.output)
    return result.exception


def data(db: Path, *args: object):
    return json_result(json.loads(ok(db, *args, "--format", "json").stdout))


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] = FIELDS) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[r.get(h, "") for h in header] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A database holding the four fixture opportunities."""
    db = tmp_path / "elca.db"
    ok(db, "opportunities", "import", CATALOGUE / "opportunities.csv")
    return db


@pytest.fixture(scope="module")
def builtin_db(tmp_path_factory) -> Path:
    """A database holding the built-in catalogue (read-only for the tests that use it)."""
    db = tmp_path_factory.mktemp("builtin") / "elca.db"
    ok(db, "opportunities", "import", "--builtin")
    return db


# --- import --------------------------------------------------------------------------------

def test_import__builtin_twice__added_then_unchanged(tmp_path):
    db = tmp_path / "elca.db"
    first = data(db, "opportunities", "import", "--builtin")
    assert len(first["added"]) >= 28 and first["updated"] == {} and first["unchanged"] == []
    second = data(db, "opportunities", "import", "--builtin")
    assert second["added"] == [] and second["updated"] == {} and sorted(second["unchanged"]) == sorted(first["added"])
    assert second["total"] == len(first["added"])


def test_import__fixture__normalised_records_stored(filled):
    record = data(filled, "opportunities", "show", "mx-t-01")
    assert (record["country"], record["sector"], record["materials"], record["trl_min"]) == ("MX", "rail", ["gfrp"], 5)
    assert (record["source_file"], record["source_row"]) == ("opportunities.csv", 5)
    assert data(filled, "opportunities", "show", "JP-T-01")["country"] == "JP"  # typed as "Japón"


def test_import__changed_file__reports_added_updated_unchanged_with_fields(filled):
    result = data(filled, "opportunities", "import", CATALOGUE / "opportunities_update.csv")
    assert result["added"] == ["BR-T-01"]
    assert result["unchanged"] == ["JP-T-01"]
    assert set(result["updated"]) == {"us-t-01"} and {"trl_min", "priority"} <= set(result["updated"]["us-t-01"])
    assert result["total"] == 5  # nothing is deleted by a partial file
    assert data(filled, "opportunities", "show", "US-T-01")["trl_min"] == 6


def test_import__table_output__says_what_changed(filled):
    output = ok(filled, "opportunities", "import", CATALOGUE / "opportunities_update.csv").stdout
    assert "1 added, 1 updated, 1 unchanged" in output


def test_import__xlsx__same_records_as_csv(tmp_path, filled):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    with open(CATALOGUE / "opportunities.csv", encoding="utf-8") as stream:
        for line in csv.reader(stream):
            sheet.append([int(c) if c.isdigit() else c for c in line])
    book.save(tmp_path / "opps.xlsx")
    other = tmp_path / "other.db"
    result = data(other, "opportunities", "import", tmp_path / "opps.xlsx")
    assert len(result["added"]) == 4
    assert data(other, "opportunities", "list") == data(filled, "opportunities", "list")


def test_list_export_csv__reimported__unchanged(tmp_path, builtin_db):
    out = tmp_path / "catalogue.csv"
    ok(builtin_db, "opportunities", "list", "--format", "csv", "--out", out)
    copy = tmp_path / "copy.db"
    ok(copy, "opportunities", "import", "--builtin")
    result = data(copy, "opportunities", "import", out)
    assert result["added"] == [] and result["updated"] == {} and len(result["unchanged"]) >= 28


# --- rejections: every rule, database byte-identical ------------------------------------------

@pytest.mark.parametrize(
    "change, code, column",
    [
        ({"sector": "automotiv"}, "unknown_choice", "sector"),
        ({"value_chain_stage": "assembly line"}, "unknown_choice", "value_chain_stage"),
        ({"trl_min": "7", "trl_max": "3"}, "trl_order", "trl_min"),
        ({"trl_min": "0"}, "out_of_range", "trl_min"),
        ({"trl_max": "12"}, "out_of_range", "trl_max"),
        ({"priority": "0"}, "out_of_range", "priority"),
        ({"priority": "9"}, "out_of_range", "priority"),
        ({"country": "Chilee"}, "unknown_country", "country"),
        ({"market_maturity": "booming"}, "unknown_choice", "market_maturity"),
        ({"materials": "aluminium;kryptonite"}, "unknown_choice", "materials"),
        ({"description": ""}, "required_empty", "description"),
    ],
)
def test_import__bad_value__rejected_and_database_unchanged(tmp_path, filled, change, code, column):
    before = filled.read_bytes()
    bad = write_csv(tmp_path / "bad.csv", [GOOD, {**GOOD, "id": "CL-T-02", **change}])
    error = failure(filled, "opportunities", "import", bad, kind=ValidationError)
    assert [(p.code, p.file, p.row, p.column) for p in error.problems] == [(code, "bad.csv", 3, column)]
    assert error.exit_code == 4
    assert filled.read_bytes() == before
    assert data(filled, "opportunities", "list", "--country", "CL") == []  # the good row was not kept either


def test_import__duplicate_ids__rejected_and_database_unchanged(tmp_path, filled):
    before = filled.read_bytes()
    bad = write_csv(tmp_path / "dup.csv", [GOOD, {**GOOD, "title": "again"}, {**GOOD, "id": "cl-t-01"}])
    error = failure(filled, "opportunities", "import", bad, kind=ValidationError)
    assert [(p.code, p.row, p.params["first_row"]) for p in error.problems] == [("duplicate_id", 3, 2),
                                                                                ("duplicate_id", 4, 2)]
    assert filled.read_bytes() == before


def test_import__many_problems__all_reported_in_one_error(tmp_path, filled):
    rows = [{**GOOD, "id": f"X{i}", "sector": "boats"} for i in range(3)] + [{**GOOD, "id": "Y", "priority": "7"}]
    error = failure(filled, "opportunities", "import", write_csv(tmp_path / "bad.csv", rows), kind=ValidationError)
    assert [p.row for p in error.problems] == [2, 3, 4, 5]
    assert error.paragraph().startswith("4 problems: (1) bad.csv, row 2, column 'sector'")


@pytest.mark.parametrize(
    "header, code",
    [
        ([h for h in FIELDS if h != "title"], "catalogue_missing_column"),
        ([h if h != "source" else "sauce" for h in FIELDS], "catalogue_unknown_column"),
    ],
)
def test_import__bad_header__rejected(tmp_path, filled, header, code):
    before = filled.read_bytes()
    error = failure(filled, "opportunities", "import", write_csv(tmp_path / "h.csv", [GOOD], header),
                    kind=ValidationError)
    assert [p.code for p in error.problems] == [code]
    assert filled.read_bytes() == before


def test_import__missing_file__input_error_nothing_created(tmp_path):
    db = tmp_path / "new.db"
    failure(db, "opportunities", "import", tmp_path / "nope.csv", kind=InputError)
    assert not db.exists()


@pytest.mark.parametrize("args", [[], ["--builtin", str(CATALOGUE / "opportunities.csv")]])
def test_import__neither_or_both_sources__usage_error(tmp_path, args):
    failure(tmp_path / "x.db", "opportunities", "import", *args, kind=UsageError)


def test_import__rejected_through_real_entry_point__exit_4_one_paragraph_db_unchanged(cli, tmp_path, filled):
    before = filled.read_bytes()
    bad = write_csv(tmp_path / "bad.csv", [{**GOOD, "sector": "automotiv"}])
    result = cli("opportunities", "import", bad, db=filled)
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: bad.csv, row 2, column 'sector': value 'automotiv'")
    assert "(did you mean 'automotive'?)" in result.stderr and "Traceback" not in result.stderr
    assert filled.read_bytes() == before


# --- list ----------------------------------------------------------------------------------

LATAM = {"MX", "BR", "CL", "CO"}


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("jp", {"JP"}), ("JP", {"JP"}), ("japan", {"JP"}), ("Japan", {"JP"}), ("JAPAN", {"JP"}), ("Japon", {"JP"}),
        ("Giappone", {"JP"}), ("Japonia", {"JP"}), ("Japón", {"JP"}),
        ("us", {"US"}), ("USA", {"US"}), ("United States", {"US"}), ("Estados Unidos", {"US"}),
        ("Stany Zjednoczone", {"US"}), ("Vereinigte Staaten", {"US"}), ("États-Unis", {"US"}), ("Stati Uniti", {"US"}),
        ("in", {"IN"}), ("India", {"IN"}), ("Indien", {"IN"}), ("Inde", {"IN"}), ("Indie", {"IN"}),
        ("mexico", {"MX"}), ("México", {"MX"}), ("Messico", {"MX"}), ("Meksyk", {"MX"}), ("Mexique", {"MX"}),
        ("Brasil", {"BR"}), ("Brazylia", {"BR"}), ("chile", {"CL"}), ("Cile", {"CL"}), ("Kolumbien", {"CO"}),
        ("latin-america", LATAM), ("Latin America", LATAM), ("América Latina", LATAM), ("Lateinamerika", LATAM),
        ("Amérique latine", LATAM), ("Ameryka Łacińska", LATAM), ("north-america", {"US", "MX"}),
        ("asia", {"JP", "IN"}), ("Asien", {"JP", "IN"}), ("japan, india", {"JP", "IN"}),
    ],
)
def test_list__every_country_spelling__that_market_only(builtin_db, spelling, expected):
    listed = data(builtin_db, "opportunities", "list", "--country", spelling)
    assert {r["country"] for r in listed} == expected


@pytest.mark.parametrize("typo, suggestion", [("japna", "japan"), ("Inida", "india"), ("latn-america", "latin-america")])
def test_list__country_typo__usage_error_with_did_you_mean(builtin_db, typo, suggestion):
    error = failure(builtin_db, "opportunities", "list", "--country", typo, kind=UsageError)
    assert str(error) == Problem("unknown_market", value=typo, params={
        "suggestion": did_you_mean(suggestion), "regions": ", ".join(regions())}).message()


@pytest.mark.parametrize(
    "options, check",
    [
        (["--sector", "rail"], lambda r: r["sector"] == "rail"),
        (["--sector", Q.choice_label("sectors", "rail", "de")], lambda r: r["sector"] == "rail"),
        (["--sector", "rail;maritime"], lambda r: r["sector"] in {"rail", "maritime"}),
        (["--sector", "rail, maritime"], lambda r: r["sector"] in {"rail", "maritime"}),
        (["--stage", "circularity"], lambda r: r["value_chain_stage"] == "circularity"),
        (["--stage", Q.choice_label("value_chain_stages", "circularity", "fr")],
         lambda r: r["value_chain_stage"] == "circularity"),
        (["--country", "jp", "--sector", "aerospace", "--stage", "production"],
         lambda r: (r["country"], r["sector"], r["value_chain_stage"]) == ("JP", "aerospace", "production")),
    ],
)
def test_list__sector_and_stage_filters__only_matching_rows(builtin_db, options, check):
    listed = data(builtin_db, "opportunities", "list", *options)
    assert listed and all(check(r) for r in listed)


@pytest.mark.parametrize("option, typo, suggestion", [("--sector", "aerospce", "aerospace"), ("--stage", "desing", "design")])
def test_list__sector_or_stage_typo__usage_error_with_suggestion(builtin_db, option, typo, suggestion):
    error = failure(builtin_db, "opportunities", "list", option, typo, kind=UsageError)
    assert f"(did you mean '{suggestion}'?)" in str(error).lower()


def test_list__table__short_columns_and_count(builtin_db):
    output = ok(builtin_db, "opportunities", "list", "--country", "japan").stdout
    assert "JP-AER-01" in output and "US-AUT-01" not in output
    assert "opportunities for countries JP." in output


def test_list__csv__every_catalogue_column(builtin_db):
    output = ok(builtin_db, "opportunities", "list", "--country", "CO", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(output)))
    assert list(rows[0]) == FIELDS and {r["country"] for r in rows} == {"CO"}


def test_list__no_database__state_error(tmp_path):
    failure(tmp_path / "none.db", "opportunities", "list", kind=StateError)
    assert not (tmp_path / "none.db").exists()


def test_list__empty_catalogue__state_error_says_how_to_import(tmp_path):
    db = tmp_path / "elca.db"
    db.touch()
    error = failure(db, "opportunities", "list", kind=StateError)
    assert "opportunities import --builtin" in str(error)


# --- show ----------------------------------------------------------------------------------

def test_show__any_case__full_record(builtin_db):
    output = ok(builtin_db, "opportunities", "show", "jp-aer-01").stdout
    assert "Green Innovation Fund" in output and "policy_driver" in output and "source_row" in output


def test_show__unknown_id__not_found_with_closest_id(builtin_db):
    error = failure(builtin_db, "opportunities", "show", "JP-AER-1", kind=NotFoundError)
    assert "did you mean 'JP-AER-01'?" in str(error) and error.exit_code == 5


def test_show__real_entry_point__exit_5_message(cli, builtin_db):
    result = cli("opportunities", "show", "XX-NOPE", db=builtin_db)
    assert result.exit_code == 5 and result.stderr.startswith("Error: value 'XX-NOPE': no opportunity matches")
