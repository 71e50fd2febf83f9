"""Re-planning with the fewest changes (``make_plan(..., keep=base pairs)``), checked against scipy's MILP.

On random small instances: the re-plan meets every constraint, keeps as many base
assignments as any plan could (so every assignment that is still allowed stays), and its
total fit equals the MILP optimum of the same instance with the kept assignments fixed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from elca_match.errors import ElcaError, InfeasibleError
from elca_match.planning import CHANGE_CODES, SCALE, PlanMission, PlanParams, cluster_quota, make_plan

from test_planning import RULES, check_constraints, eligible_by_hand, instances, member, milp_optimum, mission


def usable(m, x, s, p: PlanParams) -> bool:
    considered = m.key not in p.exclude and (m.consent or not p.consented_only)
    fit = s > 0 and (not x.sectors or set(m.sectors) & set(x.sectors))
    return considered and eligible_by_hand(m, x) and bool(fit or p.allow_zero_fit)


def most_keepable(members, missions, scores, p: PlanParams, base: set[tuple[str, str]]) -> int | None:
    """The most base pairs any feasible plan contains (MILP), or None when no plan is feasible."""
    clusters = sorted({m.cluster for m in members})
    pairs, lower, gain = [], [], []
    for i, m in enumerate(members):
        for j, x in enumerate(missions):
            fixed = (m.key, x.id) in p.fixed
            if fixed or usable(m, x, scores[i][j], p):
                pairs.append((i, j))
                lower.append(1 if fixed else 0)
                gain.append(1 if (m.key, x.id) in base else 0)
    if not pairs:
        return 0 if p.cluster_min_seats == 0 else None
    rows, lo, hi = [], [], []

    def add(pred, low, high):
        rows.append([k for k, (i, j) in enumerate(pairs) if pred(i, j)])
        lo.append(low)
        hi.append(high)

    for i in range(len(members)):
        add(lambda a, b, i=i: a == i, 0, p.max_per_member)
    for j, x in enumerate(missions):
        add(lambda a, b, j=j: b == j, 0, x.seats)
        for c in clusters:
            add(lambda a, b, j=j, c=c: b == j and members[a].cluster == c, 0, cluster_quota(x.seats, p.cluster_max_share))
    for c in clusters:
        add(lambda a, b, c=c: members[a].cluster == c, p.cluster_min_seats, np.inf)
    matrix = lil_matrix((len(rows), len(pairs)))
    for r, cols in enumerate(rows):
        for k in cols:
            matrix[r, k] = 1
    res = milp(-np.array(gain, float), integrality=np.ones(len(pairs)), bounds=Bounds(np.array(lower, float), 1),
               constraints=LinearConstraint(matrix.tocsr(), lo, hi), options={"mip_rel_gap": 0})
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return round(-res.fun)


def pairs_of(plan) -> set[tuple[str, str]]:
    return {(a.member, a.mission) for a in plan.assignments}


@st.composite
def replans(draw):
    """A feasible base instance, and the same instance after one change of data or options."""
    members, missions, scores, params = draw(instances())
    params = replace(params, require=frozenset(), exclude=frozenset())
    kind = draw(st.sampled_from(["cancel", "seats", "require", "limit", "share", "consent", "minimum", "lock"]))
    keys, ids = [m.key for m in members], [x.id for x in missions]
    new_members, new_missions, new_params = list(members), list(missions), params
    if kind == "cancel":
        new_params = replace(params, exclude=frozenset({draw(st.sampled_from(keys))}))
    elif kind == "seats":
        j = draw(st.integers(0, len(missions) - 1))
        new_missions[j] = replace(missions[j], seats=draw(st.integers(0, max(0, missions[j].seats - 1))))
    elif kind in ("require", "lock"):
        pair = frozenset({(draw(st.sampled_from(keys)), draw(st.sampled_from(ids)))})
        new_params = replace(params, **{kind: pair})
    elif kind == "limit":
        new_params = replace(params, max_per_member=1)
    elif kind == "share":
        new_params = replace(params, cluster_max_share=draw(st.sampled_from([0.34, 0.5])))
    elif kind == "consent":
        i = draw(st.integers(0, len(members) - 1))
        new_members[i] = replace(members[i], consent=False)
    else:
        new_params = replace(params, cluster_min_seats=params.cluster_min_seats + 1)
    return (members, missions, scores, params), (new_members, new_missions, scores, new_params)


@pytest.mark.slow  # 120 replans, each checked against a MILP
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(replans())
def test_replan__keeps_every_still_allowed_assignment_and_is_optimal_with_them_fixed(case):
    (members, missions, scores, params), (members2, missions2, scores2, params2) = case
    try:
        base = make_plan(members, missions, scores, params, RULES)
    except ElcaError:
        return  # no base plan to start from
    base_pairs = pairs_of(base)
    most = most_keepable(members2, missions2, scores2, params2, base_pairs)
    if most is None:
        with pytest.raises(ElcaError):
            make_plan(members2, missions2, scores2, params2, RULES, keep=base_pairs)
        return
    try:
        plan = make_plan(members2, missions2, scores2, params2, RULES, keep=base_pairs)
    except InfeasibleError:
        # a required pair the base data cannot hold (consent), which the MILP ignores
        assert params2.consented_only and any(not m.consent for m in members2 if m.key in dict(params2.fixed))
        return
    check_constraints(plan, members2, missions2, scores2, replace(params2, require=params2.fixed, lock=frozenset()))
    kept = base_pairs & pairs_of(plan)
    assert len(kept) == most  # no further base assignment could have stayed
    fixed = replace(params2, require=params2.fixed | kept, lock=frozenset())
    assert round(plan.certificate.objective * SCALE) == milp_optimum(members2, missions2, scores2, fixed)
    leaves = {(c.member, c.mission) for c in plan.changes if c.change == "leaves"}
    joins = {(c.member, c.mission) for c in plan.changes if c.change == "joins"}
    assert leaves == base_pairs - kept and joins == pairs_of(plan) - base_pairs
    assert {c.reason for c in plan.changes} <= set(CHANGE_CODES)


@pytest.mark.slow  # 80 plans and replans
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.data())
def test_replan__one_member_cancelled__only_its_seats_change(inst, data):
    members, missions, scores, params = inst
    params = replace(params, require=frozenset(), exclude=frozenset(), cluster_min_seats=0)
    base = make_plan(members, missions, scores, params, RULES)
    if not base.assignments:
        return
    gone = data.draw(st.sampled_from(sorted({a.member for a in base.assignments})))
    plan = make_plan(members, missions, scores, replace(params, exclude=frozenset({gone})), RULES,
                     keep=pairs_of(base))
    freed = {(a.member, a.mission) for a in base.assignments if a.member == gone}
    assert pairs_of(base) - pairs_of(plan) == freed
    joined = pairs_of(plan) - pairs_of(base)
    assert len(joined) <= len(freed) and {j for _, j in joined} <= {j for _, j in freed}
    assert {(c.reason, c.change) for c in plan.changes if c.member == gone} <= {("excluded", "leaves")}
    assert all(c.reason == "freed_seat" for c in plan.changes if c.change == "joins")


def test_replan__seats_reduced__the_best_kept_and_the_reason_named():
    members = [member(f"org{i}", cluster="ABCD"[i]) for i in range(4)]
    missions = [mission("M1", seats=4)]
    scores = [[0.9], [0.8], [0.7], [0.6]]
    params = PlanParams(cluster_max_share=1.0)
    base = make_plan(members, missions, scores, params, RULES)
    smaller = [PlanMission(**{**missions[0].__dict__, "seats": 2})]
    plan = make_plan(members, smaller, scores, params, RULES, keep=pairs_of(base))
    assert pairs_of(plan) == {("org0", "M1"), ("org1", "M1")}
    assert {(c.member, c.reason) for c in plan.changes} == {("org2", "seats_full"), ("org3", "seats_full")}


def test_replan__member_gone_from_the_data__leaves_with_its_reason():
    members = [member(f"org{i}", cluster="AB"[i % 2]) for i in range(3)]
    missions = [mission("M1", seats=2)]
    scores = [[0.9], [0.8], [0.5]]
    base = make_plan(members, missions, scores, PlanParams(), RULES)
    plan = make_plan(members[1:], missions, scores[1:], PlanParams(), RULES, keep=pairs_of(base))
    assert [(c.change, c.member, c.reason) for c in plan.changes] == [
        ("leaves", "org0", "member_gone"), ("joins", "org2", "freed_seat")]


def test_replan__lock__fixed_and_named():
    members = [member("org0", cluster="A"), member("org1", cluster="B")]
    missions = [mission("M1", seats=1)]
    plan = make_plan(members, missions, [[0.9], [0.1]], PlanParams(lock=frozenset({("org1", "M1")})), RULES)
    (a,) = plan.assignments
    assert (a.member, a.required, a.why) == ("org1", True, "locked by a person (--lock)")
