"""Folding text for comparison (case, accents, space), closest-match suggestions, and reading dates."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
# Letters that NFKD does not decompose into base letter + accent.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "œ": "oe", "đ": "d"})


def fold(value: object) -> str:
    """Lower-case, strip accents and collapse white space: ``' Łódź  Région '`` -> ``'lodz region'``."""
    text = str(value)
    if text.isascii():  # no accent to strip; most survey cells and names (a fifth of a large ingest)
        return _SPACE.sub(" ", text.lower()).strip()
    text = text.translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE.sub(" ", text.casefold().translate(_SPECIAL)).strip()


def slug(value: object) -> str:
    """A folded key with punctuation removed, for matching headers: ``'Org. name'`` -> ``'org name'``."""
    return _SPACE.sub(" ", re.sub(r"[^\w]+", " ", fold(value))).strip().replace("_", " ")


def name_slug(value: object) -> str:
    """:func:`slug` for an organisation name; a name with no letter or digit (``***``, ``%``, emoji)
    gets a key spelled from its characters, so that two such names never share a key."""
    key = slug(value)
    if key:
        return key
    return "#" + "-".join(f"{ord(ch):x}" for ch in fold(value) if not ch.isspace())


# C0 and C1 controls but tab and newline, zero-width and bidirectional controls, BOM:
# they move the cursor, clear the screen, start hyperlinks or reorder what a terminal shows
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible(value: object) -> str:
    """Text safe to show on a terminal: control characters written as visible codes (ESC as ``\\x1b``)."""
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                          else f"\\u{ord(m.group()):04x}", str(value))


def closest(value: object, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option most like ``value`` (compared folded), or None when nothing is close."""
    options = list(options)
    folded = {fold(o): o for o in options}
    hits = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=cutoff)
    return folded[hits[0]] if hits else None


def split_multi(cell: str, separator: str = ";") -> list[str]:
    """Split a multi-valued cell, dropping empty parts and surrounding space."""
    return [part.strip() for part in str(cell).split(separator) if part.strip()]


# The date and date-time spellings survey tools, spreadsheets and people write, after ISO 8601.
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d.%m.%Y %H:%M:%S",
                "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
                "%m/%d/%Y %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d")


def parse_datetime(text: str) -> str | None:
    """A date or date-time in any spelling of :data:`DATE_FORMATS` (or ISO 8601) as ISO text
    (``2027-06-30 14:05:00``); None if it is not one. The one date parser: files, cells and options."""
    text = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).isoformat(sep=" ", timespec="seconds")
        except ValueError:
            continue
    return None


def parse_day(text: str) -> str | None:
    """The calendar day of a date or date-time (see :func:`parse_datetime`) as ``YYYY-MM-DD``; None if none."""
    parsed = parse_datetime(text)
    return parsed[:10] if parsed else None
