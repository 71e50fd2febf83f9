"""Every way through ``top_k`` on sparse profiles gives the per-pair reference's top lists exactly.

Small pools take the exact sparse product densified per chunk, a few queries against a large pool
the exact product of the pool and the dense queries, and many queries against a large pool the
screening path (single-precision screen, exact rescoring). ``SMALL_POOL`` and ``FEW_QUERIES`` are
set here so that random inputs go through each, and each must list the same members in the same
order as a per-pair Python computation with ties broken by index. On the demo cohort's real profiles
(against the built-in catalogue) each path, on scipy's matrices and on a stored build's rows, gives the
reference's top 10: the same scores, and the same members but for ties at the last place.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from elca_match.matching import scores as scores_module
from elca_match.matching import top_k


def per_pair(query: np.ndarray, pool: np.ndarray, k: int) -> list[list[int]]:
    """Every pair's dot product in Python; best first, ties by pool index; zero scores left out."""
    out = []
    for q in query:
        scored = [(j, sum(float(a) * float(b) for a, b in zip(q, p))) for j, p in enumerate(pool)]
        out.append([j for j, s in sorted(scored, key=lambda js: (-js[1], js[0])) if s > 0][:k])
    return out


profiles = st.integers(2, 12).flatmap(lambda features: st.tuples(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.just(features)),
               elements=st.sampled_from([0.0, 0.0, 0.0, 0.125, 0.25, 0.5, 1.0])),
    hnp.arrays(np.float64, st.tuples(st.integers(1, 40), st.just(features)),
               elements=st.sampled_from([0.0, 0.0, 0.0, 0.125, 0.25, 0.5, 1.0]))))


@pytest.mark.parametrize(("small_pool", "few_queries"), [(0, 0), (0, 16), (10_000, 0)],
                         ids=["screening", "few-queries", "small-pool"])
@settings(max_examples=80, deadline=None)
@given(profiles, st.integers(1, 12))
def test_top_k__each_path__same_lists_as_per_pair_reference(small_pool, few_queries, pair, k):
    query, pool = pair
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scores_module, "SMALL_POOL", small_pool)
        patch.setattr(scores_module, "FEW_QUERIES", few_queries)
        result = top_k(sp.csr_matrix(query), sp.csr_matrix(pool), k, chunk=4)
    for i, want in enumerate(per_pair(query, pool, k)):
        assert [j for j, _ in result.pairs(i)] == want


def _same_top(got: list[tuple[int, float]], want: list[tuple[int, float]]) -> bool:
    """The same scores (to 1e-12) and the same members, but for those tied (to 1e-12) at the last place: which of
    several equal scores makes the cut can depend on the last bit of a sum taken in another order."""
    if len(got) != len(want) or not np.allclose([s for _, s in got], [s for _, s in want], rtol=0, atol=1e-12):
        return False
    if not got:
        return True
    last = min(s for _, s in want)
    return {j for j, s in got if s > last + 1e-12} == {j for j, s in want if s > last + 1e-12}


@pytest.fixture(scope="module")
def demo_profiles():
    from elca_match.catalogue import check_opportunities
    from elca_match.demo import generate_cohort
    from elca_match.profiles import Vectoriser, load_model, member_inputs, opportunity_inputs
    from elca_match.questionnaire import load_questionnaire
    from elca_match.resources import builtin_path
    from elca_match.services.catalogue import BUILTIN_OPPORTUNITIES
    from elca_match.tabular import read_table

    questionnaire = load_questionnaire()
    model = load_model(questionnaire)
    cohort = generate_cohort(questionnaire=questionnaire)
    members = [type("M", (), {"org_key": f"M{i:04d}", "answers": r.answers})() for i, r in enumerate(cohort.responses)]
    records = check_opportunities(read_table(builtin_path(BUILTIN_OPPORTUNITIES)), questionnaire).records
    X = Vectoriser(model).fit_transform(member_inputs(members, questionnaire, model) + opportunity_inputs(records, model))
    pool, queries = X[:len(members)].tocsr(), X[len(members):].tocsr()
    dense_pool = pool.toarray()
    best = []
    for q in queries.toarray():  # every pair's dot product in Python, in feature order
        scored = [(j, math.fsum(float(a) * float(b) for a, b in zip(q, m) if a and b)) for j, m in enumerate(dense_pool)]
        best.append([(j, s) for j, s in sorted(scored, key=lambda js: (-js[1], js[0])) if s > 0][:10])
    return pool, queries, best


@pytest.mark.parametrize(("small_pool", "few_queries"), [(0, 0), (0, 100), (10_000, 0)],
                         ids=["screening", "few-queries", "small-pool"])
def test_top_k__demo_cohort__each_path_the_per_pair_top_10(demo_profiles, small_pool, few_queries):
    from elca_match.sparse import CsrRows

    members, opportunities, want = demo_profiles
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scores_module, "SMALL_POOL", small_pool)
        patch.setattr(scores_module, "FEW_QUERIES", few_queries)
        for pool in (members, CsrRows.of(members)):  # scipy's matrix, and a stored build's rows
            result = top_k(opportunities, pool, 10)
            assert all(_same_top(result.pairs(i), want[i]) for i in range(len(want)))
