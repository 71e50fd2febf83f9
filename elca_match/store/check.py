"""Database self-checks: SQLite's own integrity, foreign keys, and survey tables that must agree.

Each function returns :class:`Finding` records (empty when all is well) and never
raises for what it finds; a database too damaged to be read at all gives one finding.
Nothing here writes to the checked database: :func:`copy_database` writes a copy, and
:func:`clear_answers` is only ever run on that copy.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .session import Database


SCHEMA = ""

# How many findings of one kind are listed; the count always covers them all.
MAX_LISTED = 50


@dataclass(frozen=True)
class Finding:
    """One thing wrong in the database: which check found it, where, and what."""

    check: str  # integrity | schema | foreign_keys | orphans | rederivable
    table: str | None
    row: int | None  # rowid in that table, when there is one
    detail: str


def integrity(db: Database) -> list[Finding]:
    """SQLite's ``PRAGMA integrity_check``: damaged pages, indexes that disagree with tables."""
    try:
        lines = [r[0] for r in db.conn.execute("PRAGMA integrity_check(100)")]
    except sqlite3.DatabaseError as exc:
        return [Finding("integrity", None, None, f"the integrity check could not run: {exc}")]
    if lines == ["ok"]:
        return []
    return [Finding("integrity", None, None, line) for line in lines]


def schema(db: Database) -> tuple[list[Finding], str]:
    """The live tables and columns against those this version creates, and a note on the schema version.

    A database of an older version is compared as it will be after its upgrade (run on a copy,
    since checking never writes): what the upgrade adds is not a problem.
    """
    from . import migrations
    from .session import session

    stored = migrations.version(db.conn)
    note = f"schema version {stored}"
    try:
        if stored >= migrations.LATEST:
            found = migrations.differences(db.conn)
        else:
            note += f", upgraded to {migrations.LATEST} by the next command that writes"
            with tempfile.TemporaryDirectory(prefix="elca-check-") as tmp:
                copy_database(db, Path(tmp) / "upgraded.db")
                with session(Path(tmp) / "upgraded.db", create=False) as upgraded:
                    found = migrations.differences(upgraded.conn)
    except sqlite3.DatabaseError as exc:
        return [Finding("schema", None, None, f"the schema could not be compared: {exc}")], note
    return [Finding("schema", table, None, what) for table, what in found], note


def foreign_keys(db: Database) -> list[Finding]:
    """``PRAGMA foreign_key_check``: rows that point at a row that does not exist."""
    try:
        rows = db.conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [Finding("foreign_keys", None, None, f"the foreign-key check could not run: {exc}")]
    findings = []
    for table, rowid, parent, _ in rows:
        findings.append(Finding("foreign_keys", table, rowid,
                                f"{table} row {rowid} refers to a {parent} row that does not exist"))
    return findings


def orphans(db: Database) -> list[Finding]:
    """Rows that outlived their organisation (personal data `forget` should have erased) or disagree.

    - a raw answer row behind no submission (every accepted row has one);
    - an organisation without a valid current submission, or a submission marked
      current that is not its organisation's current one;
    - saved plan rows, outcome parties and profile builds naming a member that no
      longer exists.
    """
    try:
        return _orphans(db)
    except sqlite3.DatabaseError as exc:
        return [Finding("orphans", None, None, f"the survey tables could not be read: {exc}")]


def _orphans(db: Database) -> list[Finding]:
    conn = db.conn
    tables = set(db.table_names())
    findings: list[Finding] = []
    if {"raw_rows", "submissions", "sources"} <= tables:
        # NOT IN builds a temporary index once; NOT EXISTS would scan submissions per raw row
        for rid, number, file in conn.execute(
                "SELECT r.id, r.row_number, src.file_name FROM raw_rows r LEFT JOIN sources src ON src.id = r.source_id"
                " WHERE r.id NOT IN (SELECT raw_row_id FROM submissions) ORDER BY r.id"):
            findings.append(Finding("orphans", "raw_rows", rid,
                                    f"raw answers of {file or 'a deleted source'} row {number} belong to no "
                                    "submission (left behind by a forget or a failed write)"))
    if {"organisations", "submissions"} <= tables:
        for key, current, owner, status in conn.execute(
                "SELECT o.key, o.current_submission, s.org_key, s.status FROM organisations o"
                " LEFT JOIN submissions s ON s.id = o.current_submission"
                " WHERE s.id IS NULL OR s.org_key != o.key OR s.status != 'current' ORDER BY o.key"):
            if current is None:
                why = "has no current submission"
            elif owner is None:
                why = f"names submission {current} as current, which does not exist"
            elif owner != key:
                why = f"names submission {current} of {owner} as its current one"
            else:
                why = f"names submission {current} as current, but it is marked {status}"
            findings.append(Finding("orphans", "organisations", None, f"organisation {key} {why}"))
        for sid, key in conn.execute(
                "SELECT s.id, s.org_key FROM submissions s WHERE s.status = 'current' AND s.id NOT IN"
                " (SELECT current_submission FROM organisations WHERE current_submission IS NOT NULL) ORDER BY s.id"):
            findings.append(Finding("orphans", "submissions", sid,
                                    f"submission {sid} of {key} is marked current but its organisation "
                                    "has another (or none)"))
    findings += _members_elsewhere(conn, tables)
    return findings


def _members_elsewhere(conn: sqlite3.Connection, tables: set[str]) -> list[Finding]:
    """Other concerns' rows that name a member: each must still exist (or be erased)."""
    if "organisations" not in tables:
        return []
    findings: list[Finding] = []
    if "plan_rows" in tables:
        for plan_id, key, count in conn.execute(
                "SELECT plan_id, org_key, COUNT(*) FROM plan_rows WHERE org_key NOT IN (SELECT key FROM organisations)"
                " GROUP BY plan_id, org_key ORDER BY plan_id, org_key"):
            findings.append(Finding("orphans", "plan_rows", None,
                                    f"saved plan {plan_id} still lists {key}, which is not a member ({count} rows)"))
    if "outcome_parties" in tables:
        for record, record_id, key in conn.execute(
                "SELECT record, record_id, ref FROM outcome_parties WHERE kind = 'member' AND ref NOT LIKE 'erased:%'"
                " AND ref NOT IN (SELECT key FROM organisations) ORDER BY record, record_id"):
            findings.append(Finding("orphans", "outcome_parties", None,
                                    f"outcome {record} {record_id} names {key}, which is not a member"))
    if "profile_builds" in tables:
        keys = {r[0] for r in conn.execute("SELECT key FROM organisations")}
        for build_id, meta in conn.execute("SELECT id, meta FROM profile_builds ORDER BY id"):
            try:
                members = json.loads(meta).get("member_keys", [])
            except (ValueError, AttributeError):
                continue
            gone = [k for k in members if k not in keys]
            if gone:
                findings.append(Finding("orphans", "profile_builds", build_id,
                                        f"profile build {build_id} holds the profiles of {len(gone)} organisations "
                                        f"that are not members (first: {gone[0]})"))
    return findings


@contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """Read inside one transaction, so that several queries see the same state while others write."""
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.execute("COMMIT")


@dataclass(frozen=True)
class Rederived:
    """A submission whose re-derived answers are not the stored ones (``after`` None: none derived)."""

    id: int
    questionnaire_version: str
    before: str  # answers JSON as stored
    after: str | None  # answers JSON as re-derived
    file: str
    row_number: int


def versions_and_count(db: Database) -> tuple[list[str], int]:
    """The questionnaire versions submissions were stored under, and how many submissions there are."""
    versions = [r[0] for r in db.conn.execute("SELECT DISTINCT questionnaire_version FROM submissions ORDER BY 1")]
    return versions, db.conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]


def clear_answers(db: Database, version: str) -> int:
    """Blank the answers of every submission made under ``version`` (on a copy, before re-deriving)."""
    return db.conn.execute("UPDATE submissions SET answers = 'null' WHERE questionnaire_version = ?",
                           [version]).rowcount


def rederived_differences(work: Database, snapshot: str | Path, version: str) -> list[Rederived]:
    """Submissions of ``version`` whose answers in ``work`` (re-derived) differ from ``snapshot``'s (stored).

    The comparison runs in SQL on the JSON text, so memory does not grow with the database;
    only the differences reach Python.
    """
    work.conn.execute("ATTACH DATABASE ? AS stored", [str(snapshot)])
    try:
        return [Rederived(*r) for r in work.conn.execute(
            "SELECT s.id, s.questionnaire_version, s.answers, w.answers, COALESCE(src.file_name, '?'),"
            " COALESCE(r.row_number, 0) FROM stored.submissions s"
            " LEFT JOIN main.submissions w ON w.id = s.id"
            " LEFT JOIN stored.raw_rows r ON r.id = s.raw_row_id LEFT JOIN stored.sources src ON src.id = r.source_id"
            " WHERE s.questionnaire_version = ? AND (w.answers IS NULL OR w.answers != s.answers) ORDER BY s.id",
            [version])]
    finally:
        work.conn.execute("DETACH DATABASE stored")


def copy_database(db: Database, target: str | Path) -> None:
    """Copy the whole database (a consistent snapshot, even while others write) to ``target``."""
    destination = sqlite3.connect(str(target))
    try:
        db.conn.backup(destination)
    finally:
        destination.close()
