"""The matching model seen from the data: how well members' free text is understood.

`model coverage` reports, over the members in the database, the share of free-text
words mapped to thesaurus concepts per language and the most frequent unmapped words;
`members show` asks :func:`member_text` how one member's text was read.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..profiles import load_model, member_input
from ..profiles.coverage import Coverage, TextReport, coverage, text_report
from ..questionnaire import load_questionnaire
from ..store import session
from . import required


def model_coverage(db_path: Path, top: int = 20) -> Coverage:
    """Coverage of the current members' free text (see :func:`profiles.coverage.coverage`)."""
    with session(db_path, create=False) as opened:
        db = opened.db
        members = required.members(db)
    questionnaire = load_questionnaire()
    model = load_model(questionnaire)
    texts = (member_input(m, questionnaire, model).text for m in members)
    return coverage(texts, model, top=top)


def member_text(org_key: str, answers: dict[str, Any], reader: str = "en") -> TextReport:
    """How the model reads a member's free-text answers (concepts in the ``reader``'s language)."""
    questionnaire = load_questionnaire()
    model = load_model(questionnaire)
    text = member_input(SimpleNamespace(org_key=org_key, answers=answers), questionnaire, model).text
    return text_report(text, model, reader=reader)
