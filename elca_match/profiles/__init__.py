"""Competence profiles: members and opportunities as vectors in one feature space.

``ProfileInput`` and the builders are cheap to import; the :class:`Vectoriser`
(scikit-learn) is imported on first use, so commands that only load stored profiles
start fast.
"""

from __future__ import annotations

from typing import Any

from .inputs import (
    MEMBER,
    OPPORTUNITY,
    ProfileInput,
    member_input,
    member_inputs,
    opportunity_input,
    opportunity_inputs,
)
from .model import TEXT_BLOCK, TRL_BLOCK, MatchModel, load_model

__all__ = [
    "MEMBER", "OPPORTUNITY", "TEXT_BLOCK", "TRL_BLOCK", "MatchModel", "ProfileInput", "Vectoriser",
    "load_model", "member_input", "member_inputs", "opportunity_input", "opportunity_inputs",
]


def __getattr__(name: str) -> Any:
    if name == "Vectoriser":
        from .vectoriser import Vectoriser

        return Vectoriser
    raise AttributeError(name)
