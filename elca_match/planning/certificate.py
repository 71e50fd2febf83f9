"""The optimality certificate: an LP dual bound, made feasible for every candidate pair.

The residual problem's LP relaxation (``max w.x`` subject to member limits, cluster
quotas, seats, cluster minimums and ``0 <= x <= 1``) is solved with HiGHS
(``scipy.optimize.linprog``) on the pairs the flow kept. Its dual multipliers are then
checked against *every* usable pair, including those the pruning cut: a pair whose
dual constraint ``u_i + y_cj + v_j - z_c + r_ij >= w_ij`` is violated gets the
shortfall added to ``r_ij``, which keeps the dual feasible and adds the shortfall to
the bound. By weak duality the result bounds the total fit of *any* plan under the
same constraints, so ``bound - objective`` is an honest gap, whatever the solver or
the pruning did. It is 0 up to solver tolerance when the plan is optimal.
"""

from __future__ import annotations

import numpy as np

from .flow import Residual


def dual_bound(res: Residual, pm: np.ndarray, pj: np.ndarray) -> float:
    """An upper bound (integer weight units) on the residual problem over all usable pairs."""
    # imported here, not at the top: scipy.optimize is 0.4 s of start-up, owed only when a plan is
    # certified, never by commands that read stored plans
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    n, m = res.shape
    k = len(pm)
    if k == 0:
        return _extend(res, np.zeros(n), np.zeros((res.n_clusters, m)), np.zeros(m),
                       np.zeros(res.n_clusters), pm, pj, np.zeros(0), 0.0)
    clusters = res.member_cluster[pm]
    members, member_row = np.unique(pm, return_inverse=True)
    qkey = clusters * m + pj
    quotas, quota_row = np.unique(qkey, return_inverse=True)
    missions, seat_row = np.unique(pj, return_inverse=True)
    owed = np.flatnonzero(res.cluster_min > 0)
    owed_index = {int(c): r for r, c in enumerate(owed)}
    r0 = len(members)
    r1 = r0 + len(quotas)
    r2 = r1 + len(missions)
    rows = [member_row, r0 + quota_row, r1 + seat_row]
    cols = [np.arange(k)] * 3
    vals = [np.ones(k)] * 3
    in_owed = np.isin(clusters, owed)
    if in_owed.any():
        rows.append(r2 + np.array([owed_index[int(c)] for c in clusters[in_owed]]))
        cols.append(np.flatnonzero(in_owed))
        vals.append(-np.ones(int(in_owed.sum())))
    a = csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r2 + len(owed), k))
    b = np.concatenate([
        res.member_limit[members],
        res.quota[quotas // m, quotas % m],
        res.seats[missions],
        -res.cluster_min[owed],
    ]).astype(float)
    weights = res.weights[pm, pj].astype(float)
    lp = linprog(-weights, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    if lp.status != 0:  # the flow found a feasible optimum, so this is a solver hiccup: no certificate
        return float("inf")
    duals = np.maximum(0.0, -lp.ineqlin.marginals)
    upper = np.maximum(0.0, -lp.upper.marginals)
    u = np.zeros(n)
    u[members] = duals[:r0]
    y = np.zeros((res.n_clusters, m))
    y[quotas // m, quotas % m] = duals[r0:r1]
    v = np.zeros(m)
    v[missions] = duals[r1:r2]
    z = np.zeros(res.n_clusters)
    z[owed] = duals[r2:]
    base = float(b @ duals + upper.sum())
    return _extend(res, u, y, v, z, pm, pj, upper, base)


def _extend(res: Residual, u, y, v, z, pm, pj, upper, base: float) -> float:
    """Add, for every usable pair, the dual shortfall that makes the multipliers feasible."""
    # Rows with no capacity left force their pairs to 0 in every plan; their dual can be
    # raised at no cost, so those pairs need no check.
    live = res.usable & (res.member_limit > 0)[:, None] & (res.seats > 0)[None, :]
    live &= res.quota[res.member_cluster, :] > 0
    c = res.member_cluster
    price = u[:, None] + y[c, :] + v[None, :] - z[c][:, None]
    r = np.zeros(res.shape)
    r[pm, pj] = upper
    shortfall = np.where(live, res.weights - price - r, 0.0)
    return base + float(np.maximum(shortfall, 0.0).sum())
