"""Action outcomes: events, matchmaking meetings, third-country organisations and
cooperation cases, and the progress report's indicator tables computed from them.

Pure modules: the reader checks the canonical outcome file against a Directory of names,
the indicator functions count records, the document and template writers lay the tables
out. Storage is in :mod:`elca_match.store.outcomes`, use cases in
:mod:`elca_match.services.outcomes`.
"""

from ..records.outcomes import Case, Event, Meeting, Outcomes, PartnerOrg, Party
from .indicators import IndicatorReport, Targets, compute_report, load_targets
from .model import Directory, MemberRef
from .reader import COLUMNS, CheckedOutcomes, check_outcomes, check_record

__all__ = [
    "COLUMNS", "Case", "CheckedOutcomes", "Directory", "Event", "IndicatorReport", "MemberRef", "Meeting",
    "Outcomes", "Party", "PartnerOrg", "Targets", "check_outcomes", "check_record", "compute_report",
    "load_targets",
]
