"""Meeting requests, sessions and availability files (CSV or XLSX) -> checked records.

Pure functions over a :class:`~elca_match.tabular.Table`: each bad cell becomes a
Problem naming file, row, column and value, so a caller reports all of them at once.
Participants are resolved against a :class:`Directory` the caller builds per mission:
the members travelling on it and the partners in its country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalogue.fields import Checked, Column, RowReader, check_rows
from ..errors import did_you_mean
from ..tabular import Table
from ..text import closest, fold

REQUEST_COLUMNS = (Column("mission", required=True), Column("from", required=True), Column("to", required=True),
                   Column("priority"), Column("note"))
SESSION_COLUMNS = (Column("mission", required=True), Column("day", required=True), Column("start", required=True),
                   Column("end", required=True), Column("slot_minutes", required=True),
                   Column("tables", required=True), Column("breaks"))
AVAILABILITY_COLUMNS = (Column("participant", required=True), Column("day", required=True),
                        Column("from", required=True), Column("to", required=True))
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")


@dataclass(frozen=True)
class Participant:
    """Someone who can be at a meeting table: a travelling member or a local partner."""

    kind: str  # member | partner
    ref: str  # organisations.key or partners.id
    name: str
    aliases: tuple[str, ...] = ()  # org_id, partner id ...
    detail: str = ""  # who they are, for agendas (cluster and org type, or partner kind and region)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass
class MissionInfo:
    """What the files are checked against for one mission."""

    id: str
    country: str
    start_date: str | None = None
    end_date: str | None = None
    participants: list[Participant] = field(default_factory=list)

    def resolve(self, text: str) -> tuple[Participant | None, str]:
        """The participant named by key, id, org_id or name (folded); else None and a suggestion."""
        wanted = fold(text)
        hits = [p for p in self.participants if wanted in {fold(p.ref), fold(p.name), *(fold(a) for a in p.aliases)}]
        if len({p.id for p in hits}) == 1:
            return hits[0], ""
        if hits:
            return None, " (several match; give the key or id: " + ", ".join(p.ref for p in hits) + ")"
        return None, did_you_mean(closest(text, [p.name for p in self.participants]))


# folded mission id -> what the files are checked against
Directory = dict[str, MissionInfo]


def parse_time(text: str) -> int | None:
    """``'09:30'`` -> 570 minutes after midnight; None when it is not a time of day."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def parse_breaks(text: str) -> list[tuple[int, int]] | None:
    """``'12:30-13:30; 15:00-15:15'`` -> [(750, 810), (900, 915)]; None when a part is not a time range."""
    result = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        ends = [parse_time(t) for t in re.split(r"\s*[-–]\s*", part)]
        if len(ends) != 2 or None in ends or ends[0] >= ends[1]:
            return None
        result.append((ends[0], ends[1]))
    return result


def _mission(cells: RowReader, directory: Directory) -> MissionInfo | None:
    text = cells.text("mission", required=True)
    if not text:
        return None
    info = directory.get(fold(text))
    if info is None:
        cells.problem("unknown_reference", "mission", text, what="mission",
                      suggestion=did_you_mean(closest(text, [m.id for m in directory.values()])))
    return info


def _participant(cells: RowReader, column: str, mission: MissionInfo) -> Participant | None:
    text = cells.text(column, required=True)
    if not text:
        return None
    found, suggestion = mission.resolve(text)
    if found is None:
        cells.problem("agenda_unknown_participant", column, text, mission=mission.id, country=mission.country,
                      suggestion=suggestion)
    return found


def _time(cells: RowReader, column: str) -> int | None:
    text = cells.text(column, required=True)
    if not text:
        return None
    minutes = parse_time(text)
    if minutes is None:
        cells.problem("agenda_bad_time", column, text)
    return minutes


def _day(cells: RowReader, mission: MissionInfo | None) -> str | None:
    day = cells.date("day", required=True)
    if day and mission and ((mission.start_date and day < mission.start_date)
                            or (mission.end_date and day > mission.end_date)):
        cells.problem("agenda_day_outside", "day", day, mission=mission.id, start=mission.start_date or "?",
                      end=mission.end_date or "?")
    return day


def check_requests(table: Table, directory: Directory) -> Checked:
    """Meeting requests: records are dicts with mission, from and to (Participants), priority and note."""
    def make(cells: RowReader):
        mission = _mission(cells, directory)
        priority = cells.integer("priority", 1, 3)
        note = cells.text("note")
        if mission is None:
            return None
        source, target = _participant(cells, "from", mission), _participant(cells, "to", mission)
        if source and target and source.id == target.id:
            cells.problem("agenda_self_request", "to", cells.raw("to"))
        return {"mission": mission.id, "from": source, "to": target, "priority": priority or 2, "note": note}

    return check_rows(table, REQUEST_COLUMNS, "requests", make)


def check_sessions(table: Table, directory: Directory) -> Checked:
    """Sessions: records are dicts with mission, day, start, end (minutes), slot_minutes, tables and breaks."""
    def make(cells: RowReader):
        mission = _mission(cells, directory)
        day = _day(cells, mission)
        start, end = _time(cells, "start"), _time(cells, "end")
        slot = cells.positive("slot_minutes", required=True)
        tables = cells.positive("tables", required=True)
        breaks = parse_breaks(cells.raw("breaks"))
        if breaks is None:
            cells.problem("agenda_bad_breaks", "breaks", cells.raw("breaks"))
        if start is not None and end is not None and end <= start:
            cells.problem("agenda_time_order", "end", cells.raw("end"), start=cells.raw("start"))
        if mission is None:
            return None
        return {"mission": mission.id, "day": day, "start": start, "end": end, "slot_minutes": slot,
                "tables": tables, "breaks": breaks or []}

    return check_rows(table, SESSION_COLUMNS, "sessions", make)


def check_availability(table: Table, mission: MissionInfo) -> Checked:
    """Availability windows of one mission's participants: dicts with participant, day, start, end."""
    def make(cells: RowReader):
        who = _participant(cells, "participant", mission)
        day = _day(cells, mission)
        start, end = _time(cells, "from"), _time(cells, "to")
        if start is not None and end is not None and end <= start:
            cells.problem("agenda_time_order", "to", cells.raw("to"), start=cells.raw("from"))
        return {"participant": who, "day": day, "start": start, "end": end}

    return check_rows(table, AVAILABILITY_COLUMNS, "availability", make)
