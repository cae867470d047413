"""The messages about a meeting: the confirmation with its calendar file (planned, moved,
cancelled), the reminder and the day-after question, each in its person's language, and the
texts that show a meeting. The wave that sends the due ones is bot/jobs/meeting_wave.py."""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import InlineKeyboardMarkup

from bot import matchmaking, meetings, registration
from bot.calendar import MEETING_FILE, meeting_event
from bot.handlers.meeting_buttons import answer_keyboard, change_keyboard
from bot.handlers.texts import first_name
from bot.i18n import Translator, translator
from bot.meetings import Action
from bot.model.meetings import (
    CONFIRMATIONS,
    Meeting,
    Mode,
    Notice,
    NoticeKind,
)
from bot.model.pairs import Pair, PairStatus, Side
from bot.outbox import Outbox
from bot.services import Services


async def deliver(outbox: Outbox, meeting: Meeting) -> None:
    """A meeting's confirmations at once, after a change (the wave sends any a crash cut off)."""
    for notice in await meetings.confirmations_of(outbox.services, meeting.id):
        await send_notice(outbox, notice, PairStatus.ACTIVE.value)


async def send_notice(outbox: Outbox, notice: Notice, pair_status: str) -> None:
    """One message about a meeting to its person, in their language, recorded as being sent
    before it is sent and as sent after; or waits, or is dropped, as bot/meetings.py decides."""
    services = outbox.services
    meeting = await meetings.get(services, notice.meeting_id)
    if meeting is None:
        return
    action = meetings.action(services, notice, meeting, pair_status)
    if action is Action.WAIT:
        return
    person = await registration.participant(services, notice.participant_id)
    pair = await matchmaking.get(services, meeting.pair_id)
    if action is Action.DROP or person is None or pair is None:
        await meetings.drop(services, notice)
        return
    if not await meetings.begin_notice(services, notice):
        return
    t = translator(person.language)
    name = await other_name(services, pair, person.id)
    text = notice_text(services, t, notice, meeting, name)
    markup = notice_keyboard(t, notice, meeting)
    if notice.kind in CONFIRMATIONS:
        event = meeting_event(
            meeting,
            summary=t.gettext("Mentoring meeting with {name}").format(name=name),
            location=meeting.place
            or (t.gettext("Online") if meeting.mode is Mode.ONLINE else None),
        )
        sent = await outbox.send_event(person.chat_id, event, MEETING_FILE, text, markup)
    else:
        sent = await outbox.send(person.chat_id, text, markup)
    if sent.final:
        await meetings.notice_sent(services, notice, meeting)
    else:
        await meetings.release(services, notice)


def notice_text(
    services: Services, t: Translator, notice: Notice, meeting: Meeting, name: str
) -> str:
    named = shown(t, name)
    when = when_text(services, t, meeting.starts_at)
    how = how_text(t, meeting)
    match notice.kind:
        case NoticeKind.PLANNED:
            head = t.gettext("Your meeting with {name} is planned:")
            lines = [when, how, "", t.gettext("Open the file to put it in your calendar.")]
        case NoticeKind.MOVED:
            head = t.gettext("Your meeting with {name} has moved to a new time:")
            lines = [when, how, "", t.gettext("Open the file to change it in your calendar.")]
        case NoticeKind.CANCELLED:
            head = t.gettext("Your meeting with {name} is cancelled:")
            lines = [when, "", t.gettext("Open the file to take it out of your calendar.")]
        case NoticeKind.REMINDER:
            head = t.gettext("A reminder: you are meeting {name}.")
            lines = [when, how]
        case NoticeKind.ASK:
            head = t.gettext("Did you meet {name} as planned?")
            lines = [when]
    return "\n".join([head.format(name=named), *lines])


def notice_keyboard(t: Translator, notice: Notice, meeting: Meeting) -> InlineKeyboardMarkup | None:
    if notice.kind is NoticeKind.ASK:
        return answer_keyboard(t, notice)
    if notice.kind is NoticeKind.CANCELLED:
        return None
    return change_keyboard(t, meeting)


def when_text(services: Services, t: Translator, moment: datetime) -> str:
    """ "Saturday, 28 November 2026 at 17:30" in the programme's time zone."""
    return t.moment(moment, services.config.timezone)


def planned_meeting_line(services: Services, t: Translator, starts_at: datetime) -> str:
    """A pair's next meeting, for the coordinators' /pairs and /journal."""
    return t.gettext("Next meeting: {when}").format(when=when_text(services, t, starts_at))


def how_text(t: Translator, meeting: Meeting) -> str:
    place = escape(t.isolate(meeting.place)) if meeting.place else None
    if meeting.mode is Mode.IN_PERSON:
        if place:
            return t.gettext("In person: {place}").format(place=place)
        return t.gettext("In person")
    if place:
        return t.gettext("Online: {place}").format(place=place)
    return t.gettext("Online or by phone")


def shown(t: Translator, name: str) -> str:
    return escape(t.isolate(name))


async def other_name(services: Services, pair: Pair, participant_id: int) -> str:
    """The first name of the other side of the pair, as they gave it."""
    other_side = Side.MENTEE if pair.side_of(participant_id) is Side.MENTOR else Side.MENTOR
    answers = await matchmaking.profile_answers(services, pair.other(participant_id), other_side)
    return first_name(answers)
