"""The register of third-country partners: one table, one id space, for agendas and outcome records.

``outcome_orgs`` of earlier databases is folded into it on opening (:func:`migrate`).
Outcome records write only the fields they know (name, country, kind, description), so an
``outcomes import`` never wipes a partner's needs, offers or contact.
Free text: name, needs, offers, description, contact_name, contact_email.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Sequence
from typing import Any

from ..records.outcomes import PartnerOrg
from ..records.partners import Partner
from . import erasure
from .session import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS partners (
    id TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    country TEXT NOT NULL,               -- ISO 3166 alpha-2
    kind TEXT NOT NULL,                  -- cluster | intermediary | sme | large | rto | university | public | other
    region TEXT NOT NULL DEFAULT '',
    sectors TEXT NOT NULL DEFAULT '[]',  -- JSON lists of questionnaire codes
    value_chain_stages TEXT NOT NULL DEFAULT '[]',
    materials TEXT NOT NULL DEFAULT '[]',
    technologies TEXT NOT NULL DEFAULT '[]',
    needs TEXT NOT NULL DEFAULT '',
    offers TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '[]',
    website TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    consent INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,                -- file name and row, or "command line"
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS partners_country ON partners(country);
"""
FIELDS = tuple(Partner.__dataclass_fields__)
_LISTS = {"sectors", "value_chain_stages", "materials", "technologies", "languages"}
ORG_FIELDS = ("id", "name", "country", "kind", "description")


def fold_outcome_orgs(conn: sqlite3.Connection) -> None:
    """Move the third-country organisations of outcome records (``outcome_orgs``) into the register."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outcome_orgs'").fetchone():
        conn.execute("INSERT OR IGNORE INTO partners (id, name, country, kind, description, source, recorded_at) "
                     "SELECT id, name, country, org_type, description, source, recorded_at FROM outcome_orgs")
        conn.execute("DROP TABLE outcome_orgs")


def save(db: Database, partners: Sequence[Partner], sources: dict[str, str], recorded_at: str) -> None:
    """Insert partners, replacing stored ones with the same id (call inside a transaction)."""
    _upsert(db, FIELDS, [[encode(getattr(p, f)) for f in FIELDS] + [sources.get(p.id, ""), recorded_at]
                         for p in partners])


def save_orgs(db: Database, orgs: Sequence[PartnerOrg], sources: dict[str, str], recorded_at: str) -> None:
    """Insert or update outcome-record organisations, leaving the partner fields they do not carry alone."""
    _upsert(db, ORG_FIELDS, [[o.id, o.name, o.country, o.org_type, o.description, sources.get(o.id, ""), recorded_at]
                             for o in orgs])


def _upsert(db: Database, fields: Sequence[str], rows: list[list[Any]]) -> None:
    columns = (*fields, "source", "recorded_at")
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    db.conn.executemany(f"INSERT INTO partners ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                        f"ON CONFLICT(id) DO UPDATE SET {updates}", rows)


def encode(value: Any) -> Any:
    """A record's value as stored: tuples as JSON lists, booleans as 0/1."""
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _decode(row: dict[str, Any]) -> Partner:
    values = {f: row[f] for f in FIELDS}
    for name in _LISTS:
        values[name] = tuple(json.loads(values[name]))
    values["consent"] = bool(values["consent"])
    return Partner(**values)


def load(db: Database, country: str | None = None) -> list[Partner]:
    """Stored partners (of one country), ordered by name."""
    where, params = ("WHERE country = ?", [country]) if country else ("", [])
    return [_decode(r) for r in db.query(f"SELECT * FROM partners {where} ORDER BY name COLLATE NOCASE, id", params)]


def load_orgs(db: Database) -> list[PartnerOrg]:
    """The register as outcome records see it."""
    return [PartnerOrg(r["id"], r["name"], r["country"], r["kind"], r["description"])
            for r in db.query("SELECT id, name, country, kind, description FROM partners "
                              "ORDER BY name COLLATE NOCASE, id")]


def provenance(db: Database) -> dict[str, tuple[str, str]]:
    """id (folded) -> (source, recorded_at)."""
    return {r["id"].casefold(): (r["source"], r["recorded_at"])
            for r in db.query("SELECT id, source, recorded_at FROM partners")}


def count(db: Database) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM partners").fetchone()[0]


def merge(db: Database, keep: str, drop: str) -> dict[str, int]:
    """Point every outcome record naming ``drop`` at ``keep`` and delete ``drop`` (inside a transaction)."""
    conn = db.conn
    duplicates = conn.execute(
        "DELETE FROM outcome_parties WHERE kind = 'org' AND ref = ? AND (record, record_id) IN "
        "(SELECT record, record_id FROM outcome_parties WHERE kind = 'org' AND ref = ?)", [drop, keep]).rowcount
    moved = conn.execute("UPDATE outcome_parties SET ref = ? WHERE kind = 'org' AND ref = ?", [keep, drop]).rowcount
    conn.execute("DELETE FROM partners WHERE id = ?", [drop])
    return {"outcome_parties": moved + duplicates}


def forget_partner(db: Database, partner_id: str) -> dict[str, int]:
    """Erase a partner (inside a transaction): its row goes, outcome records keep an opaque token with its
    country and kind (so reported counts stand), its name goes from the records it took part in and its
    contact data from wherever it is quoted."""
    conn = db.conn
    row = conn.execute("SELECT name, country, kind, contact_name, contact_email FROM partners WHERE id = ?",
                       [partner_id]).fetchone()
    if row is None:
        return {}
    involved: dict[str, set] = {}
    for record, table in (("event", "outcome_events"), ("meeting", "outcome_meetings"), ("case", "outcome_cases")):
        involved[table] = {r[0] for r in conn.execute(
            "SELECT record_id FROM outcome_parties WHERE record = ? AND kind = 'org' AND ref = ?", [record, partner_id])}
    token = f"erased:{secrets.token_hex(8)}"
    conn.execute("INSERT INTO partners (id, name, country, kind, source, recorded_at) VALUES (?, ?, ?, ?, '', '')",
                 [token, erasure.ERASED_NAME, row[1], row[2]])
    parties = conn.execute("UPDATE outcome_parties SET ref = ? WHERE kind = 'org' AND ref = ?",
                           [token, partner_id]).rowcount
    conn.execute("DELETE FROM partners WHERE id = ?", [partner_id])
    scrubbed = erasure.scrub(db, involved, [row[0]], [c for c in row[3:] if c])
    return {"partners": 1, "outcome_parties": parties, **scrubbed}
