"""Tables and queries for the opportunity catalogue (D1.1) and the missions calendar.

Records go in and come out as :mod:`elca_match.records` dataclasses (lists stored as
JSON). Ids compare without regard to case, so a re-import that changes only the case of
an id updates the same opportunity. Each row remembers the file, hash and row it came from.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from ..records import (MISSION_FIELDS, OPPORTUNITY_FIELDS, PROVENANCE_FIELDS, Mission, Opportunity, Provenance,
                       from_values, list_fields)
from .erasure import FreeText
from .session import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS opportunities (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    title TEXT NOT NULL,
    country TEXT NOT NULL,               -- ISO 3166 alpha-2
    region TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL,
    value_chain_stage TEXT NOT NULL,
    description TEXT NOT NULL,
    materials TEXT NOT NULL DEFAULT '[]',           -- JSON list of codes
    technologies TEXT NOT NULL DEFAULT '[]',        -- JSON list of codes
    trl_min INTEGER,
    trl_max INTEGER,
    cooperation_types TEXT NOT NULL DEFAULT '[]',   -- JSON list of codes
    market_maturity TEXT,                -- mature | emerging
    policy_driver TEXT NOT NULL DEFAULT '',
    priority INTEGER,
    source TEXT NOT NULL DEFAULT '',
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '[]',             -- JSON list, official sources first
    status TEXT NOT NULL DEFAULT 'unverified',      -- verified | partly_verified | unverified
    checked_on TEXT,                                -- ISO date the driver was last checked
    valid_from TEXT,                                -- time-limited programmes: ISO dates
    valid_to TEXT,
    caveats TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS opportunities_country ON opportunities(country);
CREATE TABLE IF NOT EXISTS missions (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    country TEXT NOT NULL,               -- ISO 3166 alpha-2
    type TEXT NOT NULL,                  -- exploratory | showcase | expert_visit | final
    seats INTEGER NOT NULL CHECK (seats > 0),
    region TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    end_date TEXT,
    lead_cluster TEXT,
    sectors TEXT NOT NULL DEFAULT '[]',             -- JSON list of codes
    opportunities TEXT NOT NULL DEFAULT '[]',       -- JSON list of opportunity ids
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS missions_country ON missions(country);
"""

# Opportunities involve no member, but their text may quote a member's contact data.
FREE_TEXT = (FreeText("opportunities", ("title", "description", "policy_driver", "source")),)

# Columns added after the first release, with their definitions (see add_provenance_columns).
PROVENANCE_COLUMNS = {"sources": "TEXT NOT NULL DEFAULT '[]'", "status": "TEXT NOT NULL DEFAULT 'unverified'",
                      "checked_on": "TEXT", "valid_from": "TEXT", "valid_to": "TEXT",
                      "caveats": "TEXT NOT NULL DEFAULT ''"}
_LISTS = list_fields(Opportunity) | list_fields(Mission)


def add_provenance_columns(conn: sqlite3.Connection) -> None:
    """Add the opportunity provenance columns to a database made before they existed (idempotent).

    A catalogue imported then keeps its one ``source`` as its only source, marked unverified.
    """
    have = {row[1] for row in conn.execute("PRAGMA table_info(opportunities)")}
    for name, definition in PROVENANCE_COLUMNS.items():
        if name not in have:
            conn.execute(f"ALTER TABLE opportunities ADD COLUMN {name} {definition}")
    if "sources" not in have:
        conn.execute("UPDATE opportunities SET sources = json_array(source) WHERE source != ''")


def _where(filters: Sequence[tuple[str, Iterable[str] | None]]) -> tuple[str, list[Any]]:
    """A WHERE clause of ``column IN (?, ...)`` terms for the filters that are given."""
    terms: list[str] = []
    params: list[Any] = []
    for column, values in filters:
        if values is None:
            continue
        values = list(values)
        terms.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
        params.extend(values)
    return (" WHERE " + " AND ".join(terms) if terms else ""), params


def _decode(row: dict[str, Any], record_type: type) -> Any:
    return from_values(record_type, {f: (json.loads(v) if f in _LISTS else v) for f, v in row.items()})


def _encode(record: Opportunity | Mission, fields: Sequence[str]) -> list[Any]:
    return [json.dumps(list(getattr(record, f)), ensure_ascii=False) if f in _LISTS else getattr(record, f)
            for f in fields]


def _rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


# --- opportunities -----------------------------------------------------------------------

def list_opportunities(db: Database, countries: Iterable[str] | None = None,
                       sectors: Iterable[str] | None = None, stages: Iterable[str] | None = None,
                       ids: Iterable[str] | None = None) -> list[Opportunity]:
    """Opportunity records filtered by alpha-2 countries, sector codes, stage codes and ids.

    A filter left as None does not restrict; an empty list matches nothing. Ordered by
    country, then id.
    """
    where, params = _where([("country", countries), ("sector", sectors), ("value_chain_stage", stages),
                            ("id", ids)])
    rows = _rows(db, f"SELECT {', '.join(OPPORTUNITY_FIELDS)} FROM opportunities{where} "
                     "ORDER BY country, id COLLATE NOCASE", params)
    return [_decode(row, Opportunity) for row in rows]


def get_opportunity(db: Database, opportunity_id: str) -> tuple[Opportunity, Provenance] | None:
    """One opportunity record with where it was imported from, or None (id matched without case)."""
    fields = OPPORTUNITY_FIELDS + PROVENANCE_FIELDS
    rows = _rows(db, f"SELECT {', '.join(fields)} FROM opportunities WHERE id = ?", [str(opportunity_id).strip()])
    return (_decode(rows[0], Opportunity), from_values(Provenance, rows[0])) if rows else None


def opportunity_ids(db: Database) -> list[str]:
    """Every opportunity id, as stored."""
    return [row[0] for row in db.conn.execute("SELECT id FROM opportunities ORDER BY id")]


def save_opportunities(db: Database, records: Sequence[Opportunity], rows: Sequence[int], *,
                       source_file: str, sha256: str, imported_at: str) -> None:
    """Insert new opportunities and overwrite existing ones with the same id (call inside a transaction)."""
    _upsert(db, "opportunities", OPPORTUNITY_FIELDS, records, rows, source_file, sha256, imported_at)


def count_opportunities(db: Database) -> int:
    return db.conn.execute("SELECT count(*) FROM opportunities").fetchone()[0]


# --- missions ----------------------------------------------------------------------------

def list_missions(db: Database, countries: Iterable[str] | None = None,
                  ids: Iterable[str] | None = None) -> list[Mission]:
    """Mission records filtered by alpha-2 countries and ids, ordered by start date then id."""
    where, params = _where([("country", countries), ("id", ids)])
    rows = _rows(db, f"SELECT {', '.join(MISSION_FIELDS)} FROM missions{where} "
                     "ORDER BY start_date IS NULL, start_date, id COLLATE NOCASE", params)
    return [_decode(row, Mission) for row in rows]


def save_missions(db: Database, records: Sequence[Mission], rows: Sequence[int], *,
                  source_file: str, sha256: str, imported_at: str) -> None:
    """Insert new missions and overwrite existing ones with the same id (call inside a transaction)."""
    _upsert(db, "missions", MISSION_FIELDS, records, rows, source_file, sha256, imported_at)


def count_missions(db: Database) -> int:
    return db.conn.execute("SELECT count(*) FROM missions").fetchone()[0]


def _upsert(db: Database, table: str, fields: Sequence[str], records: Sequence[Opportunity | Mission],
            rows: Sequence[int], source_file: str, sha256: str, imported_at: str) -> None:
    columns = list(fields) + list(PROVENANCE_FIELDS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
           f"ON CONFLICT(id) DO UPDATE SET {updates}")
    db.conn.executemany(sql, [_encode(record, fields) + [source_file, sha256, row, imported_at]
                              for record, row in zip(records, rows)])
