"""The action's plan as shipped data (``builtin/action.yaml``): its start date, the length
of a reporting period, and the milestones and deliverables of Annex I with their due months.

Pure functions over plain dataclasses; the report reads due months as dates and the
command line turns ``--period N`` and ``YYYY-MM`` into days with them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


from ..errors import InputError
from ..resources import YamlError, builtin_path, load_yaml

ACTION_FILE = "action.yaml"


@dataclass(frozen=True)
class PlannedItem:
    """A milestone or deliverable of the plan: the template's columns before its status."""

    id: str
    name: str
    due: int  # month of the action, 1-based
    revised_due: int | None = None
    wp: str = ""
    lead: str = ""
    type: str = ""
    dissemination: str = ""


@dataclass(frozen=True)
class Action:
    """When the action started, how long it runs, and what it promised when."""

    start_date: str  # ISO
    duration_months: int
    period_months: int
    milestones: tuple[PlannedItem, ...]
    deliverables: tuple[PlannedItem, ...]

    def month_start(self, month: int) -> str:
        """The first day of month ``month`` of the action (month 1 starts on the start date)."""
        start = dt.date.fromisoformat(self.start_date)
        index = start.month - 1 + month - 1
        return dt.date(start.year + index // 12, index % 12 + 1, 1 if month > 1 else start.day).isoformat()

    def month_end(self, month: int) -> str:
        """The last day of month ``month`` of the action."""
        return (dt.date.fromisoformat(self.month_start(month + 1)) - dt.timedelta(days=1)).isoformat()

    def period(self, number: int) -> tuple[str, str]:
        """Reporting period ``number`` (1-based) as its first and last day."""
        first = (number - 1) * self.period_months + 1
        return self.month_start(first), self.month_end(first + self.period_months - 1)

    @property
    def periods(self) -> int:
        """How many reporting periods the action has."""
        return -(-self.duration_months // self.period_months)


def read_settings(path: Path) -> tuple[object, Callable[[str], InputError]]:
    """A shipped settings file (targets, the action's plan) parsed, with the error to raise for what is wrong in it."""

    def fail(detail: str) -> InputError:
        return InputError.of("outcome_targets_invalid", file=path.name, detail=detail)

    try:
        return load_yaml(path), fail
    except OSError:
        raise InputError.of("file_missing", file=str(path)) from None
    except YamlError as exc:
        raise fail(f"it is not valid YAML ({str(exc).splitlines()[0]})") from None


def load_action(path: str | Path | None = None) -> Action:
    """Read the action's plan (default: the one shipped in ``builtin/action.yaml``)."""
    path = Path(path) if path is not None else builtin_path(ACTION_FILE)
    data, fail = read_settings(path)
    if not isinstance(data, dict):
        raise fail("it needs start_date, duration_months, period_months, milestones and deliverables")
    try:
        start = dt.date.fromisoformat(str(data.get("start_date")))
    except ValueError:
        raise fail("start_date must be a date, YYYY-MM-DD") from None
    numbers = {}
    for key in ("duration_months", "period_months"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail(f"{key} must be a whole number of at least 1")
        numbers[key] = value

    def items(key: str) -> tuple[PlannedItem, ...]:
        found = []
        for position, item in enumerate(data.get(key) or [], 1):
            if not isinstance(item, dict) or not item.get("id") or not isinstance(item.get("due"), int):
                raise fail(f"{key} entry {position} needs an id and a due month (a whole number)")
            found.append(PlannedItem(str(item["id"]), str(item.get("name") or item["id"]), item["due"],
                                     item.get("revised_due"), str(item.get("wp", "")), str(item.get("lead", "")),
                                     str(item.get("type", "")), str(item.get("dissemination", ""))))
        return tuple(found)

    return Action(start.isoformat(), numbers["duration_months"], numbers["period_months"], items("milestones"),
                  items("deliverables"))


def month_bounds(text: str) -> tuple[str, str] | None:
    """``'2027-03'`` -> ('2027-03-01', '2027-03-31'); None when ``text`` is not YYYY-MM."""
    try:
        day = dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None
    last = calendar.monthrange(day.year, day.month)[1]
    return day.isoformat(), day.replace(day=last).isoformat()
