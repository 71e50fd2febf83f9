"""The directory of names outcome records may refer to: clusters, members, missions and the
records already stored. The records themselves are in :mod:`elca_match.records.outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Mission
from ..records.outcomes import Event, PartnerOrg


@dataclass(frozen=True)
class MemberRef:
    """A member organisation as outcome records may name it."""

    key: str
    name: str
    org_id: str | None
    cluster: str
    org_type: str


@dataclass
class Directory:
    """What outcome records may refer to: clusters, members, missions, and stored outcomes."""

    clusters: dict[str, str] = field(default_factory=dict)  # code -> label
    members: list[MemberRef] = field(default_factory=list)
    missions: dict[str, Mission] = field(default_factory=dict)  # id -> mission record
    orgs: list[PartnerOrg] = field(default_factory=list)  # third-country organisations already stored
    events: dict[str, Event] = field(default_factory=dict)  # events already stored, by id
    cases: frozenset[str] = frozenset()  # ids (folded) of cooperation cases already stored
    milestones: dict[str, str] = field(default_factory=dict)  # id -> name, from the action's plan
    deliverables: dict[str, str] = field(default_factory=dict)
    excluded_countries: frozenset[str] = frozenset()  # EU and COSME countries: not third countries
    stored_ids: dict[str, frozenset[str]] = field(default_factory=dict)  # kind -> ids stored (folded)
