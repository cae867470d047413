"""Calendar files (RFC 5545, through icalendar) for planned meetings and mentor course dates:
one UID per event, a higher SEQUENCE for each change, METHOD:CANCEL when it is cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.model.course import COURSE_LENGTH, Session
from bot.model.meetings import Meeting, MeetingStatus

PRODUCT = "-//Mentorbro//Mentorbro//EN"
MEETING_FILE = "meeting.ics"
COURSE_FILE = "mentor-course.ics"


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs of one event. `uid` is stable for the event, `sequence` grows
    with each change; `method` is PUBLISH or CANCEL."""

    uid: str
    sequence: int
    start: datetime
    duration: timedelta
    summary: str
    location: str | None
    method: str = "PUBLISH"


def ics_file(event: CalendarEvent, zone: ZoneInfo, stamp: datetime) -> bytes:
    """A VCALENDAR with the one VEVENT; its start and end in the programme's time zone."""
    cancelled = event.method == "CANCEL"
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", event.method)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", (event.start + event.duration).astimezone(zone))
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_event(meeting: Meeting, *, summary: str, location: str | None) -> CalendarEvent:
    """The meeting as it is now: one hour; cancelled, it is the event that removes it."""
    return CalendarEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        start=meeting.starts_at,
        duration=meeting.ends_at - meeting.starts_at,
        summary=summary,
        location=location,
        method="CANCEL" if meeting.status is MeetingStatus.CANCELLED else "PUBLISH",
    )


def course_event(session: Session, *, summary: str) -> CalendarEvent:
    """A course session; the same UID for every copy of it."""
    assert session.starts_at is not None
    return CalendarEvent(
        uid=f"course-session-{session.id}@mentorbro",
        sequence=0,
        start=session.starts_at,
        duration=COURSE_LENGTH,
        summary=summary,
        location=session.place,
    )
