"""The multilingual glossary: terms in six languages -> shared concept codes.

The data lives in ``models/glossary.yaml``; this module only indexes it and finds its
terms in a tokenised text: whole words and word sequences, words with a short
inflection ending (``panels``, ``Karosserieteile``), and terms inside German compound
words (``Faserverbundkarosserie``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DefinitionError
from ..text import fold

WORD = re.compile(r"[^\W_]+")

# Endings tolerated after a glossary word of at least _MIN_STEM letters: plurals and the
# commonest German/English inflections. Anything longer is left to the lemmatiser, so that
# 'training' never reads as 'train' + 'ing'.
_ENDINGS = ("es", "en", "s", "e", "n")
_MIN_STEM = 5
ANY = "any"


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``, the way glossary terms are split too."""
    return WORD.findall(fold(text))


@dataclass(frozen=True)
class Concept:
    """One shared concept: its code and the broader concepts it implies."""

    code: str
    implies: tuple[str, ...] = ()


@dataclass
class Glossary:
    """Indexed glossary terms per language (plus ``any`` for abbreviations and codes)."""

    concepts: dict[str, Concept]
    # language -> first word -> [(words of the term, concept code)], longest first
    index: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = field(default_factory=dict)
    # language -> single-word term -> concept code (for language detection and compounds)
    single: dict[str, dict[str, str]] = field(default_factory=dict)
    _compound: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, data: Any, source: str = "glossary") -> "Glossary":
        """Build from the parsed YAML (``{'concepts': {code: {lang: [terms], implies: [...]}}}``)."""
        if not isinstance(data, dict) or not isinstance(data.get("concepts"), dict):
            raise DefinitionError.of("definition_invalid", detail=f"{source}: expected a 'concepts' mapping")
        concepts: dict[str, Concept] = {}
        glossary = cls(concepts)
        for code, entry in data["concepts"].items():
            if not isinstance(entry, dict):
                raise DefinitionError.of("definition_invalid", detail=f"{source}: concept {code!r} is not a mapping")
            implies = tuple(str(c) for c in entry.get("implies") or ())
            concepts[str(code)] = Concept(str(code), implies)
            for lang, terms in entry.items():
                if lang == "implies":
                    continue
                if not isinstance(terms, list):
                    raise DefinitionError.of("definition_invalid",
                                             detail=f"{source}: concept {code!r}, {lang}: expected a list of terms")
                for term in terms:
                    glossary._add(str(lang), str(term), str(code))
        unknown = sorted({i for c in concepts.values() for i in c.implies} - set(concepts))
        if unknown:
            raise DefinitionError.of("definition_invalid",
                                     detail=f"{source}: 'implies' names unknown concepts {', '.join(unknown)}")
        for by_first in glossary.index.values():
            for entries in by_first.values():
                entries.sort(key=lambda e: -len(e[0]))
        return glossary

    def _add(self, lang: str, term: str, code: str) -> None:
        parts = tuple(words(term))
        if not parts:
            return
        self.index.setdefault(lang, {}).setdefault(parts[0], []).append((parts, code))
        if len(parts) == 1:
            self.single.setdefault(lang, {}).setdefault(parts[0], code)

    def expand(self, code: str) -> list[str]:
        """The concept and every concept it implies (transitively), in order."""
        out: list[str] = []
        stack = [code]
        while stack:
            c = stack.pop(0)
            if c not in out:
                out.append(c)
                stack.extend(self.concepts[c].implies)
        return out

    def languages_of(self, word: str) -> list[str]:
        """Languages in which ``word`` (folded) is a one-word term."""
        return [lang for lang, terms in self.single.items() if word in terms and lang != ANY]

    def find(self, tokens: Sequence[str], lemmas: Sequence[str], lang: str,
             compound: bool = False, compound_min: int = 6) -> tuple[list[str], list[bool]]:
        """Concepts found in a token sequence, and which tokens they consumed.

        ``tokens`` are folded surface words, ``lemmas`` their folded lemmas. Terms of
        ``lang``, English and ``any`` are tried, longest first at each position.
        """
        langs = [lang, "en", ANY] if lang != "en" else ["en", ANY]
        indexes = [self.index[x] for x in dict.fromkeys(langs) if x in self.index]
        found: list[str] = []
        used = [False] * len(tokens)
        i = 0
        while i < len(tokens):
            hit = self._longest(tokens, lemmas, i, indexes)
            if hit is None:
                i += 1
                continue
            length, code = hit
            found.extend(self.expand(code))
            for j in range(i, i + length):
                used[j] = True
            i += length
        if compound:
            pattern = self._compound_pattern(lang, compound_min)
            if pattern is not None:
                for j, token in enumerate(tokens):
                    if used[j] or len(token) <= compound_min:
                        continue
                    codes = [self.single_code(m.group(0), langs) for m in pattern.finditer(token)]
                    if codes:
                        used[j] = True
                        for code in codes:
                            found.extend(self.expand(code))
        return found, used

    def single_code(self, word: str, langs: Sequence[str]) -> str:
        for lang in langs:
            code = self.single.get(lang, {}).get(word)
            if code:
                return code
        raise KeyError(word)

    def _longest(self, tokens, lemmas, i, indexes) -> tuple[int, str] | None:
        candidates: list[tuple[tuple[str, ...], str]] = []
        for key in _keys(tokens[i], lemmas[i]):
            for index in indexes:
                candidates.extend(index.get(key, ()))
        best: tuple[int, str] | None = None
        for parts, code in candidates:
            n = len(parts)
            if best is not None and n <= best[0]:
                continue
            if i + n > len(tokens):
                continue
            if all(_word_matches(tokens[i + k], lemmas[i + k], parts[k]) for k in range(n)):
                best = (n, code)
        return best

    def _compound_pattern(self, lang: str, minimum: int):
        key = (lang, minimum)
        if key not in self._compound:
            terms = {w for x in (lang, ANY) for w in self.single.get(x, {}) if len(w) >= minimum}
            # longest first, so that 'schienenfahrzeug' wins over 'schienen' at the same place
            ordered = sorted(terms, key=lambda w: (-len(w), w))
            self._compound[key] = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        return self._compound[key]


def _keys(token: str, lemma: str) -> set[str]:
    keys = {token, lemma}
    for ending in _ENDINGS:
        stem = token[: -len(ending)]
        if token.endswith(ending) and len(stem) >= _MIN_STEM:
            keys.add(stem)
    return keys


def _word_matches(token: str, lemma: str, word: str) -> bool:
    if token == word or lemma == word:
        return True
    if len(word) >= _MIN_STEM and token.startswith(word):
        return token[len(word):] in _ENDINGS
    return False
