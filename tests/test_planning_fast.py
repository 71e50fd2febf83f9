"""The planner's fast paths against plain implementations: rule evaluation per (member, mission), the
certificate from flow potentials against weak duality, the tie-break, and left-out rows explained on demand."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elca_match.errors import InfeasibleError
from elca_match.planning import (LeftOut, LeftOutRows, PlanMember, PlanMission, PlanParams, explain, load_rules,
                                 make_plan, parse_rules)
from elca_match.planning import rules as rules_module
from elca_match.planning.certificate import _shortfall, dual_bound
from elca_match.planning.flow import Residual, solve_pruned
from elca_match.planning.planner import _prepare, _residual
from elca_match.planning.rules import MemberTable, gather

RULES = load_rules()
CODES = ("a", "b", "JP", "US", "")
ATTRIBUTES = ("x", "y", "z")


# --- rule evaluation: one pair at a time, written out from the rules file's grammar -----------

def _number(value):
    if value is None or value == "" or isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _items(value) -> set[str]:
    if value is None or value == "":
        return set()
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


def _attribute(member: PlanMember, name: str):
    if name in ("cluster", "key", "consent"):
        return getattr(member, name)
    if name == "sectors":
        return list(member.sectors) or member.attributes.get("sectors")
    return member.attributes.get(name)


def plain_eligible(node, member: PlanMember, mission: PlanMission) -> bool:
    """One rule for one member and one mission, with no caching, grouping or numpy."""
    if node is True or node == "always":
        return True
    if node is False or node == "never":
        return False
    (key, body), = node.items()
    if key == "all":  # every part is evaluated (no short cut), as a rule over all members must
        return all([plain_eligible(p, member, mission) for p in body])
    if key == "any":
        return any([plain_eligible(p, member, mission) for p in body])
    if key == "not":
        return not plain_eligible(body, member, mission)
    (operator, value), = body.items()
    if isinstance(value, str) and value.startswith("$mission."):
        value = getattr(mission, value[len("$mission."):])
    have = _attribute(member, key)
    if operator in ("at_least", "at_most", "above", "below"):
        a, b = _number(have), _number(value)
        if math.isnan(a) or math.isnan(b):
            return False
        return {"at_least": a >= b, "at_most": a <= b, "above": a > b, "below": a < b}[operator]
    if operator == "is_set":
        present = have not in (None, "") and (len(have) > 0 if isinstance(have, (list, tuple, set, frozenset))
                                              else True)
        return present if value else not present
    if operator == "equals":
        return have is not None and str(have) == str(value)
    if operator == "one_of":
        return have is not None and str(have) in _items(value)
    wanted = _items(value) if operator == "contains_any" else ({str(value)} if value not in (None, "") else set())
    return bool(wanted & _items(have))


def _column(kind: str):
    """Values of one attribute: columns of one plain type take the grouped paths, mixed ones the general path."""
    codes = st.sampled_from(CODES)
    lists = st.lists(codes, max_size=3)
    values = {
        "ints": st.one_of(st.none(), st.integers(-3, 10)),
        "numbers": st.one_of(st.none(), st.integers(-3, 10), st.floats(-3, 10), st.just(math.nan),
                             st.just(-0.0)),
        "codes": st.one_of(st.none(), codes),
        "lists": st.one_of(st.none(), lists, lists.map(tuple),
                           st.lists(st.one_of(codes, st.integers(0, 3), st.lists(codes, max_size=1)), max_size=2)),
        "mixed": st.one_of(st.none(), st.booleans(), st.integers(0, 9), st.floats(allow_nan=True), codes,
                           st.just("7"), lists, st.lists(st.integers(0, 3), max_size=2)),
    }[kind]
    return values


@st.composite
def members_and_missions(draw):
    n = draw(st.integers(0, 12))
    kinds = {a: draw(st.sampled_from(("ints", "numbers", "codes", "lists", "mixed"))) for a in ATTRIBUTES}
    members = []
    for i in range(n):
        attributes = {a: draw(_column(kinds[a])) for a in ATTRIBUTES if draw(st.booleans()) or kinds[a] != "mixed"}
        members.append(PlanMember(f"m{i}", draw(st.sampled_from("AB")), consent=draw(st.booleans()),
                                  sectors=tuple(draw(st.lists(st.sampled_from(CODES[:3]), max_size=2))),
                                  attributes=attributes))
    missions = [PlanMission(f"J{j}", draw(st.sampled_from(CODES)), "t", 3,
                            sectors=tuple(draw(st.lists(st.sampled_from(CODES[:3]), max_size=2))))
                for j in range(draw(st.integers(1, 3)))]
    return members, missions


def _value(operator: str):
    if operator in ("at_least", "at_most", "above", "below"):
        return st.one_of(st.integers(-2, 9), st.floats(-2, 9))
    if operator == "is_set":
        return st.booleans()
    if operator in ("one_of", "contains_any"):
        return st.one_of(st.lists(st.sampled_from(CODES), min_size=1, max_size=3), st.just("$mission.sectors"))
    return st.one_of(st.sampled_from(CODES + ("7",)), st.integers(0, 9), st.just("$mission.country"))


@st.composite
def rule_tests(draw):
    operator = draw(st.sampled_from(("at_least", "at_most", "above", "below", "is_set", "equals", "one_of",
                                     "contains", "contains_any")))
    attribute = draw(st.sampled_from(ATTRIBUTES + ("sectors", "cluster")))
    return {attribute: {operator: draw(_value(operator))}}


rules_trees = st.recursive(
    st.one_of(rule_tests(), st.sampled_from(("always", "never"))),
    lambda inner: st.one_of(st.builds(lambda parts: {"all": parts}, st.lists(inner, min_size=1, max_size=3)),
                            st.builds(lambda parts: {"any": parts}, st.lists(inner, min_size=1, max_size=3)),
                            st.builds(lambda part: {"not": part}, inner)),
    max_leaves=5,
)


@pytest.mark.slow  # 300 random rule sets; about 15 CPU-seconds, most of it drawing the examples
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members_and_missions(), st.lists(rules_trees, min_size=1, max_size=3))
def test_rules__grouped_evaluation__equals_plain_per_pair_evaluation(data, trees):
    members, missions = data
    rules = parse_rules({"types": {f"t{k}": {"rule": tree} for k, tree in enumerate(trees)}})
    # One table for every rule and mission (its caches are shared as in the planner): one reading the
    # columns itself, one given them by gather, as the planner does.
    lazy = MemberTable(members)
    gathered = MemberTable(members, gather(members, rules.attributes(rules.types)))
    for k, tree in enumerate(trees):
        for mission in missions:
            typed = PlanMission(mission.id, mission.country, f"t{k}", mission.seats, sectors=mission.sectors)
            try:
                plain = [plain_eligible(tree, m, typed) for m in members]
            except TypeError:  # a list test on a number: the rules refuse it both ways
                for table in (lazy, gathered):
                    with pytest.raises(TypeError):
                        rules.eligible(table, typed)
                continue
            for table in (lazy, gathered):
                fast = rules.eligible(table, typed)
                assert fast.dtype == bool and fast.shape == (len(members),)
                assert fast.tolist() == plain, (tree, typed)


def test_rules__plain_columns__same_masks_as_mixed_ones():
    """The grouped paths (ints, codes, lists of codes) and the general one agree on the same values."""
    rules = parse_rules({"types": {"t": {"rule": {"any": [{"x": {"at_least": 3}}, {"y": {"equals": "a"}},
                                                          {"z": {"contains": "$mission.country"}}]}}}})
    values = [(5, "a", ["JP"]), (1, "b", ["US", "JP"]), (None, None, None), (2, "", []), (3, "c", ("US",))]
    plain = [PlanMember(f"m{i}", "A", attributes={"x": x, "y": y, "z": z}) for i, (x, y, z) in enumerate(values)]
    mixed = plain + [PlanMember("odd", "A", attributes={"x": "3", "y": 1.5, "z": "JP"})]
    mission = PlanMission("J", "JP", "t", 2)
    fast_plain = rules.eligible(MemberTable(plain), mission).tolist()
    fast_mixed = rules.eligible(MemberTable(mixed), mission).tolist()
    assert fast_plain == [True, True, False, False, True]
    assert fast_mixed == fast_plain + [True]


@pytest.mark.parametrize("kind", ["lists", "tuples", "with_none", "mixed"])
def test_rules__list_attributes_in_blocks__same_holders_as_a_plain_index(monkeypatch, kind):
    """Lists are flattened a block of members at a time: blocks that split the members change nothing."""
    monkeypatch.setattr(rules_module, "_BLOCK", 3)
    rng = np.random.default_rng(5)
    # codes from the whole column: items first seen in later blocks must not take an earlier item's code
    pool = ["a", "b", "JP", "US", "IN", "MX", "BR", "CL", "CO", "zz"]
    values = [rng.choice(pool[:1 + i // 4], size=int(rng.integers(0, 4))).tolist() for i in range(40)]
    if kind == "tuples":
        values = [tuple(v) for v in values]
    elif kind == "with_none":
        values = [v or None for v in values]
    elif kind == "mixed":
        values = [tuple(v) if k % 2 else v for k, v in enumerate(values)]
    members = [PlanMember(f"m{i:02d}", "A", attributes={"z": v}) for i, v in enumerate(values)]
    plain: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        for item in sorted(set(v or ())):
            plain.setdefault(item, []).append(i)
    for table in (MemberTable(members), MemberTable(members, gather(members, ["z"]))):
        assert {k: h.tolist() for k, h in table.holders("z").items()} == plain

# --- the certificate ---------------------------------------------------------------------------

@st.composite
def instances(draw):
    n, m = draw(st.integers(1, 9)), draw(st.integers(1, 4))
    members = [PlanMember(f"o{i}", draw(st.sampled_from("ABC")), consent=True, sectors=("automotive",),
                          attributes={"trl": 9}) for i in range(n)]
    missions = [PlanMission(f"M{j}", "JP", "exploratory", draw(st.integers(0, 4))) for j in range(m)]
    # coarse scores: many ties, where a wrong dual would show
    scores = np.array(draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.5, 1.0]), min_size=n * m, max_size=n * m)),
                      dtype=float).reshape(n, m)
    params = PlanParams(max_per_member=draw(st.integers(1, 3)), cluster_max_share=draw(st.sampled_from([0.3, 0.5, 1.0])),
                        cluster_min_seats=draw(st.integers(0, 2)))
    return members, missions, scores, params


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.randoms(use_true_random=False))
def test_certificate__exact_for_the_optimum_and_a_valid_bound_for_any_plan(inst, rnd):
    members, missions, scores, params = inst
    try:
        plan = make_plan(members, missions, scores, params, RULES)
    except InfeasibleError:  # a minimum that cannot be met: nothing to certify
        return
    cert = plan.certificate
    assert cert.optimal and cert.gap == 0 and cert.dual_bound == cert.objective
    # The bound is weak duality, not the solver's word: for a plan that is not optimal, it is
    # still at least the optimum (or there is no certificate at all).
    res, _ = _residual(_prepare(members, missions, scores, params, RULES))
    flow = solve_pruned(res)
    wrong = flow.chosen.copy()
    if len(wrong):
        wrong[rnd.randrange(len(wrong))] ^= True
    assert dual_bound(res, flow.pair_member, flow.pair_mission, wrong) >= flow.objective



@st.composite
def residuals_and_duals(draw):
    """A residual problem with capacities that may be spent, and any non-negative multipliers."""
    n, m, nc = draw(st.integers(0, 8)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    ints = lambda low, high, size: np.array(draw(st.lists(st.integers(low, high), min_size=size, max_size=size)),
                                            dtype=np.int64)
    usable = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)), dtype=bool).reshape(n, m)
    weights = np.where(usable, ints(1, 20, n * m).reshape(n, m), 0)
    res = Residual(weights=weights, usable=usable, member_cluster=ints(0, nc - 1, n), member_limit=ints(-1, 2, n),
                   quota=ints(-1, 3, nc * m).reshape(nc, m), seats=ints(-1, 3, m), cluster_min=ints(0, 2, nc),
                   n_clusters=nc)
    return res, ints(0, 15, n), ints(0, 15, nc * m).reshape(nc, m), ints(0, 15, m), ints(0, 25, nc)


@settings(max_examples=200, deadline=None)
@given(residuals_and_duals())
def test_certificate__shortfall_on_the_grid__equals_the_sum_over_live_pairs(data):
    """The grid computation of the r_ij against a pair-by-pair sum, with prices that may be negative."""
    res, u, y, v, z = data
    plain = 0
    for i in range(res.shape[0]):
        for j in range(res.shape[1]):
            c = res.member_cluster[i]
            if res.usable[i, j] and res.member_limit[i] > 0 and res.seats[j] > 0 and res.quota[c, j] > 0:
                plain += max(0, int(res.weights[i, j]) - int(u[i] + y[c, j] + v[j] - z[c]))
    assert _shortfall(res, u, y, v, z) == plain

# --- ties and left-out rows --------------------------------------------------------------------

def test_ties__earlier_members_on_earlier_missions():
    members = [PlanMember(k, "A", sectors=("automotive",), attributes={"trl": 9}) for k in ("c", "b", "a")]
    missions = [PlanMission(j, "JP", "exploratory", 1) for j in ("M2", "M1")]
    plan = make_plan(members, missions, np.full((3, 2), 0.5), PlanParams(cluster_max_share=1.0), RULES)
    assert sorted((a.mission, a.member) for a in plan.assignments) == [("M1", "a"), ("M2", "b")]


def test_left_out__head_explains_the_first_rows_like_the_whole_list():
    rng = np.random.default_rng(3)
    members = [PlanMember(f"o{i:02d}", "AB"[i % 2], sectors=("automotive",), attributes={"trl": int(rng.integers(1, 10))})
               for i in range(40)]
    missions = [PlanMission(f"M{j}", "JP", ("showcase", "exploratory")[j % 2], 2) for j in range(4)]
    plan = make_plan(members, missions, rng.random((40, 4)), PlanParams(), RULES)
    head = plan.left_out.head(5)
    assert len(head) == 5
    everything = tuple(plan.left_out)
    assert head == everything[:5] and len(plan.left_out) == len(everything) > 5
    assert plan.left_out == list(everything) and plan.left_out == LeftOutRows(everything)
    with pytest.raises(ValueError):
        LeftOutRows()


# --- left-out rows against a plain, row-by-row explanation ---------------------------------------

def plain_left_out(members, missions, scores, params, plan):
    """Every considered member with a fit that is not on its best mission, and why: the explain module's
    rules, written out one member at a time from the plan's assignments."""
    prob = _prepare(members, missions, scores, params, RULES)
    n, m = prob.scores.shape
    index = {key: i for i, key in enumerate(prob.keys)}
    mission_index = {x.id: j for j, x in enumerate(prob.missions)}
    on = {(index[a.member], mission_index[a.mission]) for a in plan.assignments}
    cluster = [prob.clusters[c] for c in prob.member_cluster.tolist()]
    load = Counter(i for i, _ in on)
    used = Counter(j for _, j in on)
    used_by = Counter((cluster[i], j) for i, j in on)
    share, limit = params.cluster_max_share, params.max_per_member

    def reason(i, j):
        mission = prob.missions[j]
        seats, quota = int(prob.seats[j]), int(prob.quota[j])
        lowest_other = min((prob.scores[k, j] for k, jj in on if jj == j and cluster[k] != cluster[i]),
                           default=math.inf)
        full = used[j] >= seats
        if not prob.eligible[i, j]:
            return "eligibility_rule", f"{mission.id} ({mission.type}) is for {RULES.summary(mission)}"
        if used_by[cluster[i], j] >= quota and (not full or prob.scores[i, j] > lowest_other):
            return "cluster_quota", (f"{cluster[i]} already has {quota} of the {seats} seats on {mission.id}, "
                                     f"its quota (--cluster-max-share {share:g})")
        if full:
            return "seats_full", f"all {seats} seats on {mission.id} are taken"
        if load[i] >= limit:
            where = ", ".join(prob.missions[jj].id for ii, jj in sorted(on) if ii == i)
            return "member_limit", f"already on {where} (--max-per-member {limit})"
        return "trade_off", (f"{mission.id} has room, but the optimum uses the place differently "
                             f"(e.g. to meet the cluster minimums)")

    def best(i, also_eligible):
        score, j = max((prob.scores[i, j], -j) for j in range(m)
                       if prob.fit[i, j] and (prob.eligible[i, j] or not also_eligible))
        return -j

    rows = []
    for i in range(n):
        if not prob.considered[i] or not prob.fit[i].any():
            continue
        j = best(i, False)
        if (i, j) in on:
            continue
        code, detail = reason(i, j)
        if load[i] == 0 and (prob.fit[i] & prob.eligible[i]).any() and not prob.eligible[i, j]:
            other = best(i, True)
            detail = f"{detail}; its best eligible mission {prob.missions[other].id}: {reason(i, other)[1]}"
        rows.append(LeftOut(prob.keys[i], cluster[i], tuple(prob.missions[jj].id for ii, jj in sorted(on) if ii == i),
                            prob.missions[j].id, float(prob.scores[i, j]), code, detail))
    return rows


@st.composite
def mixed_instances(draw):
    """Members of every readiness, missions of every type: every reason for being left out can occur."""
    n, m = draw(st.integers(1, 12)), draw(st.integers(1, 4))
    members = [PlanMember(f"o{i:02d}", draw(st.sampled_from("ABC")), consent=draw(st.booleans()),
                          sectors=("automotive",),
                          attributes={"trl": draw(st.integers(1, 9)),
                                      "market_experience": draw(st.lists(st.sampled_from(["JP", "US"]), max_size=1))})
               for i in range(n)]
    missions = [PlanMission(f"M{j}", draw(st.sampled_from(["JP", "US"])),
                            draw(st.sampled_from(["exploratory", "showcase", "final"])), draw(st.integers(0, 4)))
                for j in range(m)]
    scores = np.array(draw(st.lists(st.sampled_from([0.0, 0.2, 0.5, 0.5, 0.9]), min_size=n * m, max_size=n * m)),
                      dtype=float).reshape(n, m)
    # a required pair keeps a member away from its best mission even where there is room (member_limit)
    require = frozenset(draw(st.lists(st.tuples(st.sampled_from([x.key for x in members if x.consent] or ["o00"]),
                                                st.sampled_from([x.id for x in missions])), max_size=1)))
    params = PlanParams(max_per_member=draw(st.integers(1, 2)),
                        cluster_max_share=draw(st.sampled_from([0.3, 0.5, 1.0])),
                        cluster_min_seats=draw(st.integers(0, 1)), consented_only=draw(st.booleans()), require=require)
    return members, missions, scores, params


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_instances())
def test_left_out__grouped_wording__equals_plain_row_by_row_explanation(inst):
    members, missions, scores, params = inst
    try:
        plan = make_plan(members, missions, scores, params, RULES)
    except InfeasibleError:  # required pairs or minimums that cannot be met: nothing to explain
        return
    assert list(plan.left_out) == plain_left_out(members, missions, scores, params, plan)



def test_left_out__room_everywhere__trade_off():
    """No rule, quota, seat or limit binds (the optimum chose otherwise, e.g. for a minimum): a trade-off."""
    members = [PlanMember("a", "A", sectors=("automotive",), attributes={"trl": 9})]
    prob = _prepare(members, [PlanMission("M1", "JP", "exploratory", 2)], np.full((1, 1), 0.5), PlanParams(), RULES)
    ctx = explain.Context(prob=prob, assigned=np.zeros((1, 1), bool), required=np.zeros((1, 1), bool), calendar=[0])
    assert explain._reasons(ctx, np.array([0]), np.array([0])) == (
        ["trade_off"], ["M1 has room, but the optimum uses the place differently (e.g. to meet the cluster minimums)"])
