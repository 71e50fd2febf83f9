"""The batch profile build gives the same matrix, to the last bit, as a plain per-row, per-word build.

``Vectoriser`` analyses all texts at once (:mod:`elca_match.profiles.batch`) and assembles
the matrix with arrays. The reference here reads one row at a time: each text through
``TextAnalyser.analyse`` (itself checked against per-occurrence references in
test_thesaurus.py), each block's codes through ``ProfileInput.features``, every sum in
plain Python. Both must agree exactly on random inputs and on the demo cohort.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match.catalogue import check_opportunities
from elca_match.demo import generate_cohort
from elca_match.profiles import OPPORTUNITY, ProfileInput, Vectoriser, load_model, member_inputs, opportunity_inputs
from elca_match.profiles.analysis import TextAnalyser
from elca_match.profiles.batch import analyse_batch
from elca_match.profiles.glossary import Glossary
from elca_match.profiles.model import TEXT_BLOCK, TRL_BLOCK
from elca_match.profiles.vectoriser import TRL_FLOOR
from elca_match.questionnaire import load_questionnaire
from elca_match.resources import builtin_path
from elca_match.services.catalogue import BUILTIN_OPPORTUNITIES
from elca_match.tabular import read_table


# --- the plain reference: one row, one word, one sum at a time ---------------------------------------------

_OWN_GLOSSARY: dict[int, Glossary] = {}


def reference_analyser(model) -> TextAnalyser:
    """An analyser on its own copy of the thesaurus: none of the fast path's per-word memos."""
    glossary = _OWN_GLOSSARY.get(id(model.glossary))
    if glossary is None:
        glossary = _OWN_GLOSSARY[id(model.glossary)] = Glossary.from_json(model.glossary.to_json())
    return TextAnalyser(model.text, glossary)


def reference_build(model, X: list[ProfileInput]) -> tuple[list[str], list[dict[int, float]]]:
    """Column names and, per row, column -> value, following the vectoriser's documented encoding."""
    analyser = reference_analyser(model)
    analyses = [analyser.analyse(x.text, x.lang) for x in X]
    seen: dict[str, set[str]] = {}
    for x in X:
        for block in x.blocks:
            if block not in (TRL_BLOCK, TEXT_BLOCK):
                seen.setdefault(block, set()).update(x.features(block))
    df: Counter[str] = Counter()
    for a in analyses:
        df.update(set(a.concepts) | set(a.lemmas))
    blocks = [b for b in model.blocks if b in seen or b in (TRL_BLOCK, TEXT_BLOCK)]
    blocks += sorted(b for b in seen if b not in blocks)
    names, idf = [], {}
    for block in blocks:
        if block == TRL_BLOCK:
            features = [str(level) for level in range(1, model.trl_levels + 1)]
        elif block == TEXT_BLOCK:
            features = sorted(t for t, n in df.items() if n >= model.text.min_df)
        else:
            features = sorted(seen[block])
        for feature in features:
            if block == TEXT_BLOCK:
                idf[len(names)] = math.log((1 + len(X)) / (1 + df[feature])) + 1
            names.append(f"{block}={feature}")
    column = {name: i for i, name in enumerate(names)}
    rows = []
    for x, analysis in zip(X, analyses):
        opportunity = x.side == OPPORTUNITY
        parts = []
        for block in blocks:
            if block == TRL_BLOCK:
                entries = _trl(model, column, x.trl, opportunity)
            elif block == TEXT_BLOCK:
                entries = _text(model, column, idf, analysis)
            else:
                features = x.features(block)
                if not opportunity and block in model.text_to_blocks:
                    for code in analysis.concepts:
                        if code not in features and f"{block}={code}" in column:
                            features[code] = model.text_to_blocks[block]
                entries = _block(column, block, features, model.norm(block), opportunity)
            if entries:
                parts.append((block, entries))
        row = {}
        total = sum(model.weight(block) for block, _ in parts)
        for block, entries in parts:
            for col, value in entries.items():
                row[col] = value * (model.weight(block) / total) if opportunity else value
        rows.append(row)
    return names, rows


def _block(column, block, features, norm, opportunity) -> dict[int, float]:
    if not features:
        return {}
    if norm == "max" and opportunity:
        total = 0.0
        for value in features.values():
            total += value
        values = {f: v / total for f, v in features.items()}
    elif norm == "max":
        values = {f: min(v, 1.0) for f, v in features.items()}
    else:
        squares = 0.0
        for value in features.values():
            squares += value * value
        values = {f: v / math.sqrt(squares) for f, v in features.items()}
    return {column[f"{block}={f}"]: v for f, v in values.items() if f"{block}={f}" in column and v}


def _trl(model, column, band, opportunity) -> dict[int, float]:
    if band is None:
        return {}
    low, high = sorted(max(1, min(model.trl_levels, int(v))) for v in band)
    if not opportunity:
        return {column[f"trl={level}"]: 1.0 / (high - low + 1) for level in range(low, high + 1)}
    out = {}
    for level in range(1, model.trl_levels + 1):
        distance = max(low - level, level - high, 0)
        value = math.exp(-(distance ** 2) / (2 * model.trl_sigma ** 2))
        if value >= TRL_FLOOR:
            out[column[f"trl={level}"]] = value
    return out


def _text(model, column, idf, analysis) -> dict[int, float]:
    settings_ = model.text
    counts = Counter(analysis.lemmas)
    counts.update(analysis.concepts)
    values = {}
    for term, count in counts.items():
        col = column.get(f"text={term}")
        if col is None:
            continue
        tf = 1.0 + math.log(count) if settings_.sublinear_tf else float(count)
        if term in analysis.concepts:
            tf *= settings_.concept_weight * (1.0 if term in model.glossary.core else settings_.thesaurus_weight)
        values[col] = tf * idf[col]
    squares = 0.0
    for value in values.values():
        squares += value * value
    return {col: v / math.sqrt(squares) for col, v in values.items()} if squares else {}


def assert_same_build(model, X: list[ProfileInput]) -> None:
    vectoriser = Vectoriser(model)
    matrix = vectoriser.fit_transform(X)
    names, rows = reference_build(model, X)
    assert list(vectoriser.get_feature_names_out()) == names
    for i, row in enumerate(rows):
        got = matrix[i]
        assert dict(zip(got.indices.tolist(), got.data.tolist())) == row, f"row {i} ({X[i].key})"
    again = vectoriser.transform(X[::-1])  # a later transform reads rows the same way, in any order
    assert (again != matrix[::-1]).nnz == 0


# --- random inputs -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model():
    return load_model(load_questionnaire())


WORDS = ["Heckklappen", "Heckklappe", "carbon", "fibre", "fiber", "resin", "transfer", "moulding", "klapy",
         "bagażnika", "Dachverkleidungen", "carénages", "toit", "radômes", "pantografo", "pantograph", "CFRP",
         "RTM", "aluminium", "the", "and", "der", "und", "di", "z", "de", "la", "wing", "ribs", "fuselage",
         "panels", "composites", "composite", "Kohlefaser", "Karosserieteile", "Verfahren", "palas", "timón",
         "zzqx", "abcde", "7075", "a1"]
TEXT = st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join) | st.just("")
CODES = ["automotive", "rail", "aerospace", "cfrp", "aluminium", "rtm", "JP", "DE", "x"]
BLOCK_VALUE = st.one_of(
    st.dictionaries(st.sampled_from(CODES), st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.0, 0.3, 2.0]), max_size=4),
    st.lists(st.sampled_from(CODES), max_size=4),
)
ROW = st.builds(
    lambda i, blocks, trl, text, lang, side: ProfileInput(f"R{i}", blocks, trl, text, lang, side),
    st.integers(0, 10**6),
    st.dictionaries(st.sampled_from(["sectors", "materials", "technologies", "markets", "stages", "extra"]),
                    BLOCK_VALUE, max_size=4),
    st.none() | st.tuples(st.integers(0, 10), st.integers(0, 10)),
    TEXT,
    st.sampled_from([None, None, "en", "de", "pl", "it", "xx"]),
    st.sampled_from(["member", "member", OPPORTUNITY]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=12))
def test_batch_build__equals_the_per_row_reference_on_random_inputs(model, rows):
    assert_same_build(model, rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from([None, "en", "de", "pl", "fr", "es", "it", "xx"])), max_size=10))
def test_batch_analysis__each_text_as_analyse_reads_it(model, texts):
    analyser = reference_analyser(model)
    batch = analyse_batch(TextAnalyser(model.text, model.glossary), [t for t, _ in texts], [lang for _, lang in texts])
    for i, (text, lang) in enumerate(texts):
        analysis = analyser.analyse(text, lang)
        counts = Counter(analysis.lemmas)
        counts.update(analysis.concepts)
        mine = batch.doc == i
        assert batch.langs[i] == analysis.lang
        assert [(batch.terms[t], int(n), bool(c)) for t, n, c in
                zip(batch.term[mine], batch.count[mine], batch.concept[mine])] == \
            [(term, n, term in analysis.concepts) for term, n in counts.items()]
        assert [batch.terms[t] for t in batch.concept_term[batch.concept_doc == i]] == \
            list(dict.fromkeys(analysis.concepts))


def test_batch_build__zero_weights_duplicates_and_odd_shapes_read_as_features_reads_them(model):
    rows = [ProfileInput("A", {"sectors": {"rail": 0.0, "automotive": 1}}, (9, 1), "CFRP panels", None),
            ProfileInput("B", {"sectors": ["rail", "rail", "automotive"], "materials": {}}, None, "", "de"),
            ProfileInput("C", {"sectors": {1: 2.0, "rail": True}}, (3, 3), "Heckklappen und CFRP", None, OPPORTUNITY),
            ProfileInput("D", {}, None, "", None, OPPORTUNITY)]
    assert_same_build(model, rows)


@dataclass
class _Member:
    org_key: str
    answers: dict


def test_batch_build__demo_cohort_and_builtin_catalogue_as_the_reference_builds_them(model):
    questionnaire = load_questionnaire()
    cohort = generate_cohort(questionnaire=questionnaire)
    members = [_Member(f"M{i}", r.answers) for i, r in enumerate(cohort.responses)]
    records = check_opportunities(read_table(builtin_path(BUILTIN_OPPORTUNITIES)), questionnaire).records
    X = member_inputs(members, questionnaire, model) + opportunity_inputs(records, model)
    assert_same_build(model, X)
