"""Free text in six languages -> thesaurus concepts + lemmas, without any network or model download.

The language is detected from function words and thesaurus terms (cheap, and it never
loads a dictionary it does not need); words are lemmatised with simplemma in that
language; thesaurus terms become concept codes, which is how a German capability text
meets an English opportunity description.

Everything that depends only on a word (folding, its lemma, its match keys, whether it
is a function word, its compound parts) is computed once per distinct word and kept
with the compiled thesaurus, for every later build in the process; lemmas also persist
across processes (:mod:`.cache`), so a first build does not wait for simplemma to load
its dictionaries for words it has seen before. Many texts at once are read by
:mod:`.batch`, which gives the same results with per-occurrence work in numpy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import fold
from .glossary import ANY, Glossary, word_keys
from .lemmas import lemma
from .model import TextSettings

# Keeps accents (simplemma needs them); splits on anything that is not a letter or digit.
_RAW_WORD = re.compile(r"[^\W_]+")
_HAS_DIGIT = re.compile(r"\d")
# Cognate keys: spelling variants across the six languages folded together, then the
# inflection ending dropped (pantograph, Pantograf, pantografo, pantografu -> pantograf).
_COGNATE_SPELLING = (("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "k"), ("c", "k"), ("y", "i"), ("w", "v"),
                     ("ss", "s"), ("ll", "l"), ("mm", "m"), ("nn", "n"), ("tt", "t"), ("rr", "r"), ("ff", "f"),
                     ("pp", "p"))
_COGNATE_ENDING = re.compile(r"(?:ami|ach|ow|em|om|es|os|as|en|er|um|e|o|a|i|s|u)$")
COGNATE_MIN = 5  # shortest key: shorter words are compared as they are

@dataclass(frozen=True)
class Analysis:
    """What a text says in shared terms: its language, thesaurus concepts and other lemmas.

    ``unmapped`` are the content words (folded) no concept took; ``content`` counts
    every content word (not a function word, long enough, no digits), mapped or not.
    """

    lang: str
    concepts: tuple[str, ...]
    lemmas: tuple[str, ...]
    unmapped: tuple[str, ...] = ()
    content: int = 0


def cognate_key(word: str) -> str:
    """A spelling-neutral key for a long folded word: ``pantografo`` and ``pantograph`` both give ``pantograf``."""
    key = word
    for old, new in _COGNATE_SPELLING:
        key = key.replace(old, new)
    stripped = _COGNATE_ENDING.sub("", key)
    return stripped if len(stripped) >= COGNATE_MIN else key


def detect_language(tokens: list[str], settings: TextSettings, glossary: Glossary, hint: str | None = None) -> str:
    """The language whose function words and thesaurus terms occur most in ``tokens`` (folded).

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
    """Turns a text into an :class:`Analysis` with the model's thesaurus and settings."""

    def __init__(self, settings: TextSettings, glossary: Glossary):
        self.settings = settings
        self.glossary = glossary
        self._stop = frozenset().union(*settings.stopwords.values()) if settings.stopwords else frozenset()
        self._known = set(settings.stopwords) | {k for k in glossary.tries if k != ANY}
        # Per-word memos live with the compiled thesaurus (one per content hash and process), so the
        # next build with the same settings starts with every word it has already seen.
        words_key = ("analyser", settings.min_token_length, settings.cognates,
                     tuple(sorted((lang, tuple(sorted(ws))) for lang, ws in settings.stopwords.items())))
        self._folded: dict[str, str] = glossary._memo.setdefault("folded", {})
        # (lang, raw word) -> (folded, lemma, match keys, feature or None when not a content word)
        self._words: dict[tuple[str, str], tuple[str, str, tuple[str, ...], str | None]] = \
            glossary._memo.setdefault(words_key, {})
        # (lang, raw word) -> what the batch analysis needs of it (:func:`.batch._word`)
        self._batch_words: dict[tuple[str, str], tuple] = glossary._memo.setdefault(
            ("batch", *words_key[1:], settings.compound_languages, settings.compound_min_length, settings.fuzzy), {})

    def _tokens(self, text: str, lang: str | None) -> tuple[list[str], str]:
        raw = _RAW_WORD.findall((text or "").lower())
        folded = self._folded
        tokens = []
        for w in raw:
            t = folded.get(w)
            if t is None:
                t = folded[w] = fold(w)
            tokens.append(t)
        if lang not in self._known:
            lang = detect_language(tokens, self.settings, self.glossary, hint=None)
        return raw, lang

    def _word(self, raw: str, lang: str) -> tuple[str, str, tuple[str, ...], str | None]:
        key = (lang, raw)
        hit = self._words.get(key)
        if hit is None:
            token = self._folded.get(raw) or fold(raw)
            digit = _HAS_DIGIT.search(raw) is not None
            lem = token if digit else lemma(raw, lang)
            feature = None
            if not digit and len(lem) >= self.settings.min_token_length \
                    and token not in self._stop and lem not in self._stop:
                feature = cognate_key(lem) if self.settings.cognates else lem
            hit = self._words[key] = (token, lem, word_keys(token, lem, lang), feature)
        return hit

    def analyse(self, text: str, lang: str | None = None) -> Analysis:
        """Analyse ``text``; ``lang`` is detected when None (or not a known language)."""
        raw, lang = self._tokens(text, lang)
        infos = [self._word(w, lang) for w in raw]
        tokens = [i[0] for i in infos]
        concepts, used = self.glossary.find_keys(
            tokens, [i[1] for i in infos], [i[2] for i in infos], lang,
            compound=lang in self.settings.compound_languages,
            compound_min=self.settings.compound_min_length,
            fuzzy=self.settings.fuzzy,
        )
        kept = []
        unmapped = []
        content = 0
        for info, consumed in zip(infos, used):
            feature = info[3]
            if feature is None:
                continue
            content += 1
            if not consumed:
                kept.append(feature)
                unmapped.append(info[0])
        return Analysis(lang, tuple(concepts), tuple(kept), tuple(unmapped), content)
