"""The multilingual thesaurus: terms in six languages -> shared concept codes, compiled for matching.

The data lives in ``models/glossary.yaml`` and the domain files of ``models/thesaurus/``;
this module merges them, compiles them once into per-language token tries (cached as
JSON keyed by the files' content hash, see :mod:`.cache`) and finds their terms in a
tokenised text: whole words and word sequences, words with a short inflection ending
(``panels``, ``Karosserieteile``), German and Polish compounds split into known parts
(``Dachverkleidung`` -> roof + cladding) and, for long words, close spellings of a
known term in any language (one edit: ``pantografo`` -> pantograph).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DefinitionError
from ..text import fold

WORD = re.compile(r"[^\W_]+")

# Endings tolerated after a glossary word of at least _MIN_STEM letters: plurals and the
# commonest German/English inflections. Anything longer is left to the lemmatiser, so that
# 'training' never reads as 'train' + 'ing'.
_ENDINGS = ("es", "en", "s", "e", "n")
# Inside multi-word terms, words also meet by a light stem (case and gender endings off), so
# "ramy pomocnicze" meets "rama pomocnicza" and "carenature del tetto" meets "carenatura del
# tetto" even where the lemmatiser does not know a folded word. Longest ending first.
_STEM_ENDINGS = {
    "pl": ("owego", "owych", "owej", "owym", "owa", "owe", "owy", "ach", "ami", "ego", "ych", "iem", "ej", "ow",
           "om", "ie", "ia", "iu", "a", "e", "i", "y", "u", "o"),
    "it": ("i", "e", "o", "a"),
    "es": ("es", "os", "as", "s", "a", "o", "e"),
    "fr": ("aux", "es", "s", "x", "e"),
    "de": ("en", "er", "es", "e", "n", "s"),
    "en": ("es", "s"),
}
_MIN_STEM_KEY = 3
_STEM_MARK = "~"
_MIN_STEM = 5
ANY = "any"
LANGUAGES = ("en", "de", "it", "pl", "fr", "es")
_END = ""  # trie key of the concept a term ends in (no word is empty)

# Compound splitting: linking elements between parts (German Fugen, the Polish -o-) and the
# endings an inflected last part may carry; parts shorter than _MIN_PART are never used.
_LINKS = ("", "s", "es", "n", "en", "e", "er", "o")
_FINAL = ("", "e", "en", "n", "s", "es", "er", "a", "y", "i", "ow", "ach", "ami", "om", "u")
_MIN_PART = 3
# Close spellings: words this long may differ from a term (with the same first three letters)
# by one edit, two from 10 letters on.
FUZZY_MIN = 8


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``, the way glossary terms are split too."""
    return WORD.findall(fold(text))


@dataclass(frozen=True)
class Concept:
    """One shared concept: its code, the broader concepts it implies and its thesaurus links.

    ``implies`` concepts are added to a text's features (a CFRP text is also a
    composites text); ``broader`` is a navigation link only (a tailgate is a body
    part), ``terms`` the concept's terms per language as written in the data.
    """

    code: str
    implies: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    source: str = ""
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def label(self, lang: str) -> str:
        """The concept's first term in ``lang`` (else English, else its code): how a reader sees it."""
        for choice in (lang, "en", ANY):
            if self.terms.get(choice):
                return self.terms[choice][0]
        return self.code.replace("_", " ")


@dataclass
class Glossary:
    """The compiled thesaurus: concepts, a token trie per language and one-word terms.

    Built once from the data (:meth:`from_data`, :meth:`from_files`) and then only read;
    :meth:`to_json`/:meth:`from_json` are the cached compiled form.
    """

    concepts: dict[str, Concept]
    # language -> nested dict word -> child; the key "" holds the concept a term ends in
    tries: dict[str, dict[str, Any]] = field(default_factory=dict)
    # language -> one-word term -> concept code (language detection, compounds, close spellings)
    single: dict[str, dict[str, str]] = field(default_factory=dict)
    # codes of the core glossary (questionnaire-level concepts); the rest are finer thesaurus concepts
    core: frozenset[str] = frozenset()
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_data(cls, data: Any, source: str = "glossary") -> "Glossary":
        """Build from one parsed YAML file (``{'concepts': {code: {lang: [terms], implies: [...]}}}``)."""
        return cls.from_files([(source, data)])

    @classmethod
    def from_files(cls, files: Iterable[tuple[str, Any]],
                   lemmatise: Callable[[str, str], str] | None = None, core: int = 1) -> "Glossary":
        """Merge several parsed files (glossary, thesaurus domains): a code in two files joins their terms.

        A file may carry a top-level ``source`` note that its concepts without their own inherit.
        The concepts of the first ``core`` files are the core glossary (see :attr:`core`).
        With ``lemmatise(word, lang)``, each word of a multi-word term also matches through its lemma, so an
        adjective written in one gender meets the text's other ("klapa tylna", "klapy tylnej").
        """
        merged: dict[str, dict[str, Any]] = {}
        core_codes: set[str] = set()
        for position, (name, data) in enumerate(files):
            if not isinstance(data, dict) or not isinstance(data.get("concepts"), dict):
                raise DefinitionError.of("definition_invalid", detail=f"{name}: expected a 'concepts' mapping")
            file_source = str(data.get("source") or "")
            if position < core:
                core_codes.update(str(code) for code in data["concepts"])
            for code, entry in data["concepts"].items():
                if not isinstance(entry, dict):
                    raise DefinitionError.of("definition_invalid", detail=f"{name}: concept {code!r} is not a mapping")
                into = merged.setdefault(str(code), {"implies": [], "broader": [], "source": "", "terms": {}})
                for key in ("implies", "broader"):
                    into[key] += [str(c) for c in entry.get(key) or () if str(c) not in into[key]]
                into["source"] = into["source"] or str(entry.get("source") or file_source)
                for lang, terms in entry.items():
                    if lang in ("implies", "broader", "source"):
                        continue
                    if not isinstance(terms, list):
                        raise DefinitionError.of("definition_invalid",
                                                 detail=f"{name}: concept {code!r}, {lang}: expected a list of terms")
                    into["terms"].setdefault(str(lang), []).extend(str(t) for t in terms)
        concepts = {code: Concept(code, tuple(e["implies"]), tuple(e["broader"]), e["source"],
                                  {lang: tuple(ts) for lang, ts in e["terms"].items()})
                    for code, e in merged.items()}
        unknown = sorted({i for c in concepts.values() for i in (*c.implies, *c.broader)} - set(concepts))
        if unknown:
            raise DefinitionError.of("definition_invalid",
                                     detail=f"glossary: 'implies'/'broader' name unknown concepts {', '.join(unknown)}")
        glossary = cls(concepts, core=frozenset(core_codes))
        for concept in concepts.values():
            for lang, terms in concept.terms.items():
                for term in terms:
                    glossary._add(lang, term, concept.code, lemmatise if lang in LANGUAGES else None)
        return glossary

    def _add(self, lang: str, term: str, code: str, lemmatise: Callable[[str, str], str] | None = None) -> None:
        raw = WORD.findall(term.lower())  # simplemma wants the accents
        parts = [fold(w) for w in raw]
        if not parts:
            return
        nodes = [self.tries.setdefault(lang, {})]
        for word, part in zip(raw, parts):
            # one-word terms are written in their base form; a lemma there would let 'trains' take 'training'
            forms = dict.fromkeys((part, lemmatise(word, lang) if lemmatise and len(parts) > 1 else part,
                                   stem_key(part, lang) if len(parts) > 1 else part))
            nodes = [node.setdefault(form, {}) for node in nodes for form in forms]
        for node in nodes:
            node.setdefault(_END, code)  # the first concept to claim a term keeps it
        if len(parts) == 1:
            self.single.setdefault(lang, {}).setdefault(parts[0], code)

    def to_json(self) -> dict[str, Any]:
        """The compiled form, as plain JSON data (see :meth:`from_json`)."""
        return {"concepts": {c.code: [list(c.implies), list(c.broader), c.source, {k: list(v) for k, v in c.terms.items()}]
                             for c in self.concepts.values()},
                "tries": self.tries, "single": self.single, "core": sorted(self.core)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Glossary":
        """Rebuild from :meth:`to_json` without parsing or compiling the YAML again."""
        concepts = {code: Concept(code, tuple(i), tuple(b), s, {k: tuple(v) for k, v in t.items()})
                    for code, (i, b, s, t) in data["concepts"].items()}
        return cls(concepts, data["tries"], data["single"], frozenset(data["core"]))

    # -- reading --------------------------------------------------------------------------
    @property
    def languages(self) -> list[str]:
        """Languages with terms (``any`` excluded)."""
        return [lang for lang in self.tries if lang != ANY]

    def expand(self, code: str) -> list[str]:
        """The concept and every concept it implies or is narrower than (transitively), in order.

        A text naming a tailgate also names body panels, so it meets an opportunity asking
        for either; the specific concept still adds what the broader one cannot.
        """
        memo = self._memo.setdefault("expand", {})
        hit = memo.get(code)
        if hit is None:
            out: list[str] = []
            stack = [code]
            while stack:
                c = stack.pop(0)
                if c not in out:
                    out.append(c)
                    stack.extend(self.concepts[c].implies)
                    stack.extend(self.concepts[c].broader)
            hit = memo[code] = out
        return hit

    def narrower(self, code: str) -> list[str]:
        """Concepts whose ``broader`` link names ``code``."""
        index = self._memo.get("narrower")
        if index is None:
            index = self._memo["narrower"] = {}
            for c in self.concepts.values():
                for b in c.broader:
                    index.setdefault(b, []).append(c.code)
        return list(index.get(code, ()))

    def label(self, code: str, lang: str) -> str:
        """How a reader of ``lang`` sees concept ``code``."""
        concept = self.concepts.get(code)
        return concept.label(lang) if concept else code

    def languages_of(self, word: str) -> list[str]:
        """Languages in which ``word`` (folded) is a one-word term."""
        index = self._memo.get("languages_of")
        if index is None:
            index = self._memo["languages_of"] = {}
            for lang, terms in self.single.items():
                if lang != ANY:
                    for term in terms:
                        index.setdefault(term, []).append(lang)
        return index.get(word, [])

    def find(self, tokens: Sequence[str], lemmas: Sequence[str], lang: str,
             compound: bool = False, compound_min: int = 6, fuzzy: bool = False) -> tuple[list[str], list[bool]]:
        """Concepts found in a token sequence, and which tokens they consumed.

        ``tokens`` are folded surface words, ``lemmas`` their folded lemmas. Terms of
        ``lang``, English and ``any`` are tried, longest first at each position; then
        tokens no term took are split as compounds (when ``compound``) and, when
        ``fuzzy``, matched to a close spelling of a one-word term of any language.
        """
        keys = [word_keys(t, m, lang) for t, m in zip(tokens, lemmas)]
        return self.find_keys(tokens, lemmas, keys, lang, compound, compound_min, fuzzy)

    def find_keys(self, tokens: Sequence[str], lemmas: Sequence[str], keys: Sequence[tuple[str, ...]], lang: str,
                  compound: bool = False, compound_min: int = 6,
                  fuzzy: bool = False) -> tuple[list[str], list[bool]]:
        """:meth:`find` with each token's match keys given (:func:`word_keys`, computed once per word)."""
        tries, roots = self._tries_of(lang)
        first = self._memo.setdefault(("first", lang), {})
        walks = self._memo.setdefault(("walks", lang), {})
        depth = self._depth()
        found: list[str] = []
        used = [False] * len(tokens)
        i, n = 0, len(tokens)
        while i < n:
            if roots.isdisjoint(keys[i]):  # most words start no term: skip the walk
                i += 1
                continue
            # what a word matches on its own, and whether a longer term could start with it, are per word
            alone = first.get(keys[i])
            if alone is None:
                alone = first[keys[i]] = _alone(tries, keys[i])
            best = alone[0]
            if alone[1]:  # the longest term here depends only on the next few words: texts repeat phrases
                window = tuple(keys[i:i + depth])
                if window in walks:
                    best = walks[window]
                else:
                    for trie in tries:
                        hit = _walk(trie, keys, i)
                        if hit is not None and (best is None or hit[0] > best[0]):
                            best = hit
                    walks[window] = best
            if best is None:
                i += 1
                continue
            length, code = best
            found.extend(self.expand(code))
            for j in range(i, i + length):
                used[j] = True
            i += length
        if compound or fuzzy:
            for j, token in enumerate(tokens):
                if used[j]:
                    continue
                codes = self.split_compound(token, lang, compound_min) if compound else ()
                if not codes and fuzzy:
                    codes = self.close_spelling(token, lemmas[j])
                if codes:
                    used[j] = True
                    for code in codes:
                        found.extend(self.expand(code))
        return found, used

    def first_word(self, keys: tuple[str, ...], lang: str) -> tuple[str | None, bool]:
        """For a word with match ``keys`` in a ``lang`` text: the one-word term it is (its concept, else
        None) and whether a longer term may start with it."""
        memo = self._memo.setdefault(("first-word", lang), {})
        hit = memo.get(keys)
        if hit is None:
            tries, roots = self._tries_of(lang)
            best, longer = _alone(tries, keys) if not roots.isdisjoint(keys) else (None, False)
            hit = memo[keys] = (best[1] if best else None, longer)
        return hit

    def match_from(self, lang: str, keys: Mapping[int, tuple[str, ...]], ids: Sequence[int],
                   candidates: Iterable[int], ends: Iterable[int]) -> list[tuple[int, int, str]]:
        """:meth:`find_keys`'s greedy longest terms over many texts' words at once: (start, words, concept).

        ``ids`` numbers every word occurrence of the texts laid end to end and ``keys`` gives
        each number's match keys; ``candidates`` are the increasing positions where a term of
        several words may start (:meth:`first_word`), ``ends[k]`` where candidate k's text ends.
        Words that are only one-word terms are left to the caller: no longer term can cover them.
        """
        depth = self._depth()
        out = []
        covered = 0
        seen: dict[tuple[int, ...], tuple[int, str] | None] = {}  # the same by word numbers, cheaper to hash
        for i, end in zip(candidates, ends):
            if i < covered:  # inside the term found before
                continue
            numbers = tuple(ids[i:min(i + depth, end)])
            if numbers in seen:
                best = seen[numbers]
            else:
                best = seen[numbers] = self._longest(lang, tuple(keys[w] for w in numbers))
            if best is not None:
                out.append((i, best[0], best[1]))
                covered = i + best[0]
        return out

    def _longest(self, lang: str, window: tuple[tuple[str, ...], ...]) -> tuple[int, str] | None:
        """The longest term of ``lang``'s tries at the start of ``window`` (words' match keys): (words, concept)."""
        walks = self._memo.setdefault(("walks", lang), {})
        if window in walks:  # the longest term here depends only on the next few words: texts repeat phrases
            best = walks[window]
        else:
            single = self.first_word(window[0], lang)[0]
            best = (1, single) if single is not None else None
            for trie in self._tries_of(lang)[0]:
                hit = _walk(trie, window, 0)
                if hit is not None and (best is None or hit[0] > best[0]):
                    best = hit
            walks[window] = best
        return best

    def _tries_of(self, lang: str) -> tuple[list[dict[str, Any]], frozenset[str]]:
        """The tries searched for a text in ``lang`` (its own, English, ``any``) and their first words."""
        key = ("tries", lang)
        hit = self._memo.get(key)
        if hit is None:
            tries = [self.tries[x] for x in dict.fromkeys((lang, "en", ANY)) if x in self.tries]
            hit = self._memo[key] = (tries, frozenset(w for trie in tries for w in trie))
        return hit

    def _depth(self) -> int:
        """The most words any term has."""
        depth = self._memo.get("depth")
        if depth is None:
            depth = 0
            stack = [(trie, 0) for trie in self.tries.values()]
            while stack:
                node, words_so_far = stack.pop()
                for key, child in node.items():
                    if key != _END:
                        depth = max(depth, words_so_far + 1)
                        stack.append((child, words_so_far + 1))
            self._memo["depth"] = depth
        return depth

    def single_code(self, word: str, langs: Sequence[str]) -> str:
        """The concept of one-word term ``word`` in the first of ``langs`` that has it."""
        for lang in langs:
            code = self.single.get(lang, {}).get(word)
            if code:
                return code
        raise KeyError(word)

    # -- words no term matched whole --------------------------------------------------------
    def split_compound(self, token: str, lang: str, minimum: int = 6) -> tuple[str, ...]:
        """Concepts of the known parts of a compound ``token`` (cached per word).

        A split of the whole word into one-word terms of ``lang`` or ``any`` (at least
        two, joined by linking elements, the last one perhaps inflected) wins; failing
        that, every known term of at least ``minimum`` letters inside the word counts.
        """
        memo = self._memo.setdefault(("compound", lang, minimum), {})
        hit = memo.get(token)
        if hit is None:
            parts, lengths = self._parts(lang, minimum)
            hit = memo[token] = tuple(_full_split(token, parts) or _inner_terms(token, parts, lengths)) \
                if len(token) > minimum else ()
        return hit

    def _parts(self, lang: str, minimum: int) -> tuple[dict[str, str], list[int]]:
        """One-word terms usable as compound parts, and the lengths (longest first) of those inside words."""
        key = ("parts", lang, minimum)
        hit = self._memo.get(key)
        if hit is None:
            parts = {w: c for x in (ANY, lang) for w, c in self.single.get(x, {}).items() if len(w) >= _MIN_PART}
            hit = self._memo[key] = (parts, sorted({len(w) for w in parts if len(w) >= minimum}, reverse=True))
        return hit

    def close_spelling(self, token: str, lemma: str = "") -> tuple[str, ...]:
        """The concept of the one-word term (any language) one edit from ``token`` or its lemma, if unique.

        Only for words of at least :data:`FUZZY_MIN` letters (two edits from 10): short
        words are too often another word altogether.
        """
        memo = self._memo.setdefault("close", {})
        hit = memo.get((token, lemma))
        if hit is None:
            hit = memo[(token, lemma)] = self._close(token, lemma)
        return hit

    def _close(self, token: str, lemma: str) -> tuple[str, ...]:
        index = self._memo.get("close_index")
        if index is None:  # terms by their first three letters: cognates rarely differ at the start
            index = self._memo["close_index"] = {}
            for terms in self.single.values():
                for term, code in terms.items():
                    if len(term) >= FUZZY_MIN - 2:
                        index.setdefault(term[:3], []).append((term, code))
        for word in dict.fromkeys((token, lemma)):
            if len(word) < FUZZY_MIN:
                continue
            limit = 2 if len(word) >= 10 else 1
            codes = {code for term, code in index.get(word[:3], ())
                     if abs(len(term) - len(word)) <= limit and edit_distance(word, term, limit) <= limit}
            if len(codes) == 1:
                return tuple(codes)
        return ()


def stem_key(word: str, lang: str) -> str:
    """The light stem of ``word`` in ``lang`` as a trie key (marked, so it never equals a word), or ``word``."""
    for ending in _STEM_ENDINGS.get(lang, ()):
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM_KEY:
            return f"{_STEM_MARK}{lang}{_STEM_MARK}{word[: -len(ending)]}"
    return f"{_STEM_MARK}{lang}{_STEM_MARK}{word}" if len(word) >= _MIN_STEM_KEY else word


def word_keys(token: str, lemma: str, lang: str | None = None) -> tuple[str, ...]:
    """The forms under which a word may match a term word: itself, its lemma, its stem before a short
    ending and, in ``lang``, its light stem (which only words of multi-word terms carry)."""
    keys = [token]
    if lemma != token:
        keys.append(lemma)
    if lang is not None:
        stem = stem_key(token, lang)
        if stem != token:
            keys.append(stem)
    for ending in _ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= _MIN_STEM:
            stem = token[: -len(ending)]
            if stem not in keys:
                keys.append(stem)
    return tuple(keys)


def _alone(tries: Sequence[dict[str, Any]], keys: tuple[str, ...]) -> tuple[tuple[int, str] | None, bool]:
    """The one-word term a word matches (first trie, first key wins) and whether any term goes on after it."""
    best = None
    longer = False
    for trie in tries:
        for key in keys:
            child = trie.get(key)
            if child is not None:
                code = child.get(_END)
                if code is not None and best is None:
                    best = (1, code)
                longer = longer or len(child) > (code is not None)
    return best, longer


def _walk(trie: dict[str, Any], keys: Sequence[tuple[str, ...]], start: int) -> tuple[int, str] | None:
    """The longest term of ``trie`` starting at token ``start``: (number of tokens, concept)."""
    best = None
    frontier = [trie]
    i = start
    while frontier and i < len(keys):
        following = []
        for node in frontier:
            for key in keys[i]:
                child = node.get(key)
                if child is not None:
                    following.append(child)
        i += 1
        for node in following:
            code = node.get(_END)
            if code is not None:
                best = (i - start, code)
                break
        frontier = following
    return best


def _full_split(token: str, parts: dict[str, str]) -> list[str]:
    """Concepts of the fewest known parts that make up all of ``token`` (at least two), or []."""
    n = len(token)
    # best[i]: fewest parts covering token[:i] (ending after a part, before any linking element)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + _MIN_PART, n + 1):
            code = parts.get(token[i:j])
            if code is None:
                continue
            candidate = [*best[i], code]
            for link in _LINKS:
                k = j + len(link)
                if k <= n and token.startswith(link, j) and (best[k] is None or len(best[k]) > len(candidate)):
                    best[k] = candidate
            for ending in _FINAL:
                if ending and token.endswith(ending) and j + len(ending) == n \
                        and (best[n] is None or len(best[n]) > len(candidate)):
                    best[n] = candidate
    found = best[n]
    return list(dict.fromkeys(found)) if found and len(found) >= 2 else []


def _inner_terms(token: str, parts: dict[str, str], lengths: Sequence[int]) -> list[str]:
    """Known terms (of the given ``lengths``, longest first) inside ``token``, longest first at each place."""
    found: list[str] = []
    i = 0
    while i < len(token):
        for length in lengths:
            code = parts.get(token[i:i + length]) if i + length <= len(token) else None
            if code is not None:
                found.append(code)
                i += length
                break
        else:
            i += 1
    return found


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps).

    With ``limit``, gives up early and returns ``limit + 1`` once the distance must exceed it.
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
