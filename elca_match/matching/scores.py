"""Scores as sparse matrix products, top-k by partial sort, and member x mission fit.

A score is ``member_row @ opportunity_row`` (see ``profiles.vectoriser``): products are
taken in blocks of rows so that memory stays bounded, and each block's best columns
are found with a partial sort; there is no loop over pairs.

Matrices may be dense numpy arrays (a demo-sized database), scipy sparse, or a stored
build's ``sparse.CsrRows``; ranking a few opportunities never imports scipy (`rank` starts
faster). Profiles are sparse in features but their scores are not: almost every member
shares something (a TRL band, a market, a common word) with almost every opportunity. So
for many sparse query rows :func:`top_k` splits the columns: the few that many rows use on
both sides (sectors, stages, TRL levels, common words) go through one dense single-precision
matrix product, the many rare ones through a sparse product added onto it; a threshold from
a sample of each row picks the candidates, and the candidates are scored again exactly
(double precision) before the final choice. That is what ranks 100,000 members against 2,000 opportunities in a few
seconds on two cores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..records import Mission, Opportunity
from ..sparse import scipy_sparse

# Rows of the left matrix per product block: large enough to amortise the call,
# small enough that a dense block against 100,000 columns stays near 50 MB.
DEFAULT_CHUNK = 128
# Up to this many pool rows the exact sparse product, densified per chunk, is cheaper than
# the screening's set-up (column split, single-precision copies): 2x at 1,000 members.
SMALL_POOL = 5_000
SMALL_BLOCK_CELLS = 1_000_000
# Up to this many query rows against a large sparse pool, the exact product (pool times the dense
# query rows) is cheaper than the screening's set-up, which touches every pool entry several times.
FEW_QUERIES = 16
# A column goes to the dense product when the share of query rows using it times the
# share of pool rows using it exceeds this: one multiply-add of the sparse product costs
# about as much as this many of the dense (BLAS) product's per pair and column.
DENSE_COLUMN_RATIO = 0.003
MAX_DENSE_COLUMNS = 512
# Single-precision scores are within ~1e-6 of the exact ones; candidates are kept this
# far below a threshold, so no true top-k row is lost before exact rescoring.
CANDIDATE_MARGIN = 1e-5
# Columns sampled per row to set the candidate threshold (a lower bound of the k-th best).
THRESHOLD_SAMPLE = 4096


@dataclass(frozen=True)
class TopK:
    """For each query row, the best ``k`` pool rows: indices (-1 = none) and scores, best first."""

    indices: np.ndarray  # (n_queries, k) int64
    scores: np.ndarray   # (n_queries, k) float

    def pairs(self, query: int) -> list[tuple[int, float]]:
        """The (pool index, score) pairs of one query row, best first."""
        return [(int(i), float(s)) for i, s in zip(self.indices[query], self.scores[query]) if i >= 0]


@dataclass(frozen=True)
class MissionScores:
    """Member x mission fit: the best score over the mission's opportunities, and which one."""

    scores: np.ndarray  # (n_members, n_missions) float
    best: np.ndarray    # (n_members, n_missions) opportunity row index, -1 when the mission has none


def is_sparse(matrix: Any) -> bool:
    """True for a scipy sparse matrix (checked without importing scipy)."""
    return hasattr(matrix, "tocsr")


def _csr(matrix: Any):
    """``matrix`` as a scipy CSR matrix."""
    return matrix.tocsr() if is_sparse(matrix) else scipy_sparse().csr_matrix(matrix)


def _products(query_X: Any, pool_X: Any):
    """A function giving the dense score block of query rows [start, stop) against every pool row."""
    if not is_sparse(query_X) and not is_sparse(pool_X):
        query, pool_T = np.asarray(query_X), np.asarray(pool_X).T
        return lambda start, stop: query[start:stop] @ pool_T
    if query_X.shape[0] <= FEW_QUERIES:  # the pool as it is (scipy's or stored rows), not transposed
        pool, query_T = pool_X if is_sparse(pool_X) else np.asarray(pool_X), _dense(query_X).T
        return lambda start, stop: np.asarray(pool @ query_T[:, start:stop]).T
    query, pool_T = _csr(query_X), _csr(pool_X).T.tocsr()
    return lambda start, stop: (query[start:stop] @ pool_T).toarray()


def _dense(matrix: Any) -> np.ndarray:
    return matrix.toarray() if is_sparse(matrix) else np.asarray(matrix)


def score_matrix(members_X: Any, opps_X: Any, chunk: int = 2048) -> np.ndarray:
    """Every member's score for every opportunity, as a dense ``(n_members, n_opps)`` array.

    Meant for the sizes a mission plan needs (thousands x hundreds); for top-k over
    large pools use :func:`top_k`.
    """
    n_members, n_opps = members_X.shape[0], opps_X.shape[0]
    out = np.zeros((n_members, n_opps), dtype=np.float64)
    block = _products(members_X, opps_X)
    for start in range(0, n_members, chunk):
        out[start:start + chunk] = block(start, start + chunk)
    return out


def top_k(query_X: Any, pool_X: Any, k: int, min_score: float = 0.0, chunk: int = DEFAULT_CHUNK,
          tiebreak: np.ndarray | None = None) -> TopK:
    """For each row of ``query_X``, the ``k`` rows of ``pool_X`` with the highest dot product.

    Works both ways round: ``top_k(opps_X, members_X, 10)`` gives each opportunity its
    best members, ``top_k(members_X, opps_X, 3)`` each member its best opportunities.
    Only scores strictly above ``min_score`` are kept, so a pool row that shares
    nothing with the query (score 0) never appears. Equal scores are ordered by
    ``tiebreak`` (one sortable value per pool row, e.g. the rank of its key; the pool
    index by default), also across the k-th place, so the result does not depend on
    the order of the rows when ``tiebreak`` follows the keys.
    """
    n_query, n_pool = query_X.shape[0], pool_X.shape[0]
    k = max(0, min(int(k), n_pool))
    indices = np.full((n_query, k), -1, dtype=np.int64)
    scores = np.zeros((n_query, k), dtype=np.float64)
    if k == 0 or n_query == 0:
        return TopK(indices, scores)
    tiebreak = np.arange(n_pool) if tiebreak is None else np.asarray(tiebreak)
    if (is_sparse(query_X) or is_sparse(pool_X)) and n_pool > SMALL_POOL and n_query > FEW_QUERIES:
        _top_k_sparse(_csr(query_X), _csr(pool_X), k, min_score, chunk, tiebreak, indices, scores)
        return TopK(indices, scores)
    product = _products(query_X, pool_X)
    if is_sparse(query_X) or is_sparse(pool_X):  # a small pool: blocks of about a million scores
        chunk = max(chunk, SMALL_BLOCK_CELLS // max(n_pool, 1))
    for start in range(0, n_query, chunk):
        block = product(start, start + chunk)
        if k < n_pool:
            part = np.argpartition(block, n_pool - k, axis=1)[:, n_pool - k:]  # the k largest, no negated copy
        else:
            part = np.tile(np.arange(n_pool), (block.shape[0], 1))
        values = np.take_along_axis(block, part, axis=1)
        if k < n_pool:
            kth = values.min(axis=1)
            crowded = ((block >= kth[:, None]).sum(axis=1) > k) & (kth > min_score)
            for r in np.flatnonzero(crowded):  # rare: a tie straddles the k-th place
                candidates = np.flatnonzero(block[r] >= kth[r])
                pick = np.lexsort((tiebreak[candidates], -block[r, candidates]))[:k]
                part[r] = candidates[pick]
                values[r] = block[r, part[r]]
        # best first; equal scores by tiebreak (lexsort's last key is the primary one)
        order = np.lexsort((tiebreak[part], -values), axis=-1)
        part = np.take_along_axis(part, order, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        keep = values > min_score
        indices[start:start + chunk] = np.where(keep, part, -1)
        scores[start:start + chunk] = np.where(keep, values, 0.0)
    return TopK(indices, scores)


def _top_k_sparse(query, pool, k: int, min_score: float, chunk: int, tiebreak: np.ndarray,
                  indices: np.ndarray, scores: np.ndarray) -> None:
    """:func:`top_k` for sparse matrices: dense + sparse single-precision screening, exact rescoring."""
    n_query, n_pool = query.shape[0], pool.shape[0]
    n_features = query.shape[1]
    q_share = np.bincount(query.indices, minlength=n_features) / max(n_query, 1)
    p_share = np.bincount(pool.indices, minlength=n_features) / max(n_pool, 1)
    weight = q_share * p_share
    heavy = np.argsort(-weight, kind="stable")[:MAX_DENSE_COLUMNS]
    dense_cols = np.sort(heavy[weight[heavy] > DENSE_COLUMN_RATIO])
    sparse_cols = np.setdiff1d(np.arange(n_features), dense_cols, assume_unique=True)
    pool_dense_T = np.ascontiguousarray(pool[:, dense_cols].toarray(order="C").astype(np.float32).T)
    query_dense = query[:, dense_cols].toarray().astype(np.float32)
    pool_sparse_T = pool[:, sparse_cols].T.tocsr().astype(np.float32)
    query_sparse = query[:, sparse_cols].tocsr().astype(np.float32)
    stride = max(1, n_pool // THRESHOLD_SAMPLE)
    buffer = np.empty((min(chunk, n_query), n_pool), dtype=np.float32)
    dense_part = np.empty_like(buffer) if len(dense_cols) else None
    for start in range(0, n_query, chunk):
        stop = min(start + chunk, n_query)
        block = buffer[: stop - start]
        (query_sparse[start:stop] @ pool_sparse_T).toarray(out=block)
        if dense_part is not None:  # into a second buffer, reused: no temporary the size of a block
            block += np.matmul(query_dense[start:stop], pool_dense_T, out=dense_part[: stop - start])
        # the k-th best of a sample is at most the k-th best of the row: a safe threshold
        sample = block[:, ::stride]
        kk = min(k, sample.shape[1])
        threshold = np.partition(sample, sample.shape[1] - kk, axis=1)[:, sample.shape[1] - kk]
        threshold = np.maximum(threshold - CANDIDATE_MARGIN, min_score - CANDIDATE_MARGIN)
        rows, cols = np.nonzero(block >= threshold[:, None])
        rows, cols = _near_top(rows, cols, block[rows, cols], k, stop - start)
        exact = _pair_scores(query, pool, rows + start, cols)
        keep = exact > min_score
        rows, cols, exact = rows[keep], cols[keep], exact[keep]
        order = np.lexsort((tiebreak[cols], -exact, rows))
        rows, cols, exact = rows[order], cols[order], exact[order]
        first = np.searchsorted(rows, np.arange(stop - start))
        rank = np.arange(len(rows)) - first[rows]
        top = rank < k
        indices[start + rows[top], rank[top]] = cols[top]
        scores[start + rows[top], rank[top]] = exact[top]


def _near_top(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, k: int, n_rows: int):
    """Of the candidates, those within the margin of their row's k-th best single-precision score
    (usually just k per row): only these need exact scoring."""
    order = np.lexsort((-values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    first = np.searchsorted(rows, np.arange(n_rows))
    counts = np.diff(np.append(first, len(rows)))
    kth = np.full(n_rows, -np.inf, dtype=np.float64)
    full = counts >= k
    kth[full] = values[first[full] + k - 1]
    keep = values >= kth[rows] - CANDIDATE_MARGIN
    return rows[keep], cols[keep]


def _pair_scores(query, pool, q_rows: np.ndarray, p_rows: np.ndarray) -> np.ndarray:
    """Exact (double-precision) dot products of the given row pairs."""
    if len(q_rows) == 0:
        return np.zeros(0)
    return np.asarray(query[q_rows].multiply(pool[p_rows]).sum(axis=1)).ravel()


def mission_scores(members_X: Any, opps_X: Any, opportunities: Sequence[Opportunity],
                   missions: Sequence[Mission], scores: np.ndarray | None = None) -> MissionScores:
    """Member x mission fit for the planner.

    ``opportunities`` are the records of the rows of ``opps_X`` (``id``, ``country``,
    ``sector``); ``missions`` mission records (``country``, ``sectors``,
    ``opportunities``). A mission's fit for a member is the member's best score over
    the opportunities the mission lists; when it lists none, over the opportunities
    in the mission's country whose sector is one of the mission's sectors (any sector
    when it names none). Pass ``scores`` (from :func:`score_matrix`) to reuse it.
    """
    if scores is None:
        scores = score_matrix(members_X, opps_X)
    columns = mission_columns(opportunities, missions)
    n_members = scores.shape[0]
    fit = np.zeros((n_members, len(missions)), dtype=np.float64)
    best = np.full((n_members, len(missions)), -1, dtype=np.int64)
    for j, cols in enumerate(columns):
        if cols.size == 0:
            continue
        sub = scores[:, cols]
        arg = sub.argmax(axis=1)
        fit[:, j] = sub[np.arange(n_members), arg]
        best[:, j] = np.where(fit[:, j] > 0, cols[arg], -1)
    return MissionScores(fit, best)


def mission_columns(opportunities: Sequence[Opportunity], missions: Sequence[Mission]) -> list[np.ndarray]:
    """For each mission, the opportunity row indices it is scored over (see :func:`mission_scores`)."""
    by_id = {o.id: i for i, o in enumerate(opportunities)}
    out = []
    for mission in missions:
        listed = [by_id[i] for i in mission.opportunities if i in by_id]
        if not listed and not mission.opportunities:
            country = (mission.country or "").upper()
            sectors = set(mission.sectors)
            listed = [i for i, o in enumerate(opportunities)
                      if (o.country or "").upper() == country and (not sectors or o.sector in sectors)]
        out.append(np.array(sorted(listed), dtype=np.int64))
    return out
