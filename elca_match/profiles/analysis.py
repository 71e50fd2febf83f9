"""Free text in six languages -> glossary concepts + lemmas, without any network or model download.

The language is detected from function words and glossary terms (cheap, and it never
loads a dictionary it does not need); words are lemmatised with simplemma in that
language; glossary terms become concept codes, which is how a German capability text
meets an English opportunity description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import fold
from .glossary import ANY, Glossary
from .model import TextSettings

# Keeps accents (simplemma needs them); splits on anything that is not a letter or digit.
_RAW_WORD = re.compile(r"[^\W_]+")
_HAS_DIGIT = re.compile(r"\d")

_LEMMAS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Analysis:
    """What a text says in shared terms: its language, glossary concepts and other lemmas."""

    lang: str
    concepts: tuple[str, ...]
    lemmas: tuple[str, ...]


def lemma(word: str, lang: str) -> str:
    """The folded lemma of a lower-case ``word`` in ``lang`` (cached; unknown words stay as they are)."""
    key = (lang, word)
    hit = _LEMMAS.get(key)
    if hit is None:
        import simplemma

        try:
            hit = fold(simplemma.lemmatize(word, lang=lang))
        except ValueError:  # a language simplemma does not know
            hit = fold(word)
        _LEMMAS[key] = hit
    return hit


def detect_language(tokens: list[str], settings: TextSettings, glossary: Glossary, hint: str | None = None) -> str:
    """The language whose function words and glossary terms occur most in ``tokens`` (folded).

    Ties go to ``hint``, then to the default language: a text too short to tell
    ("CFRP, RTM") is read in the language the caller expects.
    """
    scores: dict[str, int] = {}
    for lang, words in settings.stopwords.items():
        scores[lang] = sum(1 for t in tokens if t in words)
    for t in tokens:
        for lang in glossary.languages_of(t):
            scores[lang] = scores.get(lang, 0) + 1
    fallback = hint or settings.default_language
    best = max(scores.values(), default=0)
    if best == 0 or scores.get(fallback, 0) == best:
        return fallback
    return next(lang for lang, score in scores.items() if score == best)


class TextAnalyser:
    """Turns a text into an :class:`Analysis` with the model's glossary and settings."""

    def __init__(self, settings: TextSettings, glossary: Glossary):
        self.settings = settings
        self.glossary = glossary
        self._stop = frozenset().union(*settings.stopwords.values()) if settings.stopwords else frozenset()

    def analyse(self, text: str, lang: str | None = None) -> Analysis:
        """Analyse ``text``; ``lang`` is detected when None (or not a known language)."""
        raw = [w.lower() for w in _RAW_WORD.findall(text or "")]
        tokens = [fold(w) for w in raw]
        known = set(self.settings.stopwords) | {k for k in self.glossary.index if k != ANY}
        if lang not in known:
            lang = detect_language(tokens, self.settings, self.glossary, hint=None)
        lemmas = [lemma(w, lang) if not _HAS_DIGIT.search(w) else t for w, t in zip(raw, tokens)]
        concepts, used = self.glossary.find(
            tokens, lemmas, lang,
            compound=lang in self.settings.compound_languages,
            compound_min=self.settings.compound_min_length,
        )
        kept = []
        minimum = self.settings.min_token_length
        for token, lem, consumed in zip(tokens, lemmas, used):
            if consumed or len(lem) < minimum or _HAS_DIGIT.search(lem):
                continue
            if token in self._stop or lem in self._stop:
                continue
            kept.append(lem)
        return Analysis(lang, tuple(concepts), tuple(kept))
