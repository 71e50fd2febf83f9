"""What the vectoriser reads: a :class:`ProfileInput` per member or opportunity.

Members are read through the questionnaire's profile blocks (which question feeds which
block, with what weight), never by naming questions here; opportunities through the
model's ``opportunity_fields``. Both end up as the same shape, so they share one
feature space.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import Opportunity
from .model import TEXT_BLOCK, TRL_BLOCK, MatchModel

MEMBER = "member"
OPPORTUNITY = "opportunity"


@dataclass(frozen=True)
class ProfileInput:
    """One row of the feature space before vectorising.

    ``blocks`` maps a block (sectors, stages, materials, ...) to its features, either a
    list of codes or a mapping code -> relative weight; ``trl`` is a (low, high) range;
    ``text`` free text in ``lang`` (detected when None); ``side`` says whether the row
    is a member or an opportunity, which decides how TRL is encoded and where the
    block weights go.
    """

    key: str
    blocks: Mapping[str, Sequence[str] | Mapping[str, float]] = field(default_factory=dict)
    trl: tuple[int, int] | None = None
    text: str = ""
    lang: str | None = None
    side: str = MEMBER

    def features(self, block: str) -> dict[str, float]:
        """The block's features as code -> weight (a list counts each code once with weight 1)."""
        value = self.blocks.get(block)
        if not value:
            return {}
        if isinstance(value, Mapping):
            return {str(k): float(v) for k, v in value.items() if v}
        return {str(code): 1.0 for code in value}


def member_input(member: Any, questionnaire: Any, model: MatchModel) -> ProfileInput:
    """The profile input of a normalised member (``Member`` with ``org_key`` and ``answers``).

    Multi- and single-choice questions become multi-hot features weighted by the
    question's relative weight in its block; an integer question (TRL) becomes a band;
    text questions are joined into the free text.
    """
    answers = member.answers or {}
    blocks: dict[str, dict[str, float]] = {}
    trl = None
    texts: list[str] = []
    for block, questions in questionnaire.profile_blocks().items():
        relative = model.question_weights.get(block, {})
        for code, _weight in questions:
            value = answers.get(code)
            if value in (None, "", []):
                continue
            kind = questionnaire.question(code).type
            if kind == "text":
                texts.append(str(value))
            elif kind == "integer":
                if trl is None and isinstance(value, int) and not isinstance(value, bool):
                    trl = (value, value)
            else:
                features = blocks.setdefault(block, {})
                weight = relative.get(code, 1.0)
                for item in ([value] if isinstance(value, str) else value):
                    features[str(item)] = features.get(str(item), 0.0) + weight
    return ProfileInput(str(member.org_key), blocks, trl, "\n".join(texts), None, MEMBER)


def opportunity_input(record: Opportunity | Any, model: MatchModel) -> ProfileInput:
    """The profile input of an opportunity record (or one shaped like it), via ``opportunity_fields``.

    A field the record does not have counts as empty.
    """
    blocks: dict[str, list[str]] = {}
    trl = None
    text = ""
    for block, fields in model.opportunity_fields.items():
        if block == TRL_BLOCK:
            trl = _band([getattr(record, f, None) for f in fields], model.trl_levels)
        elif block == TEXT_BLOCK:
            text = "\n".join(str(getattr(record, f, None)) for f in fields if getattr(record, f, None))
        else:
            values = [v for f in fields for v in _as_list(getattr(record, f, None))]
            if values:
                blocks[block] = list(dict.fromkeys(values))
    for block, (source, mapping) in model.implied.items():
        implied = [v for code in blocks.get(source, []) for v in mapping.get(code, ())]
        if implied:
            blocks[block] = list(dict.fromkeys([*blocks.get(block, []), *implied]))
    return ProfileInput(record.id, blocks, trl, text, None, OPPORTUNITY)


def member_inputs(members: Iterable[Any], questionnaire: Any, model: MatchModel) -> list[ProfileInput]:
    """:func:`member_input` for each member, in order."""
    return [member_input(m, questionnaire, model) for m in members]


def opportunity_inputs(records: Iterable[Opportunity | Any], model: MatchModel) -> list[ProfileInput]:
    """:func:`opportunity_input` for each record, in order."""
    return [opportunity_input(r, model) for r in records]


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v not in (None, "")]


def _band(values: list[Any], top: int) -> tuple[int, int] | None:
    """(min, max) from the fields' values; an open end runs to level 1 or to the top level."""
    low, high = (_int(v) for v in (list(values) + [None, None])[:2])
    if low is None and high is None:
        return None
    low, high = low or 1, high or top
    return (min(low, high), max(low, high))


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)
