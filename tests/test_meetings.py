"""Planned meetings: a few taps plan one, both get it in their calendar, a reminder the day
before, a question the day after; moves and cancellations update the calendar by its UID."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.handlers.context import OUTBOX_KEY, services_of
from bot.handlers.meeting_messages import send_notice
from bot.i18n import LANGUAGE_NAMES, Translator, translator
from bot.meetings import begin_notice, notices_due
from sandbox import BotApiEmulator, SimulatedUser
from sandbox.views import BotMessage
from sandbox.web.server import create_app
from sandbox.web.session import Sandbox
from sandbox.web.settings import SandboxSettings
from tests.conftest import RunningBot, rows
from tests.scenarios import (
    SCAN,
    WAVE,
    alerts_in,
    both_accept,
    coordinator_ready,
    end_pair,
    matched,
    open_pair_card,
    propose,
    ready_mentor,
    visible,
    waiting_mentee,
)

MEETINGS = "meeting-wave"
ZONE = ZoneInfo("Europe/Copenhagen")
EN, DA, AR = translator("en"), translator("da"), translator("ar")
# The bot's clock starts on Monday 23 November 2026, 10:00 in Copenhagen.
TODAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)  # five days ahead


# -- steps -------------------------------------------------------------------------------------


async def speaks(person: SimulatedUser, language: str) -> None:
    """The person switches the bot to `language`."""
    await person.send("/language")
    await person.next_message()
    await person.press(LANGUAGE_NAMES[language])
    await person.next_messages(2)  # the confirmation, and where the person stands


async def choose(
    person: SimulatedUser,
    t: Translator,
    day: date,
    at: str = "17:30",
    mode: str = "In person",
    place: str | None = "Café Sonja, Aarhus",
) -> None:
    """The day by its button, the time typed, in person or online, the place typed (or
    skipped), after the day question was asked."""
    if t.day(day) not in person.last.button_texts:
        await person.press(t.gettext("Later ›"))
        await person.wait_for_edit(person.last)
    await person.press(t.day(day))
    await person.next_message()  # at what time?
    await person.send(at)
    await person.next_message()  # how?
    await person.press(t.gettext(mode))
    await person.next_message()  # where?
    if place is None:
        await person.press(t.gettext("Skip ›"))
    else:
        await person.send(place)


async def plan(person: SimulatedUser, t: Translator, day: date, **choices: str | None) -> None:
    await person.send("/meeting")
    await person.next_message()
    await choose(person, t, day, **choices)


async def confirmed(
    bot: RunningBot, presser: SimulatedUser, other: SimulatedUser
) -> tuple[BotMessage, BotMessage]:
    """Both confirmations read, and the bot done recording them as sent."""
    mine, theirs = await presser.next_message(), await other.next_message()
    for _ in range(250):
        if not await rows(bot, "SELECT id FROM meeting_notices WHERE status = 'pending'"):
            return mine, theirs
        await asyncio.sleep(0.02)
    raise AssertionError("the confirmations stayed pending")


def calendar_of(emulator: BotApiEmulator, message: BotMessage) -> Calendar:
    assert message.document is not None, message.describe()
    assert message.document["file_name"] == "meeting.ics"
    stored = emulator.files.get(message.document["file_id"])
    assert stored is not None
    return Calendar.from_ical(stored.data)


def event_of(calendar: Calendar):  # icalendar's Event
    (event,) = calendar.walk("VEVENT")
    return event


async def at_local(bot: RunningBot, day: date, hour: int, minute: int = 0) -> None:
    """The bot's clock at this time in Copenhagen, then the meeting wave runs."""
    bot.clock.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(
        UTC
    )
    await bot.run_job(MEETINGS)


def caption(message: BotMessage) -> str:
    return visible(message.text)


def said(t: Translator, msgid: str, **values: str) -> str:
    return visible(t.gettext(msgid).format(**values))


# -- the meeting, end to end -------------------------------------------------------------------


async def test_a_meeting_planned_five_days_ahead_from_plan_to_the_day_after(emulator, bot):
    coordinator, mentor, mentee = await matched(emulator)
    await speaks(mentor, "da")
    await speaks(mentee, "ar")

    await plan(mentor, DA, SATURDAY)
    to_mentor, to_mentee = await confirmed(bot, mentor, mentee)
    start = datetime(2026, 11, 28, 17, 30, tzinfo=ZONE)
    uids = set()
    for message, name in ((to_mentor, "Yusuf"), (to_mentee, "Amal")):
        calendar = calendar_of(emulator, message)
        event = event_of(calendar)
        assert event.decoded("DTSTART") == start
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)
        assert str(event["LOCATION"]) == "Café Sonja, Aarhus"
        assert name in str(event["SUMMARY"])
        assert int(event["SEQUENCE"]) == 0
        uids.add(str(event["UID"]))
    assert len(uids) == 1
    assert caption(to_mentor).startswith(
        said(DA, "Your meeting with {name} is planned:", name="Yusuf")
    )
    assert DA.date(SATURDAY, "full") in caption(to_mentor)  # "lørdag den 28. november 2026"
    assert caption(to_mentee).startswith(
        said(AR, "Your meeting with {name} is planned:", name="Amal")
    )
    assert AR.date(SATURDAY, "full") in caption(to_mentee)
    assert to_mentee.button_texts == [AR.gettext("Move"), AR.gettext("Cancel the meeting")]

    # Nothing on Thursday; on Friday at 10:00 the reminder, once, each in their language.
    seen = len(mentor.messages), len(mentee.messages)
    await at_local(bot, date(2026, 11, 26), 12)
    await at_local(bot, date(2026, 11, 27), 9, 59)
    await at_local(bot, date(2026, 11, 27), 10)
    reminders = await mentor.next_message(), await mentee.next_message()
    await bot.run_job(MEETINGS)
    assert (len(mentor.messages), len(mentee.messages)) == (seen[0] + 1, seen[1] + 1)
    assert caption(reminders[0]).startswith(
        said(DA, "A reminder: you are meeting {name}.", name="Yusuf")
    )
    assert caption(reminders[1]).startswith(
        said(AR, "A reminder: you are meeting {name}.", name="Amal")
    )

    # Sunday, the day after, at 10:00: both are asked (a weekend day, and still asked).
    await at_local(bot, date(2026, 11, 29), 10)
    asked_mentor, asked_mentee = await mentor.next_message(), await mentee.next_message()
    assert caption(asked_mentor).startswith(
        said(DA, "Did you meet {name} as planned?", name="Yusuf")
    )
    assert asked_mentee.button_texts == [AR.gettext("Yes, we met"), AR.gettext("No")]
    await mentor.press(DA.gettext("Yes, we met"))
    assert (await mentor.next_message()).text == DA.gettext(
        "Good to hear! It is saved for the coordinator."
    )
    await mentee.press(AR.gettext("No"))
    why = await mentee.next_message()
    assert why.text == AR.gettext("What happened?")
    await mentee.press(AR.gettext("Someone did not come"))
    offer = await mentee.next_message()
    assert AR.gettext("Plan the next meeting") in offer.button_texts

    await bot.run_job(SCAN)
    alert = visible((await coordinator.next_message()).text)
    assert alert.startswith("A pair needs your attention")
    assert (
        "• The mentee says the meeting planned for November 28, 2026 did not take place." in alert
    )
    journal = await rows(bot, "SELECT role, kind, text FROM journal ORDER BY id")
    assert [(r["role"], r["kind"]) for r in journal] == [
        ("mentor", "meeting_planned"),
        ("mentor", "meeting_held"),
        ("mentee", "meeting_not_held"),
        ("mentee", "meeting_reason"),
        ("bot", "stalled"),
    ]
    assert journal[3]["text"] == "no_show"
    (signals,) = await rows(bot, "SELECT meetings, last_meeting_at FROM pair_signals")
    assert signals["meetings"] == 1  # the mentor's Yes counts as a check-in's "we met"
    assert signals["last_meeting_at"] == start.astimezone(UTC).isoformat()


async def test_a_move_and_a_cancel_update_the_calendar_by_its_uid(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    await plan(mentor, EN, SATURDAY, mode="Online or by phone", place=None)
    planned, _ = await confirmed(bot, mentor, mentee)
    uid = str(event_of(calendar_of(emulator, planned))["UID"])
    assert str(event_of(calendar_of(emulator, planned))["LOCATION"]) == "Online"

    await mentee.press("Move")
    await mentee.next_message()
    await choose(mentee, EN, date(2026, 12, 8), at="9:00")  # beyond the first week
    moved = await confirmed(bot, mentee, mentor)
    for message in moved:
        event = event_of(calendar_of(emulator, message))
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == datetime(2026, 12, 8, 9, 0, tzinfo=ZONE)
    assert caption(moved[1]).startswith("Your meeting with Yusuf has moved to a new time:")

    await mentor.press("Move", message=planned)  # the first confirmation's button is stale
    assert (await mentor.next_callback_answer()).text == "This button is no longer active."
    await mentor.press("Cancel the meeting", message=moved[1])
    cancelled = await confirmed(bot, mentor, mentee)
    for message in cancelled:
        calendar = calendar_of(emulator, message)
        event = event_of(calendar)
        assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    assert caption(cancelled[1]).startswith("Your meeting with Amal is cancelled:")

    # Nothing of the cancelled meeting comes later.
    seen = len(mentor.messages)
    await at_local(bot, date(2026, 12, 7), 10)
    await at_local(bot, date(2026, 12, 9), 10)
    assert len(mentor.messages) == seen
    journal = await rows(bot, "SELECT kind FROM journal ORDER BY id")
    assert [r["kind"] for r in journal] == ["meeting_planned", "meeting_moved", "meeting_cancelled"]


async def test_the_next_meeting_in_pairs_and_the_journal_and_the_plan_in_mydata(emulator, bot):
    coordinator, mentor, mentee = await matched(emulator)
    await plan(mentor, EN, SATURDAY)
    await confirmed(bot, mentor, mentee)
    when = "Saturday, November 28, 2026 at 5:30\u202fPM"
    await coordinator.send("/pairs")
    listing = visible((await coordinator.next_message()).text)
    assert f"next meeting {when}" in listing
    await coordinator.press("1")
    card = visible((await coordinator.next_message()).text)
    assert f"Next meeting: {when}" in card
    await coordinator.send("/journal")
    await coordinator.next_message()
    await coordinator.press("1")
    page = visible((await coordinator.next_message()).text)
    assert f"Next meeting: {when}" in page
    assert "planned a meeting for 11/28/26, 5:30\u202fPM" in page
    await mentor.send("/mydata")
    file, _ = await mentor.next_messages(2)
    stored = emulator.files.get(file.document["file_id"])
    assert "planned a meeting for 11/28/26, 5:30\u202fPM" in stored.data.decode("utf-8")


# -- bad input ---------------------------------------------------------------------------------


async def test_typed_dates_and_times_in_any_language_and_what_cannot_be(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    await speaks(mentee, "ar")
    await mentee.send("/meeting")
    await mentee.next_message()
    not_a_date = (
        "I could not read that date. Please choose a day with the buttons, or write it as day "
        "and month, for example 24.12."
    )
    for typed, answer in (
        ("20.11", "That is in the past. Please choose a day and time ahead."),
        ("31.02", not_a_date),
        ("tomorrow-ish", not_a_date),
        ("24.12", "Please choose a day within the next three weeks."),
    ):
        await mentee.send(typed)
        assert visible((await mentee.next_message()).text) == said(AR, answer)
    await mentee.send("٢٨ نوفمبر")  # 28 November, in Arabic with Arabic digits
    asked = visible((await mentee.next_message()).text)
    assert asked.startswith(AR.date(SATURDAY, "full"))
    for typed, answer in (
        (
            "25:00",
            "There is no such time of day. Please write a time between 00:00 and 23:59, "
            "for example 17:30.",
        ),
        ("half past five", "Please write the time as hours and minutes, for example 17:30."),
    ):
        await mentee.send(typed)
        assert visible((await mentee.next_message()).text) == said(AR, answer)
    await mentee.send("١٧:٣٠")
    assert (await mentee.next_message()).text == AR.gettext("How will you meet?")

    await speaks(mentor, "da")
    await mentor.send("/meeting")
    await mentor.next_message()
    await mentor.send("1. december")  # a Danish month name
    assert DA.date(date(2026, 12, 1), "full") in visible((await mentor.next_message()).text)
    await mentor.send("10:00")
    assert (await mentor.next_message()).text == DA.gettext("How will you meet?")
    # Today's earlier hours are past too.
    await mentor.send("/meeting")
    await mentor.next_message()
    await mentor.send("23.11")
    await mentor.next_message()
    await mentor.send("9:30")
    assert visible((await mentor.next_message()).text) == said(
        DA, "That is in the past. Please choose a day and time ahead."
    )
    assert not await rows(bot, "SELECT * FROM meetings")


async def test_paused_and_ended_pairs_plan_nothing_and_an_end_cancels_the_meeting(emulator, bot):
    coordinator, mentor, mentee = await matched(emulator)
    await plan(mentor, EN, SATURDAY)
    await confirmed(bot, mentor, mentee)
    card = await open_pair_card(coordinator)
    await coordinator.press("Pause", message=card)
    await coordinator.wait_for_edit(card)
    await coordinator.press("2 weeks", message=card)
    await mentor.next_message()  # "paused"
    await mentee.next_message()
    await mentee.send("/meeting")
    assert (await mentee.next_message()).text == (
        "Your mentorship is paused, so no meeting can be planned right now."
    )
    await mentor.press("Move")
    assert (await mentor.next_callback_answer()).text == "This button is no longer active."
    await at_local(bot, date(2026, 11, 27), 10)  # a paused pair gets no reminder

    card = await open_pair_card(coordinator)
    await coordinator.press("Resume", message=card)
    await confirmed(bot, mentor, mentee)
    await end_pair(coordinator)
    ended = [await mentor.next_message() for _ in range(2)]
    cancelled = next(m for m in ended if m.document is not None)
    assert str(calendar_of(emulator, cancelled)["METHOD"]) == "CANCEL"
    assert caption(cancelled).startswith("Your meeting with Yusuf is cancelled:")
    await mentee.next_messages(2)
    await mentor.send("/meeting")
    assert (await mentor.next_message()).text == (
        "You can plan meetings when you are in an active mentorship."
    )
    (meeting,) = await rows(bot, "SELECT status FROM meetings")
    assert meeting["status"] == "cancelled"
    reminders = await rows(bot, "SELECT status FROM meeting_notices WHERE kind = 'reminder'")
    assert {r["status"] for r in reminders} == {"dropped"}


async def test_only_the_pairs_own_people_press_its_meeting_buttons(emulator, bot) -> None:
    coordinator, mentor, _ = await matched(emulator)
    await mentor.send("/meeting")
    question = await mentor.next_message()
    day = question.button(EN.day(SATURDAY)).callback_data
    plan_data = "mg1:1"
    stranger = emulator.user(9100, first_name="Eve", language_code="en")
    await stranger.send("/start")
    await stranger.next_message()
    for data in (day, plan_data):
        await stranger.press_data_on_inaccessible(data)
        assert (await stranger.next_callback_answer()).text == "This button is no longer active."
    await coordinator.press_data_on_inaccessible(plan_data)
    assert (await coordinator.next_callback_answer()).text == "This button is no longer active."
    assert [tuple(r) for r in await rows(bot, "SELECT step FROM meeting_drafts")] == [("day",)]


# -- check-ins, restarts, and a meeting nobody confirmed ---------------------------------------


async def test_a_check_in_due_just_before_a_meeting_waits_until_after_it(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)  # check-ins due on 7 December, 10:00
    await plan(mentor, EN, date(2026, 12, 8), at="14:00")
    await confirmed(bot, mentor, mentee)
    seen = len(mentor.messages)
    bot.clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    await bot.run_job(WAVE)
    assert len(mentor.messages) == seen
    due = await rows(bot, "SELECT DISTINCT due_at FROM checkins WHERE status = 'scheduled'")
    assert [r["due_at"] for r in due] == ["2026-12-08T14:00:00+00:00"]  # 15:00, after it
    bot.clock.now = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    await bot.run_job(WAVE)
    assert (await mentor.next_message()).text.startswith("Time for a short check-in")


async def test_a_message_cut_off_by_a_crash_is_sent_once_after_the_restart(emulator, bot):
    _, mentor, mentee = await matched(emulator)
    await plan(mentor, EN, SATURDAY)
    await confirmed(bot, mentor, mentee)
    bot.clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    services = services_of(bot.application)
    for notice, _ in await notices_due(services):
        await begin_notice(services, notice)  # recorded as being sent, then "killed"
    await bot.restart()
    await bot.run_job(MEETINGS)
    assert caption(await mentor.next_message()).startswith("A reminder: you are meeting Yusuf.")
    assert caption(await mentee.next_message()).startswith("A reminder: you are meeting Amal.")
    await bot.run_job(MEETINGS)
    outbox = bot.application.bot_data[OUTBOX_KEY]
    for notice, status in await notices_due(services_of(bot.application)):
        await send_notice(outbox, notice, status)
    reminders = [m for m in mentor.messages if caption(m).startswith("A reminder: you")]
    assert len(reminders) == 1
    sent = await rows(bot, "SELECT status FROM meeting_notices WHERE kind = 'reminder'")
    assert [r["status"] for r in sent] == ["sent", "sent"]


async def test_a_meeting_nobody_confirms_is_a_stall_signal(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    await plan(mentor, EN, SATURDAY)
    await confirmed(bot, mentor, mentee)
    await at_local(bot, date(2026, 11, 29), 10)
    await confirmed(bot, mentor, mentee)
    bot.clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    await bot.run_job(SCAN)
    assert not alerts_in(coordinator)
    bot.clock.now = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # three days after the meeting
    await bot.run_job(SCAN)
    alert = visible((await coordinator.next_message()).text)
    assert (
        "• Neither mentor nor mentee confirmed the meeting planned for November 28, 2026." in alert
    )
    await mentee.press("Yes, we met")  # a late Yes is a meeting: the pair is back on track
    await mentee.next_message()
    await bot.run_job(SCAN)
    kinds = await rows(bot, "SELECT kind FROM journal WHERE role = 'bot' ORDER BY id")
    assert [r["kind"] for r in kinds] == ["stalled", "recovered"]


# -- the sandbox -------------------------------------------------------------------------------

SANDBOX_COORDINATOR, SANDBOX_MENTOR, SANDBOX_MENTEE = 1000, 2001, 2002


@pytest.fixture
async def sandbox(tmp_path) -> Sandbox:
    box = Sandbox(
        SandboxSettings(port=0, data_dir=tmp_path / "sandbox", coordinator_language="en"), env={}
    )
    await box.start()
    yield box
    await box.stop()


async def test_the_sandbox_shows_the_meeting_day_by_day_with_plus_one_day(sandbox) -> None:
    emulator = sandbox.emulator
    coordinator = await coordinator_ready(emulator, SANDBOX_COORDINATOR)
    sandbox.add_person("Amal", "en")
    sandbox.add_person("Yusuf", "en")
    mentor = await ready_mentor(emulator, coordinator, SANDBOX_MENTOR)
    mentee = await waiting_mentee(emulator, coordinator, SANDBOX_MENTEE)
    await propose(coordinator)
    await both_accept(mentor, mentee)
    today = sandbox.clock().astimezone(ZONE).date()
    await mentor.send("/meeting")
    await mentor.next_message()
    await choose(mentor, EN, today + timedelta(days=5))
    planned = await mentor.next_message()
    assert calendar_of(emulator, planned) is not None
    await mentee.next_message()

    async with TestClient(TestServer(create_app(sandbox))) as client:
        seen = {person: len(person.messages) for person in (mentor, mentee)}
        for day in range(1, 7):
            response = await client.post("/api/fast-forward", json={"days": 1})
            assert response.status == 200, await response.text()
            news = {p: [caption(m) for m in p.messages[seen[p] :]] for p in seen}
            seen = {person: len(person.messages) for person in seen}
            if day == 4:  # the day before the meeting
                assert len(news[mentor]) == len(news[mentee]) == 1
                assert news[mentor][0].startswith("A reminder: you are meeting Yusuf.")
                assert news[mentee][0].startswith("A reminder: you are meeting Amal.")
            elif day == 6:  # the day after
                assert len(news[mentor]) == len(news[mentee]) == 1
                assert news[mentor][0].startswith("Did you meet Yusuf as planned?")
                assert news[mentee][0].startswith("Did you meet Amal as planned?")
            else:
                assert not any("meeting" in text for text in news[mentor] + news[mentee])
    await mentee.press("Yes, we met")
    await mentee.wait_for_messages(seen[mentee] + 1)
    assert mentee.messages[-1].text.startswith("Good to hear!")
