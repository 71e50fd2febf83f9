"""The mission meeting scheduler: instances in, schedules out, no database."""

from .model import Instance, Meeting, Placement, Request, Schedule, Session, Unscheduled, Window
from .scheduler import greedy_schedule, schedule

__all__ = ["Instance", "Meeting", "Placement", "Request", "Schedule", "Session", "Unscheduled", "Window",
           "greedy_schedule", "schedule"]
