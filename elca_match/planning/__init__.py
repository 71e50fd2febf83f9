"""Mission planning (D2.1): the exact min-cost-flow planner. Pure: arrays and dataclasses, no database."""

from .model import (
    CONSTRAINT_CODES,
    CHANGE_CODES,
    Assignment,
    Certificate,
    Change,
    LeftOut,
    LeftOutRows,
    Plan,
    PlanMember,
    PlanMission,
    PlanParams,
    UnfilledSeats,
    WaitlistEntry,
    cluster_quota,
)
from .planner import SCALE, make_plan
from .rules import MissionRules, load_rules, parse_rules

__all__ = [
    "CHANGE_CODES", "CONSTRAINT_CODES", "SCALE", "Assignment", "Certificate", "Change", "LeftOut", "LeftOutRows", "MissionRules", "Plan", "PlanMember",
    "PlanMission", "PlanParams", "UnfilledSeats", "WaitlistEntry", "cluster_quota", "load_rules", "make_plan",
    "parse_rules",
]
