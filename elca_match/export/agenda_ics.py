"""Personal agendas as iCalendar (.ics): one calendar per participant, one event per meeting.

Takes any object with ``mission``, ``meetings`` (requester, requested, day, start, end,
table, why) and ``contacts`` (name -> name/email, already filtered by consent), so it
knows nothing about the database. Text from data goes into properties as text, which
the icalendar library escapes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event


def _at(day: str, hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}")


def calendar(result: Any, participant: str) -> bytes:
    """The .ics of one participant (by display name): its meetings with whom, where, why and (consented) contact."""
    cal = Calendar()
    cal.add("prodid", "-//elca-match//agenda//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{result.mission} - {participant}")
    for m in result.meetings:
        if participant not in (m.requester, m.requested):
            continue
        other = m.requested if participant == m.requester else m.requester
        event = Event()
        uid = hashlib.sha256(f"{result.mission}|{m.requester_id}|{m.requested_id}".encode()).hexdigest()[:16]
        event.add("uid", f"{uid}@elca-match")
        event.add("dtstamp", dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
        event.add("dtstart", _at(m.day, m.start))
        event.add("dtend", _at(m.day, m.end))
        event.add("summary", f"{other} (table {m.table})")
        event.add("location", f"Table {m.table}")
        lines = [f"Meeting with {other}", f"Why: {m.why}" if m.why else ""]
        contact = result.contacts.get(other)
        if contact:
            lines.append(f"Contact: {contact['name']} <{contact['email']}>")
        event.add("description", "\n".join(line for line in lines if line))
        cal.add_component(event)
    return cal.to_ical()


def write_calendars(result: Any, folder: Path, participants: list[str]) -> list[Path]:
    """Write one .ics per participant into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in participants:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name).strip("_")[:60] or "participant"
        path = folder / f"{result.mission}-{safe}.ics"
        path.write_bytes(calendar(result, name))
        written.append(path)
    return written
