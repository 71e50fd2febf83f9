"""A first-come first-served scheduler: the reference the CP-SAT schedule is measured against.

Requests are taken in the order given; each gets the earliest slot in which both
participants are free and a table is left. It is what a spreadsheet or a simple
brokerage tool does, and it gives the solver a feasible starting point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Request, Slot


def first_come(order: Sequence[str], slots: Sequence[Slot], candidates: Mapping[str, Sequence[int]],
               requests: Mapping[str, Request], preferred: Mapping[str, int] | None = None) -> dict[str, int]:
    """Request id -> slot index, placing requests in ``order`` (a ``preferred`` slot first when it is free)."""
    preferred = preferred or {}
    busy: set[tuple[str, int]] = set()
    used: dict[int, int] = {}
    chosen: dict[str, int] = {}
    for rid in order:
        request = requests[rid]
        options = list(candidates[rid])
        if rid in preferred and preferred[rid] in options:
            options.insert(0, preferred[rid])
        for s in options:
            if used.get(s, 0) < slots[s].tables and all((who, s) not in busy for who in request.pair):
                chosen[rid] = s
                used[s] = used.get(s, 0) + 1
                busy.update((who, s) for who in request.pair)
                break
    return chosen
