"""Tables and queries for the survey: sources, raw rows, organisations, submissions, set-aside rows.

Raw rows keep every cell as read (by source header) with the source file's hash and the
row number, so that ``reprocess`` can re-derive normalised answers under a new
questionnaire definition. Normalised answers are one JSON document per submission.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..records.members import MemberIdentity
from .erasure import FreeText
from .session import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT,
    delimiter TEXT,
    adapter TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    header TEXT NOT NULL,            -- JSON list of the source's column headers
    ingested_at TEXT NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_set_aside INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
    key TEXT PRIMARY KEY,
    org_id TEXT UNIQUE,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    cluster TEXT NOT NULL,
    country TEXT NOT NULL,
    current_submission INTEGER
);
CREATE INDEX IF NOT EXISTS organisations_name_key ON organisations(name_key);
CREATE TABLE IF NOT EXISTS raw_rows (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    source_sha256 TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    org_key TEXT,
    cells TEXT NOT NULL,             -- JSON object: source header -> cell text as read
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS raw_rows_org ON raw_rows(org_key);
CREATE INDEX IF NOT EXISTS raw_rows_source ON raw_rows(source_id);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    org_key TEXT NOT NULL REFERENCES organisations(key),
    raw_row_id INTEGER NOT NULL REFERENCES raw_rows(id),
    submitted_at TEXT,
    status TEXT NOT NULL,            -- current | superseded
    questionnaire_version TEXT NOT NULL,
    answers TEXT NOT NULL            -- JSON object: question code -> normalised value
);
CREATE INDEX IF NOT EXISTS submissions_org ON submissions(org_key);
CREATE TABLE IF NOT EXISTS set_aside (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    row_number INTEGER NOT NULL,
    org_key TEXT,
    org_name TEXT,
    cells TEXT NOT NULL,
    reasons TEXT NOT NULL            -- JSON list of problems
);
CREATE INDEX IF NOT EXISTS set_aside_org ON set_aside(org_key);
-- Counts every change to the current members, kept by triggers: each file ingested (every new
-- organisation and current submission comes with one; a trigger per organisation cost an ingest of
-- 50,000 rows a fifth of a second), an organisation removed, answers rewritten in place (reprocess,
-- an erasure), a new name, cluster or country. While it stands still the members are as they were,
-- which spares ranking an unchanged database reading them (see members_digest).
CREATE TABLE IF NOT EXISTS member_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS member_changes_answers AFTER UPDATE OF answers ON submissions
BEGIN
    INSERT INTO member_changes (id, n) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS member_changes_names AFTER UPDATE OF name, cluster, country ON organisations
BEGIN
    INSERT INTO member_changes (id, n) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS member_changes_ingested AFTER INSERT ON sources
BEGIN
    INSERT INTO member_changes (id, n) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS member_changes_removed AFTER DELETE ON organisations
BEGIN
    INSERT INTO member_changes (id, n) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1;
END;
"""

# Typed text that may name a member: source file names (a member's own sheet named after
# it); set-aside rows, raw rows and answers of other members may quote its contact data.
FREE_TEXT = (
    FreeText("sources", ("file_name",), involves=(
        "SELECT r.source_id FROM raw_rows r JOIN submissions s ON s.raw_row_id = r.id WHERE s.org_key = :org_key"
        " UNION SELECT source_id FROM set_aside WHERE org_key = :org_key")),
    FreeText("set_aside", ("org_name",), ("cells", "reasons")),
    FreeText("raw_rows", json_columns=("cells",)),
    FreeText("submissions", json_columns=("answers",)),
)


@dataclass(frozen=True)
class Member(MemberIdentity):
    """An organisation with its current answers."""

    answers: dict[str, Any]
    submitted_at: str | None = None
    submission_id: int | None = None


def _json_encoder() -> Any:
    """``json.dumps(value, ensure_ascii=False)``, exactly, at less cost per call.

    json.dumps with options builds a new encoder per call (a fifth of storing 100,000 rows), and
    even one ``JSONEncoder`` builds a new C encoder on every ``encode``; here one C encoder serves
    every row (no cycle check: stored values are trees of plain data). Where the C encoder is
    missing or differs, the plain ``JSONEncoder``.
    """
    plain = json.JSONEncoder(ensure_ascii=False)
    try:
        from json.encoder import c_make_encoder, encode_basestring

        one = c_make_encoder(None, plain.default, encode_basestring, None, ": ", ", ", False, False, True)

        def encode(value: Any) -> str:
            return "".join(one(value, 0))

        sample = {"a": [1, 2.5, None, True, False], "b": "é \" \n", "c": {"d": []}, "e": 1e300}
        if encode(sample) == plain.encode(sample) and encode("x") == plain.encode("x"):
            return encode
    except (ImportError, TypeError, ValueError):  # another Python's C encoder
        pass
    return plain.encode


_to_json = _json_encoder()


def source_by_hash(db: Database, sha256: str) -> dict | None:
    rows = list(db.query("SELECT * FROM sources WHERE sha256 = ?", [sha256]))
    return rows[0] if rows else None


def insert_source(db: Database, record: dict) -> int:
    cursor = db.conn.execute(
        "INSERT INTO sources (sha256, file_name, format, encoding, delimiter, adapter, questionnaire_version,"
        " header, ingested_at, rows_accepted, rows_set_aside) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [record["sha256"], record["file_name"], record["format"], record.get("encoding"), record.get("delimiter"),
         record["adapter"], record["questionnaire_version"], json.dumps(record["header"], ensure_ascii=False),
         record["ingested_at"], record["rows_accepted"], record["rows_set_aside"]],
    )
    return int(cursor.lastrowid)


def insert_raw_rows(db: Database, source_id: int, sha256: str,
                    rows: list[tuple[int, str | None, dict, dict]]) -> list[int]:
    """Insert (row_number, org_key, cells, metadata) rows; return their ids in order."""
    conn = db.conn
    start = conn.execute("SELECT COALESCE(MAX(id), 0) FROM raw_rows").fetchone()[0] + 1
    ids = list(range(start, start + len(rows)))
    conn.executemany(
        "INSERT INTO raw_rows (id, source_id, source_sha256, row_number, org_key, cells, metadata)"
        " VALUES (?,?,?,?,?,?,?)",
        # a generator, not a list: 100,000 rows of JSON held at once was 150 MB of peak memory
        ((rid, source_id, sha256, number, key, _to_json(cells), _to_json(meta) if meta else "{}")
         for rid, (number, key, cells, meta) in zip(ids, rows)),
    )
    return ids


def insert_set_aside(db: Database, source_id: int, rows: list[tuple[int, str | None, str | None, dict, list]]) -> None:
    db.conn.executemany(
        "INSERT INTO set_aside (source_id, row_number, org_key, org_name, cells, reasons) VALUES (?,?,?,?,?,?)",
        [(source_id, number, key, name, json.dumps(cells, ensure_ascii=False), json.dumps(reasons, ensure_ascii=False))
         for number, key, name, cells, reasons in rows],
    )


def organisation_index(db: Database) -> tuple[dict[str, dict], dict[str, str], dict[str, str]]:
    """All organisations by key, plus org_id -> key and name_key -> key lookups."""
    by_key: dict[str, dict] = {}
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for row in db.query("SELECT o.*, s.submitted_at FROM organisations o "
                        "LEFT JOIN submissions s ON s.id = o.current_submission"):
        by_key[row["key"]] = row
        if row["org_id"]:
            by_id[row["org_id"]] = row["key"]
        by_name.setdefault(row["name_key"], row["key"])
    return by_key, by_id, by_name


def upsert_organisations(db: Database, rows: list[dict]) -> None:
    """Insert organisations or update the stored ones (rows: key, org_id, name_key, name, cluster, country,
    current_submission; other keys are ignored)."""
    db.conn.executemany(
        "INSERT INTO organisations (key, org_id, name_key, name, cluster, country, current_submission)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET org_id = COALESCE(excluded.org_id, organisations.org_id),"
        " name_key = excluded.name_key, name = excluded.name, cluster = excluded.cluster,"
        " country = excluded.country, current_submission = excluded.current_submission",
        # positional: binding a dict of names per row cost as much as the insert
        [(r["key"], r["org_id"], r["name_key"], r["name"], r["cluster"], r["country"], r["current_submission"])
         for r in rows],
    )


def insert_submissions(db: Database, rows: list[tuple]) -> list[int]:
    """Insert (org_key, raw_row_id, submitted_at, status, version, answers) rows; return ids."""
    conn = db.conn
    start = conn.execute("SELECT COALESCE(MAX(id), 0) FROM submissions").fetchone()[0] + 1
    ids = list(range(start, start + len(rows)))
    conn.executemany(
        "INSERT INTO submissions (id, org_key, raw_row_id, submitted_at, status, questionnaire_version, answers)"
        " VALUES (?,?,?,?,?,?,?)",
        ((sid, key, raw, at, status, version, _to_json(answers))
         for sid, (key, raw, at, status, version, answers) in zip(ids, rows)),
    )
    return ids


def next_submission_id(db: Database) -> int:
    """The id the next inserted submission gets (inside a write transaction)."""
    return db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM submissions").fetchone()[0] + 1


def mark_superseded(db: Database, submission_ids: list[int]) -> None:
    db.conn.executemany("UPDATE submissions SET status = 'superseded' WHERE id = ?", [(i,) for i in submission_ids])


_CURRENT_FROM = "FROM organisations o JOIN submissions s ON s.id = o.current_submission ORDER BY o.key"


def current_members(db: Database) -> list[Member]:
    """Every organisation with its current submission, ordered by key (stable)."""
    return current_members_and_digest(db)[0]


def current_members_and_digest(db: Database) -> tuple[list[Member], str | None]:
    """:func:`current_members` and the :func:`members_digest` of what they were read from."""
    digest = members_digest(db)  # before the members: a change in between then shows as a new digest
    members = []
    for key, name, cluster, country, text, sid, submitted_at in db.conn.execute(
            "SELECT o.key, o.name, o.cluster, o.country, s.answers, s.id, s.submitted_at " + _CURRENT_FROM):
        answers = json.loads(text)
        members.append(Member(key, name, cluster, country, answers.get("org_type") or "",
                              bool(answers.get("consent")), answers, submitted_at, sid))
    return members, digest


def has_members(db: Database) -> bool:
    """True when at least one organisation has a current submission."""
    return db.conn.execute("SELECT 1 " + _CURRENT_FROM.replace(" ORDER BY o.key", "") + " LIMIT 1").fetchone() \
        is not None


def members_digest(db: Database) -> str | None:
    """A token that stays the same only while the current members do, read without reading them: the
    count of changes to them (``member_changes``, kept by triggers). None when this database does not
    count them (opened without creating what is missing)."""
    try:
        row = db.conn.execute("SELECT n FROM member_changes").fetchone()
    except sqlite3.OperationalError:  # no such table: nothing counts the changes
        return None
    return f"member-changes:{row[0] if row else 0}"


def members_state(db: Database) -> object:
    """A token that changes whenever the current members do, to notice that another process changed them:
    their :func:`members_digest`, or, in a database that does not count changes, every member's
    (key, current submission)."""
    digest = members_digest(db)
    if digest is not None:
        return digest
    return tuple(db.conn.execute("SELECT key, current_submission FROM organisations ORDER BY key").fetchall())


def find_organisations(db: Database, text: str, org_id: str, name_slug: str) -> list[dict]:
    """Organisations whose key, org_id or current name is ``text`` (the name also by its ``name_slug``).

    A name shared by organisations in several countries matches all of them, so that the
    caller can say it is ambiguous rather than pick one.
    """
    return list(db.query(
        "SELECT * FROM organisations WHERE key = :text OR key = :id_key OR org_id = :org_id"
        " OR lower(name) = lower(:name) OR substr(name_key, 1, :length) = :prefix ORDER BY key",
        {"text": text, "id_key": f"id:{org_id}", "org_id": org_id, "name": text.strip(),
         "length": len(name_slug) + 1, "prefix": name_slug + "|"}))


def organisation(db: Database, key: str) -> dict | None:
    """One organisation's row by key, or None."""
    rows = list(db.query("SELECT * FROM organisations WHERE key = ?", [key]))
    return rows[0] if rows else None


def former_names(db: Database) -> list[tuple[str, str]]:
    """(key, name) for every name an organisation answered under in a superseded submission."""
    return [tuple(r) for r in db.conn.execute(
        "SELECT DISTINCT org_key, json_extract(answers, '$.org_name') FROM submissions"
        " WHERE status = 'superseded' AND json_extract(answers, '$.org_name') IS NOT NULL")]


def submitted_answers(db: Database, key: str) -> list[dict[str, Any]]:
    """The answers of every submission of an organisation, oldest first."""
    return [json.loads(r[0]) for r in db.conn.execute(
        "SELECT answers FROM submissions WHERE org_key = ? ORDER BY id", [key])]


def set_aside_rows(db: Database) -> list[dict]:
    """Every set-aside row's id, key, name and cells (header -> text), to find an organisation's rows among them."""
    return [{**row, "cells": json.loads(row["cells"])}
            for row in db.query("SELECT id, org_key, org_name, cells FROM set_aside ORDER BY id")]


def claim_set_aside(db: Database, ids: list[int], key: str) -> None:
    """File set-aside rows under ``key`` (the organisation `forget` is erasing)."""
    db.conn.executemany("UPDATE set_aside SET org_key = ? WHERE id = ?", [(key, i) for i in ids])


def organisation_keys(db: Database) -> set[str]:
    """The key of every organisation."""
    return {r[0] for r in db.conn.execute("SELECT key FROM organisations")}


def organisation_names(db: Database) -> list[str]:
    return [r[0] for r in db.conn.execute("SELECT name FROM organisations ORDER BY name")]


def submission_history(db: Database, org_key: str) -> list[dict]:
    """Every submission of an organisation with its raw row and source (provenance)."""
    return list(db.query(
        "SELECT s.id, s.status, s.submitted_at, s.questionnaire_version, s.answers, r.row_number, r.cells,"
        " r.metadata, src.file_name, src.sha256, src.adapter, src.ingested_at "
        "FROM submissions s JOIN raw_rows r ON r.id = s.raw_row_id JOIN sources src ON src.id = r.source_id "
        "WHERE s.org_key = ? ORDER BY s.id", [org_key]))


def forget_organisation(db: Database, key: str) -> dict[str, int]:
    """Delete an organisation's answers, raw rows, set-aside rows (claimed under ``key``) and record.

    Returns how many rows went, per table.
    """
    conn = db.conn
    counts = {}
    raw_ids = [r[0] for r in conn.execute("SELECT raw_row_id FROM submissions WHERE org_key = ?", [key])]
    counts["submissions"] = conn.execute("DELETE FROM submissions WHERE org_key = ?", [key]).rowcount
    counts["raw_rows"] = conn.execute(
        f"DELETE FROM raw_rows WHERE org_key = ? OR id IN ({','.join('?' * len(raw_ids)) or 'NULL'})",
        [key, *raw_ids]).rowcount
    counts["set_aside"] = conn.execute("DELETE FROM set_aside WHERE org_key = ?", [key]).rowcount
    counts["organisations"] = conn.execute("DELETE FROM organisations WHERE key = ?", [key]).rowcount
    return counts


def submission_rows(db: Database, key: str) -> list[dict]:
    """Every submission of an organisation with its source and row (provenance), answers decoded, oldest first."""
    rows = submission_history(db, key)
    for row in rows:
        row["answers"] = json.loads(row["answers"])
    return rows


def all_raw_rows(db: Database) -> list[dict]:
    """Every raw row behind a submission, with its source, for reprocessing."""
    return list(db.query(
        "SELECT s.id AS submission_id, s.org_key, r.row_number, r.cells, r.metadata, src.id AS source_id,"
        " src.file_name, src.format, src.encoding, src.delimiter, src.sha256, src.adapter, src.header,"
        " src.questionnaire_version FROM submissions s JOIN raw_rows r ON r.id = s.raw_row_id"
        " JOIN sources src ON src.id = r.source_id ORDER BY s.id"))


def update_answers(db: Database, rows: list[tuple[str, str, int]]) -> None:
    """Set (answers JSON, questionnaire version) of submissions by id."""
    db.conn.executemany("UPDATE submissions SET answers = ?, questionnaire_version = ? WHERE id = ?", rows)


def counts(db: Database) -> dict[str, int]:
    return {table: db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # names are constants
            for table in ("sources", "organisations", "submissions", "raw_rows", "set_aside")}
