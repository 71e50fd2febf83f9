"""What a use case needs from the database, or one clear error saying how to get it there."""

from __future__ import annotations

from ..errors import StateError
from ..records import Mission, Opportunity
from ..store import catalogue as catalogue_store
from ..store import survey as survey_store


def members(db) -> list[survey_store.Member]:
    """Current members, or an error saying to ingest the survey first."""
    found = survey_store.current_members(db)
    if not found:
        raise StateError.of("empty_database", what="survey answers",
                            hint="ingest the D1.2 exports first with `elca-match ingest FILE...` "
                                 "(or try `elca-match demo`)")
    return found


def opportunities(db) -> list[Opportunity]:
    """The whole opportunity catalogue, or an error saying to import it first."""
    found = catalogue_store.list_opportunities(db)
    if not found:
        raise StateError.of("empty_database", what="opportunities",
                            hint="import the D1.1 catalogue with `elca-match opportunities import FILE` "
                                 "or `elca-match opportunities import --builtin`")
    return found


def missions(db) -> list[Mission]:
    """Every mission, or an error saying to import the calendar first."""
    found = catalogue_store.list_missions(db)
    if not found:
        raise StateError.of("empty_database", what="missions",
                            hint="import the calendar with `elca-match missions import FILE` "
                                 "or `elca-match missions import --builtin`")
    return found
