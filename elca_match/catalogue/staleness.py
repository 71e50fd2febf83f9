"""Which opportunities are not safe to cite as they stand: pure rules over catalogue records.

An opportunity is a public claim (deliverable D1.1): its driver must still be in force when
the missions that target its country travel, someone must have verified it, and recently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..records import Mission, Opportunity

# A check older than this is stale: policy moves fast (the research notes ask to re-check before citing).
STALE_AFTER = dt.timedelta(days=365)

# A time-limited driver ending this soon after a mission leaves no time to follow the contacts up.
ENDS_SOON_AFTER = dt.timedelta(days=365)

# Kinds of warning, in the order they are listed.
KINDS = ("expired", "ends_soon", "not_verified", "never_checked", "stale")


@dataclass(frozen=True)
class CatalogueWarning:
    """One reason an opportunity should be checked again before it is cited."""

    opportunity: str
    kind: str  # one of KINDS
    detail: str
    missions: tuple[str, ...] = ()


def catalogue_warnings(opportunities: Iterable[Opportunity], missions: Sequence[Mission],
                       today: dt.date) -> list[CatalogueWarning]:
    """Every warning for every opportunity, sorted by kind (as in KINDS), then opportunity id.

    ``expired``: the driver's ``valid_to`` falls before the start of a mission to the
    opportunity's country (or before today, for a country no mission visits);
    ``ends_soon``: it ends within a year after such a mission starts (no time for follow-up);
    ``not_verified``: status other than ``verified``; ``never_checked``: no ``checked_on``;
    ``stale``: checked more than a year before ``today``.
    """
    warnings: list[CatalogueWarning] = []
    for record in opportunities:
        warnings.extend(_warnings(record, missions, today))
    return sorted(warnings, key=lambda w: (KINDS.index(w.kind), w.opportunity.casefold()))


def _warnings(record: Opportunity, missions: Sequence[Mission],
              today: dt.date) -> Iterable[CatalogueWarning]:
    ident = record.id
    valid_to = record.valid_to
    if valid_to:
        later = tuple(m.id for m in missions if m.country == record.country
                      and (m.start_date or today.isoformat()) > valid_to)
        if later:
            yield CatalogueWarning(ident, "expired", f"driver valid to {valid_to}, before mission(s) "
                                                     f"{', '.join(later)}", later)
        elif valid_to < today.isoformat():
            yield CatalogueWarning(ident, "expired", f"driver valid to {valid_to}, before today")
        else:
            horizon = dt.date.fromisoformat(valid_to) - ENDS_SOON_AFTER
            close = tuple(m.id for m in missions if m.country == record.country and m.start_date
                          and dt.date.fromisoformat(m.start_date) >= horizon)
            if close:
                yield CatalogueWarning(ident, "ends_soon", f"driver valid to {valid_to}, within a year of "
                                                           f"mission(s) {', '.join(close)}", close)
    status = record.status or "unverified"
    if status != "verified":
        yield CatalogueWarning(ident, "not_verified", f"status {status}"
                               + (f": {record.caveats}" if record.caveats else ""))
    checked_on = record.checked_on
    if not checked_on:
        yield CatalogueWarning(ident, "never_checked", "no checked_on date")
    elif dt.date.fromisoformat(checked_on) < today - STALE_AFTER:
        yield CatalogueWarning(ident, "stale", f"last checked {checked_on}, more than a year ago")
