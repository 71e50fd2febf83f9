"""What the planner takes and what it returns: plain dataclasses, no database.

The input is a list of :class:`PlanMember`, a list of :class:`PlanMission`, a score
matrix (members x missions, float >= 0, 0 = no fit) and :class:`PlanParams`. The
output is a :class:`Plan`: the assignments, the objective and its optimality
certificate, the unfilled seats with their reason, a waitlist per mission and, for
every eligible member left out or not sent to the mission it fits best, the
constraint that stopped it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

# Why a member is not where it fits best, or why a seat stays empty. Codes are part of
# the output contract (csv/json columns); the detail text next to them is for people.
SEATS_FULL = "seats_full"
MEMBER_LIMIT = "member_limit"
CLUSTER_QUOTA = "cluster_quota"
ELIGIBILITY_RULE = "eligibility_rule"
NO_ELIGIBLE_MEMBER = "no_eligible_member"
TRADE_OFF = "trade_off"
CONSTRAINT_CODES = (SEATS_FULL, MEMBER_LIMIT, CLUSTER_QUOTA, ELIGIBILITY_RULE, NO_ELIGIBLE_MEMBER, TRADE_OFF)
# Why an assignment of the base plan left a re-plan (``plan --from``), besides the codes above;
# and why a member joined.
MEMBER_GONE = "member_gone"
MISSION_GONE = "mission_gone"
EXCLUDED = "excluded"
NO_CONSENT = "no_consent"
NO_FIT = "no_fit"
REQUIRED = "required"
FREED_SEAT = "freed_seat"
EMPTY_SEAT = "empty_seat"
CHANGE_CODES = (MEMBER_GONE, MISSION_GONE, EXCLUDED, NO_CONSENT, ELIGIBILITY_RULE, NO_FIT, SEATS_FULL, MEMBER_LIMIT,
                CLUSTER_QUOTA, REQUIRED, TRADE_OFF, FREED_SEAT, EMPTY_SEAT)


@dataclass(frozen=True)
class PlanMember:
    """A member as the planner sees it: its key, cluster, consent and the attributes the rules read.

    ``attributes`` maps names used in ``models/mission-rules.yaml`` (``trl``,
    ``market_experience``, ``org_type`` ...) to values: numbers, codes or lists of codes.
    ``sectors`` decide the "no shared sector" half of *no fit*.
    """

    key: str
    cluster: str
    consent: bool = True
    sectors: tuple[str, ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True)
class PlanMission:
    """A mission: where, what kind, how many seats, when."""

    id: str
    country: str
    type: str
    seats: int
    start_date: str | None = None
    end_date: str | None = None
    sectors: tuple[str, ...] = ()
    lead_cluster: str | None = None
    region: str | None = None

    def field_values(self) -> dict[str, Any]:
        """The mission's fields by name, as the rules' ``$mission.NAME`` references see them."""
        return dict(vars(self))


@dataclass(frozen=True)
class PlanParams:
    """The planner's knobs; the CLI options map one to one onto these fields.

    ``cluster_max_share`` caps each cluster on each mission at
    ``max(1, floor(share * seats))`` seats (never more than the seats): rounding down
    keeps the cap a true share, the floor of 1 lets every cluster send someone to a
    one- or two-seat mission. ``cluster_min_seats`` is a minimum number of
    assignments per cluster across the whole plan. ``require`` holds
    ``(member_key, mission_id)`` pairs a person has fixed; they override the fit and
    the eligibility rule, but not consent, seats, member limits or quotas. ``lock``
    pairs (``--lock``) are fixed the same way and are carried into every re-plan.
    """

    max_per_member: int = 1
    cluster_max_share: float = 0.5
    cluster_min_seats: int = 0
    consented_only: bool = True
    exclude: frozenset[str] = frozenset()
    require: frozenset[tuple[str, str]] = frozenset()
    allow_zero_fit: bool = False
    waitlist_size: int = 3
    lock: frozenset[tuple[str, str]] = frozenset()

    @property
    def fixed(self) -> frozenset[tuple[str, str]]:
        """The pairs a person fixed: required and locked."""
        return self.require | self.lock

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready parameters, with sets as sorted lists (so equal params serialise equally).

        ``lock`` appears only when set, so plans made without locks keep their input hash.
        """
        locks = {"lock": [f"{m}@{j}" for m, j in sorted(self.lock)]} if self.lock else {}
        return {
            "max_per_member": self.max_per_member,
            "cluster_max_share": self.cluster_max_share,
            "cluster_min_seats": self.cluster_min_seats,
            "consented_only": self.consented_only,
            "exclude": sorted(self.exclude),
            "require": [f"{m}@{j}" for m, j in sorted(self.require)],
            "allow_zero_fit": self.allow_zero_fit,
            "waitlist_size": self.waitlist_size,
        } | locks

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PlanParams":
        """Inverse of :meth:`as_dict`."""
        require = frozenset(tuple(item.rsplit("@", 1)) for item in data.get("require", ()))
        lock = frozenset(tuple(item.rsplit("@", 1)) for item in data.get("lock", ()))
        return cls(
            max_per_member=int(data.get("max_per_member", 1)),
            cluster_max_share=float(data.get("cluster_max_share", 0.5)),
            cluster_min_seats=int(data.get("cluster_min_seats", 0)),
            consented_only=bool(data.get("consented_only", True)),
            exclude=frozenset(data.get("exclude", ())),
            require=require,  # type: ignore[arg-type]
            allow_zero_fit=bool(data.get("allow_zero_fit", False)),
            waitlist_size=int(data.get("waitlist_size", 3)),
            lock=lock,  # type: ignore[arg-type]
        )


def cluster_quota(seats: int, share: float) -> int:
    """Seats one cluster may take on a mission: ``floor(share * seats)``, at least 1, at most ``seats``.

    A tiny epsilon keeps ``0.6 * 5`` (2.9999999999999996 in floating point) at 3.
    """
    if seats <= 0:
        return 0
    return min(seats, max(1, int(share * seats + 1e-9)))


@dataclass(frozen=True)
class Assignment:
    """One member on one mission."""

    mission: str
    member: str
    cluster: str
    score: float
    required: bool = False
    why: str = ""


@dataclass(frozen=True)
class UnfilledSeats:
    """Seats of a mission that stay empty, and why."""

    mission: str
    count: int
    reason: str  # one of CONSTRAINT_CODES
    detail: str


@dataclass(frozen=True)
class WaitlistEntry:
    """An alternate for a mission: the next best eligible members not on it."""

    mission: str
    rank: int
    member: str
    cluster: str
    score: float
    note: str
    why: str = ""  # the opportunity it fits best and the shared features, as an assignment's (services.plan)


@dataclass(frozen=True)
class LeftOut:
    """An eligible member left out, or not on the mission it fits best, and the constraint that stopped it."""

    member: str
    cluster: str
    assigned_to: tuple[str, ...]
    best_mission: str
    best_score: float
    constraint: str  # one of CONSTRAINT_CODES
    detail: str


class LeftOutRows(Sequence[LeftOut]):
    """A plan's left-out members, explained when first read.

    At 100,000 members most of them are left out, and explaining each costs more than
    the solve, while a screen shows a few: :meth:`head` explains only the first rows;
    iterating, indexing or :func:`len` explain them all (once). Equal to any sequence
    of the same rows, so a plan read back from JSON equals the one that was saved.
    """

    def __init__(self, rows: Sequence[LeftOut] | None = None,
                 explain: Callable[[int | None], Sequence[LeftOut]] | None = None):
        if (rows is None) == (explain is None):
            raise ValueError("give either the rows or a way to explain them")
        self._rows = None if rows is None else tuple(rows)
        self._explain = explain

    def _all(self) -> tuple[LeftOut, ...]:
        if self._rows is None:
            with cycle_collection_paused():
                self._rows = tuple(self._explain(None))  # type: ignore[misc]
            self._explain = None  # lets the solved instance go
        return self._rows

    def head(self, count: int) -> tuple[LeftOut, ...]:
        """The first ``count`` rows, explaining only those when the rest were not needed yet."""
        if self._rows is not None:
            return self._rows[:count]
        return tuple(self._explain(count))  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):  # type: ignore[override]
        return self._all()[index]

    def __iter__(self) -> Iterator[LeftOut]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LeftOutRows, tuple, list)):
            return self._all() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LeftOutRows({list(self._all())!r})" if self._rows is not None else "LeftOutRows(<not yet explained>)"


@dataclass(frozen=True)
class Change:
    """How a re-plan differs from its base plan: one member leaving or joining one mission, and why.

    ``reason`` is one of :data:`CHANGE_CODES`: for ``leaves``, the constraint that
    forced the assignment out; for ``joins``, the seat it fills (``freed_seat``,
    ``empty_seat``) or ``required``.
    """

    change: str  # leaves | joins
    mission: str
    member: str
    cluster: str
    score: float
    reason: str
    detail: str


@dataclass(frozen=True)
class Certificate:
    """Proof that the plan is optimal: a feasible LP dual whose bound the plan reaches.

    Objectives are in score units. ``dual_bound`` is an upper bound on the total fit of
    *any* plan meeting the same constraints (the LP relaxation's dual, made feasible for
    every candidate pair, not only those the pruned graph kept); ``gap`` is
    ``dual_bound - objective`` of the integer objective the solver maximised, so 0 (up
    to solver tolerance, about 1e-6) proves optimality.
    """

    objective: float
    dual_bound: float
    gap: float
    optimal: bool
    method: str
    candidate_pairs: int
    solved_pairs: int
    rounds: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    """A mission plan: the calendar of visits and everything needed to trust and explain it."""

    params: PlanParams
    missions: tuple[PlanMission, ...]  # calendar order: start date, then id
    assignments: tuple[Assignment, ...]  # calendar order, then score (best first), then member key
    objective: float  # total fit of the assignments
    certificate: Certificate
    unfilled: tuple[UnfilledSeats, ...]
    waitlist: tuple[WaitlistEntry, ...]
    left_out: LeftOutRows  # explained on first use (see LeftOutRows)
    quotas: Mapping[str, int]  # mission id -> seats one cluster may take there
    rules: Mapping[str, str]  # mission id -> who may join (the eligibility rule, in words)
    cluster_seats: Mapping[str, int]  # cluster -> seats it got across the plan
    not_considered: Mapping[str, int]  # unconsented, excluded, no_fit: members never placed
    notes: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()  # a re-plan: what left and joined compared with the base plan

    def on_mission(self, mission_id: str) -> list[Assignment]:
        """The assignments to one mission, best first."""
        return [a for a in self.assignments if a.mission == mission_id]

    def as_dict(self) -> dict[str, Any]:
        """The whole plan as JSON-ready data (the json writer and the store use this)."""
        with cycle_collection_paused():
            return self._as_dict()

    def _as_dict(self) -> dict[str, Any]:
        return {
            "params": self.params.as_dict(),
            "missions": [_fields(m) for m in self.missions],
            "assignments": [_fields(a) for a in self.assignments],
            "objective": self.objective,
            "certificate": self.certificate.as_dict(),
            "unfilled": [_fields(u) for u in self.unfilled],
            "waitlist": [_fields(w) for w in self.waitlist],
            "left_out": [dict(vars(o), assigned_to=list(o.assigned_to)) for o in self.left_out],
            "quotas": dict(self.quotas),
            "rules": dict(self.rules),
            "cluster_seats": dict(self.cluster_seats),
            "not_considered": dict(self.not_considered),
            "notes": list(self.notes),
            "changes": [_fields(c) for c in self.changes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Plan":
        """Inverse of :meth:`as_dict`."""
        with cycle_collection_paused():
            return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> "Plan":
        missions = tuple(PlanMission(**{**m, "sectors": tuple(m.get("sectors") or ())}) for m in data["missions"])
        return cls(
            params=PlanParams.from_dict(data["params"]),
            missions=missions,
            assignments=tuple(Assignment(**a) for a in data["assignments"]),
            objective=float(data["objective"]),
            certificate=Certificate(**data["certificate"]),
            unfilled=tuple(UnfilledSeats(**u) for u in data["unfilled"]),
            waitlist=tuple(WaitlistEntry(**w) for w in data["waitlist"]),
            left_out=LeftOutRows([LeftOut(**{**o, "assigned_to": tuple(o["assigned_to"])}) for o in data["left_out"]]),
            quotas=dict(data["quotas"]),
            rules=dict(data["rules"]),
            cluster_seats=dict(data["cluster_seats"]),
            not_considered=dict(data["not_considered"]),
            notes=tuple(data.get("notes", ())),
            changes=tuple(Change(**c) for c in data.get("changes", ())),
        )


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a plan's rows are built or copied.

    A plan of 100,000 members has about as many left-out rows; building them sets off
    full collections that walk every object in the process (the members too), which
    costs several times the rows themselves. The rows are flat records that form no
    cycles, so reference counting frees them all the same.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _fields(record: Any) -> dict[str, Any]:
    """A flat record's fields as a new dict: what ``asdict`` gives for these (no nested
    dataclasses), without its recursive copy, which costs more than the rest of saving a plan."""
    return dict(vars(record))
