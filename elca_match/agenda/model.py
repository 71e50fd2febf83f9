"""What the meeting scheduler takes and what it returns: plain dataclasses, no database.

Times are minutes after midnight (``9 * 60`` is 09:00) and days ISO dates, so an
instance can be built from a file, a database or a benchmark generator alike. A
session of one day is cut into slots of ``slot_minutes``; a slot that overlaps a
break is not offered. Tables are interchangeable within a slot, so the model only
counts meetings per slot and numbers the tables afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Why a request was left out. Codes are part of the output contract (csv/json columns).
NO_COMMON_SLOT = "no_common_slot"
PARTICIPANT_FULL = "participant_full"
NO_TABLE = "no_table"
TIME_LIMIT = "time_limit"
REASONS = {
    NO_COMMON_SLOT: "the two participants' available slots never coincide",
    PARTICIPANT_FULL: "{who} has no free slot left that the other could take",
    NO_TABLE: "every table is taken in the slots both could take",
    TIME_LIMIT: "the solver stopped at its time limit before placing it",
}

# How much a met request is worth: priority 1 (high) to 3 (low), doubled when both asked,
# raised by up to half again by the profiles' fit (0..1). Integers keep CP-SAT exact.
PRIORITY_WEIGHT = {1: 6, 2: 4, 3: 2}


def hhmm(minutes: int) -> str:
    """``570`` -> ``'09:30'``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Session:
    """One day's meeting session: opening hours, slot length, tables and breaks."""

    day: str
    start: int
    end: int
    slot_minutes: int
    tables: int
    breaks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Window:
    """A time a participant can meet on one day."""

    day: str
    start: int
    end: int


@dataclass(frozen=True)
class Request:
    """A wish that two participants meet; ``mutual`` when each asked for the other."""

    id: str
    requester: str
    requested: str
    priority: int = 2
    mutual: bool = False
    fit: float = 0.0

    @property
    def weight(self) -> int:
        """The request's value in the objective (an integer)."""
        base = PRIORITY_WEIGHT.get(self.priority, PRIORITY_WEIGHT[2]) * (2 if self.mutual else 1)
        return base * 10 + round(base * 5 * min(max(self.fit, 0.0), 1.0))

    @property
    def pair(self) -> tuple[str, str]:
        return (self.requester, self.requested)


@dataclass(frozen=True)
class Placement:
    """A request placed at a day, start time and table (a lock, or a meeting of an earlier schedule)."""

    request: str
    day: str
    start: int
    table: int


@dataclass(frozen=True)
class Instance:
    """Everything the scheduler needs for one event.

    ``availability`` maps a participant to its windows; a participant without any is
    available for the whole of every session. ``locks`` must be kept as they are;
    ``previous`` is the schedule before a change, which a new schedule moves as little
    as it can.
    """

    sessions: tuple[Session, ...]
    requests: tuple[Request, ...]
    availability: Mapping[str, tuple[Window, ...]] = field(default_factory=dict)
    locks: tuple[Placement, ...] = ()
    previous: tuple[Placement, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, participant: str) -> str:
        """A participant's display name (its id when none is known)."""
        return self.names.get(participant, participant)


@dataclass(frozen=True)
class Slot:
    """A bookable time: its day, start and end, how many tables, and its position within the day."""

    index: int
    day: str
    start: int
    end: int
    tables: int
    position: int


@dataclass(frozen=True)
class Meeting:
    """A request given a day, time and table."""

    request: Request
    day: str
    start: int
    end: int
    table: int
    locked: bool = False
    moved: bool = False


@dataclass(frozen=True)
class Unscheduled:
    """A request left out, with the reason code and a sentence for people."""

    request: Request
    reason: str
    detail: str


@dataclass(frozen=True)
class CapacityNote:
    """A capacity pre-check that fails: which constraint, by how much, and what to change."""

    constraint: str  # tables | participant
    subject: str
    demand: int
    capacity: int
    relaxation: str


@dataclass
class Schedule:
    """The solver's answer: meetings, requests left out, and how good the answer is.

    ``objective`` and ``bound`` are the weighted value of the met requests and the
    solver's proof that no schedule can do better than ``bound``; ``gap`` is the
    relative distance between them (0 when optimal).
    """

    meetings: list[Meeting]
    unscheduled: list[Unscheduled]
    status: str
    objective: int
    bound: int
    standby_minutes: dict[str, int]
    participants_without_meeting: list[str]
    capacity: list[CapacityNote]
    moved: int = 0
    seconds: float = 0.0
    solver: str = "cp-sat"

    @property
    def gap(self) -> float:
        """Relative gap between the objective and the best bound."""
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)

    @property
    def met(self) -> int:
        """How many requests got a meeting."""
        return len(self.meetings)
