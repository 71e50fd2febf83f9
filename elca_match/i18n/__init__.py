"""What a reader sees, in the six questionnaire languages: one message catalogue per language.

Each language is a data file next to this module (``en.yaml``, ``de.yaml`` ...) mapping a
phrase key to its text, with ``{placeholders}`` filled from keyword arguments. Code names
keys, never translations; ``tests/test_i18n.py`` fails when a key lacks a language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import UsageError, did_you_mean
from ..resources import load_yaml
from ..text import closest

LANGUAGES = ("en", "de", "it", "pl", "fr", "es")
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Every phrase of ``lang`` by key."""
    if lang not in LANGUAGES:
        raise UsageError.of("unknown_name", what="language", value=lang,
                            suggestion=did_you_mean(closest(lang, LANGUAGES)), allowed=", ".join(LANGUAGES))
    data = load_yaml(_HERE / f"{lang}.yaml") or {}
    return {str(k): str(v) for k, v in data.items()}


def phrase(key: str, lang: str = "en", **params: Any) -> str:
    """The phrase ``key`` in ``lang`` with its placeholders filled (English where ``lang`` lacks it)."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue("en")[key]
    return text.format(**params) if params else text


def words(keys: Any, lang: str) -> dict[str, str]:
    """``{english: translated}`` for phrase keys, for writers that receive their words ready-made."""
    return {phrase(k, "en"): phrase(k, lang) for k in keys}
