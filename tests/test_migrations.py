"""Schema versions: the previous release's database upgrades intact, a newer one is refused untouched,
`check` compares the live schema with the expected one, and the session's transactions nest."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from elca_match.errors import SchemaError
from elca_match.store import migrations, schema, session

from conftest import FIXTURES, run_cli

RELEASE = FIXTURES / "db" / "release-031273a.db"
# the tables release 031273a wrote; what they held comes through the upgrade row for row
RELEASE_TABLES = ("sources", "organisations", "raw_rows", "submissions", "set_aside", "opportunities", "missions",
                  "profile_builds", "plans", "plan_rows", "outcome_orgs", "outcome_events", "outcome_meetings",
                  "outcome_cases", "outcome_parties")
# tables a later version folded into another: where their rows went, as the release's columns
MOVED = {"outcome_orgs": "SELECT id, name, country, kind, description, source, recorded_at FROM partners"}


def release_rows(path: Path, columns: dict[str, list[str]] | None = None) -> tuple[dict[str, list], dict]:
    """The rows of the release's tables, of the columns the release wrote (``columns``: read from the file),
    and those columns."""
    conn = sqlite3.connect(path)
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = columns or {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in RELEASE_TABLES}
        query = {t: f"SELECT {', '.join(columns[t])} FROM {t}" if t in present else MOVED[t] for t in RELEASE_TABLES}
        return {t: sorted(conn.execute(q).fetchall(), key=repr) for t, q in query.items()}, columns
    finally:
        conn.close()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def listed(db: Path, *args: str) -> object:
    result = run_cli(*args, "--format", "json", db=db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def release_db(tmp_path) -> Path:
    path = tmp_path / "release.db"
    shutil.copy(RELEASE, path)
    return path


def test_release_database__upgraded__check_passes_and_every_record_kept(release_db):
    before, columns = release_rows(release_db)
    assert user_version(release_db) == 0 and all(before[t] for t in RELEASE_TABLES if t != "set_aside")

    with session(release_db):  # opening for use upgrades
        pass

    assert user_version(release_db) == migrations.LATEST
    assert release_rows(release_db, columns)[0] == before
    result = run_cli("check", "--format", "json", db=release_db)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert all(c["status"] == "passed" for c in json.loads(result.stdout)["checks"])
    # and each kind of record is there for the commands that read it
    counts = {}
    for command in ("members", "opportunities", "missions", "outcomes", "plan", "partners"):
        counts.update({name: len(rows) for name, rows in listed(release_db, command, "list")["tables"].items()})
    assert counts == {"members": 6, "opportunities": 38, "missions": 5, "events": 5, "meetings": 5,
                      "cooperation-cases": 5, "saved-plans": 1, "third-country-organisations": 7,
                      "third-country-partners": 7}


def test_release_database__check_before_upgrade__passes_and_writes_nothing(release_db):
    before = release_db.read_bytes()
    result = run_cli("check", "--quick", "--format", "json", db=release_db)
    assert result.exit_code == 0, result.stdout + result.stderr
    schema_check = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "schema")
    assert schema_check["status"] == "passed"
    assert f"upgraded to {migrations.LATEST}" in schema_check["note"]
    assert release_db.read_bytes() == before
    assert user_version(release_db) == 0


@pytest.mark.parametrize("command", [("members", "list"), ("ingest", FIXTURES / "survey" / "canonical_en.csv"),
                                     ("check",)])
def test_newer_database__refused_with_its_exit_code_and_left_untouched(tmp_path, command):
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    before = db.read_bytes()

    result = run_cli(*command, db=db)

    assert result.exit_code == SchemaError.exit_code == 11
    assert f"written by a newer elca-match (schema version {migrations.LATEST + 1}" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.db"]


@pytest.fixture
def renamed_column_db(tmp_path) -> Path:
    db = tmp_path / "elca.db"
    assert run_cli("ingest", FIXTURES / "survey" / "canonical_en.csv", db=db).exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE organisations RENAME COLUMN cluster TO cluster_code")
    conn.close()
    return db


def test_renamed_column__check_names_it(renamed_column_db):
    result = run_cli("check", "--format", "json", db=renamed_column_db)
    assert result.exit_code == 9
    report = json.loads(result.stdout)
    failed = {c["name"]: c for c in report["checks"] if c["status"] == "failed"}
    assert "schema" in failed
    details = [f["detail"] for f in report["findings"]] if "findings" in report else json.dumps(failed["schema"])
    assert "organisations.cluster is missing" in str(details)
    assert "organisations.cluster_code is not expected" in str(details)


def test_renamed_column__commands_say_so_instead_of_crashing(renamed_column_db):
    result = run_cli("members", "list", db=renamed_column_db)
    assert result.exit_code == SchemaError.exit_code
    assert "not the ones this elca-match expects" in result.stderr and "elca-match check" in result.stderr
    assert "internal error" not in result.stderr


def test_steps__each_safe_to_run_again_on_a_current_database(tmp_path):
    db = tmp_path / "elca.db"
    with session(db) as opened:
        expected = migrations.shape(opened.conn)
        for step in migrations.STEPS:
            step(opened.conn)
        assert migrations.shape(opened.conn) == expected
        assert migrations.differences(opened.conn) == []


def test_schema_statements__one_per_create():
    statements = schema.statements()
    assert all(s.upper().startswith("CREATE") and s.endswith(";") for s in statements)
    assert sum(module.SCHEMA.upper().count("CREATE ") for module in schema.SCHEMA_MODULES) == len(statements)


def test_schema_object_names__every_object_a_new_database_has(tmp_path):
    with session(tmp_path / "elca.db") as opened:
        created = {name for (name,) in opened.conn.execute(
            "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
    assert set(schema.object_names()) == created and len(schema.object_names()) == len(schema.statements())


def test_open__complete_database__no_ddl_run__a_missing_object_made_again(tmp_path, monkeypatch):
    db = tmp_path / "elca.db"
    with session(db) as opened:
        assert migrations.has_every_object(opened.db)
        with monkeypatch.context() as patch:  # complete: opening it again runs no DDL
            patch.setattr(schema, "ensure", lambda db: pytest.fail("the DDL ran on a complete database"))
            with session(db):
                pass
        opened.conn.execute("DROP TRIGGER member_changes_ingested")
        opened.conn.execute("DROP INDEX submissions_org")
        assert not migrations.has_every_object(opened.db)
    with session(db) as opened:
        assert migrations.has_every_object(opened.db)
        assert migrations.differences(opened.conn) == []


def test_session__nested_transaction_is_a_savepoint(tmp_path):
    with session(tmp_path / "elca.db") as s:
        with s.transaction():
            s.conn.execute("CREATE TABLE t (x)")
            s.conn.execute("INSERT INTO t VALUES (1)")
            with pytest.raises(ZeroDivisionError), s.transaction():
                s.conn.execute("INSERT INTO t VALUES (2)")
                1 / 0
            with s.transaction():
                s.conn.execute("INSERT INTO t VALUES (3)")
        assert [r[0] for r in s.conn.execute("SELECT x FROM t")] == [1, 3]
        with pytest.raises(ZeroDivisionError), s.transaction():
            s.conn.execute("INSERT INTO t VALUES (4)")
            1 / 0
        assert [r[0] for r in s.conn.execute("SELECT x FROM t")] == [1, 3]


def test_session__configured_and_always_closed(tmp_path):
    with pytest.raises(KeyError), session(tmp_path / "elca.db") as s:
        conn = s.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        raise KeyError
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_session__missing_file_without_create__refused_and_not_created(tmp_path):
    from elca_match.errors import StateError

    with pytest.raises(StateError), session(tmp_path / "none.db", create=False):
        pass
    assert not (tmp_path / "none.db").exists()


def test_newer_database__session_refuses_with_db_too_new(tmp_path):
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 5}")
    conn.close()
    with pytest.raises(SchemaError) as caught, session(db):
        pass
    assert [p.code for p in caught.value.problems] == ["db_too_new"]


def test_renamed_column__use_case_raises_db_schema_differs(renamed_column_db):
    from elca_match.services.members import list_members

    with pytest.raises(SchemaError) as caught:
        list_members(renamed_column_db)
    assert [p.code for p in caught.value.problems] == ["db_schema_differs"]
