"""The registry of survey-tool adapters: each turns one tool's export into canonical rows.

An adapter is a module-level object with ``name``, ``detect(table, questionnaire) -> float``
(0 when the file is not that tool's shape, higher the surer) and
``read(table, questionnaire, ignore_unknown) -> AdapterOutput``. Adding a tool is adding a
module and one line here.
"""

from __future__ import annotations

from ...errors import InputError, UsageError, did_you_mean
from ...questionnaire import Questionnaire
from ...tabular import Table
from ...text import closest
from ..model import AdapterOutput
from .canonical import CANONICAL
from .googleforms import GOOGLEFORMS
from .limesurvey import LIMESURVEY
from .msforms import MSFORMS
from .surveymonkey import SURVEYMONKEY
from .xlsform import XLSFORM

ADAPTERS = {adapter.name: adapter for adapter in (CANONICAL, XLSFORM, LIMESURVEY, GOOGLEFORMS, MSFORMS, SURVEYMONKEY)}


def choose_adapter(table: Table, questionnaire: Questionnaire, forced: str | None = None):
    """The adapter named by ``forced``, or the one most sure it recognises ``table``."""
    if forced:
        if forced not in ADAPTERS:
            raise UsageError.of("unknown_adapter", value=forced, allowed=", ".join(ADAPTERS),
                                suggestion=did_you_mean(closest(forced, ADAPTERS)))
        return ADAPTERS[forced]
    scored = sorted(((adapter.detect(table, questionnaire), name) for name, adapter in ADAPTERS.items()),
                    reverse=True)
    best_score, best_name = scored[0]
    if best_score <= 0:
        raise InputError.of("no_adapter", file=table.source.name, tried=", ".join(ADAPTERS))
    return ADAPTERS[best_name]


def read_with_adapter(table: Table, questionnaire: Questionnaire, forced: str | None = None,
                      ignore_unknown: bool = False) -> AdapterOutput:
    """Turn a table into canonical rows with the right adapter."""
    adapter = choose_adapter(table, questionnaire, forced)
    return adapter.read(table, questionnaire, ignore_unknown)
