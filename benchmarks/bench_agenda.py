"""Meeting scheduler benchmark: CP-SAT against a first-come first-served scheduler.

Two synthetic brokerage events (seeded, so every run is the same event):
  small: 60 participants, 200 requests, 1 day  (target: optimal in under 5 s)
  large: 300 participants, 1,500 requests, 2 days x 16 slots x 40 tables
         (target: within 2% of the solver's bound in under 30 s)
For each: time, requests met against the bound, stand-by minutes per participant, and
the same figures for the greedy scheduler in the same run.

Run: python benchmarks/bench_agenda.py [small|large] [--time-limit S]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elca_match.agenda import Instance, Request, Session, Window, greedy_schedule, schedule  # noqa: E402

EVENTS = {
    # name: participants, requests, days, slots per day, tables, time limit, target gap
    "small": (60, 200, 1, 16, 15, 5.0, 0.0),
    "large": (300, 1500, 2, 16, 40, 30.0, 0.02),
}


def event(participants: int, requests: int, days: int, slots: int, tables: int, seed: int = 7) -> Instance:
    """A brokerage event: a few popular participants, mixed priorities and fits, some part-time attendees."""
    rng = random.Random(seed)
    ids = [f"P{i:03d}" for i in range(participants)]
    popularity = [1.0 / (1 + i) ** 0.5 for i in range(participants)]  # some are asked for far more often
    dates = [f"2027-05-{10 + d:02d}" for d in range(days)]
    start = 9 * 60
    sessions = tuple(Session(day, start, start + (slots + 2) * 20, 20, tables, ((12 * 60 + 20, 13 * 60),))
                     for day in dates)
    pairs: set[tuple[str, str]] = set()
    made = []
    while len(made) < requests:
        a = rng.choice(ids)
        b = rng.choices(ids, weights=popularity)[0]
        if a == b or (a, b) in pairs:
            continue
        pairs.add((a, b))
        made.append((a, b))
    result = []
    for n, (a, b) in enumerate(made):
        if (b, a) in pairs and a > b:
            continue  # the mutual request is kept once, from the first side
        result.append(Request(f"R{n:04d}", a, b, priority=rng.choice((1, 2, 2, 3)), mutual=(b, a) in pairs,
                              fit=round(rng.random(), 2)))
    availability = {}
    for pid in rng.sample(ids, participants // 5):  # a fifth of them only part of the time
        day = rng.choice(dates)
        availability[pid] = (Window(day, start, start + 4 * 60),) if rng.random() < 0.5 else \
            tuple(Window(d, 13 * 60, 18 * 60) for d in dates)
    return Instance(sessions, tuple(result), availability)


def figures(name: str, result, participants: int) -> str:
    waits = list(result.standby_minutes.values()) or [0]
    return (f"  {name:<8} {result.seconds:7.2f} s  met {result.met:5d}/{len(result.meetings) + len(result.unscheduled)}"
            f"  weighted {result.objective:7d} / bound {result.bound:7d}  gap {result.gap:6.2%}  status {result.status:<8}"
            f"  stand-by min/participant: mean {statistics.mean(waits):5.1f} max {max(waits):4d}"
            f"  without a meeting {len(result.participants_without_meeting)}")


def run(name: str, time_limit: float | None = None) -> tuple[float, float]:
    participants, requests, days, slots, tables, limit, target = EVENTS[name]
    instance = event(participants, requests, days, slots, tables)
    print(f"{name}: {participants} participants, {len(instance.requests)} requests "
          f"({requests} asked, mutual ones once), {days} day(s) x {slots} slots x {tables} tables")
    greedy = greedy_schedule(instance)
    started = time.monotonic()
    solved = schedule(instance, time_limit=time_limit or limit)
    elapsed = time.monotonic() - started
    print(figures("cp-sat", solved, participants))
    print(figures("greedy", greedy, participants))
    print(f"  cp-sat meets {solved.met - greedy.met:+d} requests and {solved.objective / max(1, greedy.objective) - 1:+.1%}"
          f" weighted value over greedy; target: gap <= {target:.0%} in {limit:.0f} s -> "
          f"{'met' if solved.gap <= target + 1e-9 and elapsed <= limit + 1 else 'MISSED'}")
    return elapsed, solved.gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", nargs="*", choices=[*EVENTS, []], help="small, large (default: both)")
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args()
    for name in args.events or list(EVENTS):
        run(name, args.time_limit)


if __name__ == "__main__":
    main()
