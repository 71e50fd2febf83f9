"""Both ways through ``top_k`` on sparse profiles give the per-pair reference's top lists exactly.

Small pools take the exact sparse product densified per chunk, a few queries against a large pool
the exact product of the pool and the dense queries, and many queries against a large pool the
screening path (single-precision screen, exact rescoring). ``SMALL_POOL`` and ``FEW_QUERIES`` are
set here so that random inputs go through each, and each must list the same members in the same
order as a per-pair Python computation with ties broken by index.
"""

from __future__ import annotations

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
