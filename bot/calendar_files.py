"""Calendar files (RFC 5545, through icalendar) from plain data: one event per file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT = "-//Mentorbro//Mentorbro//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs of one event. `uid` is stable for the event, `sequence` grows
    with each change; `method` is PUBLISH, REQUEST or CANCEL."""

    uid: str
    sequence: int
    start: datetime
    duration: timedelta
    summary: str
    location: str | None
    method: str = "PUBLISH"


def ics_file(event: CalendarEvent, zone: ZoneInfo, stamp: datetime) -> bytes:
    """A VCALENDAR with the one VEVENT; the start in the programme's time zone."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", event.method)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("duration", event.duration)
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.method == "CANCEL":
        vevent.add("status", "CANCELLED")
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()
