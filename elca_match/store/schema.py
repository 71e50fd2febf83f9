"""Creates every table. Each concern keeps its DDL in its own store module; this lists them."""

from __future__ import annotations

import re
import sqlite3

from . import agenda, catalogue, outcomes, partners, plans, profiles, survey
from .session import Database

SCHEMA_MODULES = (survey, catalogue, profiles, plans, outcomes, partners, agenda)


def ensure(db: Database) -> None:
    """Create missing tables and indexes (idempotent)."""
    for module in SCHEMA_MODULES:
        if module.SCHEMA.strip():
            db.conn.executescript(module.SCHEMA)


def statements() -> list[str]:
    """Every module's DDL as single statements (for running inside a transaction, which executescript cannot)."""
    found: list[str] = []
    for module in SCHEMA_MODULES:
        pending = ""
        for line in module.SCHEMA.splitlines(keepends=True):
            if not pending and (not line.strip() or line.lstrip().startswith("--")):
                continue  # a blank line or a comment between statements
            pending += line
            if sqlite3.complete_statement(pending):
                found.append(pending.strip())
                pending = ""
    return found


_CREATED = re.compile(r"CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)


def object_names() -> list[str]:
    """The name of every table, index and trigger the modules' DDL creates."""
    names = []
    for statement in statements():
        found = _CREATED.match(statement)
        if found is None:
            raise ValueError(f"a statement of the store's SCHEMA creates nothing by name: {statement[:60]}")
        names.append(found.group(1))
    return names
