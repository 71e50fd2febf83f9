"""Who a member organisation is: the identity every listing of members shows.

Declared once here; the store's current member (with its answers) and the ranking's
results (a match, a member's best fits) extend it with what they add.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MemberIdentity:
    """A member organisation: its stable key, name, cluster, country, organisation type and whether its
    contact data may be shared."""

    org_key: str
    name: str
    cluster: str
    country: str
    org_type: str
    consent: bool


IDENTITY_FIELDS = tuple(f.name for f in dataclasses.fields(MemberIdentity))


def identity_of(record: Any) -> dict[str, Any]:
    """The identity fields of any record that has them, as keyword arguments for another record."""
    return {name: getattr(record, name) for name in IDENTITY_FIELDS}
