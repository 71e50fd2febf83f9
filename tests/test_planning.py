"""The pure planner: constraints, exact optimum (against scipy's MILP), pruning, determinism, errors, explanations."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from elca_match.errors import MESSAGES, DefinitionError, InfeasibleError, NotFoundError, Problem, UsageError
from elca_match.planning import (
    CONSTRAINT_CODES,
    SCALE,
    PlanMember,
    PlanMission,
    PlanParams,
    cluster_quota,
    load_rules,
    make_plan,
    parse_rules,
)

RULES = load_rules()
COUNTRIES = ("JP", "US", "IN")
TYPES = ("exploratory", "showcase", "expert_visit", "final")
SECTORS = ("automotive", "rail")


def member(key, cluster="A", consent=True, trl=7, markets=(), sectors=("automotive",)):
    return PlanMember(key=key, cluster=cluster, consent=consent, sectors=tuple(sectors),
                      attributes={"trl": trl, "market_experience": list(markets)})


def mission(mid, seats=2, type="exploratory", country="JP", start="2027-03-01", sectors=()):
    return PlanMission(id=mid, country=country, type=type, seats=seats, start_date=start, sectors=tuple(sectors))


# --- an independent model of the problem, solved by scipy's MILP -------------------------

def eligible_by_hand(m: PlanMember, j: PlanMission) -> bool:
    """The shipped rules, written out by hand (so the interpreter is tested too)."""
    trl = m.attributes.get("trl")
    if j.type == "showcase":
        return trl is not None and trl >= 6
    if j.type == "final":
        return (trl is not None and trl >= 7) or j.country in m.attributes.get("market_experience", [])
    return True


def milp_optimum(members, missions, scores, p: PlanParams):
    """The optimum in integer weight units, or None when infeasible."""
    clusters = sorted({m.cluster for m in members})
    required = {(a, b) for a, b in p.require}
    pairs, weights, lower = [], [], []
    for i, m in enumerate(members):
        for j, x in enumerate(missions):
            s = scores[i][j]
            if (m.key, x.id) in required:
                pairs.append((i, j)); weights.append(round(s * SCALE)); lower.append(1)
                continue
            considered = m.key not in p.exclude and (m.consent or not p.consented_only)
            fit = s > 0 and (not x.sectors or set(m.sectors) & set(x.sectors))
            if considered and eligible_by_hand(m, x) and (fit or p.allow_zero_fit):
                pairs.append((i, j)); weights.append(max(1, round(s * SCALE))); lower.append(0)
    if not pairs:
        return 0 if p.cluster_min_seats == 0 else None
    rows = []
    bounds_lo, bounds_hi = [], []

    def add(members_pred, lo, hi):
        rows.append([k for k, (i, j) in enumerate(pairs) if members_pred(i, j)])
        bounds_lo.append(lo); bounds_hi.append(hi)

    for i in range(len(members)):
        add(lambda a, b, i=i: a == i, 0, p.max_per_member)
    for j, x in enumerate(missions):
        add(lambda a, b, j=j: b == j, 0, x.seats)
        for c in clusters:
            add(lambda a, b, j=j, c=c: b == j and members[a].cluster == c, 0,
                cluster_quota(x.seats, p.cluster_max_share))
    for c in clusters:
        add(lambda a, b, c=c: members[a].cluster == c, p.cluster_min_seats, np.inf)
    a = lil_matrix((len(rows), len(pairs)))
    for r, cols in enumerate(rows):
        for k in cols:
            a[r, k] = 1
    res = milp(-np.array(weights, float), integrality=np.ones(len(pairs)),
               bounds=Bounds(np.array(lower, float), np.ones(len(pairs))),
               constraints=LinearConstraint(a.tocsr(), bounds_lo, bounds_hi), options={"mip_rel_gap": 0})
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return round(-res.fun)


def check_constraints(plan, members, missions, scores, p: PlanParams):
    by_key = {m.key: m for m in members}
    by_id = {x.id: x for x in missions}
    per_member = Counter(a.member for a in plan.assignments)
    per_mission = Counter(a.mission for a in plan.assignments)
    per_cluster_mission = Counter((a.cluster, a.mission) for a in plan.assignments)
    per_cluster = Counter(a.cluster for a in plan.assignments)
    assert len({(a.member, a.mission) for a in plan.assignments}) == len(plan.assignments)
    assert all(v <= p.max_per_member for v in per_member.values())
    assert all(per_mission[j] <= by_id[j].seats for j in per_mission)
    for (c, j), v in per_cluster_mission.items():
        assert v <= cluster_quota(by_id[j].seats, p.cluster_max_share)
    for c in {m.cluster for m in members}:
        assert per_cluster[c] >= p.cluster_min_seats
    for a in plan.assignments:
        m, x = by_key[a.member], by_id[a.mission]
        assert a.cluster == m.cluster
        if (a.member, a.mission) in p.require:
            assert a.required
            continue
        assert not a.required
        assert a.member not in p.exclude
        assert m.consent or not p.consented_only
        assert eligible_by_hand(m, x)
        assert a.score > 0 or p.allow_zero_fit
    assert p.require <= {(a.member, a.mission) for a in plan.assignments}
    assert {o.constraint for o in plan.left_out} <= set(CONSTRAINT_CODES)
    assert {u.reason for u in plan.unfilled} <= set(CONSTRAINT_CODES)
    for u in plan.unfilled:
        assert u.count == by_id[u.mission].seats - per_mission[u.mission] > 0
    assert plan.certificate.optimal
    assert plan.certificate.dual_bound >= plan.certificate.objective - 1e-6


@st.composite
def instances(draw, max_members=7, max_missions=4):
    n = draw(st.integers(1, max_members))
    m = draw(st.integers(1, max_missions))
    clusters = draw(st.lists(st.sampled_from("ABC"), min_size=n, max_size=n))
    members = [
        member(f"org{i}", cluster=clusters[i], consent=draw(st.booleans()),
               trl=draw(st.one_of(st.none(), st.integers(1, 9))),
               markets=draw(st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True)),
               sectors=draw(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=2, unique=True)))
        for i in range(n)
    ]
    missions = [
        mission(f"M{j}", seats=draw(st.integers(0, 4)), type=draw(st.sampled_from(TYPES)),
                country=draw(st.sampled_from(COUNTRIES)),
                sectors=draw(st.lists(st.sampled_from(SECTORS), max_size=1)))
        for j in range(m)
    ]
    scores = [[draw(st.sampled_from([0.0, 0.0, 0.1, 0.25, 0.5, 0.5, 0.8, 1.0])) for _ in range(m)] for _ in range(n)]
    keys = [x.key for x in members]
    exclude = frozenset(draw(st.lists(st.sampled_from(keys), max_size=1)))
    require = frozenset(draw(st.lists(st.tuples(st.sampled_from(keys), st.sampled_from([x.id for x in missions])),
                                      max_size=2)))
    params = PlanParams(
        max_per_member=draw(st.integers(1, 2)),
        cluster_max_share=draw(st.sampled_from([0.34, 0.5, 1.0])),
        cluster_min_seats=draw(st.sampled_from([0, 0, 1, 2])),
        consented_only=draw(st.booleans()),
        exclude=exclude, require=require, allow_zero_fit=draw(st.booleans()),
    )
    return members, missions, scores, params


@pytest.mark.slow  # 150 plans, each checked against a MILP
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_plan__random_small_instances__meets_every_constraint_and_equals_milp_optimum(inst):
    members, missions, scores, params = inst
    if params.require & {(k, j.id) for k in params.exclude for j in missions}:
        with pytest.raises(UsageError):
            make_plan(members, missions, scores, params, RULES)
        return
    if params.consented_only and any(not m.consent for m in members if m.key in {a for a, _ in params.require}):
        with pytest.raises(InfeasibleError):
            make_plan(members, missions, scores, params, RULES)
        return
    best = milp_optimum(members, missions, scores, params)
    if best is None:
        with pytest.raises(InfeasibleError):
            make_plan(members, missions, scores, params, RULES)
        return
    plan = make_plan(members, missions, scores, params, RULES)
    check_constraints(plan, members, missions, scores, params)
    assert round(plan.certificate.objective * SCALE) == best
    assert plan.objective == pytest.approx(sum(a.score for a in plan.assignments))


def correlated_instance(seed, n=60, m=5, clusters="ABCD"):
    """Members agree on which missions are best, so the best candidates are busy elsewhere: pruning must grow."""
    rng = np.random.default_rng(seed)
    members = [member(f"org{i:03d}", cluster=clusters[i % len(clusters)], trl=9) for i in range(n)]
    missions = [mission(f"M{j}", seats=int(rng.integers(1, 6))) for j in range(m)]
    quality = rng.random(n)
    scores = np.clip(quality[:, None] * 0.8 + rng.random((n, m)) * 0.2, 0, 1) * (rng.random((n, m)) < 0.9)
    return members, missions, scores


@pytest.mark.slow  # 25 pairs of 60-member plans, pruned and full
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([1, 2, 3]), st.sampled_from([0.3, 0.5, 1.0]), st.sampled_from([0, 3]),
       st.lists(st.tuples(st.integers(0, 59), st.integers(0, 4)), max_size=3))
def test_plan__pruned_graph__same_objective_as_full_graph(seed, limit, share, minimum, required):
    members, missions, scores = correlated_instance(seed)
    require = frozenset((members[i].key, missions[j].id) for i, j in required)
    params = PlanParams(max_per_member=limit, cluster_max_share=share, cluster_min_seats=minimum, require=require)
    try:
        full = make_plan(members, missions, scores, params, RULES, prune=False)
    except InfeasibleError:
        with pytest.raises(InfeasibleError):
            make_plan(members, missions, scores, params, RULES)
        return
    pruned = make_plan(members, missions, scores, params, RULES)
    assert pruned.certificate.objective == full.certificate.objective
    assert pruned.certificate.solved_pairs <= full.certificate.solved_pairs
    assert pruned.certificate.optimal


def test_plan__pruning__cuts_pairs_and_grows_lists_when_the_best_are_busy():
    members, missions, scores = correlated_instance(3, n=200, m=6)
    plan = make_plan(members, missions, scores, PlanParams(cluster_max_share=0.5), RULES)
    full = make_plan(members, missions, scores, PlanParams(cluster_max_share=0.5), RULES, prune=False)
    assert plan.certificate.solved_pairs < plan.certificate.candidate_pairs / 3
    assert plan.certificate.rounds >= 2
    assert plan.certificate.objective == full.certificate.objective


def test_plan__shuffled_input__same_plan():
    members, missions, scores = correlated_instance(7)
    params = PlanParams(max_per_member=2, cluster_min_seats=1)
    first = make_plan(members, missions, scores, params, RULES)
    rng = random.Random(1)
    mo, jo = list(range(len(members))), list(range(len(missions)))
    rng.shuffle(mo), rng.shuffle(jo)
    again = make_plan([members[i] for i in mo], [missions[j] for j in jo], scores[np.ix_(mo, jo)], params, RULES)
    assert again.as_dict() == first.as_dict()
    # members already in key order take a path that reorders nothing: missions shuffled alone, too
    missions_only = make_plan(members, [missions[j] for j in jo], scores[:, jo], params, RULES)
    assert missions_only.as_dict() == first.as_dict()


def test_plan__scores_changed_after_planning__explanations_unchanged():
    """Left-out members are explained when read: from the plan's own copy of the scores, not the caller's."""
    members, missions, scores = correlated_instance(3)
    expected = make_plan(members, missions, scores, PlanParams(), RULES).as_dict()
    plan = make_plan(members, missions, scores, PlanParams(), RULES)
    scores[:] = 0.5
    assert plan.as_dict() == expected


def test_plan__ties__broken_by_member_key():
    members = [member(k) for k in ("b", "a", "c")]
    plan = make_plan(members, [mission("M", seats=1)], [[0.5], [0.5], [0.5]], PlanParams(), RULES)
    assert [a.member for a in plan.assignments] == ["a"]
    assert [w.member for w in plan.waitlist] == ["b", "c"]


def test_plan__as_dict_round_trip():
    members, missions, scores = correlated_instance(2, n=20)
    plan = make_plan(members, missions, scores, PlanParams(exclude=frozenset({"org001"}),
                                                           require=frozenset({("org002", "M1")})), RULES)
    from elca_match.planning import Plan

    assert Plan.from_dict(plan.as_dict()) == plan


# --- constraints, one at a time ------------------------------------------------------------

def test_plan__zero_fit_and_no_shared_sector__never_assigned_unless_allowed():
    members = [member("a"), member("b", sectors=("rail",))]
    missions = [mission("M", seats=2, sectors=("automotive",))]
    scores = [[0.0], [0.9]]
    plan = make_plan(members, missions, scores, PlanParams(cluster_max_share=1.0), RULES)
    assert plan.assignments == ()
    assert plan.unfilled[0].reason == "no_eligible_member"
    allowed = make_plan(members, missions, scores, PlanParams(cluster_max_share=1.0, allow_zero_fit=True), RULES)
    assert sorted(a.member for a in allowed.assignments) == ["a", "b"]


def test_plan__unconsented__left_out_unless_included():
    members = [member("a", consent=False), member("b")]
    scores = [[0.9], [0.1]]
    plan = make_plan(members, [mission("M", seats=1)], scores, PlanParams(), RULES)
    assert [a.member for a in plan.assignments] == ["b"]
    assert plan.not_considered["unconsented"] == 1
    plan = make_plan(members, [mission("M", seats=1)], scores, PlanParams(consented_only=False), RULES)
    assert [a.member for a in plan.assignments] == ["a"]


def test_plan__eligibility_rules__final_needs_trl7_or_market_experience():
    members = [member("low", trl=5), member("exp", trl=5, markets=("JP",)), member("high", trl=8)]
    missions = [mission("F", seats=3, type="final", country="JP")]
    plan = make_plan(members, missions, [[0.9], [0.5], [0.4]], PlanParams(cluster_max_share=1.0), RULES)
    assert sorted(a.member for a in plan.assignments) == ["exp", "high"]
    (out,) = plan.left_out
    assert (out.member, out.constraint) == ("low", "eligibility_rule")
    assert "market experience in JP" in out.detail


def test_plan__member_limit_and_seats__explained():
    members = [member("a"), member("b", cluster="B")]
    missions = [mission("M1", seats=1, start="2027-01-01"), mission("M2", seats=1, start="2027-02-01")]
    plan = make_plan(members, missions, [[0.9, 0.8], [0.7, 0.1]], PlanParams(), RULES)
    assert [(a.mission, a.member) for a in plan.assignments] == [("M1", "b"), ("M2", "a")]
    reasons = {o.member: (o.best_mission, o.constraint) for o in plan.left_out}
    assert reasons == {"a": ("M1", "seats_full")}
    two = make_plan(members, missions, [[0.9, 0.8], [0.7, 0.1]], PlanParams(max_per_member=2), RULES)
    assert sorted((a.mission, a.member) for a in two.assignments) == [("M1", "a"), ("M2", "a")]


def test_plan__member_limit__leaves_a_seat_empty_and_says_so():
    missions = [mission("M1", seats=1), mission("M2", seats=1)]
    plan = make_plan([member("a")], missions, [[0.9, 0.8]], PlanParams(), RULES)
    assert [(a.mission, a.member) for a in plan.assignments] == [("M1", "a")]
    (empty,) = plan.unfilled
    assert (empty.mission, empty.reason) == ("M2", "member_limit")
    assert "--max-per-member 1" in empty.detail
    assert [(w.mission, w.member, w.note) for w in plan.waitlist] == [("M2", "a", "now on M1")]


def test_plan__cluster_quota__caps_a_cluster_and_explains():
    members = [member("a1"), member("a2"), member("a3"), member("b1", cluster="B")]
    plan = make_plan(members, [mission("M", seats=4)], [[0.9], [0.8], [0.7], [0.1]], PlanParams(), RULES)
    assert sorted(a.member for a in plan.assignments) == ["a1", "a2", "b1"]
    (out,) = plan.left_out
    assert (out.member, out.constraint) == ("a3", "cluster_quota")
    (empty,) = plan.unfilled
    assert (empty.count, empty.reason) == (1, "cluster_quota")
    assert plan.quotas == {"M": 2}


@pytest.mark.parametrize("seats, share, quota", [(0, 0.5, 0), (1, 0.5, 1), (2, 0.5, 1), (3, 0.5, 1), (5, 0.6, 3),
                                                  (10, 0.5, 5), (4, 1.0, 4), (7, 0.1, 1)])
def test_cluster_quota__floor_share_at_least_one(seats, share, quota):
    assert cluster_quota(seats, share) == quota


def test_plan__cluster_minimum__every_cluster_travels():
    members = [member("a1"), member("a2"), member("a3"), member("b1", cluster="B")]
    missions = [mission("M", seats=3)]
    scores = [[0.9], [0.8], [0.7], [0.05]]
    plain = make_plan(members, missions, scores, PlanParams(cluster_max_share=1.0), RULES)
    assert plain.cluster_seats == {"A": 3, "B": 0}
    fair = make_plan(members, missions, scores, PlanParams(cluster_max_share=1.0, cluster_min_seats=1), RULES)
    assert fair.cluster_seats == {"A": 2, "B": 1}
    assert fair.certificate.optimal


def test_plan__require_and_exclude__override_the_optimum():
    members = [member("a"), member("b", cluster="B"), member("c", cluster="C", trl=3)]
    missions = [mission("M", seats=1, type="showcase")]
    scores = [[0.9], [0.5], [0.0]]
    plan = make_plan(members, missions, scores, PlanParams(exclude=frozenset({"a"})), RULES)
    assert [a.member for a in plan.assignments] == ["b"]
    forced = make_plan(members, missions, scores, PlanParams(require=frozenset({("c", "M")})), RULES)
    (a,) = forced.assignments
    assert (a.member, a.required, a.score) == ("c", True, 0.0)
    assert forced.unfilled == ()


# --- infeasible and wrong input: the right constraint named --------------------------------

def message(code, **params):
    return Problem(code, value=params.pop("value", None), params=params).message()


def test_infeasible__required_beyond_member_limit():
    members = [member("a")]
    missions = [mission("M1"), mission("M2")]
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, missions, [[0.5, 0.5]], PlanParams(require=frozenset({("a", "M1"), ("a", "M2")})), RULES)
    assert str(exc.value) == message("plan_require_limit", value="a", count=2, limit=1, excess=1)


def test_infeasible__required_beyond_seats_and_quota():
    members = [member("a1"), member("a2"), member("b", cluster="B")]
    missions = [mission("M", seats=2)]
    require = frozenset({("a1", "M"), ("a2", "M"), ("b", "M")})
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, missions, [[0.5]] * 3, PlanParams(require=require), RULES)
    assert str(exc.value) == message("plan_require_seats", value="M", count=3, seats=2, excess=1)
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, missions, [[0.5]] * 3, PlanParams(require=frozenset({("a1", "M"), ("a2", "M")})), RULES)
    assert str(exc.value) == message("plan_require_quota", value="M", count=2, cluster="A", quota=1, seats=2,
                                     share=0.5, suggested=1.0, excess=1)


def test_infeasible__required_without_consent_or_excluded():
    members = [member("a", consent=False)]
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, [mission("M")], [[0.5]], PlanParams(require=frozenset({("a", "M")})), RULES)
    assert str(exc.value) == message("plan_require_consent", value="a", mission="M")
    with pytest.raises(UsageError) as exc:
        make_plan(members, [mission("M")], [[0.5]], PlanParams(require=frozenset({("a", "M")}),
                                                               exclude=frozenset({"a"})), RULES)
    assert str(exc.value) == message("plan_require_excluded", value="a")


def test_infeasible__cluster_minimum_beyond_all_seats():
    members = [member("a"), member("b", cluster="B"), member("c", cluster="C")]
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, [mission("M", seats=4)], [[0.5]] * 3, PlanParams(cluster_min_seats=2), RULES)
    assert str(exc.value) == message("plan_cluster_min_total", minimum=2, clusters=3, needed=6, seats=4, short=2,
                                     suggested=1)


def test_infeasible__cluster_minimum_beyond_one_clusters_capacity():
    members = [member("a1"), member("a2"), member("b", cluster="B")]
    missions = [mission("M1", seats=4), mission("M2", seats=4)]
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, missions, [[0.5, 0.5]] * 3, PlanParams(cluster_min_seats=2), RULES)
    (problem,) = exc.value.problems
    assert problem.code == "plan_cluster_min"
    assert problem.params["cluster"] == "B" and problem.params["capacity"] == 1 and problem.params["short"] == 1
    assert "lower cluster_min_seats to 1" in str(exc.value)  # the command line says --cluster-min-seats


def test_infeasible__cluster_minimums_competing_for_the_same_seat():
    members = [member("a"), member("b", cluster="B"), member("c", cluster="C")]
    missions = [mission("M1", seats=1), mission("M2", seats=2)]
    scores = [[0.5, 0.0], [0.5, 0.0], [0.0, 0.5]]  # A and B both fit only M1's single seat
    with pytest.raises(InfeasibleError) as exc:
        make_plan(members, missions, scores, PlanParams(cluster_min_seats=1), RULES)
    assert str(exc.value) == message("plan_cluster_min_joint", minimum=1, suggested=0)


def test_unknown_keys__not_found_with_suggestion():
    members = [member("acme")]
    with pytest.raises(NotFoundError) as exc:
        make_plan(members, [mission("M")], [[0.5]], PlanParams(exclude=frozenset({"acmee"})), RULES)
    assert "did you mean 'acme'" in str(exc.value)
    with pytest.raises(NotFoundError) as exc:
        make_plan(members, [mission("M")], [[0.5]], PlanParams(require=frozenset({("acme", "N")})), RULES)
    assert exc.value.problems[0].params["what"] == "mission"


# the planner names its parameters; the command line spells them as flags (tests/test_cli_plan.py)
@pytest.mark.parametrize("params, fragment", [
    (PlanParams(max_per_member=0), "max_per_member must be 1 or more"),
    (PlanParams(cluster_max_share=0), "cluster_max_share must be above 0"),
    (PlanParams(cluster_max_share=1.5), "cluster_max_share must be above 0"),
    (PlanParams(cluster_min_seats=-1), "cluster_min_seats must be 0 or more"),
])
def test_bad_parameters__usage_error(params, fragment):
    with pytest.raises(UsageError) as exc:
        make_plan([member("a")], [mission("M")], [[0.5]], params, RULES)
    assert fragment in exc.value.paragraph()


# --- the rules file --------------------------------------------------------------------------

def test_rules__shipped_file__covers_every_mission_type():
    assert set(RULES.types) == set(TYPES)


@pytest.mark.parametrize("rule, fragment", [
    ({"trl": {"atleast": 7}}, "unknown operator 'atleast' (did you mean 'at_least'?)"),
    ({"tlr": {"at_least": 7}}, "unknown member attribute 'tlr' (did you mean 'trl'?)"),
    ({"trl": {"at_least": "seven"}}, "expected a number"),
    ({"market_experience": {"contains": "$mission.contry"}}, "unknown mission field 'contry'"),
    ({"any": []}, "expected a non-empty list"),
    ("sometimes", "expected always, never"),
])
def test_rules__invalid__definition_error_names_the_place(rule, fragment):
    with pytest.raises(DefinitionError) as exc:
        parse_rules({"types": {"final": {"rule": rule}}}, known_attributes=["trl", "market_experience"])
    assert fragment in str(exc.value)
    assert "types.final.rule" in str(exc.value)
    assert str(exc.value).endswith(MESSAGES["rules_invalid"].split("}", 1)[1])


def test_rules__mission_type_without_rule__definition_error():
    rules = parse_rules({"types": {"exploratory": {"rule": "always"}}})
    with pytest.raises(DefinitionError) as exc:
        make_plan([member("a")], [mission("M", type="final")], [[0.5]], PlanParams(), rules)
    assert "mission type 'final' has no rule" in str(exc.value)


def test_rules__operators_and_combinators():
    rules = parse_rules({"types": {
        "t": {"rule": {"all": [{"org_type": {"one_of": ["sme", "rto"]}},
                               {"not": {"certifications": {"contains_any": ["iso9001"]}}},
                               {"employees": {"below": 250}},
                               {"region": {"is_set": True}}]}},
    }})
    people = [
        PlanMember("ok", "A", attributes={"org_type": "sme", "employees": 30, "region": "x", "certifications": []}),
        PlanMember("big", "A", attributes={"org_type": "sme", "employees": 300, "region": "x"}),
        PlanMember("cert", "A", attributes={"org_type": "rto", "employees": 3, "region": "x",
                                            "certifications": ["iso9001"]}),
        PlanMember("noregion", "A", attributes={"org_type": "rto", "employees": 3}),
        PlanMember("uni", "A", attributes={"org_type": "university", "employees": 3, "region": "x"}),
    ]
    from elca_match.planning.rules import MemberTable

    mask = rules.eligible(MemberTable(people), PlanMission("M", "JP", "t", 5))
    assert [p.key for p, ok in zip(people, mask) if ok] == ["ok"]


# --- the certificate -------------------------------------------------------------------------

def test_certificate__bound_is_valid_and_tight():
    members, missions, scores = correlated_instance(11, n=80)
    plan = make_plan(members, missions, scores, PlanParams(max_per_member=2, cluster_min_seats=2), RULES)
    cert = plan.certificate
    assert cert.optimal and cert.gap < 1e-6
    assert cert.dual_bound == pytest.approx(cert.objective, abs=1e-6)
    assert plan.objective == pytest.approx(cert.objective, abs=1e-6 * len(plan.assignments))
