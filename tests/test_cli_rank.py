"""`elca-match rank`: in-process through CliRunner, and the real entry point for exits and messages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from elca_match.cli import app
from elca_match.errors import NotFoundError, Problem, StateError, UsageError, did_you_mean
from elca_match.records import Mission
from elca_match.services.catalogue import import_opportunities
from elca_match.services.ingest import ingest_files
from elca_match.services.members import forget
from elca_match.services.rank import mission_fit, rank, resolve_query
from elca_match.store import open_db

from conftest import FIXTURES

BLOCKS = ["sectors", "stages", "materials", "technologies", "certifications", "cooperation", "markets", "trl", "text"]
HEADER = ["org_name", "org_id", "cluster", "country", "org_type", "sectors", "value_chain_stages", "materials",
          "technologies", "trl", "target_markets", "capabilities", "consent"]
EXTRA = [
    # German text, partial structured overlap with JP-T-01 (aerospace, production, cfrp, thermoplastic, TRL 6-8)
    ["Luftfahrt Leichtbau GmbH", "DE999999999", "AMZ", "DE", "rto", "aerospace", "production", "", "", "7", "JP",
     "Thermoplastische Kohlefaser-Rippen für Flugzeugflügel, Pressen und Ultraschallprüfung", "yes"],
    # shares nothing with any fixture opportunity
    ["Nichts Gemeinsam GmbH", "DE888888888", "AMZ", "DE", "sme", "medical", "circularity", "", "", "", "",
     "", "yes"],
]


def ok(db: Path, *args: object):
    result = CliRunner().invoke(app, ["--db", str(db), "rank", *map(str, args)], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


def fails(db: Path, *args: object) -> BaseException:
    result = CliRunner().invoke(app, ["--db", str(db), "rank", *map(str, args)], env={"COLUMNS": "200"})
    assert result.exit_code != 0 and result.exception is not None
    return result.exception


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A database with the survey and catalogue fixtures plus two members of our own, profiles built."""
    folder = tmp_path_factory.mktemp("rank")
    extra = folder / "extra.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(EXTRA)
    extra.write_text(buffer.getvalue(), encoding="utf-8")
    db = folder / "elca.db"
    ingest_files(db, [FIXTURES / "survey" / "canonical_en.csv", extra])
    import_opportunities(db, FIXTURES / "catalogue" / "opportunities.csv")
    rank(db, resolve_query(country="japan"))
    return db


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built database (tests may change it)."""
    copy = tmp_path / "elca.db"
    shutil.copy(built, copy)
    return copy


# --- what rank answers ------------------------------------------------------------------------

def test_rank__japan__table_per_opportunity_with_members_why_and_build(built):
    out = ok(built, "--country", "japan").stdout
    assert "JP-T-01 · Thermoplastic wing ribs" in out
    assert "aerospace, production; TRL 6-8; policy: Green Innovation Fund" in out
    assert "Compositi Emilia Srl" in out and "Luftfahrt Leichtbau GmbH" in out
    assert "profiles: build #" in out and "loaded" in out
    assert "Nichts Gemeinsam" not in out  # shares nothing: never listed, whatever --top says


def test_rank__json__every_match_has_score_equal_to_its_breakdown_sum(built):
    data = json.loads(ok(built, "--country", "JP", "--format", "json").stdout)
    matches = data["opportunities"][0]["matches"]
    # the two aerospace members: one ticked cfrp/thermoplastic, the other wrote it in German
    assert {m["name"] for m in matches[:2]} == {"Compositi Emilia Srl", "Luftfahrt Leichtbau GmbH"}
    for m in matches:
        assert set(m["breakdown"]) == set(BLOCKS)
        assert sum(m["breakdown"].values()) == pytest.approx(m["score"], abs=1e-9)
        assert 0 < m["score"] <= 1
    german = next(m for m in matches if m["name"] == "Luftfahrt Leichtbau GmbH")
    assert german["breakdown"]["text"] > 0 and "cfrp" in german["why"]  # German text met English description
    assert data["build"]["rebuilt"] is False and data["build"]["model_version"]


def test_rank__csv__block_columns_and_consent_marked(built):
    rows = list(csv.DictReader(io.StringIO(ok(built, "--country", "Japon", "--format", "csv").stdout)))
    assert {*BLOCKS, "score", "why", "consent", "opportunity"} <= set(rows[0])
    by_name = {r["member"]: r for r in rows}
    assert by_name["Compositi Emilia Srl"]["consent"] == "no"
    assert by_name["Luftfahrt Leichtbau GmbH"]["consent"] == "yes"
    for r in rows:
        assert sum(float(r[b]) for b in BLOCKS) == pytest.approx(float(r["score"]), abs=1e-5)


def test_rank__md__carries_breakdown(built):
    out = ok(built, "--country", "japan", "--format", "md").stdout
    assert "| opportunity | rank |" in out and "| text | why |" in out


def test_rank__by_member__members_with_the_opportunities_they_fit(built):
    data = json.loads(ok(built, "--region", "latin-america", "--country", "india", "--by", "member",
                         "--format", "json").stdout)
    assert data["opportunities"] == []
    assert data["members"], "some member fits India or Mexico"
    for m in data["members"]:
        assert m["fits"][0]["score"] == m["score"]
        assert {f["opportunity_id"] for f in m["fits"]} <= {"IN-T-01", "MX-T-01"}
    scores = [m["score"] for m in data["members"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("args,expected", [
    (["--consented-only"], {"Luftfahrt Leichtbau GmbH", "Leichtbau Sachsen GmbH", "Politechnika Lekka"}),
    (["--cluster", "MECH"], {"Compositi Emilia Srl"}),
    (["--org-type", "rto"], {"Luftfahrt Leichtbau GmbH"}),
])
def test_rank__member_filters(built, args, expected):
    data = json.loads(ok(built, "--country", "japan", "--format", "json", *args).stdout)
    names = {m["name"] for m in data["opportunities"][0]["matches"]}
    assert names <= expected and names


def test_rank__min_score_and_top(built):
    data = json.loads(ok(built, "--country", "japan", "--format", "json", "--top", "1").stdout)
    assert len(data["opportunities"][0]["matches"]) == 1
    out = ok(built, "--country", "japan", "--min-score", "0.99").stdout
    assert "No member shares anything with this opportunity" in out


# --- bad filters and empty databases ----------------------------------------------------------

@pytest.mark.parametrize("args,error,problem", [
    (["--opportunity", "JP-T-1"], NotFoundError,
     Problem("not_found", value="JP-T-1", params={"what": "opportunity", "suggestion": did_you_mean("JP-T-01"),
                                                  "hint": "elca-match opportunities list"})),
    (["--sector", "aerospase"], UsageError, None),
    (["--cluster", "AMX"], UsageError, None),
    (["--by", "members"], UsageError,
     Problem("option_unknown_value", value="members", params={"what": "view", "option": "--by",
                                                              "suggestion": did_you_mean("member"),
                                                              "allowed": "opportunity, member"})),
    (["--top", "0"], UsageError, Problem("option_out_of_range", value=0, params={"option": "--top",
                                                                         "allowed": "at least 1"})),
])
def test_rank__bad_filter__clear_error_with_closest_name(built, args, error, problem):
    exc = fails(built, *args)
    assert isinstance(exc, error)
    if problem is not None:
        assert str(exc) == problem.message()
    else:
        assert "did you mean" in str(exc)


def test_rank__country_without_opportunities__lists_where_there_are_some(built):
    exc = fails(built, "--country", "germany")
    assert isinstance(exc, UsageError) and exc.problems[0].code == "no_opportunities"
    assert "IN (India), JP (Japan), MX (Mexico), US (United States)" in str(exc)


def test_rank__unknown_country__exit_2_with_suggestion(cli, built):
    result = cli("rank", "--country", "japna", db=built)
    assert result.exit_code == 2
    assert "did you mean 'japan'" in result.stderr and "Traceback" not in result.stderr


def test_rank__no_database__says_what_to_ingest(cli, tmp_path):
    result = cli("rank", "--country", "japan", db=tmp_path / "none.db")
    assert result.exit_code == StateError.exit_code
    assert "elca-match ingest" in result.stderr


def test_rank__members_but_no_catalogue__says_to_import_it(tmp_path):
    db = tmp_path / "elca.db"
    ingest_files(db, [FIXTURES / "survey" / "canonical_en.csv"])
    exc = fails(db, "--country", "japan")
    assert isinstance(exc, StateError) and "opportunities import" in str(exc)


def test_rank__empty_database_file__says_what_to_ingest(tmp_path):
    db = tmp_path / "elca.db"
    open_db(db).conn.close()
    exc = fails(db, "--country", "japan")
    assert isinstance(exc, StateError) and "ingest" in str(exc)


# --- stored profiles ------------------------------------------------------------------------

def builds(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, content_hash, model_version FROM profile_builds").fetchall()
    finally:
        conn.close()


def test_profiles__unchanged_database_loads_changed_catalogue_rebuilds(db):
    first = rank(db, resolve_query(country="japan")).build
    assert not first.rebuilt
    import_opportunities(db, FIXTURES / "catalogue" / "opportunities_update.csv")
    second = rank(db, resolve_query(country="japan")).build
    assert second.rebuilt and second.content_hash != first.content_hash
    assert [b[1] for b in builds(db)] == [second.content_hash]  # only the current build is kept
    assert not rank(db, resolve_query(country="japan")).build.rebuilt


def test_profiles__forget_erases_stored_builds_holding_the_member(db):
    assert builds(db)
    forget(db, "Leichtbau Sachsen GmbH")
    assert builds(db) == []
    result = rank(db, resolve_query(country="japan"))
    assert result.build.rebuilt
    assert "Leichtbau Sachsen GmbH" not in {m.name for o in result.opportunities for m in o.matches}


def test_mission_fit__member_by_mission_scores_from_the_stored_build(db):
    conn = open_db(db)
    try:
        build, missions, fit, info = mission_fit(conn, [Mission("M", "JP", "exploratory", 1, sectors=(),
                                                                 opportunities=())])
    finally:
        conn.conn.close()
    keys = build.member_keys
    assert missions == ["M"] and fit.scores.shape == (len(keys), 1) and not info.rebuilt
    japan = rank(db, resolve_query(country="japan", top=50)).opportunities[0].matches
    best = {m.org_key: m.score for m in japan}
    for key, value in zip(keys, fit.scores[:, 0]):
        assert value == pytest.approx(best.get(key, 0.0), abs=1e-9)
