"""What the model understood of free text: concepts found, words it could not map, per language.

Used by `members show` (one member's text) and `model coverage` (every member's): a cluster
manager sees when a member was read poorly, a maintainer which words the thesaurus lacks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .analysis import TextAnalyser
from .labels import concept_label
from .model import MatchModel


@dataclass(frozen=True)
class TextReport:
    """One text as the model read it: its language, the concepts found (code, label) and unmapped words."""

    lang: str
    concepts: list[tuple[str, str]]
    unmapped: list[str]
    words: int  # content words, mapped or not

    @property
    def mapped_share(self) -> float:
        """Share of content words a concept took (1.0 for a text without content words)."""
        return 1.0 - len(self.unmapped) / self.words if self.words else 1.0


@dataclass(frozen=True)
class LanguageCoverage:
    """Free-text coverage of one language over many texts."""

    lang: str
    texts: int
    words: int
    mapped: int

    @property
    def share(self) -> float:
        """Share of content words mapped to a concept."""
        return self.mapped / self.words if self.words else 0.0


@dataclass
class Coverage:
    """Coverage over many texts: per language, and the most frequent unmapped words (word, language, count)."""

    languages: list[LanguageCoverage] = field(default_factory=list)
    unmapped: list[tuple[str, str, int]] = field(default_factory=list)
    texts: int = 0
    concepts: int = 0  # distinct concepts found


def text_report(text: str, model: MatchModel, reader: str = "en", lang: str | None = None) -> TextReport:
    """How ``text`` was read; concept labels in the ``reader``'s language."""
    analysis = TextAnalyser(model.text, model.glossary).analyse(text, lang)
    codes = list(dict.fromkeys(analysis.concepts))
    return TextReport(analysis.lang, [(c, concept_label(model.glossary, c, reader)) for c in codes],
                      list(dict.fromkeys(analysis.unmapped)), analysis.content)


def coverage(texts: Iterable[str], model: MatchModel, top: int = 20) -> Coverage:
    """Per-language share of content words mapped to concepts, and the ``top`` unmapped words."""
    analyser = TextAnalyser(model.text, model.glossary)
    per_lang: dict[str, list[int]] = {}
    missed: Counter[tuple[str, str]] = Counter()
    concepts: set[str] = set()
    result = Coverage()
    for text in texts:
        if not (text or "").strip():
            continue
        analysis = analyser.analyse(text)
        result.texts += 1
        counts = per_lang.setdefault(analysis.lang, [0, 0, 0])
        counts[0] += 1
        counts[1] += analysis.content
        counts[2] += analysis.content - len(analysis.unmapped)
        missed.update((word, analysis.lang) for word in analysis.unmapped)
        concepts.update(analysis.concepts)
    result.languages = [LanguageCoverage(lang, *per_lang[lang]) for lang in sorted(per_lang)]
    result.unmapped = [(word, lang, n) for (word, lang), n in sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    result.concepts = len(concepts)
    return result
