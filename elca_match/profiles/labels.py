"""How thesaurus concepts read in each language, for explanations stored with a profile build."""

from __future__ import annotations

from collections.abc import Iterable

from .glossary import LANGUAGES, Glossary


def text_concept_labels(codes: Iterable[str], glossary: Glossary) -> dict[str, dict[str, str]]:
    """Concept code -> language -> label, for the ``codes`` a build's text features hold."""
    return {code: {lang: glossary.label(code, lang) for lang in LANGUAGES}
            for code in sorted(codes) if code in glossary.concepts}


def text_concept_implied(codes: Iterable[str], glossary: Glossary) -> dict[str, list[str]]:
    """Concept code -> the broader concepts it brings into a text (for concepts that bring any)."""
    out = {}
    for code in sorted(codes):
        if code in glossary.concepts:
            brought = glossary.expand(code)[1:]
            if brought:
                out[code] = brought
    return out
