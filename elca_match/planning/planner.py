"""``make_plan``: members x missions x scores x parameters -> an optimal, explained :class:`Plan`.

The steps: put the input in a canonical order (members by key, missions by id, so
the plan does not depend on input order), decide which pairs may be used (consent,
``--exclude``, the eligibility rule of the mission type, and *fit*: a positive score
and, when the mission lists sectors, a shared sector), fix the required pairs, check
the totals that can make the problem infeasible (required pairs against limits,
seats and quotas; cluster minimums against the seats and each cluster's own
capacity), solve exactly (:mod:`.flow`), certify (:mod:`.certificate`) and explain
(:mod:`.explain`).

Re-planning (``keep``: the assignments of a base plan) first finds the largest set of
base assignments that can stay together, best total fit among those (a min-cost flow
whose kept pairs carry a bonus larger than any total fit), then fixes that set like
required pairs and fills the other seats optimally, so the certificate proves the
optimum *given the kept assignments*. Every base assignment that left gets the
constraint that forced it out, every newcomer the seat it fills.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from operator import lt

import numpy as np

from ..errors import InfeasibleError, NotFoundError, Option, Problem, UsageError, did_you_mean
from ..text import closest
from . import explain
from .certificate import dual_bound
from .flow import (FlowResult, Infeasible, Residual, build_candidates, cluster_capacity, kept_pairs, min_cost_flow,
                   per_cluster, solve_pruned)
from . import model
from .model import Assignment, Certificate, Change, Plan, PlanMember, PlanMission, PlanParams, cluster_quota
from .rules import MemberTable, MissionRules, Test, gather, load_rules

# Fit is scaled to integers for the min-cost flow (exact on integers): 1e6 keeps six
# decimals of a [0, 1] score, and a usable pair is worth at least 1 so that with
# --allow-zero-fit filling a seat still beats leaving it empty.
SCALE = 1_000_000
# The bound is computed in integer units from the flow's potentials, so an optimal plan has
# gap 0 exactly; the tolerance (score units per assignment, plus a floor) only keeps the
# verdict robust should the bound ever come from a floating-point LP again.
GAP_TOLERANCE = 1e-6


@dataclass
class Instance:
    """Everything about one instance, in solve order (members by key, missions by id)."""

    members: list[PlanMember]
    missions: list[PlanMission]
    scores: np.ndarray  # (n, m) float
    clusters: list[str]
    member_cluster: np.ndarray
    consent: np.ndarray  # (n,) bool
    excluded: np.ndarray  # (n,) bool: --exclude
    considered: np.ndarray  # (n,) bool: consent and not excluded
    eligible: np.ndarray  # (n, m) bool: the mission type's rule
    fit: np.ndarray  # (n, m) bool: positive score and a shared sector
    usable: np.ndarray  # (n, m) bool: may be assigned by the optimiser
    weights: np.ndarray  # (n, m) int64
    seats: np.ndarray  # (m,)
    quota: np.ndarray  # (m,): seats one cluster may take
    required: list[tuple[int, int]]
    params: PlanParams
    rules: MissionRules
    kept: list[tuple[int, int]] = field(default_factory=list)  # base-plan pairs fixed by a re-plan
    keys: list[str] = field(default_factory=list)  # the members' keys


def make_plan(
    members: Sequence[PlanMember],
    missions: Sequence[PlanMission],
    scores,
    params: PlanParams | None = None,
    rules: MissionRules | None = None,
    *,
    prune: bool = True,
    keep: Collection[tuple[str, str]] | None = None,
) -> Plan:
    """Assign members to missions to maximise total fit under seats, limits, quotas and rules.

    ``scores[i, j]`` is the fit of ``members[i]`` to ``missions[j]`` (>= 0; 0 means no
    fit). ``rules`` defaults to ``models/mission-rules.yaml``. ``prune=False`` solves
    on every usable pair (slow; for tests that the pruning keeps the optimum).

    ``keep`` re-plans from a base plan: its ``(member key, mission id)`` assignments.
    As many of them as the constraints allow stay (the most, then the best fit), the
    remaining seats are filled optimally, and ``Plan.changes`` says who left and
    joined and why. Pairs of members or missions no longer in the input leave.

    Raises UsageError for bad parameters, NotFoundError for unknown keys in
    ``exclude``/``require``, InfeasibleError naming the constraint that cannot be met,
    by how much and what to relax, and DefinitionError for a mission type without rule.
    """
    params = params or PlanParams()
    _check_params(params)
    rules = rules or load_rules()
    prob = _prepare(members, missions, scores, params, rules)
    res, fixed_weight = _residual(prob)
    _check_cluster_minimums(prob, res)
    try:
        if keep:  # None: not a re-plan; empty: a re-plan from a plan without assignments
            prob.kept = _most_kept(prob, res, keep, prune)
            res, fixed_weight = _residual(prob)
        flow = solve_pruned(res, prune=prune)
    except Infeasible:
        raise _minimum_error(prob, res) from None
    plan = _assemble(prob, res, flow, fixed_weight)
    return plan if keep is None else replace(plan, changes=tuple(_changes(prob, plan, keep)))


def _check_params(p: PlanParams) -> None:
    problems = []
    if p.max_per_member < 1:
        problems.append(("max_per_member", "1 or more", p.max_per_member))
    if not 0 < p.cluster_max_share <= 1:
        problems.append(("cluster_max_share", "above 0 and at most 1 (a share of the seats)", p.cluster_max_share))
    if p.cluster_min_seats < 0:
        problems.append(("cluster_min_seats", "0 or more", p.cluster_min_seats))
    if p.waitlist_size < 0:
        problems.append(("waitlist_size", "0 or more", p.waitlist_size))
    if problems:
        raise UsageError("", [Problem("option_out_of_range", value=v, params={"option": Option(o), "allowed": a})
                              for o, a, v in problems])


def _prepare(members, missions, scores, params: PlanParams, rules: MissionRules) -> Instance:
    scores = np.asarray(scores, dtype=float)
    if scores.shape != (len(members), len(missions)):
        raise ValueError(f"scores must be members x missions = {(len(members), len(missions))}, got {scores.shape}")
    # two reductions, no temporary arrays: NaN fails the first test, infinity the second
    if scores.size and not (scores.min() >= 0 and scores.max() < np.inf):
        raise ValueError("scores must be finite and >= 0")
    mission_ids = [x.id for x in missions]
    jorder = sorted(range(len(missions)), key=mission_ids.__getitem__)
    mis = [missions[j] for j in jorder]
    _no_duplicates([x.id for x in mis], "mission id")
    # every member field the planner and the rules read, in one pass over the members
    values = gather(members, rules.attributes({x.type for x in mis}))
    member_keys = values["key"]
    if all(map(lt, member_keys, islice(member_keys, 1, None))):
        # already in key order (as the store reads them), and strictly so: no duplicates, nothing to reorder
        mem = list(members)
        # a copy all the same: the plan explains its left-out members later, from these scores
        scores = scores[:, jorder] if jorder != sorted(jorder) else scores.copy()
    else:
        morder = sorted(range(len(members)), key=member_keys.__getitem__)
        mem = list(map(members.__getitem__, morder))
        values = {name: list(map(column.__getitem__, morder)) for name, column in values.items()}
        _no_duplicates(values["key"], "member key")
        scores = scores[np.ix_(morder, jorder)] if len(mem) and len(mis) else np.zeros((len(mem), len(mis)))
    n, m = scores.shape
    keys = values["key"]
    cluster_of = values["cluster"]
    clusters = sorted(set(cluster_of))
    cluster_index = {c: k for k, c in enumerate(clusters)}
    member_cluster = np.fromiter(map(cluster_index.__getitem__, cluster_of), dtype=np.int64, count=n)

    unknown = sorted(set(params.exclude) - set(keys)) if params.exclude else []
    if unknown:
        raise NotFoundError("", [Problem("not_found", value=k, params={
            "what": "member to exclude", "suggestion": did_you_mean(closest(k, keys)),
            "hint": "elca-match members list"}) for k in unknown])
    excluded = np.isin(np.array(keys, dtype=object), list(params.exclude)) if params.exclude else np.zeros(n, bool)
    consent = np.fromiter(map(bool, values["consent"]), dtype=bool, count=n)
    considered = ~excluded & (consent | (not params.consented_only))

    table = MemberTable(mem, values)
    eligible = np.zeros((n, m), dtype=bool)
    sector_ok = np.ones((n, m), dtype=bool)
    for j, mission in enumerate(mis):
        eligible[:, j] = rules.eligible(table, mission)
        if mission.sectors:
            sector_ok[:, j] = Test("sectors", "contains_any", sorted(mission.sectors)).evaluate(table, {})
    fit = (scores > 0) & sector_ok
    usable = eligible & considered[:, None]
    if not params.allow_zero_fit:
        usable &= fit
    # in place: each temporary of this size costs as much as the arithmetic
    weights = np.multiply(scores, SCALE)
    np.rint(weights, out=weights)
    np.maximum(weights, 1, out=weights)
    weights *= usable
    weights = weights.astype(np.int64)
    seats = np.array([max(0, int(x.seats)) for x in mis], dtype=np.int64)
    quota = np.array([cluster_quota(int(s), params.cluster_max_share) for s in seats], dtype=np.int64)
    required = _resolve_required(params, keys, [x.id for x in mis], excluded, consent)
    return Instance(mem, mis, scores, clusters, member_cluster, consent, excluded, considered, eligible, fit, usable,
                    weights, seats, quota, required, params, rules, keys=keys)


def _no_duplicates(values: list[str], what: str) -> None:
    """``values`` are sorted: a repeat sits next to its twin."""
    if len(set(values)) == len(values):
        return
    seen = {v for v, w in zip(values, values[1:]) if v == w}
    if seen:
        raise ValueError(f"duplicate {what}: {sorted(seen)[0]}")


def _resolve_required(params: PlanParams, keys: list[str], mission_ids: list[str], excluded, consent):
    if not params.fixed:
        return []
    key_index = {k: i for i, k in enumerate(keys)}
    mission_index = {k: j for j, k in enumerate(mission_ids)}
    problems = []
    for member, mission in sorted(params.fixed):
        if member not in key_index:
            problems.append(Problem("not_found", value=member, params={
                "what": "member to require", "suggestion": did_you_mean(closest(member, keys)),
                "hint": "elca-match members list"}))
        if mission not in mission_index:
            problems.append(Problem("not_found", value=mission, params={
                "what": "mission", "suggestion": did_you_mean(closest(mission, mission_ids)),
                "hint": "elca-match missions list"}))
    if problems:
        raise NotFoundError("", problems)
    pairs = sorted((key_index[a], mission_index[b]) for a, b in params.fixed)
    clash = sorted({keys[i] for i, _ in pairs if excluded[i]})
    if clash:
        raise UsageError("", [Problem("plan_require_excluded", value=k) for k in clash])
    if params.consented_only:
        refused = [(keys[i], mission_ids[j]) for i, j in pairs if not consent[i]]
        if refused:
            raise InfeasibleError("", [Problem("plan_require_consent", value=k, params={"mission": j})
                                       for k, j in refused])
    return pairs


def _residual(prob: Instance) -> tuple[Residual, int]:
    """Fix the required and kept pairs (lower bound 1 on their arc) and return what is left to decide."""
    p = prob.params
    n, m = prob.scores.shape
    nc = len(prob.clusters)
    ids = [x.id for x in prob.missions]
    per_member = np.zeros(n, dtype=np.int64)
    per_mission = np.zeros(m, dtype=np.int64)
    per_cluster_mission = np.zeros((nc, m), dtype=np.int64)
    per_cluster = np.zeros(nc, dtype=np.int64)
    for i, j in prob.required + prob.kept:
        c = prob.member_cluster[i]
        per_member[i] += 1
        per_mission[j] += 1
        per_cluster_mission[c, j] += 1
        per_cluster[c] += 1
    problems = []
    for i in np.flatnonzero(per_member > p.max_per_member):
        count = int(per_member[i])
        problems.append(Problem("plan_require_limit", value=prob.members[i].key, params={
            "count": count, "limit": p.max_per_member, "excess": count - p.max_per_member}))
    for j in np.flatnonzero(per_mission > prob.seats):
        count = int(per_mission[j])
        problems.append(Problem("plan_require_seats", value=ids[j], params={
            "count": count, "seats": int(prob.seats[j]), "excess": count - int(prob.seats[j])}))
    for c, j in zip(*np.nonzero(per_cluster_mission > prob.quota[None, :])):
        count, seats = int(per_cluster_mission[c, j]), int(prob.seats[j])
        if count > seats:
            continue  # already reported as a seats problem
        problems.append(Problem("plan_require_quota", value=ids[j], params={
            "count": count, "cluster": prob.clusters[c], "quota": int(prob.quota[j]), "seats": seats,
            "share": p.cluster_max_share, "suggested": _share_for(count, seats),
            "excess": count - int(prob.quota[j])}))
    if problems:
        raise InfeasibleError("", problems)
    limit = p.max_per_member - per_member
    fixed = 0
    if prob.required or prob.kept:
        usable = prob.usable.copy()
        weights = prob.weights.copy()
        for i, j in prob.required + prob.kept:
            fixed += int(max(0, np.rint(prob.scores[i, j] * SCALE)))
            usable[i, j] = False
            weights[i, j] = 0
        spent = limit <= 0
        usable[spent] = False
        weights[spent] = 0
    else:
        # nothing fixed: every member has its whole limit, and the instance's arrays (0 weight where a
        # pair may not be used) serve as they are; no one writes to them
        usable, weights = prob.usable, prob.weights
    res = Residual(
        weights=weights, usable=usable, member_cluster=prob.member_cluster, member_limit=limit,
        quota=prob.quota[None, :] - per_cluster_mission, seats=prob.seats - per_mission,
        cluster_min=np.maximum(0, p.cluster_min_seats - per_cluster), n_clusters=nc,
    )
    return res, fixed


def _share_for(count: int, seats: int) -> float:
    """The smallest two-decimal share whose quota on ``seats`` seats admits ``count`` members."""
    share = np.ceil(100 * count / seats) / 100
    while cluster_quota(seats, share) < count and share < 1:
        share = round(share + 0.01, 2)
    return float(min(1.0, share))


def _check_cluster_minimums(prob: Instance, res: Residual) -> None:
    """Fail early, with numbers, when the per-cluster minimum clearly cannot be met.

    Cheap totals only (all seats; per cluster, the smaller of what its members and
    what the quotas on its missions allow); the exact per-cluster capacity, a max flow,
    is computed only to explain a failure.
    """
    k = prob.params.cluster_min_seats
    if k <= 0 or not prob.clusters:
        return
    required = _required_per_cluster(prob)
    total_seats = int(prob.seats.sum())
    needed = int(np.maximum(k, required).sum())
    if needed > total_seats:
        suggested = k
        while suggested > 0 and int(np.maximum(suggested, required).sum()) > total_seats:
            suggested -= 1
        raise InfeasibleError.of("plan_cluster_min_total", minimum=k, clusters=len(prob.clusters), needed=needed,
                                 seats=total_seats, short=needed - total_seats, suggested=suggested)
    live = res.usable & (res.member_limit > 0)[:, None]
    by_members = np.bincount(res.member_cluster, weights=np.minimum(np.count_nonzero(live, axis=1), res.member_limit),
                             minlength=res.n_clusters)
    candidates = per_cluster(live, res.member_cluster, res.n_clusters)
    by_missions = np.minimum(np.minimum(candidates, res.quota), res.seats[None, :]).sum(axis=1)
    short = np.flatnonzero(np.minimum(by_members, by_missions) < res.cluster_min)
    if len(short):
        raise _cluster_minimum_error(prob, res, short.tolist())


def _required_per_cluster(prob: Instance) -> np.ndarray:
    rows = [i for i, _ in prob.required]
    return np.bincount(prob.member_cluster[rows], minlength=len(prob.clusters)) if rows else \
        np.zeros(len(prob.clusters), dtype=np.int64)


def _cluster_minimum_error(prob: Instance, res: Residual, clusters: list[int]) -> InfeasibleError | None:
    """The exact capacity of each listed cluster that falls short, as one error (None if none does)."""
    k = prob.params.cluster_min_seats
    required = _required_per_cluster(prob)
    cand = build_candidates(res, "cap")
    problems = []
    for c in clusters:
        capacity = cluster_capacity(res, c, cand) + int(required[c])
        if capacity >= k:
            continue
        members = int((prob.considered & (prob.member_cluster == c) & prob.usable.any(axis=1)).sum())
        detail = (f"{members} of its members are eligible with a fit, for at most "
                  f"{prob.params.max_per_member} mission(s) each, and a cluster may take "
                  f"{_quota_words(prob)} of a mission's seats")
        problems.append(Problem("plan_cluster_min", params={
            "cluster": prob.clusters[c], "capacity": capacity, "minimum": k, "short": k - capacity,
            "detail": detail}))
    return InfeasibleError("", problems) if problems else None


def _minimum_error(prob: Instance, res: Residual) -> InfeasibleError:
    """Explain an infeasible solve: a cluster that cannot reach the minimum alone, or the joint shortfall."""
    alone = _cluster_minimum_error(prob, res, [c for c in range(res.n_clusters) if res.cluster_min[c] > 0])
    return alone or _joint_minimum_error(prob)


def _quota_words(prob: Instance) -> str:
    return f"floor({prob.params.cluster_max_share:g} x seats), at least 1,"


def _joint_minimum_error(prob: Instance) -> InfeasibleError:
    """Each cluster can meet the minimum alone but not all together: find the largest minimum that works."""
    k = prob.params.cluster_min_seats
    low, high = 0, k - 1  # 0 is always feasible: nobody has to travel
    while low < high:
        mid = (low + high + 1) // 2
        if _feasible(prob, mid):
            low = mid
        else:
            high = mid - 1
    return InfeasibleError.of("plan_cluster_min_joint", minimum=k, suggested=low)


def _feasible(prob: Instance, minimum: int) -> bool:
    trial = Instance(**{**prob.__dict__, "params": _replace_min(prob.params, minimum)})
    res, _ = _residual(trial)
    cand = build_candidates(res, "cap")
    pm, pj = kept_pairs(res, cand)
    try:
        min_cost_flow(res, pm, pj)
    except Infeasible:
        return False
    return True


def _replace_min(params: PlanParams, minimum: int) -> PlanParams:
    return replace(params, cluster_min_seats=minimum)


def _assemble(prob: Instance, res: Residual, flow: FlowResult, fixed_weight: int) -> Plan:
    n, m = prob.scores.shape
    assigned = np.zeros((n, m), dtype=bool)
    pm, pj = flow.pair_member[flow.chosen], flow.pair_mission[flow.chosen]
    assigned[pm, pj] = True
    required = np.zeros((n, m), dtype=bool)
    for i, j in prob.required:
        assigned[i, j] = True
        required[i, j] = True
    for i, j in prob.kept:
        assigned[i, j] = True
    locked = {(prob.members[i].key, prob.missions[j].id) for i, j in prob.required} & prob.params.lock

    objective_units = fixed_weight + flow.objective
    bound_units = fixed_weight + dual_bound(res, flow.pair_member, flow.pair_mission, flow.chosen)
    gap_units = max(0.0, bound_units - objective_units)
    n_assigned = int(assigned.sum())
    optimal = gap_units <= GAP_TOLERANCE * SCALE * max(1, n_assigned) + 1
    candidate_pairs = int(res.usable.sum())
    certificate = Certificate(
        objective=objective_units / SCALE,
        dual_bound=bound_units / SCALE,
        gap=gap_units / SCALE,
        optimal=bool(optimal),
        method=("min-cost flow (OR-Tools) on the best candidates per cluster and mission; "
                "LP dual bound from the flow's node potentials, checked on every candidate pair"),
        candidate_pairs=candidate_pairs,
        solved_pairs=int(len(flow.pair_member)),
        rounds=flow.rounds,
    )
    calendar = sorted(range(m), key=lambda j: (prob.missions[j].start_date is None,
                                               prob.missions[j].start_date or "", prob.missions[j].id))
    assignments = []
    for j in calendar:
        on = np.flatnonzero(assigned[:, j])
        on = on[np.lexsort((on, -prob.scores[on, j]))]
        for i in on.tolist():
            assignments.append(Assignment(
                mission=prob.missions[j].id, member=prob.members[i].key,
                cluster=prob.clusters[prob.member_cluster[i]], score=float(prob.scores[i, j]),
                required=bool(required[i, j]),
                why=_fixed_why(prob.members[i].key, prob.missions[j].id, locked) if required[i, j] else "",
            ))
    ctx = explain.Context(prob=prob, assigned=assigned, required=required, calendar=calendar)
    cluster_seats = ctx.used_by_cluster.sum(axis=1)
    return Plan(
        params=prob.params,
        missions=tuple(prob.missions[j] for j in calendar),
        assignments=tuple(assignments),
        objective=float(sum(a.score for a in assignments)),
        certificate=certificate,
        unfilled=tuple(explain.unfilled_seats(ctx)),
        waitlist=tuple(explain.waitlist(ctx)),
        left_out=model.LeftOutRows(explain=lambda limit: explain.left_out(ctx, limit)),
        quotas={x.id: int(q) for x, q in zip(prob.missions, prob.quota)},
        rules={x.id: prob.rules.summary(x) for x in prob.missions},
        cluster_seats={c: int(s) for c, s in zip(prob.clusters, cluster_seats)},
        not_considered=explain.not_considered(ctx),
        notes=tuple(explain.capacity_notes(ctx)),
    )


def _fixed_why(member: str, mission: str, locked: set[tuple[str, str]]) -> str:
    return "locked by a person (--lock)" if (member, mission) in locked else "required by a person (--require)"


def _most_kept(prob: Instance, res: Residual, keep: Collection[tuple[str, str]], prune: bool) -> list[tuple[int, int]]:
    """The largest set of ``keep`` pairs that can stay together (best total fit among the largest).

    Each keepable pair's weight gets a bonus above any plan's total fit, so the
    min-cost flow maximises the number kept first and the fit second.
    """
    key_index = {x.key: i for i, x in enumerate(prob.members)}
    mission_index = {x.id: j for j, x in enumerate(prob.missions)}
    pairs = sorted({(key_index[a], mission_index[b]) for a, b in keep if a in key_index and b in mission_index})
    pairs = [(i, j) for i, j in pairs if res.usable[i, j]]
    if not pairs:
        return []
    bonus = int(res.weights.sum()) + 1
    weights = res.weights.copy()
    rows, cols = np.array(pairs, dtype=np.int64).T
    weights[rows, cols] += bonus
    flow = solve_pruned(replace(res, weights=weights), prune=prune)
    chosen = set(zip(flow.pair_member[flow.chosen].tolist(), flow.pair_mission[flow.chosen].tolist()))
    return [p for p in pairs if p in chosen]


def _changes(prob: Instance, plan: Plan, keep: Collection[tuple[str, str]]) -> list[Change]:
    """Who left and who joined compared with the base plan's ``keep`` pairs, each with its reason."""
    now = {(a.member, a.mission) for a in plan.assignments}
    base = set(keep)
    key_index = {x.key: i for i, x in enumerate(prob.members)}
    mission_index = {x.id: j for j, x in enumerate(prob.missions)}
    n, m = prob.scores.shape
    load = np.zeros(n, dtype=np.int64)
    used = np.zeros(m, dtype=np.int64)
    used_by_cluster = np.zeros((len(prob.clusters), m), dtype=np.int64)
    for a in plan.assignments:
        i, j = key_index[a.member], mission_index[a.mission]
        load[i] += 1
        used[j] += 1
        used_by_cluster[prob.member_cluster[i], j] += 1
    base_by_cluster = np.zeros_like(used_by_cluster)
    for member, mission in base:
        if member in key_index and mission in mission_index:
            base_by_cluster[prob.member_cluster[key_index[member]], mission_index[mission]] += 1
    counts = Counts(load, used, used_by_cluster, base_by_cluster)
    fixed = {(prob.members[i].key, prob.missions[j].id) for i, j in prob.required}
    out, left_from = [], Counter()
    for member, mission in sorted(base - now, key=lambda p: (p[1], p[0])):
        i, j = key_index.get(member), mission_index.get(mission)
        cluster = prob.members[i].cluster if i is not None else ""
        score = float(prob.scores[i, j]) if i is not None and j is not None else 0.0
        reason, detail = _why_left(prob, i, j, counts, fixed)
        out.append(Change("leaves", mission, member, cluster, score, reason, detail))
        left_from[mission] += 1
    for a in plan.assignments:
        if (a.member, a.mission) in base:
            continue
        if a.required:
            reason, detail = model.REQUIRED, a.why or "required by a person"
        elif left_from[a.mission]:
            # counted, not named: a change row must not carry another member's key (forget erases by row)
            reason, detail = model.FREED_SEAT, f"takes one of the {left_from[a.mission]} seat(s) freed on {a.mission}"
        else:
            reason, detail = model.EMPTY_SEAT, "fills a seat the base plan left empty, or a new one"
        out.append(Change("joins", a.mission, a.member, a.cluster, a.score, reason, detail))
    return out


@dataclass
class Counts:
    """Assignments per member, per mission and per (cluster, mission) in the re-plan; and per (cluster, mission)
    in the base plan."""

    load: np.ndarray
    used: np.ndarray
    used_by_cluster: np.ndarray
    base_by_cluster: np.ndarray


def _why_left(prob: Instance, i: int | None, j: int | None, counts: Counts,
              fixed: set[tuple[str, str]]) -> tuple[str, str]:
    """The constraint that forced a base assignment out of the re-plan, checked from the member outwards.

    A cluster that had more seats on the mission than its quota now allows is named
    before full seats: that is what pushed its members out.
    """
    p = prob.params
    if i is None:
        return model.MEMBER_GONE, "the member is no longer in the data (forgotten or removed)"
    if j is None:
        return model.MISSION_GONE, "the mission is no longer in the missions file"
    member, mission = prob.members[i], prob.missions[j]
    if member.key in p.exclude:
        return model.EXCLUDED, "excluded by a person (--exclude)"
    if p.consented_only and not member.consent:
        return model.NO_CONSENT, "the member has not consented to share its contact data"
    if not prob.eligible[i, j]:
        return model.ELIGIBILITY_RULE, f"the mission's rule no longer admits it ({prob.rules.summary(mission)})"
    if not prob.usable[i, j]:
        return model.NO_FIT, "no fit with the mission any more (score 0 or no shared sector)"
    c = prob.member_cluster[i]
    seats, quota = int(prob.seats[j]), int(prob.quota[j])
    quota_detail = (f"cluster {member.cluster} may take {quota} seat(s) on {mission.id} now and had "
                    f"{int(counts.base_by_cluster[c, j])} (--cluster-max-share {p.cluster_max_share:g})")
    if counts.base_by_cluster[c, j] > quota and counts.used_by_cluster[c, j] >= quota:
        return model.CLUSTER_QUOTA, quota_detail
    if counts.used[j] >= seats:
        taken = sorted(a for a, b in fixed if b == mission.id)
        if taken:
            return model.REQUIRED, f"{mission.id} has {seats} seat(s), and a person fixed " + ", ".join(taken) \
                + " there (--require or --lock)"
        return model.SEATS_FULL, f"{mission.id} has {seats} seat(s) now, all kept or filled"
    if counts.used_by_cluster[c, j] >= quota:
        return model.CLUSTER_QUOTA, quota_detail
    if counts.load[i] >= p.max_per_member:
        return model.MEMBER_LIMIT, (f"the member is on {int(counts.load[i])} mission(s), the limit "
                                    f"(--max-per-member {p.max_per_member})")
    return model.TRADE_OFF, ("keeping it would break another constraint, such as a cluster's minimum "
                             f"(--cluster-min-seats {p.cluster_min_seats})")
