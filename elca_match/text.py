"""Folding text for comparison (case, accents, space) and closest-match suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
# Letters that NFKD does not decompose into base letter + accent.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "œ": "oe", "đ": "d"})


def fold(value: object) -> str:
    """Lower-case, strip accents and collapse white space: ``' Łódź  Région '`` -> ``'lodz region'``."""
    text = str(value).translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE.sub(" ", text.casefold().translate(_SPECIAL)).strip()


def slug(value: object) -> str:
    """A folded key with punctuation removed, for matching headers: ``'Org. name'`` -> ``'org name'``."""
    return _SPACE.sub(" ", re.sub(r"[^\w]+", " ", fold(value))).strip().replace("_", " ")


def closest(value: object, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option most like ``value`` (compared folded), or None when nothing is close."""
    options = list(options)
    folded = {fold(o): o for o in options}
    hits = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=cutoff)
    return folded[hits[0]] if hits else None


def split_multi(cell: str, separator: str = ";") -> list[str]:
    """Split a multi-valued cell, dropping empty parts and surrounding space."""
    return [part.strip() for part in str(cell).split(separator) if part.strip()]
