"""Why the plan looks the way it does: empty seats, alternates, and who was left out by what.

For every considered member with a fit that is not on the mission it fits best (or on
none), :func:`left_out` names the constraint that stopped it, checked in this order:

1. ``eligibility_rule``: the mission type's rule excludes the member;
2. ``cluster_quota``: its cluster already holds its quota on that mission (and the
   member beats someone of another cluster there, so the seats are not the reason);
3. ``seats_full``: every seat is taken;
4. ``member_limit``: the mission had room, but the member is already on
   ``--max-per-member`` missions where the plan gains more;
5. ``trade_off``: none of these is tight; the optimum used the place differently
   (for example to meet ``--cluster-min-seats``).

The best mission is the one with the highest fit, eligible or not. When its rule
excludes a member that travels nowhere, the detail adds what kept the member off its
best mission it *is* eligible for (what stopped it from travelling at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np

from .flow import per_cluster
from .model import (
    CLUSTER_QUOTA,
    ELIGIBILITY_RULE,
    MEMBER_LIMIT,
    NO_ELIGIBLE_MEMBER,
    SEATS_FULL,
    TRADE_OFF,
    LeftOut,
    UnfilledSeats,
    WaitlistEntry,
)


@dataclass
class Context:
    """A solved instance and the counts every explanation needs."""

    prob: Any  # planner.Instance
    assigned: np.ndarray  # (n, m) bool
    required: np.ndarray  # (n, m) bool
    calendar: list[int]  # mission indices in date order
    load: np.ndarray = field(init=False)
    used: np.ndarray = field(init=False)
    used_by_cluster: np.ndarray = field(init=False)  # (C, m)
    missions_of: dict[int, list[str]] = field(init=False)
    _summaries: dict[int, str] = field(init=False, default_factory=dict)
    _lowest: np.ndarray | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        p = self.prob
        n, m = self.assigned.shape
        # counted from the few assigned pairs, not by summing the whole grid
        rows, cols = np.nonzero(self.assigned)
        self.load = np.bincount(rows, minlength=n)
        self.used = np.bincount(cols, minlength=m)
        self.used_by_cluster = np.zeros((len(p.clusters), m), dtype=np.int64)
        np.add.at(self.used_by_cluster, (p.member_cluster[rows], cols), 1)
        self.missions_of = {}
        for i, j in zip(rows.tolist(), cols.tolist()):
            self.missions_of.setdefault(i, []).append(p.missions[j].id)

    def summary(self, j: int) -> str:
        """Who may join mission ``j``, in words (cached: the same few texts repeat for every member)."""
        if j not in self._summaries:
            self._summaries[j] = self.prob.rules.summary(self.prob.missions[j])
        return self._summaries[j]

    def lowest_other(self) -> np.ndarray:
        """(C, m): the lowest score on each mission among members of *other* clusters (inf if none)."""
        if self._lowest is not None:
            return self._lowest
        p = self.prob
        low = np.full((len(p.clusters), len(p.missions)), np.inf)
        rows, cols = np.nonzero(self.assigned)
        for c in range(len(p.clusters)):
            other = p.member_cluster[rows] != c
            if other.any():
                np.minimum.at(low[c], cols[other], p.scores[rows[other], cols[other]])
        self._lowest = low
        return low


def left_out(ctx: Context, limit: int | None = None) -> list[LeftOut]:
    """Every considered member with a fit that is not on its best mission, with the binding constraint.

    The best mission is the one with the highest fit, eligible or not. When the rule of
    that mission excludes a member who travels nowhere, the detail also says what kept
    it off its best mission it *is* eligible for. ``limit`` explains only the first
    rows (member key order): who is left out is found for all members at once, the
    reasons are worded only for the rows asked for.
    """
    p = ctx.prob
    n, m = p.scores.shape
    if not n or not m:
        return []
    fit = p.fit & p.considered[:, None]
    eligible_fit = fit & p.eligible
    best_any = np.where(fit, p.scores, -1.0).argmax(axis=1)
    best_eligible = np.where(eligible_fit, p.scores, -1.0).argmax(axis=1)
    at_best = ctx.assigned[np.arange(n), best_any]
    rows = np.flatnonzero(fit.any(axis=1) & ~at_best)[:limit]
    if not len(rows):
        return []
    # Worded per kind of reason, not per row: this can run for every member of a large survey.
    target = best_any[rows]
    codes, details = _reasons(ctx, rows, target)
    second = np.flatnonzero((ctx.load[rows] == 0) & eligible_fit[rows].any(axis=1) & ~p.eligible[rows, target])
    if len(second):
        other_target = best_eligible[rows[second]]
        _, other_details = _reasons(ctx, rows[second], other_target)
        for k, mission, other in zip(second.tolist(), _ids(p, other_target), other_details):
            details[k] = f"{details[k]}; its best eligible mission {mission}: {other}"
    assigned_to = {i: tuple(ids) for i, ids in ctx.missions_of.items()}
    return list(map(LeftOut, map(p.keys.__getitem__, rows.tolist()),
                    np.array(p.clusters, dtype=object)[p.member_cluster[rows]].tolist(),
                    map(assigned_to.get, rows.tolist(), repeat(())), _ids(p, target),
                    p.scores[rows, target].tolist(), codes, details))


_ORDER = (ELIGIBILITY_RULE, CLUSTER_QUOTA, SEATS_FULL, MEMBER_LIMIT, TRADE_OFF)  # the module's order


def _ids(p: Any, missions: np.ndarray) -> list[str]:
    return np.array([x.id for x in p.missions], dtype=object)[missions].tolist()


def _reasons(ctx: Context, rows: np.ndarray, target: np.ndarray) -> tuple[list[str], list[str]]:
    """The binding constraint for member ``rows[k]`` at mission ``target[k]`` (the module's order), and its detail.

    The tests run on all rows at once; each detail depends on the mission alone (the
    cluster too for a quota, the member for its limit), so each distinct text is worded once.
    """
    p = ctx.prob
    clusters = p.member_cluster[rows]
    eligible = p.eligible[rows, target]
    quota_full = ctx.used_by_cluster[clusters, target] >= p.quota[target]
    seats_full = ctx.used[target] >= p.seats[target]
    beats_other = p.scores[rows, target] > ctx.lowest_other()[clusters, target]
    at_limit = ctx.load[rows] >= p.params.max_per_member
    kind = np.select([~eligible, quota_full & (~seats_full | beats_other), seats_full, at_limit],
                     [0, 1, 2, 3], default=4)
    details = np.empty(len(rows), dtype=object)
    limited = kind == 3
    for k in np.flatnonzero(limited).tolist():
        details[k] = _detail(ctx, MEMBER_LIMIT, int(target[k]), int(clusters[k]), int(rows[k]))
    m = len(p.missions)
    groups = (kind * len(p.clusters) + np.where(kind == 1, clusters, 0)) * m + target  # (kind, cluster, mission)
    distinct, inverse = np.unique(groups[~limited], return_inverse=True)
    texts = np.array([_detail(ctx, _ORDER[g // m // len(p.clusters)], g % m, g // m % len(p.clusters), -1)
                      for g in distinct.tolist()], dtype=object)
    details[~limited] = texts[inverse]
    return np.array(_ORDER, dtype=object)[kind].tolist(), details.tolist()


def _detail(ctx: Context, code: str, j: int, c: int, i: int) -> str:
    """The words for ``code`` at mission ``j`` (for cluster ``c`` of a quota, member ``i`` at its limit)."""
    p = ctx.prob
    mission = p.missions[j].id
    if code == ELIGIBILITY_RULE:
        return f"{mission} ({p.missions[j].type}) is for {ctx.summary(j)}"
    if code == CLUSTER_QUOTA:
        return (f"{p.clusters[c]} already has {int(p.quota[j])} of the {int(p.seats[j])} "
                f"seats on {mission}, its quota (--cluster-max-share {p.params.cluster_max_share:g})")
    if code == SEATS_FULL:
        return f"all {int(p.seats[j])} seats on {mission} are taken"
    if code == MEMBER_LIMIT:
        return f"already on {', '.join(ctx.missions_of.get(i, []))} (--max-per-member {p.params.max_per_member})"
    return f"{mission} has room, but the optimum uses the place differently (e.g. to meet the cluster minimums)"


def waitlist(ctx: Context) -> list[WaitlistEntry]:
    """Per mission, the best usable members not on it (score, then key), with what moving them costs."""
    p = ctx.prob
    size = p.params.waitlist_size
    out = []
    if not size:
        return out
    free = np.ascontiguousarray((p.usable & ~ctx.assigned).T)  # one row per mission: a contiguous scan each
    for j in ctx.calendar:
        ids = np.flatnonzero(free[j])
        if not len(ids):
            continue
        values = p.scores[ids, j]
        if len(ids) > size:
            threshold = np.partition(values, len(ids) - size)[len(ids) - size]
            pick = values >= threshold
            ids, values = ids[pick], values[pick]
        order = np.lexsort((ids, -values))[:size]
        for rank, i in enumerate(ids[order].tolist(), 1):
            c = int(p.member_cluster[i])
            notes = []
            if ctx.load[i] >= p.params.max_per_member:
                notes.append(f"now on {', '.join(ctx.missions_of.get(i, []))}")
            if ctx.used_by_cluster[c, j] >= p.quota[j]:
                notes.append(f"{p.clusters[c]} is at its quota here: can only replace a {p.clusters[c]} member")
            out.append(WaitlistEntry(mission=p.missions[j].id, rank=rank, member=p.members[i].key,
                                     cluster=p.clusters[c], score=float(p.scores[i, j]),
                                     note="; ".join(notes) or "free"))
    return out


def unfilled_seats(ctx: Context) -> list[UnfilledSeats]:
    """The empty seats of each mission and why no one else could take them."""
    p = ctx.prob
    limit = p.params.max_per_member
    out = []
    for j in ctx.calendar:
        free = int(p.seats[j] - ctx.used[j])
        if free <= 0:
            continue
        mission = p.missions[j]
        rest = p.usable[:, j] & ~ctx.assigned[:, j]
        if not rest.any():
            parts = [f"no other member is eligible with a fit for {mission.id}"]
            by_rule = int((p.considered & p.fit[:, j] & ~p.eligible[:, j]).sum())
            if by_rule:
                parts.append(f"{by_rule} member(s) with a fit fail the rule ({p.rules.summary(mission)})")
            no_fit = int((p.considered & p.eligible[:, j] & ~p.fit[:, j]).sum())
            if no_fit and not p.params.allow_zero_fit:
                parts.append(f"{no_fit} eligible member(s) have no fit (--allow-zero-fit)")
            out.append(UnfilledSeats(mission.id, free, NO_ELIGIBLE_MEMBER, "; ".join(parts)))
            continue
        ids = np.flatnonzero(rest)
        quota_blocked = ctx.used_by_cluster[p.member_cluster[ids], j] >= p.quota[j]
        limit_blocked = ~quota_blocked & (ctx.load[ids] >= limit)
        other = int((~quota_blocked & ~limit_blocked).sum())
        n_quota, n_limit = int(quota_blocked.sum()), int(limit_blocked.sum())
        parts = []
        if n_quota:
            full = sorted({p.clusters[c] for c in p.member_cluster[ids[quota_blocked]].tolist()})
            parts.append(f"{n_quota} remaining candidate(s) belong to clusters at their quota here "
                         f"({', '.join(full)}; --cluster-max-share {p.params.cluster_max_share:g})")
        if n_limit:
            parts.append(f"{n_limit} are already on other missions (--max-per-member {limit})")
        if other:
            parts.append(f"{other} could come but the optimum places them elsewhere")
            code = TRADE_OFF
        else:
            code = CLUSTER_QUOTA if n_quota >= n_limit else MEMBER_LIMIT
        out.append(UnfilledSeats(mission.id, free, code, "; ".join(parts)))
    return out


def not_considered(ctx: Context) -> dict[str, int]:
    """How many members the planner never placed, by cause (unconsented, excluded, no fit)."""
    p = ctx.prob
    consent, excluded = p.consent, p.excluded
    unconsented = int((~consent & ~excluded).sum()) if p.params.consented_only else 0
    no_fit = int((p.considered & ~p.fit.any(axis=1)).sum()) if p.missions else int(p.considered.sum())
    return {"unconsented": unconsented, "excluded": int(excluded.sum()), "no_fit": no_fit}


def capacity_notes(ctx: Context) -> list[str]:
    """The totals checked before solving, in words: seats against eligible members and quotas."""
    p = ctx.prob
    params = p.params
    total = int(p.seats.sum())
    usable = p.usable | ctx.required
    degree = np.count_nonzero(usable, axis=1)
    eligible_members = int(np.count_nonzero(degree))
    by_members = int(np.minimum(degree, params.max_per_member).sum())
    candidates = per_cluster(usable, p.member_cluster, len(p.clusters))
    by_missions = int(np.minimum(p.seats, np.minimum(candidates, p.quota[None, :]).sum(axis=0)).sum())
    notes = [
        f"{total} seats on {len(p.missions)} missions; {int(p.considered.sum())} members considered, "
        f"{eligible_members} eligible with a fit for at least one mission, up to {params.max_per_member} "
        f"mission(s) each.",
        f"Cluster quota on a mission: floor({params.cluster_max_share:g} x seats), at least 1, so a one-seat "
        f"mission still takes a member of any cluster.",
    ]
    fillable = min(by_members, by_missions)
    if fillable < total:
        notes.append(f"At most {fillable} of the {total} seats can be filled: "
                     + ("too few eligible members" if by_members <= by_missions else "the cluster quotas and eligible candidates per mission")
                     + " (relax with --max-per-member, --cluster-max-share, --include-unconsented or --allow-zero-fit).")
    if params.cluster_min_seats:
        notes.append(f"Every cluster gets at least {params.cluster_min_seats} seat(s) across the plan "
                     f"(--cluster-min-seats).")
    return notes
