"""`elca-match plan`: every constraint through the command line, overrides, infeasible quotas, determinism, saving."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from elca_match.cli import app
from elca_match.errors import DefinitionError, ElcaError, InfeasibleError, NotFoundError, Problem, StateError, UsageError
from elca_match.planning import cluster_quota
from elca_match.store import open_db
from elca_match.store import plans as plans_store

from conftest import run_cli

SURVEY_FIELDS = ["org_name", "org_id", "cluster", "country", "region", "org_type", "employees", "sectors",
                 "value_chain_stages", "materials", "technologies", "trl", "certifications", "target_markets",
                 "market_experience", "cooperation_types", "capabilities", "products", "contact_name", "contact_email",
                 "consent", "submitted_at"]
# name, cluster, country, materials, technologies, trl, market experience, consent
MEMBERS = [
    ("Alpha Composites GmbH", "AMZ", "DE", "cfrp;thermoplastic", "rtm;adhesive_bonding", 8, "JP", "yes"),
    ("Beta Leichtbau GmbH", "AMZ", "DE", "cfrp", "rtm", 7, "", "yes"),
    ("Gamma Guss GmbH", "AMZ", "DE", "aluminium", "welding", 5, "US", "yes"),
    ("Delta Fuegetechnik GmbH", "AMZ", "DE", "cfrp;aluminium", "adhesive_bonding", 6, "", "yes"),
    ("Epsilon Compositi Srl", "MECH", "IT", "cfrp;thermoplastic", "rtm", 9, "", "yes"),
    ("Zeta Alluminio Srl", "MECH", "IT", "aluminium", "welding", 7, "US", "yes"),
    ("Eta Stampi Srl", "MECH", "IT", "thermoplastic", "injection_moulding", 4, "", "no"),
    ("Theta Tworzywa Sp. z o.o.", "BIC", "PL", "thermoplastic;cfrp", "rtm", 6, "", "yes"),
    ("Iota Metal Sp. z o.o.", "BIC", "PL", "aluminium", "welding", 3, "", "yes"),
]
OPPORTUNITY_FIELDS = ["id", "title", "country", "region", "sector", "value_chain_stage", "description", "materials",
                      "technologies", "trl_min", "trl_max", "cooperation_types", "market_maturity", "policy_driver",
                      "priority", "source"]
OPPORTUNITIES = [
    ["JP-1", "CFRP body panels", "JP", "Aichi", "automotive", "production", "RTM CFRP body panels for EVs.",
     "cfrp;thermoplastic", "rtm;adhesive_bonding", "6", "9", "exports", "mature", "Top Runner fuel economy", "5", ""],
    ["US-1", "Aluminium battery trays", "US", "Michigan", "automotive", "production",
     "Welded aluminium battery trays for EV platforms.", "aluminium", "welding", "6", "9", "exports", "mature",
     "CAFE standards", "4", ""],
]
MISSION_FIELDS = ["id", "country", "type", "seats", "region", "start_date", "end_date", "lead_cluster", "sectors",
                  "opportunities"]
MISSIONS = [
    ["JP-EXP", "JP", "exploratory", "4", "Nagoya", "2027-02-15", "2027-02-19", "AMZ", "automotive", "JP-1"],
    ["US-FIN", "US", "final", "2", "Detroit", "2027-05-10", "2027-05-12", "MECH", "automotive", "US-1"],
    ["JP-SHOW", "JP", "showcase", "3", "Tokyo", "2027-04-12", "2027-04-15", "BIC", "automotive", "JP-1"],
]


def write(path: Path, fields: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(fields)
        out.writerows(rows)
    return path


def invoke(db: Path, *args: object):
    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)], env={"COLUMNS": "200"})


def plan_json(db: Path, *args: object) -> dict:
    result = CliRunner().invoke(app, ["--db", str(db), "plan", *map(str, args), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def failure(db: Path, *args: object, kind: type[ElcaError] = ElcaError) -> ElcaError:
    result = invoke(db, "plan", *args)
    assert isinstance(result.exception, kind), (result.exception, result.output)
    return result.exception


@pytest.fixture(scope="module")
def source_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    db = folder / "elca.db"
    survey = write(folder / "survey.csv", SURVEY_FIELDS, [
        [name, f"{cluster}{i:03d}", cluster, country, "", "sme", "50", "automotive", "production", materials, techs,
         trl, "", "JP;US", experience, "exports", f"{materials} parts by {techs}", "parts", "", "", consent,
         "2026-03-01"]
        for i, (name, cluster, country, materials, techs, trl, experience, consent) in enumerate(MEMBERS)])
    for args in (("ingest", survey),
                 ("opportunities", "import", write(folder / "opps.csv", OPPORTUNITY_FIELDS, OPPORTUNITIES)),
                 ("missions", "import", write(folder / "missions.csv", MISSION_FIELDS, MISSIONS))):
        result = CliRunner().invoke(app, ["--db", str(db), *map(str, args)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db(source_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the module's database, so saved plans do not leak between tests."""
    copy = tmp_path / "elca.db"
    conn = open_db(source_db).conn
    conn.execute("VACUUM INTO ?", [str(copy)])
    conn.close()
    return copy


def members_by_name(data: dict) -> dict[str, str]:
    return {name: key for key, name in data["names"].items()}


def check_constraints(data: dict) -> None:
    params = data["params"]
    seats = {m["id"]: m["seats"] for m in data["missions"]}
    per_member = Counter(a["member"] for a in data["assignments"])
    per_mission = Counter(a["mission"] for a in data["assignments"])
    per_cluster_mission = Counter((a["cluster"], a["mission"]) for a in data["assignments"])
    assert max(per_member.values(), default=0) <= params["max_per_member"]
    assert all(per_mission[j] <= seats[j] for j in per_mission)
    for (_, j), count in per_cluster_mission.items():
        assert count <= cluster_quota(seats[j], params["cluster_max_share"]) == data["quotas"][j]
    assert data["certificate"]["optimal"] and data["certificate"]["gap"] < 1e-6


# --- the calendar --------------------------------------------------------------------------

def test_plan__default__calendar_in_date_order_and_every_constraint_met(db):
    data = plan_json(db)
    check_constraints(data)
    assert [m["id"] for m in data["missions"]] == ["JP-EXP", "JP-SHOW", "US-FIN"]
    assert data["assignments"], "the fixture members fit the missions"
    assert all(a["score"] > 0 and a["why"].startswith(("JP-1", "US-1")) for a in data["assignments"])
    unconsented = members_by_name(data).get("Eta Stampi Srl")
    assert unconsented not in {a["member"] for a in data["assignments"]}
    assert data["not_considered"]["unconsented"] == 1
    assert data["plan_id"] == 1 and data["reused"] is False


def test_plan__eligibility_rules__final_needs_trl7_or_market_experience_and_showcase_trl6(db):
    data = plan_json(db, "--cluster-max-share", "1", "--max-per-member", "3")
    trl = {m[0]: m[5] for m in MEMBERS}
    experience = {m[0]: m[6] for m in MEMBERS}
    for a in data["assignments"]:
        name = data["names"][a["member"]]
        if a["mission"] == "US-FIN":
            assert trl[name] >= 7 or "US" in experience[name]
        if a["mission"] == "JP-SHOW":
            assert trl[name] >= 6
    ruled = [o for o in data["left_out"] if o["constraint"] == "eligibility_rule"]
    assert ruled and all("TRL" in o["detail"] for o in ruled)


def test_plan__max_per_member__members_join_several_missions(db):
    one = plan_json(db)
    three = plan_json(db, "--max-per-member", "3")
    check_constraints(three)
    assert max(Counter(a["member"] for a in three["assignments"]).values()) > 1
    assert three["objective"] > one["objective"]


def test_plan__cluster_max_share__caps_each_cluster_per_mission(db):
    tight = plan_json(db, "--cluster-max-share", "0.25")
    check_constraints(tight)
    assert tight["quotas"] == {"JP-EXP": 1, "US-FIN": 1, "JP-SHOW": 1}
    loose = plan_json(db, "--cluster-max-share", "1")
    check_constraints(loose)
    assert loose["objective"] >= tight["objective"]
    assert any(o["constraint"] == "cluster_quota" for o in tight["left_out"])


def test_plan__cluster_min_seats__every_cluster_travels(db):
    data = plan_json(db, "--cluster-min-seats", "2")
    check_constraints(data)
    assert all(v >= 2 for v in data["cluster_seats"].values())
    assert set(data["cluster_seats"]) == {"AMZ", "MECH", "BIC"}


def test_plan__cluster_min_seats_beyond_seats__infeasible_says_by_how_much_and_what_to_relax(db):
    error = failure(db, "--cluster-min-seats", "4", kind=InfeasibleError)
    assert str(error) == Problem("plan_cluster_min_total", params=dict(
        minimum=4, clusters=3, needed=12, seats=9, short=3, suggested=3)).message(error.spell)
    assert "lower --cluster-min-seats to 3" in str(error)  # spelled as the plan command's flag


def test_plan__cluster_min_seats_beyond_one_cluster__names_the_cluster(db):
    error = failure(db, "--cluster-min-seats", "3", kind=InfeasibleError)
    assert [(p.code, p.params["cluster"], p.params["capacity"]) for p in error.problems] == [
        ("plan_cluster_min", "BIC", 2), ("plan_cluster_min", "MECH", 2)]  # MECH: one of its three has no consent
    assert "lower --cluster-min-seats to 2" in error.paragraph()


def test_plan__include_unconsented__considers_everyone(db):
    data = plan_json(db, "--include-unconsented", "--max-per-member", "3", "--cluster-max-share", "1")
    assert data["not_considered"]["unconsented"] == 0
    assert data["params"]["consented_only"] is False


def test_plan__exclude__by_name__never_placed(db):
    first = plan_json(db)
    placed = first["assignments"][0]
    name = first["names"][placed["member"]]
    data = plan_json(db, "--exclude", name)
    check_constraints(data)
    assert placed["member"] not in {a["member"] for a in data["assignments"]}
    assert data["params"]["exclude"] == [placed["member"]]
    assert data["not_considered"]["excluded"] == 1


def test_plan__require__places_the_member_even_without_fit(db):
    data = plan_json(db, "--require", "Iota Metal Sp. z o.o.@jp-show")  # TRL 3: the showcase rule says no
    iota = members_by_name(data)["Iota Metal Sp. z o.o."]
    (forced,) = [a for a in data["assignments"] if a["member"] == iota]
    assert forced["mission"] == "JP-SHOW" and forced["required"] is True
    assert forced["why"].startswith("required by a person (--require)")
    assert data["params"]["require"] == [f"{iota}@JP-SHOW"]
    check_constraints(data)


@pytest.mark.parametrize("args, kind, fragment", [
    (["--require", "Alpha Composites GmbH"], UsageError, "--require takes ORGANISATION@MISSION"),
    (["--require", "Alpha Composites GmbH@JP-EXX"], NotFoundError, "did you mean 'JP-EXP'?"),
    (["--exclude", "Alpha Compsites GmbH"], NotFoundError, "did you mean 'Alpha Composites GmbH'?"),
    (["--require", "Eta Stampi Srl@JP-EXP"], InfeasibleError, "pass --include-unconsented"),
    (["--require", "Alpha Composites GmbH@JP-EXP", "--exclude", "Alpha Composites GmbH"], UsageError,
     "drop its --exclude or its --require"),
    (["--require", "Alpha Composites GmbH@JP-EXP", "--require", "Alpha Composites GmbH@US-FIN"], InfeasibleError,
     "member limit: "),
    (["--require", "Alpha Composites GmbH@US-FIN", "--require", "Beta Leichtbau GmbH@US-FIN"], InfeasibleError,
     "raise --cluster-max-share to 1.0"),
    (["--max-per-member", "0"], UsageError, "--max-per-member must be 1 or more"),
    (["--cluster-max-share", "1.5"], UsageError, "--cluster-max-share must be above 0"),
])
def test_plan__bad_overrides_and_options__named_with_what_to_do(db, args, kind, fragment):
    error = failure(db, *args, kind=kind)
    assert fragment in error.paragraph()


def test_plan__allow_zero_fit__fills_seats_nobody_fits(db):
    plain = plan_json(db, "--max-per-member", "3", "--cluster-max-share", "1")
    filled = plan_json(db, "--max-per-member", "3", "--cluster-max-share", "1", "--allow-zero-fit")
    assert len(filled["assignments"]) >= len(plain["assignments"])
    assert all(a["score"] > 0 for a in plain["assignments"])


# --- determinism and the saved plan ----------------------------------------------------------

def test_plan__same_input__same_plan_and_the_saved_one_is_kept(db):
    first = plan_json(db, "--cluster-min-seats", "1")
    second = plan_json(db, "--cluster-min-seats", "1")
    assert second["reused"] is True and second["plan_id"] == first["plan_id"]
    # the tables also show this run's profile status (built now or loaded), which is not the plan
    strip = lambda d: {k: v for k, v in d.items() if k not in ("reused", "tables")}  # noqa: E731
    assert strip(first) == strip(second)
    other = plan_json(db, "--cluster-min-seats", "0")
    assert other["plan_id"] == first["plan_id"] + 1 and other["input_hash"] != first["input_hash"]


def test_plan__saved_with_parameters__latest_plan_for_export(db):
    data = plan_json(db, "--max-per-member", "2", "--exclude", "Beta Leichtbau GmbH")
    conn = open_db(db)
    saved = plans_store.latest_plan(conn)
    conn.conn.close()
    assert saved.id == data["plan_id"] and saved.input_hash == data["input_hash"]
    assert saved.params["max_per_member"] == 2 and saved.params["exclude"] == data["params"]["exclude"]
    assert saved.plan["assignments"] == data["assignments"]
    assert saved.plan["left_out"] == data["left_out"] and saved.plan["certificate"] == data["certificate"]


def test_forget__erases_the_member_from_saved_plans(db):
    data = plan_json(db, "--exclude", "Gamma Guss GmbH")
    member = data["assignments"][0]["member"]
    conn = open_db(db)
    (gamma,) = data["params"]["exclude"]
    deleted = plans_store.forget(conn, member)
    plans_store.forget(conn, gamma)
    saved = plans_store.latest_plan(conn)
    conn.conn.close()
    assert deleted["plan_rows"] >= 1
    assert member not in json.dumps(saved.plan) and gamma not in json.dumps(saved.plan)


# --- formats ---------------------------------------------------------------------------------

def test_plan__table__calendar_certificate_and_saved_note(db):
    result = invoke(db, "plan")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index("JP-EXP") < text.index("JP-SHOW") < text.index("US-FIN")
    assert "optimal" in text and "Saved as plan #1" in text and "who may join" in text


@pytest.mark.parametrize("fmt", ["csv", "md", "xlsx", "json"])
def test_plan__files__every_format_written(db, tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    result = CliRunner().invoke(app, ["--db", str(db), "plan", "--format", fmt, "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        sheets = openpyxl.load_workbook(out).sheetnames
        assert len(sheets) >= 5
    else:
        body = out.read_text(encoding="utf-8-sig")
        assert "JP-EXP" in body and ("Calendar" in body or fmt in ("json", "csv"))  # a CSV is one table


# --- rules file and empty database -------------------------------------------------------------

def test_plan__custom_rules_file__applied(db, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("types:\n  exploratory: {rule: never}\n  showcase: {rule: always}\n"
                     "  expert_visit: {rule: always}\n  final: {rule: always}\n", encoding="utf-8")
    data = plan_json(db, "--rules", rules)
    assert "JP-EXP" not in {a["mission"] for a in data["assignments"]}
    rules.write_text("types:\n  exploratory: {rule: {tlr: {at_least: 3}}}\n", encoding="utf-8")
    error = failure(db, "--rules", rules, kind=DefinitionError)
    assert "did you mean 'trl'?" in str(error)


def test_plan__empty_database__exit_code_and_what_to_do(tmp_path):
    done = run_cli("plan", db=tmp_path / "none.db")
    assert done.exit_code == StateError.exit_code
    assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr


def test_plan__infeasible__real_entry_point_exit_code_7(db):
    done = run_cli("plan", "--cluster-min-seats", "4", db=db)
    assert done.exit_code == InfeasibleError.exit_code == 7
    assert "lower --cluster-min-seats to 3" in done.stderr


def test_plan_and_mission_shortlist__catalogue_note__same_count_as_opportunities_check(db):
    from elca_match.services.catalogue import check_catalogue

    check = check_catalogue(db)
    assert check.warnings  # the built-in catalogue has rows to verify: the note must appear
    line = f"{len(check.flagged)} of {check.opportunities} opportunities need checking before they are cited"
    done = run_cli("plan", "--format", "json", db=db)
    mission = json.loads(done.stdout)["assignments"][0]["mission"]
    for args in (("plan",), ("export", "shortlist", "--mission", mission, "--format", "md")):
        done = run_cli(*args, db=db)
        assert done.exit_code == 0, done.stderr
        assert line in " ".join(done.stdout.split()), args
