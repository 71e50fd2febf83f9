"""Action outcomes: events, matchmaking meetings, third-country organisations and
cooperation cases, and the progress report's indicator tables computed from them.

Pure modules: the reader checks the canonical outcome file against a Directory of names,
the indicator functions count records, the document and template writers lay the tables
out. Storage is in :mod:`elca_match.store.outcomes`, use cases in
:mod:`elca_match.services.outcomes`.
"""

import importlib
from typing import Any

# Each name from the module that defines it, imported on first use: the store imports
# ``outcomes.model`` for its records, and importing this package must not cost every command
# the indicators and the reader.
_WHERE = {"IndicatorReport": "indicators", "Targets": "indicators", "compute_report": "indicators",
          "load_targets": "indicators", "Case": "model", "Directory": "model", "Event": "model",
          "MemberRef": "model", "Meeting": "model", "Outcomes": "model", "Party": "model", "PartnerOrg": "model",
          "COLUMNS": "reader", "CheckedOutcomes": "reader", "check_outcomes": "reader", "check_record": "reader"}

__all__ = [
    "COLUMNS", "Case", "CheckedOutcomes", "Directory", "Event", "IndicatorReport", "MemberRef", "Meeting",
    "Outcomes", "Party", "PartnerOrg", "Targets", "check_outcomes", "check_record", "compute_report",
    "load_targets",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
