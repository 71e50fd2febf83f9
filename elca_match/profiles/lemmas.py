"""Lemmas of words in six languages (simplemma), computed once per word and kept across processes.

simplemma loads a dictionary per language on first use (Polish alone takes seconds);
lemmas already computed are read from the cache folder (:mod:`.cache`, keyed by
simplemma's version), so a build only loads a dictionary for words it has never seen.
"""

from __future__ import annotations

from ..cache import read_json, write_json
from ..text import fold

_LEMMAS: dict[str, dict[str, str]] = {}  # lang -> word -> folded lemma
_LEMMA_STATE = {"loaded": False, "dirty": False}


def _lemma_file() -> str:
    # the installed version from its metadata: importing simplemma (a third of a second) is
    # left to the first word the cache does not know
    import importlib.metadata  # here: its import is a thirtieth of a second, and ranking stored profiles needs none

    try:
        version = importlib.metadata.version("simplemma")
    except importlib.metadata.PackageNotFoundError:
        import simplemma

        version = getattr(simplemma, "__version__", "x")
    return f"lemmas-simplemma-{version}.json"


def _load_lemmas() -> None:
    if not _LEMMA_STATE["loaded"]:
        _LEMMA_STATE["loaded"] = True
        stored = read_json(_lemma_file())
        if isinstance(stored, dict):
            for lang, table in stored.items():
                if isinstance(table, dict):
                    _LEMMAS.setdefault(lang, {}).update({k: v for k, v in table.items() if k not in _LEMMAS[lang]})


def save_lemmas() -> None:
    """Persist the lemmas computed since the last save (merged with what another process saved)."""
    if not _LEMMA_STATE["dirty"]:
        return
    stored = read_json(_lemma_file())
    merged = stored if isinstance(stored, dict) else {}
    for lang, table in _LEMMAS.items():
        merged.setdefault(lang, {}).update(table)
    write_json(_lemma_file(), merged)
    _LEMMA_STATE["dirty"] = False


def lemma(word: str, lang: str) -> str:
    """The folded lemma of a lower-case ``word`` in ``lang`` (cached; unknown words stay as they are)."""
    _load_lemmas()
    table = _LEMMAS.setdefault(lang, {})
    hit = table.get(word)
    if hit is None:
        import simplemma

        try:
            hit = fold(simplemma.lemmatize(word, lang=lang))
        except ValueError:  # a language simplemma does not know
            hit = fold(word)
        table[word] = hit
        _LEMMA_STATE["dirty"] = True
    return hit
