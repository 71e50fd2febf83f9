"""The meeting scheduler (elca_match.agenda): constraints always hold, met requests are optimal
on small instances (checked against an independent MILP and brute force), locks are kept,
re-scheduling moves little, and every request left out has its reason."""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from elca_match.agenda import Instance, Placement, Request, Session, Window, greedy_schedule, schedule
from elca_match.agenda.model import NO_COMMON_SLOT, NO_TABLE, PARTICIPANT_FULL
from elca_match.agenda.scheduler import available_slots, build_slots
from elca_match.errors import InfeasibleError, Problem

DAY1, DAY2 = "2027-05-10", "2027-05-11"


def assert_valid(instance: Instance, result) -> None:
    """Every hard constraint of the schedule holds."""
    slots = {(s.day, s.start): s for s in build_slots(instance)}
    requests = {r.id: r for r in instance.requests}
    seen_requests, tables, busy = set(), set(), set()
    for m in result.meetings:
        assert m.request.id in requests and m.request.id not in seen_requests, "a request is met at most once"
        seen_requests.add(m.request.id)
        slot = slots[(m.day, m.start)]  # a real slot: inside a session, not over a break
        assert m.end == slot.end
        assert 1 <= m.table <= slot.tables
        assert (m.day, m.start, m.table) not in tables, "one meeting per table per slot"
        tables.add((m.day, m.start, m.table))
        for who in m.request.pair:
            assert slot.index in available_slots(instance, list(slots.values()), who), "availability respected"
            assert (who, m.day, m.start) not in busy, "nobody in two meetings at once"
            busy.add((who, m.day, m.start))
    placed = {(m.request.id, m.day, m.start, m.table) for m in result.meetings}
    for lock in instance.locks:
        assert (lock.request, lock.day, lock.start, lock.table) in placed, "locks kept"
    assert seen_requests | {u.request.id for u in result.unscheduled} == set(requests)
    assert not seen_requests & {u.request.id for u in result.unscheduled}
    assert result.objective == sum(m.request.weight for m in result.meetings)
    assert result.objective <= result.bound


def milp_optimum(instance: Instance) -> int:
    """The best weighted number of met requests, from an independent MILP over (request, slot)."""
    slots = build_slots(instance)
    free = {p: set(available_slots(instance, slots, p)) for r in instance.requests for p in r.pair}
    columns = [(r, s.index) for r in instance.requests for s in slots
               if s.index in free[r.requester] and s.index in free[r.requested]]
    if not columns:
        return 0
    rows = []
    for r in instance.requests:
        rows.append([1 if c[0] is r else 0 for c in columns])
    for p, s in itertools.product(free, slots):
        rows.append([1 if c[1] == s.index and p in c[0].pair else 0 for c in columns])
    upper = [1] * (len(rows))
    for s in slots:
        rows.append([1 if c[1] == s.index else 0 for c in columns])
        upper.append(s.tables)
    weights = np.array([c[0].weight for c in columns], dtype=float)
    result = milp(-weights, constraints=LinearConstraint(np.array(rows), -np.inf, np.array(upper)),
                  integrality=np.ones(len(columns)), bounds=Bounds(0, 1))
    return round(-result.fun)


def brute_force_met(instance: Instance) -> int:
    """The most requests that can all be met, trying every slot (or none) for every request."""
    slots = build_slots(instance)
    free = {p: set(available_slots(instance, slots, p)) for r in instance.requests for p in r.pair}
    options = [[None] + [s.index for s in slots if s.index in free[r.requester] & free[r.requested]]
               for r in instance.requests]
    best = 0
    for choice in itertools.product(*options):
        used, busy, ok = defaultdict(int), set(), True
        for r, s in zip(instance.requests, choice):
            if s is None:
                continue
            used[s] += 1
            if used[s] > slots[s].tables or any((p, s) in busy for p in r.pair):
                ok = False
                break
            busy.update((p, s) for p in r.pair)
        if ok:
            best = max(best, sum(s is not None for s in choice))
    return best


@st.composite
def instances(draw, max_requests: int = 10, uniform: bool = False):
    """Small random events: 1-2 days, a few slots and tables, breaks, part-time participants."""
    people = [f"p{i}" for i in range(draw(st.integers(2, 6)))]
    sessions = []
    for day in (DAY1, DAY2)[: draw(st.integers(1, 2))]:
        slot_minutes = draw(st.sampled_from([15, 30]))
        count = draw(st.integers(1, 4))
        breaks = ((9 * 60 + slot_minutes, 9 * 60 + 2 * slot_minutes),) if count > 2 and draw(st.booleans()) else ()
        sessions.append(Session(day, 9 * 60, 9 * 60 + count * slot_minutes, slot_minutes,
                                draw(st.integers(1, 3)), breaks))
    pairs = [p for p in itertools.combinations(people, 2)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=min(max_requests, len(pairs))))
    requests = tuple(
        Request(f"r{i}", *(pair if draw(st.booleans()) else pair[::-1]),
                priority=2 if uniform else draw(st.integers(1, 3)),
                mutual=False if uniform else draw(st.booleans()),
                fit=0.0 if uniform else draw(st.sampled_from([0.0, 0.3, 0.9])))
        for i, pair in enumerate(chosen))
    availability = {}
    for who in people:
        if draw(st.booleans()):
            session = draw(st.sampled_from(sessions))
            length = session.end - session.start
            start = session.start + draw(st.integers(0, length // session.slot_minutes)) * session.slot_minutes
            availability[who] = (Window(session.day, start, session.end),)
    return Instance(tuple(sessions), requests, availability)


@pytest.mark.slow  # 40 schedules, each checked against the optimum
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_schedule__random_instances__every_constraint_holds_and_met_value_is_optimal(instance):
    result = schedule(instance, time_limit=5)
    assert_valid(instance, result)
    assert result.status == "optimal"
    assert result.objective == milp_optimum(instance)
    assert result.gap == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_requests=6, uniform=True))
def test_schedule__equal_requests__met_count_equals_brute_force(instance):
    result = schedule(instance, time_limit=5)
    assert result.met == brute_force_met(instance)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.data())
def test_schedule__locks__kept_on_every_random_instance(instance, data):
    first = greedy_schedule(instance)
    if not first.meetings:
        return
    locked = data.draw(st.lists(st.sampled_from(first.meetings), unique=True, max_size=3))
    locks = tuple(Placement(m.request.id, m.day, m.start, m.table) for m in locked)
    again = Instance(instance.sessions, instance.requests, instance.availability, locks=locks)
    result = schedule(again, time_limit=5)
    assert_valid(again, result)
    assert result.objective <= milp_optimum(instance)


def event(requests, tables=2, slots=4, availability=None, **kw) -> Instance:
    return Instance((Session(DAY1, 9 * 60, 9 * 60 + slots * 30, 30, tables),),
                    tuple(Request(f"r{i}", a, b, **kw) for i, (a, b) in enumerate(requests)), availability or {})


def test_schedule__reschedule_after_a_new_request__moves_no_meeting():
    before = event([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")])
    first = schedule(before)
    previous = tuple(Placement(m.request.id, m.day, m.start, m.table) for m in first.meetings)
    after = Instance(before.sessions, before.requests + (Request("r9", "d", "e"),), previous=previous)
    second = schedule(after)
    assert_valid(after, second)
    assert second.met == 5 and second.moved == 0
    assert {(m.request.id, m.day, m.start, m.table) for m in second.meetings} >= set(
        (p.request, p.day, p.start, p.table) for p in previous)


def test_schedule__stand_by__meetings_of_a_participant_are_back_to_back():
    result = schedule(event([("a", "b"), ("a", "c"), ("a", "d")], tables=1, slots=6))
    starts = sorted(m.start for m in result.meetings)
    assert starts == [starts[0], starts[0] + 30, starts[0] + 60]
    assert result.standby_minutes["a"] == 0


def test_schedule__reasons__no_common_slot_participant_full_and_no_table():
    apart = event([("a", "b")], availability={"a": (Window(DAY1, 540, 570),), "b": (Window(DAY1, 570, 600),)})
    assert [u.reason for u in schedule(apart).unscheduled] == [NO_COMMON_SLOT]
    busy = event([("a", "b"), ("a", "c"), ("a", "d")], slots=2)
    result = schedule(busy)
    assert result.met == 2 and [u.reason for u in result.unscheduled] == [PARTICIPANT_FULL]
    assert "a" in result.unscheduled[0].detail
    crowded = event([("a", "b"), ("c", "d"), ("e", "f")], tables=1, slots=2)
    assert [u.reason for u in schedule(crowded).unscheduled] == [NO_TABLE]


def test_schedule__capacity__notes_say_what_to_change_and_require_all_refuses():
    instance = event([("a", "b"), ("a", "c"), ("a", "d"), ("e", "f")], tables=1, slots=2)
    result = schedule(instance)
    constraints = {(n.constraint, n.subject) for n in result.capacity}
    assert constraints == {("tables", "all requests"), ("participant", "a")}
    with pytest.raises(InfeasibleError) as caught:
        schedule(instance, require_all=True)
    assert "add 1 tables to every session" in str(caught.value.paragraph())
    assert "widen a's availability by 1 slots" in caught.value.paragraph()


@pytest.mark.parametrize("locks, code", [
    ((Placement("r0", DAY1, 540, 1), Placement("r1", DAY1, 540, 2)), "agenda_lock_clash"),
    ((Placement("r0", DAY1, 540, 1), Placement("r2", DAY1, 540, 1)), "agenda_lock_table"),
    ((Placement("r0", DAY1, 545, 1),), "agenda_lock_no_slot"),
    ((Placement("r0", DAY1, 540, 3),), "agenda_lock_no_slot"),
    ((Placement("zz", DAY1, 540, 1),), "agenda_lock_unknown"),
])
def test_schedule__locks_that_cannot_hold__refused_naming_the_constraint(locks, code):
    base = event([("a", "b"), ("a", "c"), ("d", "e")])
    with pytest.raises(InfeasibleError) as caught:
        schedule(Instance(base.sessions, base.requests, locks=locks))
    assert caught.value.problems[0].code == code
    assert caught.value.problems[0].message() == Problem(code, value=caught.value.problems[0].value,
                                                         params=caught.value.problems[0].params).message()


def test_schedule__no_slot_or_overlapping_sessions__refused():
    with pytest.raises(InfeasibleError, match="no meeting slot"):
        schedule(Instance((Session(DAY1, 540, 560, 30, 2),), (Request("r0", "a", "b"),)))
    overlapping = (Session(DAY1, 540, 660, 30, 2), Session(DAY1, 600, 700, 30, 2))
    with pytest.raises(InfeasibleError, match="overlap"):
        schedule(Instance(overlapping, (Request("r0", "a", "b"),)))


def test_request_weight__priority_mutual_and_fit_order_the_value():
    assert Request("x", "a", "b", priority=1).weight > Request("x", "a", "b", priority=2).weight
    assert Request("x", "a", "b", mutual=True).weight > Request("x", "a", "b").weight
    assert Request("x", "a", "b", fit=0.8).weight > Request("x", "a", "b", fit=0.1).weight


def test_schedule__fairness__among_equal_schedules_everyone_who_can_meets_someone():
    # two table-slots for three equal requests: (a,b)+(c,b) leaves d without a meeting, (a,b)+(c,d) does not
    result = schedule(event([("a", "b"), ("c", "b"), ("c", "d")], tables=1, slots=2))
    assert {m.request.pair for m in result.meetings} == {("a", "b"), ("c", "d")}
    assert result.participants_without_meeting == []
