"""A first-come first-served scheduler: the reference the CP-SAT schedule is measured against.

Requests are taken in the order given; each gets the earliest slot in which both
participants are free and a table is left. It is what a spreadsheet or a simple
brokerage tool does, and it gives the solver a feasible starting point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Request, Slot


def first_come(order: Sequence[str], slots: Sequence[Slot], candidates: Mapping[str, Sequence[int]],
               requests: Mapping[str, Request], preferred: Mapping[str, int] | None = None,
               compact: bool = False) -> dict[str, int]:
    """Request id -> slot index, placing requests in ``order`` (a ``preferred`` slot first when it is free).

    Each request takes the earliest free slot or, with ``compact``, the free slot that adds the
    least waiting time for its two participants (next to meetings they already have).
    """
    preferred = preferred or {}
    busy: set[tuple[str, int]] = set()
    days: dict[tuple[str, str], list[int]] = {}  # (participant, day) -> positions taken
    used: dict[int, int] = {}
    chosen: dict[str, int] = {}
    for rid in order:
        request = requests[rid]
        free = [s for s in candidates[rid]
                if used.get(s, 0) < slots[s].tables and all((who, s) not in busy for who in request.pair)]
        if not free:
            continue
        if rid in preferred and preferred[rid] in free:
            s = preferred[rid]
        elif compact:
            s = min(free, key=lambda s: (sum(_added_wait(days.get((who, slots[s].day), ()), slots[s].position)
                                             for who in request.pair), s))
        else:
            s = free[0]
        chosen[rid] = s
        used[s] = used.get(s, 0) + 1
        busy.update((who, s) for who in request.pair)
        for who in request.pair:
            days.setdefault((who, slots[s].day), []).append(slots[s].position)
    return chosen


def _added_wait(taken: Sequence[int], position: int) -> int:
    """Slots of waiting a meeting at ``position`` adds to a day with meetings at ``taken`` (negative: fills a gap)."""
    if not taken:
        return 0
    low, high = min(taken), max(taken)
    if position < low:
        return low - position - 1
    if position > high:
        return position - high - 1
    return -1
