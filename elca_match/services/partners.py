"""Use cases of the third-country partner register: import a file, add one, list, show, merge.

A file is checked in full inside the write transaction that would store it, against the
partners already stored; any problem (a bad cell, or a name that nearly repeats another
partner's in the same country) rejects the whole file and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotFoundError, UsageError, ValidationError, did_you_mean
from ..partners import Partner, check_partners, partner_from_values
from ..questionnaire import load_questionnaire
from ..store import session, transaction
from ..store import partners as store
from ..tabular import read_table
from ..text import closest, fold

COMMAND_LINE = "command line"
ERASED = "erased:"


@dataclass
class PartnerImportResult:
    """What an import or `partners add` did: ids added, updated and unchanged, and the register's size."""

    file: str
    database: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    total: int = 0


@dataclass
class MergeResult:
    """Which partner was kept, which joined it, and how many references moved."""

    kept: Partner
    dropped: Partner
    moved: dict[str, int]


def import_partners(db_path: Path, path: Path) -> PartnerImportResult:
    """Import a partners file (CSV or XLSX): all its rows, or (on any problem) none."""
    questionnaire = load_questionnaire()
    table = read_table(path)
    name = table.source.name
    return _store(db_path, name, lambda stored: check_partners(table, questionnaire, stored),
                  lambda row: f"{name} row {row}")


def add_partner(db_path: Path, values: dict[str, str | None]) -> PartnerImportResult:
    """Record one partner given as column -> text (``partners add``); the id defaults to the next PT-nnn.
    With the id of a stored partner, the columns given (not None) change and the others keep their values."""
    questionnaire = load_questionnaire()
    given = {k for k, v in values.items() if v is not None}
    values = {k: "" if v is None else str(v) for k, v in values.items()}

    def check(stored: list[Partner]):
        if not values.get("id", "").strip():
            numbers = [int(m.group(1)) for p in stored if (m := re.fullmatch(r"PT-(\d+)", p.id, re.IGNORECASE))]
            values["id"] = f"PT-{max(numbers, default=0) + 1:03d}"
        old = next((p for p in stored if fold(p.id) == fold(values["id"])), None)
        if old is not None:  # an update must not blank what the command line left out
            for column, value in old.as_dict().items():
                if column in values and column not in given:
                    values[column] = (";".join(value) if isinstance(value, tuple) else
                                      ("yes" if value else "no") if isinstance(value, bool) else str(value))
        return partner_from_values(values, questionnaire, stored)

    return _store(db_path, COMMAND_LINE, check, lambda row: COMMAND_LINE, single=True)


def _store(db_path: Path, file: str, check, source_of, single: bool = False) -> PartnerImportResult:
    db_path = Path(db_path)
    if not db_path.exists():  # a rejected file creates no database
        checked = check([])
        if checked.problems:
            raise _rejected(file, checked.problems, single)
    with session(db_path) as opened:
        db = opened.db
        with transaction(db):
            stored = store.load(db)
            checked = check(stored)
            if checked.problems:
                raise _rejected(file, checked.problems, single)
            before = {fold(p.id): p for p in stored}
            result = PartnerImportResult(file, str(db_path))
            changed, sources = [], {}
            for record, row in zip(checked.records, checked.rows):
                old = before.get(fold(record.id))
                if old == record:
                    result.unchanged.append(record.id)
                    continue
                (result.added if old is None else result.updated).append(record.id)
                changed.append(record)
                sources[record.id] = source_of(row)
            store.save(db, changed, sources, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
            result.total = store.count(db)
    return result


def _rejected(file: str, problems, single: bool) -> ValidationError:
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    head = "the partner was not recorded" if single else f"{file} rejected, nothing was stored"
    return ValidationError(f"{head}: {count} (fix them and run the command again).", problems)


def list_partners(db_path: Path, country: str | None = None) -> list[Partner]:
    """The register (of one country: code or name), ordered by name; erased partners are not listed."""
    from .. import markets

    code = None
    if country:
        code = markets.resolve_country(country)
        if code is None:
            raise UsageError.of("unknown_market", value=country,
                                suggestion=did_you_mean(markets.suggest_country(country, regions=False)),
                                regions="")
    with session(db_path, create=False) as opened:
        db = opened.db
        return [p for p in store.load(db, code) if not p.id.startswith(ERASED)]


def find_partner(partners: list[Partner], text: str) -> Partner:
    """The partner with this id or name (folded); NotFoundError with the closest name otherwise."""
    wanted = fold(text)
    for partner in partners:
        if fold(partner.id) == wanted:
            return partner
    hits = [p for p in partners if fold(p.name) == wanted]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise UsageError.of("ambiguous", value=text, what="partner", allowed=", ".join(p.id for p in hits))
    options = [p.name for p in partners] + [p.id for p in partners]
    raise NotFoundError.of("not_found", what="partner", value=text, suggestion=did_you_mean(closest(text, options)),
                           hint="elca-match partners list")


def show_partner(db_path: Path, text: str) -> Partner:
    """One partner by id or name."""
    return find_partner(list_partners(db_path), text)


def merge_partners(db_path: Path, keep: str, drop: str) -> MergeResult:
    """Join partner ``drop`` into ``keep``: every meeting request, agenda and outcome record follows."""
    from ..store import agenda as agenda_store

    with session(db_path, create=False) as opened:
        db = opened.db
        with transaction(db):
            partners = [p for p in store.load(db) if not p.id.startswith(ERASED)]
            kept, dropped = find_partner(partners, keep), find_partner(partners, drop)
            if kept.id == dropped.id:
                raise UsageError.of("partner_merge_same", keep=keep, drop=drop, id=kept.id)
            moved = store.merge(db, kept.id, dropped.id)
            moved.update(agenda_store.rename_participant(db, "partner", dropped.id, kept.id))
    return MergeResult(kept, dropped, moved)


def forget_partner(db, text: str) -> tuple[Partner, dict[str, int]] | None:
    """Erase the partner with this id or exact name everywhere (inside the caller's transaction); None if none."""
    from ..store import agenda as agenda_store

    wanted = fold(text)
    hits = [p for p in store.load(db) if not p.id.startswith(ERASED) and wanted in (fold(p.id), fold(p.name))]
    if len(hits) != 1:
        return None
    partner = hits[0]
    deleted = store.forget_partner(db, partner.id)
    deleted.update(agenda_store.forget_participant(db, "partner", partner.id))
    return partner, deleted
