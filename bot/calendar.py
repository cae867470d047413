"""Calendar files (RFC 5545, through icalendar) for planned meetings: one UID per meeting, a
higher SEQUENCE for each change, METHOD:CANCEL when it is cancelled."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.model.meetings import Meeting, MeetingStatus

PRODUCT = "-//Mentorbro//Meetings//EN"
FILENAME = "meeting.ics"


def meeting_ics(
    meeting: Meeting, *, summary: str, location: str | None, zone: ZoneInfo, now: datetime
) -> bytes:
    """The meeting as a calendar file: its start in the programme's time zone, one hour."""
    cancelled = meeting.status is MeetingStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
