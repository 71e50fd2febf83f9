"""Creates every table. Each concern keeps its DDL in its own store module; this lists them."""

from __future__ import annotations

import sqlite_utils

from . import agenda, catalogue, outcomes, partners, plans, profiles, survey

SCHEMA_MODULES = (survey, catalogue, profiles, plans, outcomes, partners, agenda)


def ensure(db: sqlite_utils.Database) -> None:
    """Create missing tables and indexes (idempotent)."""
    for module in SCHEMA_MODULES:
        if module.SCHEMA.strip():
            db.conn.executescript(module.SCHEMA)
    for module in SCHEMA_MODULES:
        migrate = getattr(module, "migrate", None)
        if migrate is not None:
            migrate(db)
