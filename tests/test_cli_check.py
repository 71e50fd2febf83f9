"""`elca-match check`: a sound database passes; each kind of damage is named and exits non-zero."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from elca_match.errors import CheckFailed
from elca_match.questionnaire import load_questionnaire
from elca_match.services.check import CHECKS, check_database

from conftest import FIXTURES, run_cli

CANONICAL = FIXTURES / "survey" / "canonical_en.csv"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> bytes:
    """The bytes of a database holding the three organisations of the canonical fixture."""
    path = tmp_path_factory.mktemp("template") / "elca.db"
    assert run_cli("ingest", CANONICAL, db=path).exit_code == 0
    return path.read_bytes()


@pytest.fixture
def filled_db(template: bytes, db_path: Path) -> Path:
    """A fresh copy of the template database."""
    db_path.write_bytes(template)
    return db_path


def tamper(db: Path, *statements: str) -> None:
    """Change the database behind the tool's back (foreign keys off, as a careless script would)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_check__sound_database__all_checks_pass(cli, filled_db):
    result = cli("check", "--format", "json", db=filled_db)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    checks = report["checks"]
    assert [(c["name"], c["status"]) for c in checks] == [(name, "passed") for name in CHECKS]
    assert "3 submissions re-derived" in checks[-1]["note"]


def test_check__after_forget_and_supersede__still_passes(cli, filled_db, tmp_path):
    newer = tmp_path / "newer.csv"
    text = CANONICAL.read_text(encoding="utf-8").replace("2026-03-01 10:00:00", "2026-05-01 10:00:00")
    newer.write_text(text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n", encoding="utf-8")
    assert cli("ingest", newer, db=filled_db).exit_code == 0
    assert cli("forget", "Politechnika Lekka", "--yes", db=filled_db).exit_code == 0
    result = cli("check", db=filled_db)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout


def test_check__missing_database__says_there_is_none(cli, db_path):
    result = cli("check", db=db_path)
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ") and "no database file" in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize("statements,check,expected", [
    # forget that deleted the submission but left the raw answers (with contact data) behind
    (["DELETE FROM submissions WHERE org_key = (SELECT key FROM organisations WHERE name = 'Politechnika Lekka')",
      "DELETE FROM organisations WHERE name = 'Politechnika Lekka'"],
     "orphans", "belong to no submission"),
    # an organisation deleted under its submissions
    (["DELETE FROM organisations WHERE name = 'Politechnika Lekka'"],
     "foreign_keys", "refers to a organisations row that does not exist"),
    # two current submissions for one organisation
    (["UPDATE organisations SET current_submission = NULL WHERE name = 'Politechnika Lekka'"],
     "orphans", "has no current submission"),
    # a normalised answer edited by hand, no longer what the raw answers say
    (["UPDATE submissions SET answers = json_set(answers, '$.trl', 2) WHERE id = 1"],
     "rederivable", "trl stored 2 but raw answers give 7"),
    # raw answers edited so that they no longer validate
    (["UPDATE raw_rows SET cells = json_set(cells, '$.trl', 'eleven') WHERE id = 1"],
     "rederivable", f"no longer validates under {load_questionnaire().version}"),
    # a saved plan still naming an organisation that is gone
    (["INSERT INTO plans (id, created_at, input_hash, params, objective, dual_bound, gap, body)"
      " VALUES (7, '2026-01-01', 'x', '{}', 0, 0, 0, '{}')",
      "INSERT INTO plan_rows (plan_id, kind, position, org_key, mission_id, data)"
      " VALUES (7, 'assignments', 0, 'name:gone gmbh|DE', 'JP-01', '{}')"],
     "orphans", "saved plan 7 still lists name:gone gmbh|DE"),
])
def test_check__damage__named_and_exit_non_zero(cli, filled_db, statements, check, expected):
    tamper(filled_db, *statements)
    result = cli("check", "--format", "json", db=filled_db)
    assert result.exit_code == CheckFailed.exit_code, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    failed = {c["name"]: c for c in report["checks"] if c["status"] == "failed"}
    assert check in failed
    details = [f["detail"] for f in failed[check]["findings"]]
    assert any(expected in d for d in details), details
    assert result.stderr.startswith("Error: ") and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_check__rederivable_finding__names_file_and_row(filled_db):
    tamper(filled_db, "UPDATE submissions SET answers = json_set(answers, '$.sectors', json('[\"rail\"]')) WHERE id = 2")
    result = check_database(filled_db)
    [finding] = result.findings
    assert finding.table == "submissions" and finding.row == 2
    assert "canonical_en.csv row 3" in finding.detail and "sectors" in finding.detail


def test_check__quick__skips_rederivation(cli, filled_db):
    tamper(filled_db, "UPDATE submissions SET answers = json_set(answers, '$.trl', 2) WHERE id = 1")
    result = cli("check", "--quick", db=filled_db)
    assert result.exit_code == 0, result.stderr
    assert "skipped" in result.stdout


def test_check__never_writes_to_the_database(cli, filled_db):
    tamper(filled_db, "UPDATE submissions SET answers = json_set(answers, '$.trl', 2) WHERE id = 1")
    before = filled_db.read_bytes()
    assert cli("check", db=filled_db).exit_code == CheckFailed.exit_code
    assert filled_db.read_bytes() == before


def test_check__damaged_index__integrity_fails(cli, filled_db):
    conn = sqlite3.connect(filled_db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'raw_rows_org'").fetchone()[0]
    conn.close()
    data = bytearray(filled_db.read_bytes())
    start = (root - 1) * page_size
    # overwrite the keys in the index page (its header stays valid), as a bad disk block would
    data[start + 200:start + page_size] = b"\x00" * (page_size - 200)
    filled_db.write_bytes(bytes(data))
    result = cli("check", db=filled_db)
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ")
    assert "integrity" in result.stderr or "cannot be opened" in result.stderr
    assert "Traceback" not in result.stderr
