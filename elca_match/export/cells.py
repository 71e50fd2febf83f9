"""Cell values as writers see them: formula neutralisation and plain-text rendering.

Text that a person typed is data, never code. The single rule lives here and is
used by the csv and xlsx writers alike (see :func:`neutralise`).
"""

from __future__ import annotations

import datetime as _dt
import math
from enum import Enum
from typing import Any

# Characters that make a spreadsheet treat a cell as a formula or a command (OWASP
# "CSV injection"); a line feed is added because some importers strip leading space
# and line breaks before deciding. The quote itself is listed so that the rule can be
# reversed without ambiguity: a text that already begins with ' also gets one more.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"


def formula_like(value: Any) -> bool:
    """True when ``value`` is text that a spreadsheet might evaluate (starts with a trigger)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise(value: Any) -> Any:
    """Make a cell value safe for a spreadsheet: text starting with ``= + - @``, tab, CR, LF or ``'`` gets a ``'`` in front.

    This is the OWASP rule for CSV injection. Excel, LibreOffice and Google Sheets
    show such a cell as text and never evaluate it. Numbers are not text: ``-2`` (an
    int) stays a number, while the *text* ``"-2"`` becomes ``"'-2"``.

    The rule is reversible: to recover the original text from a written cell, remove
    one leading ``'`` when the cell starts with ``'`` (see :func:`unneutralise`).
    Texts that already start with ``'`` get one more, which keeps that reversal exact.
    """
    if isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value.startswith(QUOTE)):
        return QUOTE + value
    return value


def unneutralise(text: str) -> str:
    """The original text of a cell written by :func:`neutralise` (drops one leading ``'``)."""
    return text[1:] if text.startswith(QUOTE) else text


def is_number(value: Any) -> bool:
    """True for real numbers a spreadsheet should store as numbers (bool is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _numpy_number(value)
    return not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def _numpy_number(value: Any) -> bool:
    # numpy scalars come out of the ranking arrays; avoid importing numpy here.
    item = getattr(value, "item", None)
    if item is None or type(value).__module__ != "numpy":
        return False
    return is_number(item())


def plain(value: Any) -> Any:
    """``value`` as a python scalar: numpy scalars unwrapped, enums to their value."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    if isinstance(value, Enum):
        return value.value
    return value


def text(value: Any, float_digits: int | None = None) -> str:
    """A readable text for any cell value (lists joined with ``; ``, bools as yes/no)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if float_digits is not None:
            return f"{value:.{float_digits}f}"
        return repr(round(value, 6))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "; ".join(text(v, float_digits) for v in items)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text(v, float_digits)}" for k, v in value.items())
    return str(value)
