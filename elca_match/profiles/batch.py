"""Many texts analysed at once: per-word work once per distinct word, per-occurrence work in numpy.

:meth:`TextAnalyser.analyse` reads one text at a time; a profile build reads tens of
thousands, with a few million word occurrences but only some tens of thousands of
distinct words. Here every text is split and its words numbered (C loops), everything
that depends only on a word (folding, lemma, match keys, whether it can start a
thesaurus term, its compound parts or close spelling, its feature) is computed once per
word and language, and what depends on position is done with arrays: only the few
places where a thesaurus term may start are walked in Python.

The result, :class:`TextBatch`, holds per text the same counts :meth:`~TextAnalyser.analyse`
gives (lemmas of the words no concept took, then concepts), as ``(text, term, count)``
triples in the order a ``Counter`` of that analysis lists them, so the vectoriser sums a
row's squares in the same order and its figures are the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..text import fold
from .analysis import _RAW_WORD, TextAnalyser, detect_language


class _Numbering(dict):
    """Key -> id, a new id for a key not seen before (looked up at C speed through ``map``)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


@dataclass(frozen=True)
class TextBatch:
    """What many texts say: per text its language, and its terms as ``(text, term, count)`` triples.

    ``terms`` names the term ids (lemmas and concept codes share one space, as in a
    :class:`~collections.Counter` of an analysis). ``doc``/``term``/``count`` list each
    text's terms in order of first mention (kept lemmas, then concepts), ``concept`` says
    which of them the text names as a concept; ``concept_doc``/``concept_term`` list each
    text's distinct concepts in the order they were found.
    """

    langs: list[str]
    terms: list[str]
    doc: np.ndarray
    term: np.ndarray
    count: np.ndarray
    concept: np.ndarray
    concept_doc: np.ndarray
    concept_term: np.ndarray


def _first_mentions(doc: np.ndarray, term: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``(doc, term)`` pairs of a sequence (grouped by doc), in order of first mention, with counts."""
    if not len(doc):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    key = doc.astype(np.int64) * n_terms + term
    unique, first, counts = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    unique = unique[order]
    return unique // n_terms, unique % n_terms, counts[order]


def analyse_batch(analyser: TextAnalyser, texts: Sequence[str], langs: Sequence[str | None]) -> TextBatch:
    """Analyse ``texts`` (``langs[i]`` is text i's language, detected when None or unknown), as
    :meth:`TextAnalyser.analyse` would one by one."""
    settings, glossary = analyser.settings, analyser.glossary
    n = len(texts)
    split = list(map(_RAW_WORD.findall, [(t or "").lower() for t in texts]))
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(split))
    numbering = _Numbering()
    ids = np.fromiter(map(numbering.__getitem__, flat), dtype=np.int64, count=len(flat))
    raw = list(numbering)  # word id -> raw (lower-case) word
    ends = np.cumsum(lengths)
    starts = ends - lengths
    doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths)

    folded = analyser._folded
    tokens = [folded.get(w) or folded.setdefault(w, fold(w)) for w in raw]
    text_langs = _languages(analyser, langs, tokens, ids, doc_of, split)

    terms = _Numbering()
    kept_at: list[np.ndarray] = []  # positions of the words kept as lemmas, and their terms
    kept_term: list[np.ndarray] = []
    found_doc: list[int] = []     # concepts in the order found: terms first, compound/close words after
    found_term: list[int] = []
    found_part: list[int] = []
    used = np.zeros(len(flat), dtype=bool)
    ids_list = ids.tolist()
    distinct = list(dict.fromkeys(text_langs))
    lang_code = np.fromiter(map(distinct.index, text_langs), dtype=np.int64, count=n)[doc_of]
    for code_of_lang, lang in enumerate(distinct):
        at = np.flatnonzero(lang_code == code_of_lang) if len(distinct) > 1 else np.arange(len(flat))
        if not len(at):
            continue
        can_start = np.zeros(len(raw), dtype=bool)
        feature = np.full(len(raw), -1, dtype=np.int64)
        has_extra = np.zeros(len(raw), dtype=bool)
        keys: dict[int, tuple[str, ...]] = {}
        extra: dict[int, tuple[str, ...]] = {}
        _, roots = glossary._tries_of(lang)
        compound = lang in settings.compound_languages
        for w in np.unique(ids[at]).tolist():
            token, lem, word_keys, feat = analyser._word(raw[w], lang)
            keys[w] = word_keys
            can_start[w] = not roots.isdisjoint(word_keys)
            if feat is not None:
                feature[w] = terms[feat]
            codes = glossary.split_compound(token, lang, settings.compound_min_length) if compound else ()
            if not codes and settings.fuzzy:
                codes = glossary.close_spelling(token, lem)
            if codes:
                has_extra[w] = True
                extra[w] = tuple(c for code in codes for c in glossary.expand(code))

        # greedy longest match, left to right, walked only from the places a term may start
        token_ids = ids[at]
        candidates = at[can_start[token_ids]]
        for start, length, code in glossary.match_from(lang, keys, ids_list, candidates.tolist(),
                                                         ends[doc_of[candidates]].tolist()):
            used[start:start + length] = True
            d = int(doc_of[start])
            for c in glossary.expand(code):
                found_doc.append(d)
                found_term.append(terms[c])
                found_part.append(0)
        free = ~used[at]
        for p in at[free & has_extra[token_ids]].tolist():
            used[p] = True
            d = int(doc_of[p])
            for c in extra[ids_list[p]]:
                found_doc.append(d)
                found_term.append(terms[c])
                found_part.append(1)
        kept = ~used[at] & (feature[token_ids] >= 0)
        kept_at.append(at[kept])
        kept_term.append(feature[token_ids[kept]])

    n_terms = max(len(terms), 1)
    f_doc = np.asarray(found_doc, dtype=np.int64)
    f_term = np.asarray(found_term, dtype=np.int64)
    # concepts: by text, matched terms before compound/close words, each group in the order found
    order = np.lexsort((np.arange(len(f_doc)), np.asarray(found_part, dtype=np.int64), f_doc))
    f_doc, f_term = f_doc[order], f_term[order]
    c_doc, c_term, _ = _first_mentions(f_doc, f_term, n_terms)

    l_at = np.concatenate(kept_at) if kept_at else np.zeros(0, dtype=np.int64)
    l_term = np.concatenate(kept_term) if kept_term else np.zeros(0, dtype=np.int64)
    order = np.argsort(l_at, kind="stable")
    l_doc, l_term = doc_of[l_at[order]], l_term[order]
    # a Counter of (lemmas..., concepts...) per text: both sequences merged by text, lemmas first
    all_doc = np.concatenate([l_doc, f_doc])
    all_term = np.concatenate([l_term, f_term])
    merged = np.lexsort((np.arange(len(all_doc)), all_doc))
    doc, term, count = _first_mentions(all_doc[merged], all_term[merged], n_terms)
    concept = np.isin(doc * n_terms + term, c_doc * n_terms + c_term)
    return TextBatch(text_langs, list(terms), doc, term, count, concept, c_doc, c_term)


def _languages(analyser: TextAnalyser, langs: Sequence[str | None], tokens: list[str], ids: np.ndarray,
               doc_of: np.ndarray, split: list[list[str]]) -> list[str]:
    """Each text's language: the one given when known, else :func:`detect_language` (scored with arrays)."""
    known = analyser._known
    out = [lang if lang in known else None for lang in langs]
    todo = [i for i, lang in enumerate(out) if lang is None]
    if not todo:
        return out  # type: ignore[return-value]
    settings, glossary = analyser.settings, analyser.glossary
    order = list(settings.stopwords)
    extra_langs = sorted({lang for t in tokens for lang in glossary.languages_of(t)} - set(order))
    columns = order + extra_langs
    weight = np.zeros((len(tokens), len(columns)), dtype=np.int64)
    for w, t in enumerate(tokens):
        for j, lang in enumerate(order):
            if t in settings.stopwords[lang]:
                weight[w, j] += 1
        for lang in glossary.languages_of(t):
            weight[w, columns.index(lang)] += 1
    n = len(langs)
    scores = np.zeros((n, len(columns)), dtype=np.int64)
    for j in range(len(columns)):
        scores[:, j] = np.bincount(doc_of, weights=weight[ids, j], minlength=n).astype(np.int64)
    fallback = settings.default_language
    for i in todo:
        row = scores[i]
        best = int(row.max()) if len(row) else 0
        if best == 0 or (fallback in columns and row[columns.index(fallback)] == best):
            out[i] = fallback
            continue
        top = [columns[j] for j in np.flatnonzero(row == best)]
        if top[0] in settings.stopwords:
            out[i] = top[0]
        else:  # a tie among languages only the thesaurus knows: the first met in the text wins
            folded = analyser._folded
            out[i] = detect_language([folded[w] for w in split[i]], settings, glossary)
    return out  # type: ignore[return-value]
