"""The meeting scheduler: an OR-Tools CP-SAT model built from an :class:`Instance`.

One boolean per (request, slot in which both participants are available). Constraints:
a request is met at most once; a participant is in at most one meeting per slot; a slot
holds at most as many meetings as it has tables; locked meetings are fixed. Tables are
interchangeable, so they are numbered once the slots are chosen (locked and unmoved
meetings keep theirs).

The objective is lexicographic, solved in stages that each keep the previous stage's
value: (1) the weighted requests met; (2) after a change, the fewest meetings moved;
(3) the least stand-by time (idle slots between a participant's first and last meeting
of a day); (4) the most participants with at least one meeting. CP-SAT is the standard
solver for this kind of timetabling, proves a bound, and stops at a time limit with its
best schedule so far; stage 1 is reported with objective, bound and gap.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from ..errors import InfeasibleError, Problem
from .greedy import first_come
from .model import (
    NO_COMMON_SLOT,
    NO_TABLE,
    PARTICIPANT_FULL,
    REASONS,
    TIME_LIMIT,
    CapacityNote,
    Instance,
    Meeting,
    Request,
    Schedule,
    Slot,
    Unscheduled,
    hhmm,
)
from .relaxation import selection_bound

# Share of the time limit for stage 1; later stages share what is left (and any time stage 1 saved).
STAGE_ONE_SHARE = 0.6


def build_slots(instance: Instance) -> list[Slot]:
    """Cut every session into slots, dropping those that overlap a break.

    Two sessions on the same day must not overlap in time (a participant could then be
    at two tables at once); that is refused with InfeasibleError.
    """
    raw = []
    for session in instance.sessions:
        start = session.start
        while start + session.slot_minutes <= session.end:
            end = start + session.slot_minutes
            if not any(start < b_end and b_start < end for b_start, b_end in session.breaks):
                raw.append((session.day, start, end, session.tables))
            start = end
    raw.sort()
    problems = []
    for before, after in zip(raw, raw[1:]):
        if before[0] == after[0] and after[1] < before[2]:
            problems.append(Problem("agenda_sessions_overlap", value=before[0],
                                    params={"first": hhmm(before[1]), "second": hhmm(after[1])}))
    if problems:
        raise InfeasibleError("", problems[:1])
    positions: dict[str, int] = defaultdict(int)
    slots = []
    for index, (day, start, end, tables) in enumerate(raw):
        slots.append(Slot(index, day, start, end, tables, positions[day]))
        positions[day] += 1
    return slots


def available_slots(instance: Instance, slots: list[Slot], participant: str) -> list[int]:
    """Indices of the slots lying wholly inside one of the participant's windows (all slots without windows)."""
    windows = instance.availability.get(participant)
    if not windows:
        return [s.index for s in slots]
    return [s.index for s in slots
            if any(w.day == s.day and w.start <= s.start and s.end <= w.end for w in windows)]


def capacity_notes(instance: Instance, slots: list[Slot], free: dict[str, set[int]]) -> list[CapacityNote]:
    """The capacity pre-checks that fail: all requests against slots x tables, each participant's against its slots."""
    notes = []
    table_slots = sum(s.tables for s in slots)
    demand = len(instance.requests)
    if demand > table_slots:
        per_slot = len(slots) or 1
        extra_tables = -(-(demand - table_slots) // per_slot)
        notes.append(CapacityNote("tables", "all requests", demand, table_slots,
                                  f"add {extra_tables} tables to every session, or longer sessions, "
                                  f"or drop {demand - table_slots} low-priority requests"))
    load: dict[str, int] = defaultdict(int)
    for request in instance.requests:
        load[request.requester] += 1
        load[request.requested] += 1
    for participant, count in sorted(load.items()):
        slots_free = len(free[participant])
        if count > slots_free:
            notes.append(CapacityNote("participant", instance.name(participant), count, slots_free,
                                      f"widen {instance.name(participant)}'s availability by "
                                      f"{count - slots_free} slots or drop {count - slots_free} of its requests"))
    return notes


def capacity_error(notes: list[CapacityNote]) -> InfeasibleError:
    """The failed capacity checks as one error (for callers that need every request met)."""
    problems = [Problem("agenda_capacity", value=n.subject,
                        params={"constraint": n.constraint, "demand": n.demand, "capacity": n.capacity,
                                "relaxation": n.relaxation}) for n in notes]
    return InfeasibleError("", problems)


def _check_locks(instance: Instance, slots: list[Slot], free: dict[str, set[int]],
                 requests: dict[str, Request]) -> dict[str, tuple[int, int]]:
    """Each lock as request id -> (slot index, table); raise InfeasibleError when locks cannot all hold."""
    at = {(s.day, s.start): s for s in slots}
    placed: dict[str, tuple[int, int]] = {}
    busy: dict[tuple[str, int], str] = {}
    tables: dict[tuple[int, int], str] = {}
    problems = []
    for lock in instance.locks:
        request = requests.get(lock.request)
        slot = at.get((lock.day, lock.start))
        when = f"{lock.day} {hhmm(lock.start)}"
        if request is None:
            problems.append(Problem("agenda_lock_unknown", value=lock.request))
            continue
        if slot is None or not 1 <= lock.table <= slot.tables:
            problems.append(Problem("agenda_lock_no_slot", value=lock.request,
                                    params={"when": when, "table": lock.table}))
            continue
        for who in request.pair:
            if slot.index not in free[who]:
                problems.append(Problem("agenda_lock_unavailable", value=lock.request,
                                        params={"when": when, "participant": instance.name(who)}))
            elif (who, slot.index) in busy:
                problems.append(Problem("agenda_lock_clash", value=lock.request,
                                        params={"when": when, "participant": instance.name(who),
                                                "other": busy[(who, slot.index)]}))
            busy.setdefault((who, slot.index), lock.request)
        if (slot.index, lock.table) in tables:
            problems.append(Problem("agenda_lock_table", value=lock.request,
                                    params={"when": when, "table": lock.table,
                                            "other": tables[(slot.index, lock.table)]}))
        tables[(slot.index, lock.table)] = lock.request
        placed[lock.request] = (slot.index, lock.table)
    if problems:
        raise InfeasibleError("", problems)
    return placed


def schedule(instance: Instance, time_limit: float = 10.0, workers: int = 2, seed: int = 0,
             require_all: bool = False) -> Schedule:
    """Give every request a slot and table it can have, optimising the lexicographic objective.

    Raises InfeasibleError when there is no slot at all, when the locks cannot all be
    kept, or (``require_all``) when a capacity check shows not every request can fit.
    """
    started = time.monotonic()
    slots = build_slots(instance)
    if not slots:
        raise InfeasibleError("", [Problem("agenda_no_slots")])
    requests = {r.id: r for r in instance.requests}
    participants = sorted({p for r in instance.requests for p in r.pair})
    free = {p: set(available_slots(instance, slots, p)) for p in participants}
    notes = capacity_notes(instance, slots, free)
    if require_all and notes:
        raise capacity_error(notes)
    locked = _check_locks(instance, slots, free, requests)
    previous = _previous(instance, slots, requests)

    candidates = {r.id: sorted(free[r.requester] & free[r.requested]) for r in instance.requests}
    model = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    for rid, options in candidates.items():
        for s in options:
            x[rid, s] = model.NewBoolVar(f"x[{rid},{s}]")
    by_request: dict[str, list] = defaultdict(list)
    by_person_slot: dict[tuple[str, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    for (rid, s), var in x.items():
        by_request[rid].append(var)
        by_slot[s].append(var)
        for who in requests[rid].pair:
            by_person_slot[who, s].append(var)
    for variables in by_request.values():
        model.AddAtMostOne(variables)
    for variables in by_person_slot.values():
        if len(variables) > 1:
            model.AddAtMostOne(variables)
    for s, variables in by_slot.items():
        if len(variables) > slots[s].tables:
            model.Add(sum(variables) <= slots[s].tables)
    for rid, (s, _table) in locked.items():
        model.Add(x[rid, s] == 1)

    met_value = sum(requests[rid].weight * var for (rid, _s), var in x.items())
    bound, selected = selection_bound(instance.requests, candidates, {p: len(free[p]) for p in participants},
                                      sum(s.tables for s in slots), forced=list(locked),
                                      time_limit=max(0.5, time_limit * 0.2))
    hint = _start(instance, slots, candidates, requests, locked, previous, selected)
    objective = sum(requests[rid].weight for rid, _s in hint)
    model.Add(met_value <= bound)  # valid (the selection bound), and it lets CP-SAT prove optimality
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed

    def solve(objective, maximise: bool, seconds: float) -> int | None:
        model.ClearHints()
        for key, var in x.items():
            model.AddHint(var, int(key in hint))
        (model.Maximize if maximise else model.Minimize)(objective)
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        hint.clear()
        hint.update(key for key, var in x.items() if solver.BooleanValue(var))
        return status

    def remaining() -> float:
        return time_limit - (time.monotonic() - started)

    status_name = "optimal" if objective >= bound else "feasible"
    if objective < bound:
        start = set(hint)
        status = solve(met_value, True, remaining() * STAGE_ONE_SHARE)
        if status is not None and round(solver.ObjectiveValue()) >= objective:
            objective = round(solver.ObjectiveValue())
            bound = min(bound, int(solver.BestObjectiveBound() + 1e-6))
            status_name = "optimal" if status == cp_model.OPTIMAL or objective >= bound else "feasible"
        else:  # the solver found nothing better than the start in its time: keep the start
            hint.clear()
            hint.update(start)
    model.Add(met_value >= objective)
    stages = []
    if previous:
        kept = [x[rid, s] for rid, (s, _t) in previous.items() if (rid, s) in x]
        stages.append((len(previous) - sum(kept), False))
    stages.append((_standby(model, x, slots, requests), False))
    stages.append((_with_meeting(model, x, requests, participants), True))
    for index, (expression, maximise) in enumerate(stages):
        if remaining() <= 0.1 or solve(expression, maximise, remaining() / (len(stages) - index)) is None:
            break
        value = round(solver.ObjectiveValue())
        model.Add(expression >= value if maximise else expression <= value)

    chosen = {rid: s for rid, s in hint}
    return _result(instance, slots, requests, candidates, chosen, locked, previous, free, notes,
                   status_name, objective, max(bound, objective), time.monotonic() - started)


def _previous(instance: Instance, slots: list[Slot], requests: dict[str, Request]) -> dict[str, tuple[int, int]]:
    at = {(s.day, s.start): s.index for s in slots}
    return {p.request: (at[(p.day, p.start)], p.table) for p in instance.previous
            if p.request in requests and (p.day, p.start) in at}


def _standby(model: cp_model.CpModel, x, slots: list[Slot], requests: dict[str, Request]):
    """Idle slots between each participant's first and last meeting of each day, as one expression."""
    busy: dict[tuple[str, int], list] = defaultdict(list)
    for (rid, s), var in x.items():
        for who in requests[rid].pair:
            busy[who, s].append(var)
    per_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (who, s) in busy:
        per_day[who, slots[s].day].append(s)
    terms = []
    for (who, day), indices in per_day.items():
        if len(indices) < 2:
            continue
        low = min(slots[s].position for s in indices)
        high = max(slots[s].position for s in indices)
        first = model.NewIntVar(low, high, "")
        last = model.NewIntVar(low, high, "")
        has = model.NewBoolVar("")
        count = []
        for s in indices:
            used = model.NewBoolVar("")
            model.Add(sum(busy[who, s]) == used)
            model.Add(first <= slots[s].position).OnlyEnforceIf(used)
            model.Add(last >= slots[s].position).OnlyEnforceIf(used)
            model.AddImplication(used, has)
            count.append(used)
        model.Add(last >= first)
        # last - first + 1 - meetings when the participant meets that day, else 0 (first == last at the optimum)
        idle = last - first + has - sum(count)
        model.Add(idle >= 0)  # true of every schedule (meetings fit between first and last); it lets CP-SAT prove 0
        terms.append(idle)
    return sum(terms)


def _with_meeting(model: cp_model.CpModel, x, requests: dict[str, Request], participants: list[str]):
    """The number of participants with at least one meeting, as one expression."""
    theirs: dict[str, list] = defaultdict(list)
    for (rid, _s), var in x.items():
        for who in requests[rid].pair:
            theirs[who].append(var)
    terms = []
    for who in participants:
        if theirs[who]:
            meets = model.NewBoolVar("")
            model.Add(meets <= sum(theirs[who]))
            terms.append(meets)
    return sum(terms)


def _start(instance, slots, candidates, requests, locked, previous, selected) -> set[tuple[str, int]]:
    """A feasible start: locks, the previous schedule, the bound's selection (most constrained first), then the rest.

    The rest go by weight; every request keeps its previous (or locked) slot when it is still free.
    """
    first = set(locked) | set(previous)
    chosen = set(selected) - first
    order = list(locked) + [r for r in previous if r not in locked]
    order += sorted(chosen, key=lambda r: (len(candidates[r]), -requests[r].weight, r))
    order += sorted((r.id for r in instance.requests if r.id not in first and r.id not in chosen),
                    key=lambda r: (-requests[r].weight, len(candidates[r]), r))
    placed = first_come(order, slots, candidates, requests,
                        preferred={**{r: s for r, (s, _t) in previous.items()},
                                   **{r: s for r, (s, _t) in locked.items()}}, compact=True)
    return set(placed.items())


def _result(instance, slots, requests, candidates, chosen, locked, previous, free, notes, status, objective, bound,
            seconds) -> Schedule:
    meetings = []
    for s in sorted(set(chosen.values())):
        here = [rid for rid, slot in chosen.items() if slot == s]
        taken = {locked[rid][1] for rid in here if rid in locked}
        table_of = {rid: locked[rid][1] for rid in here if rid in locked}
        for rid in here:
            if rid not in table_of and rid in previous and previous[rid][0] == s and previous[rid][1] not in taken \
                    and previous[rid][1] <= slots[s].tables:
                table_of[rid] = previous[rid][1]
                taken.add(previous[rid][1])
        spare = iter(t for t in range(1, slots[s].tables + 1) if t not in taken)
        for rid in sorted(here):
            if rid not in table_of:
                table_of[rid] = next(spare)
        slot = slots[s]
        for rid in here:
            moved = rid in previous and previous[rid] != (s, table_of[rid])
            meetings.append(Meeting(requests[rid], slot.day, slot.start, slot.end, table_of[rid],
                                    locked=rid in locked, moved=moved))
    meetings.sort(key=lambda m: (m.day, m.start, m.table))
    busy = {(who, s) for rid, s in chosen.items() for who in requests[rid].pair}
    used = defaultdict(int)
    for s in chosen.values():
        used[s] += 1
    unscheduled = []
    for request in instance.requests:
        if request.id in chosen:
            continue
        unscheduled.append(_reason(instance, request, candidates[request.id], busy, used, slots))
    standby = standby_minutes(meetings, slots)
    participants = sorted({p for r in instance.requests for p in r.pair})
    meeting_someone = {p for m in meetings for p in m.request.pair}
    could = {p for r in instance.requests if candidates[r.id] for p in r.pair}
    return Schedule(meetings, unscheduled, status, objective, bound, standby,
                    [p for p in participants if p in could and p not in meeting_someone], notes,
                    moved=sum(1 for m in meetings if m.moved) + sum(1 for r in previous if r not in chosen),
                    seconds=round(seconds, 3))


def _reason(instance: Instance, request: Request, options: list[int], busy, used, slots: list[Slot]) -> Unscheduled:
    """Why a request has no meeting, judged on the final schedule."""
    if not options:
        return Unscheduled(request, NO_COMMON_SLOT, REASONS[NO_COMMON_SLOT])
    both_free = [s for s in options if (request.requester, s) not in busy and (request.requested, s) not in busy]
    if not both_free:
        full = [who for who in request.pair if all((who, s) in busy for s in options)]
        who = " and ".join(instance.name(p) for p in full) or "each of them in turn"
        return Unscheduled(request, PARTICIPANT_FULL, REASONS[PARTICIPANT_FULL].format(who=who))
    if all(used[s] >= slots[s].tables for s in both_free):
        return Unscheduled(request, NO_TABLE, REASONS[NO_TABLE])
    return Unscheduled(request, TIME_LIMIT, REASONS[TIME_LIMIT])


def standby_minutes(meetings: list[Meeting], slots: list[Slot]) -> dict[str, int]:
    """Minutes each participant waits between its first and last meeting of each day, summed over days.

    Counted in slots (breaks are not waiting): each free slot between two of its meetings.
    """
    positions: dict[tuple[str, int], Slot] = {(s.day, s.start): s for s in slots}
    mine: dict[tuple[str, str], list[Slot]] = defaultdict(list)
    for m in meetings:
        for who in m.request.pair:
            mine[who, m.day].append(positions[(m.day, m.start)])
    by_day: dict[str, list[Slot]] = defaultdict(list)
    for s in slots:
        by_day[s.day].append(s)
    result: dict[str, int] = defaultdict(int)
    for (who, day), taken in mine.items():
        low, high = min(t.position for t in taken), max(t.position for t in taken)
        held = {t.position for t in taken}
        result[who] += sum(s.end - s.start for s in by_day[day] if low < s.position < high and s.position not in held)
    for m in meetings:
        for who in m.request.pair:
            result.setdefault(who, 0)
    return dict(result)


def greedy_schedule(instance: Instance) -> Schedule:
    """The first-come first-served schedule of the same instance (locks kept), for comparison."""
    started = time.monotonic()
    slots = build_slots(instance)
    requests = {r.id: r for r in instance.requests}
    participants = sorted({p for r in instance.requests for p in r.pair})
    free = {p: set(available_slots(instance, slots, p)) for p in participants}
    locked = _check_locks(instance, slots, free, requests)
    candidates = {r.id: sorted(free[r.requester] & free[r.requested]) for r in instance.requests}
    order = list(locked) + [r.id for r in instance.requests if r.id not in locked]
    chosen = first_come(order, slots, candidates, requests, preferred={r: s for r, (s, _t) in locked.items()})
    objective = sum(requests[rid].weight for rid in chosen)
    return _result(instance, slots, requests, candidates, chosen, locked, {}, free, [], "greedy", objective,
                   objective, time.monotonic() - started)
