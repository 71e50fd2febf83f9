"""An upper bound on the weighted requests any schedule can meet, and a selection to start from.

Forget which slot each meeting takes: a participant can then meet at most as many
partners as it has available slots, and the event can hold at most as many meetings as
it has tables x slots. The best selection under these limits (a weighted b-matching,
solved exactly by HiGHS through scipy) is worth at least as much as any schedule, so it
is a valid bound; it is also nearly always placeable, which makes it the solver's start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .model import Request


def selection_bound(requests: Sequence[Request], candidates: Mapping[str, Sequence[int]],
                    slots_of: Mapping[str, int], table_slots: int, forced: Sequence[str] = (),
                    time_limit: float = 5.0) -> tuple[int, list[str]]:
    """(bound, selected request ids): the best selection ignoring slot assignment.

    ``slots_of`` is each participant's number of available slots; ``forced`` ids are
    locked meetings, selected whatever they are worth.
    """
    ids = [r.id for r in requests if candidates[r.id]]
    if not ids:
        return 0, []
    people = sorted({p for r in requests for p in r.pair})
    row_of = {p: i for i, p in enumerate(people)}
    by_id = {r.id: r for r in requests}
    rows, cols = [], []
    for j, rid in enumerate(ids):
        for who in by_id[rid].pair:
            rows.append(row_of[who])
            cols.append(j)
        rows.append(len(people))
        cols.append(j)
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(people) + 1, len(ids))).tocsr()
    upper = np.array([slots_of[p] for p in people] + [table_slots], dtype=float)
    lower = np.zeros(len(ids))
    forced_set = set(forced)
    for j, rid in enumerate(ids):
        if rid in forced_set:
            lower[j] = 1
    weights = np.array([by_id[rid].weight for rid in ids], dtype=float)
    result = milp(-weights, constraints=LinearConstraint(matrix, -np.inf, upper), integrality=np.ones(len(ids)),
                  bounds=Bounds(lower, np.ones(len(ids))), options={"time_limit": time_limit})
    if result.x is None:  # no selection in time: the trivial bound, and no start
        return int(weights.sum()), []
    bound = getattr(result, "mip_dual_bound", None)
    bound = -result.fun if bound is None or not np.isfinite(bound) else -bound
    return int(np.floor(bound + 1e-6)), [rid for j, rid in enumerate(ids) if result.x[j] > 0.5]
