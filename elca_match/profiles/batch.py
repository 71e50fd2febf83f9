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


def _first_mentions(doc: np.ndarray, term: np.ndarray, n_terms: int,
                    marked: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``(doc, term)`` pairs of a sequence (grouped by doc), in order of first mention, with counts,
    and whether any of a pair's mentions is ``marked``."""
    if not len(doc):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty.astype(bool)
    key = doc.astype(np.int64) * n_terms + term
    unique, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    flagged = np.zeros(len(unique), dtype=bool)
    if marked is not None:
        flagged[inverse.reshape(-1)[marked]] = True
    order = np.argsort(first, kind="stable")
    unique = unique[order]
    return unique // n_terms, unique % n_terms, counts[order], flagged[order]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Every position of the ranges ``starts[k] .. starts[k] + lengths[k] - 1``."""
    offsets = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets


def analyse_batch(analyser: TextAnalyser, texts: Sequence[str], langs: Sequence[str | None]) -> TextBatch:
    """Analyse ``texts`` (``langs[i]`` is text i's language, detected when None or unknown), as
    :meth:`TextAnalyser.analyse` would one by one."""
    glossary = analyser.glossary
    n = len(texts)
    split = list(map(_RAW_WORD.findall, [(t or "").lower() for t in texts]))
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(split))
    numbering = _Numbering()
    ids = np.fromiter(map(numbering.__getitem__, flat), dtype=np.int64, count=len(flat))
    raw = list(numbering)  # word id -> raw (lower-case) word
    ends = np.cumsum(lengths)
    doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths)

    folded = analyser._folded
    tokens = [folded.get(w) or folded.setdefault(w, fold(w)) for w in raw]
    text_langs = _languages(analyser, langs, tokens, ids, doc_of, split)

    terms = _Numbering()
    expanded: dict[str, list[int]] = {}  # concept -> term ids of it and the concepts it brings

    def expand(code: str) -> list[int]:
        hit = expanded.get(code)
        if hit is None:
            hit = expanded[code] = [terms[c] for c in glossary.expand(code)]
        return hit

    kept_at: list[np.ndarray] = []  # positions of the words kept as lemmas, and their terms
    kept_term: list[np.ndarray] = []
    # concepts found, (position, group, term) lists: matched terms (group 0) before compound/close words (1)
    found: list[tuple[np.ndarray, int, list[list[int]]]] = []
    used = np.zeros(len(flat), dtype=bool)
    ids_list = ids.tolist()
    distinct = list(dict.fromkeys(text_langs))
    lang_code = np.fromiter(map(distinct.index, text_langs), dtype=np.int64, count=n)[doc_of]
    for code_of_lang, lang in enumerate(distinct):
        at = np.flatnonzero(lang_code == code_of_lang) if len(distinct) > 1 else np.arange(len(flat))
        if not len(at):
            continue
        alone = np.full(len(raw), -1, dtype=np.int64)  # index into `codes` of the one-word term, or -1
        longer = np.zeros(len(raw), dtype=bool)         # a longer term may start with the word
        feature = np.full(len(raw), -1, dtype=np.int64)
        extra = np.full(len(raw), -1, dtype=np.int64)   # index into `codes` of the compound/close concepts
        codes: list[list[int]] = []
        keys: dict[int, tuple[str, ...]] = {}
        for w in np.unique(ids[at]).tolist():
            word_keys, single, longer[w], feat, parts = _word(analyser, raw[w], lang)
            keys[w] = word_keys
            if single is not None:
                alone[w] = len(codes)
                codes.append(expand(single))
            if feat is not None:
                feature[w] = terms[feat]
            if parts:
                extra[w] = len(codes)
                codes.append([t for code in parts for t in expand(code)])

        # greedy longest match, left to right: walked only from words a longer term may start with;
        # a word that is a term on its own and starts no longer one matches wherever no term covers it
        token_ids = ids[at]
        walk = at[longer[token_ids]]
        spans = glossary.match_from(lang, keys, ids_list, walk.tolist(), ends[doc_of[walk]].tolist())
        span_at = np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans))
        span_len = np.fromiter((s[1] for s in spans), dtype=np.int64, count=len(spans))
        used[_ranges(span_at, span_len)] = True
        single_at = at[(alone[token_ids] >= 0) & ~longer[token_ids]]
        single_at = single_at[~used[single_at]]
        used[single_at] = True
        found.append((span_at, 0, [expand(s[2]) for s in spans]))
        found.append((single_at, 0, [codes[c] for c in alone[ids[single_at]].tolist()]))
        extra_at = at[~used[at] & (extra[token_ids] >= 0)]
        used[extra_at] = True
        found.append((extra_at, 1, [codes[c] for c in extra[ids[extra_at]].tolist()]))
        kept = ~used[at] & (feature[token_ids] >= 0)
        kept_at.append(at[kept])
        kept_term.append(feature[token_ids[kept]])

    n_terms = max(len(terms), 1)
    f_at = np.concatenate([np.repeat(p, list(map(len, t))) for p, _, t in found]) if found else np.zeros(0, np.int64)
    f_group = np.concatenate([np.full(sum(map(len, t)), g, dtype=np.int64) for _, g, t in found]) \
        if found else np.zeros(0, np.int64)
    f_term = np.fromiter(chain.from_iterable(chain.from_iterable(t for _, _, t in found)), dtype=np.int64)
    # concepts by text: matched terms before compound/close words, each group by position (stable sort
    # keeps a concept's own order before those it brings)
    order = np.lexsort((f_at, f_group, doc_of[f_at]))
    f_doc, f_term = doc_of[f_at[order]], f_term[order]
    c_doc, c_term, _, _ = _first_mentions(f_doc, f_term, n_terms)

    l_at = np.concatenate(kept_at) if kept_at else np.zeros(0, dtype=np.int64)
    l_term = np.concatenate(kept_term) if kept_term else np.zeros(0, dtype=np.int64)
    order = np.argsort(l_at, kind="stable")
    l_doc, l_term = doc_of[l_at[order]], l_term[order]
    # a Counter of (lemmas..., concepts...) per text: both sequences merged by text, lemmas first
    all_doc = np.concatenate([l_doc, f_doc])
    merged = np.argsort(all_doc, kind="stable")  # two runs sorted by text: a merge
    all_term = np.concatenate([l_term, f_term])[merged]
    doc, term, count, concept = _first_mentions(all_doc[merged], all_term, n_terms, marked=merged >= len(l_doc))
    return TextBatch(text_langs, list(terms), doc, term, count, concept, c_doc, c_term)


def _word(analyser: TextAnalyser, raw: str, lang: str) -> tuple[tuple[str, ...], str | None, bool, str | None,
                                                              tuple[str, ...]]:
    """What matching needs of a word in a ``lang`` text: its match keys, the one-word term it is (or None),
    whether a longer term may start with it, its feature (None for no content word) and the concepts of
    its compound parts or close spelling (kept with the analyser's other per-word memos)."""
    memo = analyser._batch_words
    hit = memo.get((lang, raw))
    if hit is None:
        settings, glossary = analyser.settings, analyser.glossary
        token, lem, keys, feature = analyser._word(raw, lang)
        single, longer = glossary.first_word(keys, lang)
        parts = glossary.split_compound(token, lang, settings.compound_min_length) \
            if lang in settings.compound_languages else ()
        if not parts and settings.fuzzy:
            parts = glossary.close_spelling(token, lem)
        hit = memo[(lang, raw)] = (keys, single, longer, feature, parts)
    return hit


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
    best = scores.max(axis=1) if columns else np.zeros(n, dtype=np.int64)
    easy = best == 0
    if fallback in columns:
        easy |= scores[:, columns.index(fallback)] == best
    top = [columns[j] for j in np.argmax(scores == best[:, None], axis=1).tolist()] if columns else [fallback] * n
    easy_list = easy.tolist()
    folded = analyser._folded
    for i in todo:
        if easy_list[i]:
            out[i] = fallback
        elif top[i] in settings.stopwords:  # function-word languages come first among the tied
            out[i] = top[i]
        else:  # a tie among languages only the thesaurus knows: the first met in the text wins
            out[i] = detect_language([folded[w] for w in split[i]], settings, glossary)
    return out  # type: ignore[return-value]
