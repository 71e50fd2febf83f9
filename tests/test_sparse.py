"""``sparse.CsrRows`` (a stored build's matrices, numpy alone) does what scipy's CSR matrix does, exactly,
and explanations read off it are those read off the same matrices dense or as scipy's."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from elca_match.matching import FeatureSpace, contributions
from elca_match.sparse import CsrRows

VALUES = st.sampled_from([0.0, 0.0, 0.0, 0.1, 0.25, 1 / 3, 0.5, 0.7, 1.0])
matrices = st.tuples(st.integers(0, 8), st.integers(1, 7)).flatmap(
    lambda shape: hnp.arrays(np.float64, shape, elements=VALUES))


@given(matrices, st.data())
def test_csr_rows__rows_products_and_dense_form__same_as_scipy(dense, data):
    ours, theirs = CsrRows.of(sp.csr_matrix(dense)), sp.csr_matrix(dense)
    assert np.array_equal(ours.toarray(), dense) and ours.nnz == theirs.nnz
    assert np.array_equal(CsrRows.of(dense).toarray(), dense)
    assert np.array_equal(ours.tocsr().toarray(), dense)
    rows = data.draw(st.lists(st.integers(0, max(dense.shape[0] - 1, 0)), max_size=10)) if dense.shape[0] else []
    picked = ours[np.array(rows, dtype=np.int64)]
    assert picked.shape == (len(rows), dense.shape[1])
    assert np.array_equal(picked.toarray(), dense[rows])
    assert np.array_equal(ours[1:].toarray(), dense[1:])
    right = data.draw(hnp.arrays(np.float64, (dense.shape[1], data.draw(st.integers(0, 3))), elements=VALUES))
    # each row's sum in column order, as scipy takes it: equal to the last bit
    assert np.array_equal(ours @ right, theirs @ right)


FEATURES = ["sectors=auto", "sectors=aero", "stages=design", "text=a", "text=b", "trl=7"]


@settings(max_examples=60)
@given(hnp.arrays(np.float64, (5, len(FEATURES)), elements=VALUES),
       hnp.arrays(np.float64, (3, len(FEATURES)), elements=VALUES),
       st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=8))
def test_contributions__stored_rows_scipy_and_dense__the_same(members, opportunities, pairs):
    space = FeatureSpace.from_names(FEATURES)

    def explained(m, o):
        return [(c.member, c.opportunity, c.score, c.breakdown, c.shared, c.why)
                for c in contributions(m, o, pairs, space)]

    want = explained(members, opportunities)
    assert explained(sp.csr_matrix(members), sp.csr_matrix(opportunities)) == want
    assert explained(CsrRows.of(members), CsrRows.of(opportunities)) == want
    assert explained(CsrRows.of(members), opportunities) == want
