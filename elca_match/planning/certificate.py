"""The optimality certificate: an LP dual bound, made feasible for every candidate pair.

The residual problem's LP relaxation is ``max w.x`` subject to member limits
(multipliers ``u_i``), cluster quotas per mission (``y_cj``), seats (``v_j``), cluster
minimums (``z_c``, on the rows ``-sum x <= -K_c``) and ``0 <= x <= 1`` (``r_ij``). Any
non-negative ``(u, y, v, z)`` gives an upper bound on the total fit of *every* plan
under the same constraints (weak duality), once each pair gets the smallest
``r_ij = max(0, w_ij - u_i - y_cj - v_j + z_c)`` that makes its dual constraint hold:

    bound = sum L_i u_i + sum q_cj y_cj + sum S_j v_j - sum K_c z_c + sum r_ij

The ``r_ij`` are summed over *every* usable pair, including those the pruning cut, so
the bound does not rely on the pruning or on the solver: ``bound - objective`` is an
honest gap whatever they did.

The multipliers come from the solved flow itself. With the source and the sink merged,
the plan is a circulation; because it is optimal, its residual network has no negative
cycle, and shortest-path distances ``d`` in it (Bellman-Ford, from a virtual root) are
node potentials satisfying complementary slackness. Reading each constraint's
multiplier off its arc (``u_i = max(0, d_i - d_c)``, ``y_cj = max(0, d_j - d_cj)``,
``v_j = max(0, d_st - d_j)``, ``z_c = max(0, d_st - d_c)``) gives an optimal dual, so
the bound equals the objective exactly, in integer weight units: the gap is 0. If the
plan were not optimal, the distances would not settle and there is no certificate.
"""

from __future__ import annotations

import numpy as np

from .flow import Residual


def dual_bound(res: Residual, pm: np.ndarray, pj: np.ndarray, chosen: np.ndarray) -> float:
    """An upper bound (integer weight units) on the residual problem over all usable pairs.

    ``(pm, pj)`` are the pairs the flow was solved on and ``chosen`` the optimum on
    them; ``inf`` when that optimum admits no dual (it was not optimal).
    """
    n, m = res.shape
    nc = res.n_clusters
    u, y, v, z = np.zeros(n, np.int64), np.zeros((nc, m), np.int64), np.zeros(m, np.int64), np.zeros(nc, np.int64)
    if len(pm):
        potentials = _potentials(res, pm, pj, chosen)
        if potentials is None:
            return float("inf")
        u, y, v, z = potentials
    bound = (int(res.member_limit @ u) + int((res.quota * y).sum()) + int(res.seats @ v)
             - int(res.cluster_min @ z))
    return float(bound + _shortfall(res, u, y, v, z))


def _potentials(res: Residual, pm, pj, chosen):
    """The multipliers ``(u, y, v, z)`` read off shortest-path potentials of the optimal circulation."""
    n, m = res.shape
    nc = res.n_clusters
    clusters = res.member_cluster
    members, member_of_pair = np.unique(pm, return_inverse=True)
    quotas, quota_of_pair = np.unique(clusters[pm] * m + pj, return_inverse=True)
    # nodes: source-and-sink, clusters, missions, (cluster, mission) quotas, members
    st, first_cluster = 0, 1
    first_mission = first_cluster + nc
    first_quota = first_mission + m
    first_member = first_quota + len(quotas)
    nodes = first_member + len(members)
    load = np.bincount(member_of_pair[chosen], minlength=len(members))
    per_quota = np.bincount(quota_of_pair[chosen], minlength=len(quotas))
    per_mission = np.bincount(pj[chosen], minlength=m)
    per_cluster = np.bincount(clusters[members], weights=load, minlength=nc).astype(np.int64)
    pw = res.weights[pm, pj]
    big = int(res.seats.sum()) + 1  # the source's arcs to the clusters have no upper limit
    # every arc: tail, head, cost, capacity, flow, lower bound
    tail = np.concatenate([np.full(nc, st), first_cluster + clusters[members], first_member + member_of_pair,
                           first_quota + np.arange(len(quotas)), first_mission + np.arange(m)])
    head = np.concatenate([first_cluster + np.arange(nc), first_member + np.arange(len(members)),
                           first_quota + quota_of_pair, first_mission + quotas % m, np.full(m, st)])
    cost = np.concatenate([np.zeros(nc + len(members), np.int64), -pw, np.zeros(len(quotas) + m, np.int64)])
    cap = np.concatenate([np.full(nc, big), res.member_limit[members], np.ones(len(pm), np.int64),
                          res.quota[quotas // m, quotas % m], np.maximum(res.seats, 0)])
    flow = np.concatenate([per_cluster, load, chosen.astype(np.int64), per_quota, per_mission])
    lower = np.concatenate([res.cluster_min, np.zeros(len(members) + len(pm) + len(quotas) + m, np.int64)])
    forward, backward = flow < cap, flow > lower
    tails = np.concatenate([tail[forward], head[backward]])
    heads = np.concatenate([head[forward], tail[backward]])
    costs = np.concatenate([cost[forward], -cost[backward]])
    distance = np.zeros(nodes, np.int64)
    for _ in range(nodes + 1):  # Bellman-Ford: settles within `nodes` rounds unless a cycle is negative
        relaxed = distance.copy()
        np.minimum.at(relaxed, heads, distance[tails] + costs)
        if np.array_equal(relaxed, distance):
            break
        distance = relaxed
    else:
        return None
    d_cluster = distance[first_cluster:first_mission]
    d_mission = distance[first_mission:first_quota]
    u = np.zeros(n, np.int64)
    u[members] = np.maximum(0, distance[first_member:] - d_cluster[clusters[members]])
    y = np.zeros((nc, m), np.int64)
    y[quotas // m, quotas % m] = np.maximum(0, d_mission[quotas % m] - distance[first_quota:first_member])
    v = np.maximum(0, distance[st] - d_mission)
    z = np.maximum(0, distance[st] - d_cluster)
    return u, y, v, z


def _shortfall(res: Residual, u, y, v, z) -> int:
    """The sum, over every usable pair, of the ``r_ij`` that makes the multipliers feasible for it.

    Computed on the whole (members x missions) grid at once: a pair that may not be used
    has weight 0 (see :class:`~.flow.Residual`), so it adds nothing unless its price is
    negative, and then the usable mask removes it.
    """
    # Rows with no capacity left force their pairs to 0 in every plan; their dual can be
    # raised at no cost, so those pairs need no check: a price above every weight says so.
    if not res.weights.size:
        return 0
    above = int(res.weights.max()) + 1
    price = y + v[None, :] - z[:, None]  # (C, m): the price of a seat of cluster c on mission j, before u
    price[(res.quota <= 0) | (res.seats <= 0)[None, :]] = above
    negative = bool((price < 0).any())
    excess = price[res.member_cluster]
    excess += u[:, None]
    np.subtract(res.weights, excess, out=excess)
    np.maximum(excess, 0, out=excess)
    if negative:
        excess *= res.usable
    excess[res.member_limit <= 0] = 0
    return int(excess.sum())
