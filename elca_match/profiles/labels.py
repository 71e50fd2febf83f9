"""How thesaurus concepts read in each language: display labels, and the labels stored with a profile build.

The thesaurus keeps its terms folded (no accents, lower case) because matching folds
text anyway; a reader needs the written form (``Kotflügel``, ``étrier de frein``). The
files ``models/thesaurus/labels/<lang>.yaml`` map every concept code to that form; they
are for display only and sit in a subfolder so that the thesaurus loader, which reads
the ``*.yaml`` files of its own folder, never takes them for concepts. English has no
file: its first terms read well as they are.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from ..errors import DefinitionError
from ..resources import data_dir, load_yaml
from .glossary import LANGUAGES, Glossary

LABELS_FOLDER = "labels"


def label_files(thesaurus: Path) -> list[Path]:
    """The display-label files of the thesaurus folder ``thesaurus`` (part of the model's content hash)."""
    return sorted((thesaurus / LABELS_FOLDER).glob("*.yaml"))


@functools.lru_cache(maxsize=16)
def display_labels(lang: str, folder: Path | None = None) -> dict[str, str]:
    """Concept code -> display label in ``lang`` (empty for a language without a label file); read once."""
    path = (folder or data_dir("models") / "thesaurus" / LABELS_FOLDER) / f"{lang}.yaml"
    if not path.is_file():
        return {}
    data = load_yaml(path)
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() for v in data.values()):
        raise DefinitionError.of("definition_invalid",
                                 detail=f"{path.name}: expected a mapping of concept codes to non-empty labels")
    return {str(code): label for code, label in data.items()}


def concept_label(glossary: Glossary, code: str, lang: str) -> str:
    """How a reader of ``lang`` sees concept ``code``: its display label, else the glossary's first term."""
    return display_labels(lang).get(code) or glossary.label(code, lang)


def text_concept_labels(codes: Iterable[str], glossary: Glossary) -> dict[str, dict[str, str]]:
    """Concept code -> language -> label, for the ``codes`` a build's text features hold."""
    return {code: {lang: concept_label(glossary, code, lang) for lang in LANGUAGES}
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
