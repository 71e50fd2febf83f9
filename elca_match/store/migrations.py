"""Schema versions (``PRAGMA user_version``) and the forward-only steps between them.

Version 0 is a database from before versions (release 031273a and earlier) or a new empty
file. ``STEPS[n - 1]`` brings a database from version n - 1 to n; each step is a small
function that is safe to run again (a new file gets every table in its current shape from
step 1, so a later step must not fail when its change is already there).

Where a change goes:

- a new table or index: its DDL in its store module's ``SCHEMA`` (created, when missing, every
  time the database is opened; see :func:`.schema.ensure` and :func:`has_every_object`);
- a change to an existing table (a new or renamed column, moved data): a new step here, and
  the same change in the module's ``SCHEMA`` so that new files get it directly.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..cache import remembered
from ..errors import SchemaError
from .session import Database

# The store's modules (their SCHEMA, the steps' code) are imported where they are used: opening a
# database that is complete and up to date, as most commands do, needs none of them.


def _v1_tables(conn: sqlite3.Connection) -> None:
    """Every table and index of release 031273a (which wrote no version), created where missing."""
    from . import schema

    for statement in schema.statements():
        conn.execute(statement)


def _v2_opportunity_provenance(conn: sqlite3.Connection) -> None:
    """Opportunities gain sources, status, checked_on, valid_from, valid_to and caveats."""
    from . import catalogue

    catalogue.add_provenance_columns(conn)


def _v3_one_partner_register(conn: sqlite3.Connection) -> None:
    """The third-country organisations of outcome records move into the partners register."""
    from . import partners

    partners.fold_outcome_orgs(conn)


STEPS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1_tables, _v2_opportunity_provenance,
                                                            _v3_one_partner_register)
LATEST = len(STEPS)


def version(conn: sqlite3.Connection) -> int:
    """The schema version stored in the file (0: written before versions, or new)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def refuse_newer(conn: sqlite3.Connection, path: str | Path) -> None:
    """Refuse a database written by a newer elca-match; reads only, so the file stays as it was."""
    found = version(conn)
    if found > LATEST:
        raise SchemaError.of("db_too_new", value=str(path), found=found, newest=LATEST)


def upgrade(db: Database) -> None:
    """Run the steps the database has not had yet, in one transaction, then create missing tables."""
    conn = db.conn
    if version(conn) < LATEST:
        # BEGIN IMMEDIATE: of two processes opening an old file at once, one upgrades, the other waits
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = version(conn)
            refuse_newer(conn, db.conn.execute("PRAGMA database_list").fetchone()[2])
            for number in range(current + 1, LATEST + 1):
                STEPS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {LATEST}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if not has_every_object(db):
        from . import schema

        schema.ensure(db)


def has_every_object(db: Database) -> bool:
    """True when the database has every table, index and trigger the store's ``SCHEMA`` declare.

    Their names come from the cache, one list per content of the store's source files; only when
    the sources are new to this machine are the modules imported to list them.
    """
    try:
        sources = sorted(Path(__file__).parent.glob("*.py"))
        stamp = hashlib.sha256(b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in sources)).hexdigest()
    except OSError:  # sources not readable as files (a zipped install): check the long way
        return False
    expected = remembered(f"schema-{stamp[:24]}.json", _object_names, lambda cached: isinstance(cached, list))
    present = {name for (name,) in db.conn.execute("SELECT name FROM sqlite_master")}
    return present.issuperset(expected)


def _object_names() -> list[str]:
    from . import schema

    return schema.object_names()


# -- what the schema should be, for `check` ---------------------------------------------------

Shape = dict[str, tuple[tuple[str, str, int, int], ...]]  # table -> (column, type, notnull, pk) per column


def shape(conn: sqlite3.Connection) -> tuple[Shape, set[str]]:
    """The tables (with their columns) and the named indexes of a database."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    columns = {t: tuple((c[1], c[2].upper(), c[3], c[5]) for c in conn.execute(f"PRAGMA table_info({_quoted(t)})"))
               for t in tables}
    indexes = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")}
    return columns, indexes


def expected_shape() -> tuple[Shape, set[str]]:
    """The shape of a database this version creates (built in memory)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = Database(conn)
        upgrade(db)
        return shape(conn)
    finally:
        conn.close()


def differences(conn: sqlite3.Connection) -> list[tuple[str | None, str]]:
    """How the live schema differs from the expected one, as (table, what) pairs; empty when it is the same."""
    have_tables, have_indexes = shape(conn)
    want_tables, want_indexes = expected_shape()
    found: list[tuple[str | None, str]] = []
    for table in sorted(want_tables.keys() - have_tables.keys()):
        found.append((table, f"the table {table} is missing"))
    for table in sorted(want_tables.keys() & have_tables.keys()):
        want = {c[0]: c for c in want_tables[table]}
        have = {c[0]: c for c in have_tables[table]}
        for name in sorted(want.keys() - have.keys()):
            found.append((table, f"the column {table}.{name} is missing"))
        for name in sorted(have.keys() - want.keys()):
            found.append((table, f"the column {table}.{name} is not expected"))
        for name in sorted(want.keys() & have.keys()):
            if want[name] != have[name]:
                found.append((table, f"the column {table}.{name} is {_describe(have[name])}, "
                                     f"expected {_describe(want[name])}"))
    for index in sorted(want_indexes - have_indexes):
        found.append((None, f"the index {index} is missing"))
    return found


def _describe(column: tuple[str, str, int, int]) -> str:
    _, kind, notnull, pk = column
    return " ".join(filter(None, [kind or "untyped", "NOT NULL" if notnull else "", "PRIMARY KEY" if pk else ""]))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
