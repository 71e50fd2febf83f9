"""The exact solve: a minimum-cost flow (OR-Tools), over a provably sufficient subset of pairs.

The network (one unit of flow = one member on one mission)::

    source -> cluster c -> member i -> (c, mission j) -> mission j -> sink
         \\______________________ bypass ______________________/

* ``cluster -> member``: capacity = the member's limit (``--max-per-member`` minus its
  required missions), cost 0;
* ``member -> (c, j)``: capacity 1, cost ``-w_ij`` (the fit scaled to integers,
  ``max(1, round(score * 1e6))``): the solver is exact on integer costs. Ties are
  common (a member often fits several missions to one country equally), so the solver
  sees ``w_ij * M + (n - i) * (m - j)`` with ``M`` above any sum of the second terms:
  among the plans of best total fit it takes one that puts members early in key order
  on missions early in id order. That product is not a sum of a member part and a
  mission part, so swapping two members between two missions changes it. Ties of the
  perturbed costs remain possible but rare; the solver settles them deterministically
  (same input, same graph, same plan);
* ``(c, j) -> mission j``: capacity = the cluster quota on that mission;
* ``mission j -> sink``: capacity = the seats;
* ``source -> sink`` bypass at cost 0, so seats may stay empty: the source supplies
  ``F`` = all seats and whatever the missions do not take flows through the bypass;
* the per-cluster minimum across the plan is a lower bound ``K_c`` on
  ``source -> cluster``. Lower bounds are turned into node demands (the standard
  transform: pre-send ``K_c`` units, so the cluster node supplies ``K_c`` and the
  source ``K_c`` less); an infeasible minimum raises :class:`Infeasible` rather than
  being quietly missed.

Required pairs (``--require``) are lower bounds of 1 on ``member -> (c, j)``; the same
transform fixes that unit up front and shrinks the capacities it passes through (the
member's limit, the quota, the seats, the cluster's minimum). The caller does that, so
this module only sees the residual problem.

Why a pruned graph. On the full graph (22 missions x 100,000 members = 770,000
usable pair arcs) even OR-Tools' min-cost flow spends about 0.2 s, most of it building
the graph. Almost all of those arcs can never carry flow: a mission takes only
``quota`` members of a cluster, so only the best few candidates of each cluster on each
mission matter. :func:`solve_pruned` keeps, per (cluster, mission), the best ``k``
candidates (fit descending, member key ascending) and proves afterwards that the
rest could not improve the plan:

* *Pricing (the certificate).* Let ``x`` be the optimum on the kept pairs and
  ``(u, y, v, z)`` any optimal dual of its LP (member, quota, seat, cluster-minimum
  rows; the LP is integral because the matrix is a network matrix). If a (cluster,
  mission) list was cut, and one of its kept candidates ``k`` is neither on that
  mission nor at its member limit in ``x``, complementary slackness gives ``u_k = 0``
  and a zero multiplier on ``x_kj <= 1``, so the dual price of a seat of that cluster
  on that mission is ``y_cj + v_j - z_c >= w_kj >= w_ij`` for every candidate ``i``
  that was cut. Extending the dual with ``u_i = 0`` for the cut members keeps it
  feasible for the *full* problem at the same objective: so the full optimum equals
  the pruned one. Lists that fail the test are doubled and the problem re-solved.
* *A cap that always suffices (so the loop ends).* Let ``q`` be the cluster's quota
  on the mission, ``Q`` the sum of its quotas on all missions and ``L`` the smallest
  member limit in the cluster. Keeping ``T = q + floor((Q - q) / L) + 1``
  candidates, at most ``q`` of them can be on the mission and the remaining
  ``floor((Q - q) / L) + 1`` cannot all sit at their limit elsewhere (that would take
  more than the ``Q - q`` places the cluster has elsewhere), so the test passes. The
  same exchange argument (swap a cut member for a free kept one of the same cluster
  at least as good) shows that the capped graph is feasible exactly when the full one
  is, which is what makes an infeasibility found on it real.

The first round keeps ``2 * quota + 2`` candidates per (cluster, mission): about
1,000 pairs for 22 missions whatever the number of members. In the benchmark one
round suffices at 10,000 and 100,000 members (where 77,000 and 770,000 pairs are
usable); a small survey whose best members fit every mission takes two or three. The LP in
:mod:`~elca_match.planning.certificate` then turns this argument into numbers
checked on every candidate pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow as ortools_flow


class Infeasible(Exception):
    """The cluster minimums cannot be met on the pairs given."""


@dataclass
class Residual:
    """The problem left after the required pairs are fixed (arrays in solve order).

    ``weights`` holds the integer fit of every usable pair (0 where a pair may not be
    used); ``usable`` marks them. Members are rows, missions columns.
    """

    weights: np.ndarray  # (n, m) int64
    usable: np.ndarray  # (n, m) bool
    member_cluster: np.ndarray  # (n,) int: index into clusters
    member_limit: np.ndarray  # (n,) int: places left per member
    quota: np.ndarray  # (C, m) int: places left per cluster per mission
    seats: np.ndarray  # (m,) int: seats left per mission
    cluster_min: np.ndarray  # (C,) int: assignments still owed per cluster
    n_clusters: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.weights.shape  # type: ignore[return-value]


@dataclass
class Candidates:
    """Per (cluster, mission): the usable members, and how many of the best are kept."""

    members: dict[tuple[int, int], np.ndarray]  # usable members of cluster c at mission j (ascending index)
    kept: dict[tuple[int, int], int]
    cap: dict[tuple[int, int], int]  # the static bound T: keeping this many always suffices
    _ranked: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)

    def top(self, key: tuple[int, int], weights: np.ndarray, k: int) -> np.ndarray:
        """The best ``k`` candidates of ``key``, best first; ties go to the lower index (key order)."""
        cached = self._ranked.get(key)
        if cached is not None and len(cached) >= k:
            return cached[:k]
        ids = self.members[key]
        j = key[1]
        values = weights[ids, j]
        if k < len(ids):
            threshold = np.partition(values, len(ids) - k)[len(ids) - k]
            pick = values >= threshold
            ids, values = ids[pick], values[pick]
        order = np.lexsort((ids, -values))[:k]
        ranked = ids[order]
        self._ranked[key] = ranked
        return ranked


@dataclass
class FlowResult:
    """An optimum of the residual problem on the kept pairs."""

    pair_member: np.ndarray
    pair_mission: np.ndarray
    pair_weight: np.ndarray
    chosen: np.ndarray  # (pairs,) bool: the pair is in the plan
    objective: int  # total integer weight of the chosen pairs
    rounds: int


def build_candidates(res: Residual, initial: str = "lazy") -> Candidates:
    """Group usable pairs by (cluster, mission) and pick the first-round list sizes.

    ``initial`` is ``"lazy"`` (about ``2 * quota + 2``, grown on demand), ``"cap"``
    (the static bound) or ``"all"`` (no pruning: every usable pair).
    """
    n, m = res.shape
    # Members grouped by cluster (a stable sort keeps index order inside each) and each mission's
    # marks as one contiguous row: every (cluster, mission) list is then one slice of one row.
    order = np.argsort(res.member_cluster, kind="stable")
    bounds = np.searchsorted(res.member_cluster[order], np.arange(res.n_clusters + 1)).tolist()
    limits = res.member_limit[order]
    rows = np.ascontiguousarray((res.usable[order] & (limits > 0)[:, None]).T)
    members: dict[tuple[int, int], np.ndarray] = {}
    for j in range(m):
        if res.seats[j] <= 0:
            continue
        for c in range(res.n_clusters):
            if res.quota[c, j] > 0:
                start, end = bounds[c], bounds[c + 1]
                hits = np.flatnonzero(rows[j, start:end])
                if len(hits):
                    members[(c, j)] = order[start + hits]
    # Places a cluster can take at all: its quota where it has candidates.
    places = np.zeros(res.n_clusters, dtype=np.int64)
    for (c, j), ids in members.items():
        places[c] += min(int(res.quota[c, j]), len(ids))
    smallest_limit = np.full(res.n_clusters, 1, dtype=np.int64)
    for c in range(res.n_clusters):
        own = limits[bounds[c]:bounds[c + 1]]
        own = own[own > 0]
        if len(own):
            smallest_limit[c] = int(own.min())
    kept, cap = {}, {}
    for (c, j), ids in members.items():
        q = min(int(res.quota[c, j]), len(ids))
        static = q + (int(places[c]) - q) // int(smallest_limit[c]) + 1
        cap[(c, j)] = min(len(ids), static)
        if initial == "all":
            kept[(c, j)] = len(ids)
        elif initial == "cap":
            kept[(c, j)] = cap[(c, j)]
        else:
            kept[(c, j)] = min(cap[(c, j)], 2 * q + 2)
    return Candidates(members=members, kept=kept, cap=cap)


def per_cluster(marks: np.ndarray, member_cluster: np.ndarray, n_clusters: int) -> np.ndarray:
    """(C, m): how many members of each cluster each column of the (members x missions) ``marks`` holds.

    One block of rows per cluster, summed down its columns: no per-mission pass over all members.
    """
    counts = np.zeros((n_clusters, marks.shape[1]), dtype=np.int64)
    for c in range(n_clusters):
        counts[c] = np.count_nonzero(marks[member_cluster == c], axis=0)
    return counts


def kept_pairs(res: Residual, cand: Candidates) -> tuple[np.ndarray, np.ndarray]:
    """The kept pairs as (member, mission) arrays, ordered by member then mission."""
    rows, cols = [], []
    for key in sorted(cand.kept):
        ids = cand.top(key, res.weights, cand.kept[key])
        rows.append(ids)
        cols.append(np.full(len(ids), key[1], dtype=np.int64))
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pm, pj = np.concatenate(rows), np.concatenate(cols)
    order = np.lexsort((pj, pm))
    return pm[order], pj[order]


def min_cost_flow(res: Residual, pm: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, int]:
    """Solve the residual problem on the pairs (pm, pj) exactly; return the chosen mask and objective.

    Pairs must be ordered by member (as :func:`kept_pairs` gives them), so the same
    input builds the same graph. Raises :class:`Infeasible` when the cluster minimums
    cannot be met on these pairs.
    """
    n, m = res.shape
    pw = res.weights[pm, pj]
    nc = res.n_clusters
    total = int(res.seats.sum())
    members, member_of_pair = np.unique(pm, return_inverse=True)
    quotas, quota_of_pair = np.unique(res.member_cluster[pm] * m + pj, return_inverse=True)
    # nodes: source, sink, clusters, missions, (cluster, mission) quotas, members
    source, sink, first_cluster = 0, 1, 2
    first_mission = first_cluster + nc
    first_quota = first_mission + m
    first_member = first_quota + len(quotas)
    nodes = first_member + len(members)
    tails = np.concatenate([[source], np.full(nc, source), first_cluster + res.member_cluster[members],
                            first_member + member_of_pair, first_quota + np.arange(len(quotas)),
                            first_mission + np.arange(m)])
    heads = np.concatenate([[sink], first_cluster + np.arange(nc), first_member + np.arange(len(members)),
                            first_quota + quota_of_pair, first_mission + quotas % m, np.full(m, sink)])
    capacity = np.concatenate([[total], np.full(nc, total), res.member_limit[members], np.ones(len(pm), np.int64),
                               res.quota[quotas // m, quotas % m], np.maximum(res.seats, 0)])
    supplies = np.zeros(nodes, dtype=np.int64)
    supplies[source] = total - int(res.cluster_min.sum())
    supplies[first_cluster:first_cluster + nc] = res.cluster_min
    supplies[sink] = -total
    first_pair = 1 + nc + len(members)
    for cost in (_tie_broken(pw, pm, pj, res.shape, total), pw):
        costs = np.concatenate([np.zeros(first_pair, np.int64), -cost, np.zeros(len(quotas) + m, np.int64)])
        solver = ortools_flow.SimpleMinCostFlow()
        arcs = solver.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                                           capacity.astype(np.int64), costs)
        solver.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies)
        status = solver.solve()
        if status != solver.BAD_COST_RANGE:
            break
        # the tie-broken costs are too large for the solver's cost scaling: solve on the fit alone
        # (still optimal and deterministic, only the choice among equal plans is the solver's)
    if status == solver.INFEASIBLE:
        raise Infeasible()
    if status != solver.OPTIMAL:  # a bad range or result: a bug, never a property of the data
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = solver.flows(arcs[first_pair:first_pair + len(pm)]) > 0
    return chosen, int(pw[chosen].sum())


def _tie_broken(weights: np.ndarray, pm: np.ndarray, pj: np.ndarray, shape: tuple[int, int], flow: int) -> np.ndarray:
    """``w * M + (n - i) * (m - j)``: the fit first, then earlier members on earlier missions (see the module doc).

    ``M`` exceeds the largest sum of the second terms over a plan (``flow * n * m``), so
    no tie-break ever outweighs a step of fit. Plain ``w`` when that would not fit in 63 bits.
    """
    n, m = shape
    scale = flow * n * m + 1
    top = int(weights.max()) if len(weights) else 0
    if (top + 1) * scale >= 2 ** 62:
        return weights
    return weights.astype(np.int64) * scale + (n - pm) * (m - pj)


def solve_pruned(res: Residual, prune: bool = True) -> FlowResult:
    """The exact optimum of the residual problem, solved on the kept pairs (see the module doc).

    Raises :class:`Infeasible` only when the full problem is infeasible: that is
    decided on the static cap, which preserves feasibility.
    """
    cand = build_candidates(res, "lazy" if prune else "all")
    rounds = 0
    escalated = not prune
    while True:
        rounds += 1
        pm, pj = kept_pairs(res, cand)
        try:
            chosen, objective = min_cost_flow(res, pm, pj)
        except Infeasible:
            if escalated:
                raise
            # A cut list may have hidden the only way to meet a minimum: retry on the cap,
            # on which feasibility is exact.
            cand.kept = dict(cand.cap)
            escalated = True
            continue
        grow = _lists_to_grow(res, cand, pm, pj, chosen)
        if not grow:
            return FlowResult(pm, pj, res.weights[pm, pj], chosen, objective, rounds)
        for key in grow:
            cand.kept[key] = min(cand.cap[key], 2 * cand.kept[key])


def _lists_to_grow(res: Residual, cand: Candidates, pm, pj, chosen) -> list[tuple[int, int]]:
    """The cut (cluster, mission) lists whose kept candidates are all busy (the pricing test fails)."""
    load = np.bincount(pm[chosen], minlength=res.shape[0])
    on = set(zip(pm[chosen].tolist(), pj[chosen].tolist()))
    grow = []
    for key, k in cand.kept.items():
        if k >= len(cand.members[key]) or k >= cand.cap[key]:
            continue  # nothing was cut, or the static bound already proves it
        j = key[1]
        ids = cand.top(key, res.weights, k)
        free = (load[ids] < res.member_limit[ids]) & np.array([(i, j) not in on for i in ids.tolist()], dtype=bool)
        if not free.any():
            grow.append(key)
    return sorted(grow)


def cluster_capacity(res: Residual, c: int, cand: Candidates | None = None) -> int:
    """The most assignments cluster ``c`` could get on its own (other clusters ignored).

    A maximum flow on the cluster's capped candidate lists (the cap keeps feasibility,
    hence the maximum, exact). Only used to explain an infeasible minimum.
    """
    cand = cand or build_candidates(res, "cap")
    m = res.shape[1]
    source, sink = 0, 1  # then missions 2..m+1, then members by index
    tails, heads, capacity, members = [], [], [], set()
    for (cc, j), _ in sorted(cand.kept.items()):
        if cc != c:
            continue
        tails.append(2 + j), heads.append(sink), capacity.append(int(min(res.quota[c, j], res.seats[j])))
        for i in cand.top((cc, j), res.weights, cand.cap[(cc, j)]).tolist():
            members.add(i)
            tails.append(2 + m + i), heads.append(2 + j), capacity.append(1)
    if not members:
        return 0
    for i in sorted(members):
        tails.append(source), heads.append(2 + m + i), capacity.append(int(res.member_limit[i]))
    from ortools.graph.python import max_flow  # only to explain a failure: not worth loading on every plan

    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(np.array(tails, np.int32), np.array(heads, np.int32), np.array(capacity, np.int64))
    if solver.solve(source, sink) != solver.OPTIMAL:
        raise RuntimeError("maximum flow failed")
    return int(solver.optimal_flow())
