"""Top-k ranking, explanations and mission scores over profile matrices (no database)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from elca_match.matching import (
    FeatureSpace,
    contributions,
    explain,
    mission_columns,
    mission_scores,
    score_matrix,
    top_k,
)
from elca_match.profiles.model import ExplainGroup
from elca_match.records import Mission, Opportunity

NAMES = ["sectors=automotive", "sectors=rail", "stages=production", "materials=cfrp", "technologies=rtm",
         "markets=JP", *[f"trl={i}" for i in range(1, 10)], "text=cfrp", "text=crash", "text=chassis", "text=seat"]
SPACE = FeatureSpace.from_names(NAMES)
GROUPS = (ExplainGroup(("sectors", "stages")), ExplainGroup(("materials", "technologies")), ExplainGroup(("trl",)),
          ExplainGroup(("markets",), "targets "), ExplainGroup(("text",), "text: "))


def col(name: str) -> int:
    return NAMES.index(name)


# --- top_k ----------------------------------------------------------------------------------

def brute_force(query: np.ndarray, pool: np.ndarray, k: int, min_score: float) -> list[list[tuple[int, float]]]:
    """The straightforward per-pair definition top_k must agree with."""
    out = []
    for q in query:
        scored = [(j, float(sum(a * b for a, b in zip(q, p)))) for j, p in enumerate(pool)]
        scored = [(j, s) for j, s in scored if s > min_score]
        scored.sort(key=lambda js: (-js[1], js[0]))
        out.append(scored[:k])
    return out


matrices = st.integers(1, 6).flatmap(lambda f: st.tuples(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 7), st.just(f)),
               elements=st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0])),
    hnp.arrays(np.float64, st.tuples(st.integers(1, 9), st.just(f)),
               elements=st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0])),
))


@given(matrices, st.integers(1, 10), st.sampled_from([0.0, 0.3]), st.integers(1, 4), st.booleans())
def test_top_k__agrees_with_brute_force_including_ties(pair, k, min_score, chunk, sparse):
    query, pool = pair
    q, p = (sp.csr_matrix(query), sp.csr_matrix(pool)) if sparse else (query, pool)
    result = top_k(q, p, k, min_score=min_score, chunk=chunk)
    expected = brute_force(query, pool, k, min_score)
    for i, want in enumerate(expected):
        got = result.pairs(i)
        assert [j for j, _ in got] == [j for j, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-12)


@pytest.mark.parametrize("as_matrix", [np.asarray, sp.csr_matrix], ids=["dense", "sparse"])
def test_top_k__ties_follow_the_tiebreak_across_the_kth_place(as_matrix):
    pool = as_matrix(np.array([[1.0], [1.0], [1.0], [0.5]]))
    query = as_matrix(np.array([[1.0]]))
    assert [j for j, _ in top_k(query, pool, 2).pairs(0)] == [0, 1]
    assert [j for j, _ in top_k(query, pool, 2, tiebreak=np.array([3, 2, 1, 0])).pairs(0)] == [2, 1]


@pytest.mark.slow  # a large pool
def test_top_k__sparse_screening_on_a_large_pool_is_exact():
    # a pool large enough that the candidate threshold comes from a sample of each row,
    # with columns common enough to go through the dense product and rare ones through the sparse
    rng = np.random.default_rng(3)
    common = sp.csr_matrix((rng.random((20_000, 5)) < 0.6) * rng.random((20_000, 5)))
    pool = sp.hstack([common, sp.random(20_000, 395, density=0.03, random_state=4)], format="csr")
    query = sp.hstack([sp.csr_matrix(rng.random((40, 5))), sp.random(40, 395, density=0.1, random_state=5)],
                      format="csr")
    result = top_k(query, pool, 15, chunk=16)
    exact = (query @ pool.T).toarray()
    for i in range(40):
        want = np.lexsort((np.arange(20_000), -exact[i]))[:15]
        assert result.indices[i].tolist() == want.tolist()
        assert result.scores[i] == pytest.approx(exact[i, want], abs=1e-12)


def test_top_k__zero_scores_never_listed_and_k_larger_than_pool():
    result = top_k(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0], [0.2, 0.0]]), 5)
    assert result.pairs(0) == [(1, pytest.approx(0.2))]
    assert result.indices.shape == (1, 2)


def test_score_matrix__dense_and_sparse_agree():
    rng = np.random.default_rng(1)
    a = rng.random((30, 12)) * (rng.random((30, 12)) < 0.3)
    b = rng.random((7, 12)) * (rng.random((7, 12)) < 0.3)
    assert np.allclose(score_matrix(a, b, chunk=4), score_matrix(sp.csr_matrix(a), sp.csr_matrix(b), chunk=4))
    assert np.allclose(score_matrix(a, b), a @ b.T)


# --- explanations -----------------------------------------------------------------------------

def rows(member: dict[str, float], opp: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    m = np.zeros((1, len(NAMES)))
    o = np.zeros((1, len(NAMES)))
    for name, value in member.items():
        m[0, col(name)] = value
    for name, value in opp.items():
        o[0, col(name)] = value
    return m, o


def test_contributions__why_reads_like_the_brief_and_breakdown_sums_to_score():
    m, o = rows({"sectors=automotive": 1, "stages=production": 1, "materials=cfrp": 1, "technologies=rtm": 1,
                 "markets=JP": 1, "trl=7": 1, "text=crash": 0.6, "text=chassis": 0.5, "text=seat": 0.4},
                {"sectors=automotive": 0.2, "stages=production": 0.15, "materials=cfrp": 0.1, "technologies=rtm": 0.1,
                 "markets=JP": 0.1, "trl=7": 0.05, "text=crash": 0.1, "text=chassis": 0.1, "sectors=rail": 0.3})
    for a, b in ((m, o), (sp.csr_matrix(m), sp.csr_matrix(o))):
        (c,) = contributions(a, b, [(0, 0)], SPACE, member_trl=[(7, 7)], opp_trl=[(6, 9)], groups=GROUPS)
        assert c.why == "automotive, production; cfrp, rtm; TRL 7 in 6-9; targets JP; text: crash, chassis"
        assert c.score == pytest.approx(float(m[0] @ o[0]), abs=1e-12)
        assert c.breakdown["sectors"] == pytest.approx(0.2)
        assert c.breakdown["text"] == pytest.approx(0.06 + 0.05)


@pytest.mark.parametrize("member,band,phrase", [((7, 7), (6, 9), "TRL 7 in 6-9"), ((5, 5), (6, 9), "TRL 5 near 6-9"),
                                                ((4, 6), (6, 9), "TRL 4-6 near 6-9"), ((8, 8), (8, 8), "TRL 8 in 8")])
def test_explain__trl_phrases(member, band, phrase):
    assert explain({"trl": [(str(member[0]), 0.1)]}, GROUPS, SPACE.blocks, member, band) == phrase


def test_explain__text_names_only_the_strongest_terms_and_unknown_blocks_come_last():
    shared = {"text": [("crash", 0.3), ("chassis", 0.2), ("seat", 0.1), ("rail", 0.05)],
              "cooperation": [("rd", 0.1)]}
    assert explain(shared, GROUPS, ["text", "cooperation"], why_terms=2) == "text: crash, chassis; cooperation: rd"


@given(st.lists(st.tuples(st.dictionaries(st.sampled_from(NAMES), st.sampled_from([0.1, 0.5, 1.0]), max_size=8),
                          st.dictionaries(st.sampled_from(NAMES), st.sampled_from([0.1, 0.5, 1.0]), max_size=8)),
                min_size=1, max_size=5))
def test_property__why_names_only_features_both_sides_share(cases):
    members = np.zeros((len(cases), len(NAMES)))
    opps = np.zeros((len(cases), len(NAMES)))
    for i, (m, o) in enumerate(cases):
        for name, value in m.items():
            members[i, col(name)] = value
        for name, value in o.items():
            opps[i, col(name)] = value
    pairs = [(i, i) for i in range(len(cases))]
    for c, (m, o) in zip(contributions(sp.csr_matrix(members), opps, pairs, SPACE, groups=GROUPS, why_terms=9),
                         cases):
        both = set(m) & set(o)
        named = {f"{block}={feature}" for block, features in c.shared.items() for feature, _ in features}
        assert named == both
        shared_labels = {name.split("=", 1)[1] for name in both}
        for part in filter(None, c.why.split("; ")):
            part = part.removeprefix("targets ").removeprefix("text: ")
            if part.startswith("TRL "):
                assert any(name.startswith("trl=") for name in both)
                continue
            assert set(part.split(", ")) <= shared_labels, (part, both)
        assert c.score == pytest.approx(float(members[c.member] @ opps[c.opportunity]), abs=1e-12)
        if not both:
            assert c.score == 0.0 and c.why == ""


# --- missions --------------------------------------------------------------------------------

OPPS = [Opportunity(id, "", country, "", sector, "design", "") for id, country, sector in
        [("JP-1", "JP", "automotive"), ("JP-2", "JP", "rail"), ("IN-1", "IN", "automotive")]]
MISSIONS = [Mission("M1", "JP", "exploratory", 1, sectors=(), opportunities=("JP-2",)),
            Mission("M2", "JP", "exploratory", 1, sectors=("automotive",), opportunities=()),
            Mission("M3", "JP", "exploratory", 1, sectors=(), opportunities=()),
            Mission("M4", "BR", "exploratory", 1, sectors=(), opportunities=())]


def test_mission_columns__listed_opportunities_else_country_and_sectors():
    assert [list(c) for c in mission_columns(OPPS, MISSIONS)] == [[1], [0], [0, 1], []]


def test_mission_scores__best_score_over_the_missions_opportunities():
    scores = np.array([[0.9, 0.1, 0.5], [0.0, 0.7, 0.2], [0.0, 0.0, 0.0]])
    fit = mission_scores(None, None, OPPS, MISSIONS, scores=scores)
    assert fit.scores.tolist() == [[0.1, 0.9, 0.9, 0.0], [0.7, 0.0, 0.7, 0.0], [0.0, 0.0, 0.0, 0.0]]
    assert fit.best.tolist() == [[1, 0, 0, -1], [1, -1, 1, -1], [-1, -1, -1, -1]]


def test_mission_scores__computes_the_score_matrix_when_not_given():
    members = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    opps = sp.csr_matrix(np.array([[0.5, 0.0], [0.0, 0.25], [0.1, 0.1]]))
    fit = mission_scores(members, opps, OPPS, MISSIONS)
    assert fit.scores[:, 2].tolist() == [0.5, 0.25]
