"""RFC 5545 calendars (``.ics``) with the ``icalendar`` library: one all-day event per mission.

Each event carries the mission's dates (``DTEND`` is the day after the last day, as
all-day events require), country and region as ``LOCATION``, its type as
``CATEGORIES``, and the travellers and the plan it comes from in ``DESCRIPTION``. The
``UID`` is the mission's, so importing a newer export updates the event instead of
adding a copy. The library escapes text, so names from the data cannot break the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import icalendar

PRODID = "-//ELCA//elca-match//EN"


@dataclass
class CalendarEvent:
    """One mission as a calendar event (dates inclusive)."""

    uid: str
    summary: str
    start: dt.date
    end: dt.date
    country: str
    region: str
    type: str
    travellers: list[str] = field(default_factory=list)
    lead_cluster: str = ""
    seats: int = 0
    source: str = ""  # the plan it comes from, in words

    @property
    def description(self) -> str:
        lines = [f"Type: {self.type}", f"Country: {self.country}" + (f", region {self.region}" if self.region else "")]
        if self.lead_cluster:
            lines.append(f"Lead cluster: {self.lead_cluster}")
        lines.append(f"Travellers ({len(self.travellers)} of {self.seats} seats):")
        lines += [f"- {t}" for t in self.travellers] or ["- (none yet)"]
        if self.source:
            lines.append(f"From {self.source}.")
        return "\n".join(lines)


def render_ics(name: str, events: list[CalendarEvent], stamp: dt.datetime | None = None) -> bytes:
    """The calendar ``name`` with ``events`` as RFC 5545 bytes (CRLF lines, folded at 75 octets)."""
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("summary", e.summary)
        event.add("dtstart", e.start)
        event.add("dtend", e.end + dt.timedelta(days=1))
        event.add("location", ", ".join(x for x in (e.region, e.country) if x))
        if e.type:
            event.add("categories", [e.type])
        event.add("description", e.description)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
