"""Typed records, the shapes the store takes and returns. Here the catalogue's: an
opportunity (D1.1) and a mission (D2.1 calendar); beside them, ``records.partners`` (a
third-country partner) and ``records.outcomes`` (the action's outcome records).

Built once where data enters (the file readers in ``catalogue/``, the store's queries) and
read by attribute everywhere above. Each record's fields, in order, are the one field list
that the file columns, the database columns and the exports derive theirs from. List
fields are tuples, so records are hashable and compare by value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opportunity:
    """One opportunity of the catalogue: a country's need that members' offers can meet."""

    id: str
    title: str
    country: str  # ISO alpha-2
    region: str
    sector: str
    value_chain_stage: str
    description: str
    materials: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    trl_min: int | None = None
    trl_max: int | None = None
    cooperation_types: tuple[str, ...] = ()
    market_maturity: str | None = None  # mature | emerging
    policy_driver: str = ""
    priority: int | None = None
    source: str = ""  # the first source that is a link, for readers of the old single column
    sources: tuple[str, ...] = ()  # official sources first
    status: str = "unverified"  # verified | partly_verified | unverified
    checked_on: str | None = None  # ISO dates
    valid_from: str | None = None
    valid_to: str | None = None
    caveats: str = ""


@dataclass(frozen=True)
class Mission:
    """One mission of the calendar: a trip to a country with a number of seats for members."""

    id: str
    country: str  # ISO alpha-2
    type: str  # exploratory | showcase | expert_visit | final
    seats: int
    region: str = ""
    start_date: str | None = None  # ISO dates
    end_date: str | None = None
    lead_cluster: str | None = None
    sectors: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()  # opportunity ids, as stored


@dataclass(frozen=True)
class Provenance:
    """Where a stored record was imported from: file, its hash, row (header = row 1) and when."""

    source_file: str
    source_sha256: str
    source_row: int
    imported_at: str


def field_names(record_type: type) -> tuple[str, ...]:
    """The fields of a record type, in order."""
    return tuple(f.name for f in dataclasses.fields(record_type))


def list_fields(record_type: type) -> frozenset[str]:
    """The fields of a record type that hold several values (tuples)."""
    return frozenset(f.name for f in dataclasses.fields(record_type) if str(f.type).startswith("tuple"))


OPPORTUNITY_FIELDS = field_names(Opportunity)
MISSION_FIELDS = field_names(Mission)
PROVENANCE_FIELDS = field_names(Provenance)


def from_values(record_type: type, values: Mapping[str, Any]) -> Any:
    """A record of ``record_type`` from a mapping of its fields (lists become tuples; other keys ignored)."""
    lists = list_fields(record_type)
    return record_type(**{name: (tuple(values[name] or ()) if name in lists else values[name])
                          for name in field_names(record_type) if name in values})


def as_dict(record: Any) -> dict[str, Any]:
    """A record's fields as a plain dict in field order (tuples stay tuples)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
