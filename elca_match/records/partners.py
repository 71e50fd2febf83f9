"""A third-country partner: the one register that meeting requests, agendas and outcome
records name (``partners/`` reads and checks the files; the store saves and loads these)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Partner:
    """A third-country organisation: cluster, intermediary, company, research centre, agency ..."""

    id: str
    name: str
    country: str  # ISO alpha-2
    kind: str
    region: str = ""
    sectors: tuple[str, ...] = ()
    value_chain_stages: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    needs: str = ""
    offers: str = ""
    languages: tuple[str, ...] = ()
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""
    consent: bool = False
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
