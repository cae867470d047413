"""The mentor course: dated sessions, seats and the waiting list, reminders with a calendar
file, attendance that makes a mentor ready for matching, and the bad input around it."""

from __future__ import annotations

import asyncio
from datetime import datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.handlers.context import services_of
from bot.model.checkins import Window
from bot.model.course import reminder_due
from tests.conftest import COORDINATOR_ID, SECOND_COORDINATOR, RunningBot, rows
from tests.scenarios import (
    MENTOR_ANSWERS,
    coordinator_ready,
    submitted_screening,
    visible,
    waiting_mentee,
)

# The test clock starts on Monday 23 November 2026, 09:00 UTC (10:00 in Copenhagen).
COURSE_DAY = "30.11.2026 17:00"
# Babel puts a narrow no-break space before AM and PM.
SESSION = "Nov 30, 2026 at 5:00\u202fPM · Dansk"
MENTORS = {9101: "Amal", 9102: "Birgitte", 9103: "Chen"}


async def approved_mentor(emulator, coordinator, user_id: int, name: str, language: str = "en"):
    """A mentor screened and approved, not yet through the course."""
    answers = {**MENTOR_ANSWERS, "name": name}
    mentor = await submitted_screening(emulator, user_id, language, answers)
    review = await coordinator.next_message()
    await coordinator.press("Approve", message=review)
    await mentor.next_message()  # "Good news: you are approved…"
    await coordinator.next_message()  # "Saved: …"
    return mentor


async def create_session(coordinator, when: str = COURSE_DAY, seats: str = "2") -> None:
    """/course, Add a date, and the details typed as replies; the language by button."""
    await coordinator.send("/course")
    await coordinator.next_message()
    await coordinator.press("Add a date")
    for answer in (when, "Rådhuset, Aarhus", seats):
        prompt = await coordinator.next_message()
        await coordinator.send(answer, reply_to=prompt)
    languages = await coordinator.next_message()
    assert languages.text == "In which language is the course given?"
    await coordinator.press("Dansk", message=languages)
    await coordinator.wait_for_edit(languages)


async def amal_seated_chen_waiting(emulator):
    """A session of one seat: Amal took it, Chen is first on the waiting list."""
    coordinator = await coordinator_ready(emulator)
    amal = await approved_mentor(emulator, coordinator, 9101, "Amal")
    chen = await approved_mentor(emulator, coordinator, 9102, "Chen")
    await create_session(coordinator, seats="1")
    await coordinator.next_message()
    for mentor in (amal, chen):
        await mentor.next_message()
        await mentor.press(SESSION)
        await mentor.wait_for_edit()
    return coordinator, amal, chen


async def open_first_session(coordinator):
    await coordinator.send("/course")
    await coordinator.next_message()
    await coordinator.press("1")
    return await coordinator.next_message()


ZONE = ZoneInfo("Europe/Copenhagen")


def test_the_course_reminder_is_due_the_day_before_in_daytime() -> None:
    window = Window(time(10), time(18), weekends=True, zone=ZONE)
    course = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)  # a Monday morning
    for moment, due in (
        (datetime(2026, 11, 29, 9, 59, tzinfo=ZONE), False),
        (datetime(2026, 11, 29, 10, 0, tzinfo=ZONE), True),  # a Sunday: weekends too
        (datetime(2026, 11, 29, 22, 0, tzinfo=ZONE), False),  # not at night…
        (datetime(2026, 11, 30, 8, 0, tzinfo=ZONE), False),  # …nor before the window opens
        (datetime(2026, 11, 30, 9, 30, tzinfo=ZONE), False),  # it has begun
    ):
        assert reminder_due(course, moment, window) is due, moment


def ics_of(emulator, message) -> Calendar:
    stored = emulator.files.get(message.document["file_id"])
    assert stored is not None
    return Calendar.from_ical(stored.data)


async def test_a_session_fills_its_seats_moves_its_waiting_list_and_makes_mentors_ready(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    mentors = {
        user_id: await approved_mentor(emulator, coordinator, user_id, name)
        for user_id, name in MENTORS.items()
    }
    amal, birgitte, chen = mentors.values()

    await create_session(coordinator)
    told = await coordinator.next_message()
    assert told.text == "3 mentors got an invitation."
    for mentor in mentors.values():
        invitation = await mentor.next_message()
        assert invitation.text.startswith("You are invited to the mentor course")
        assert invitation.button_texts == [SESSION, "None of these dates fit"]

    for mentor in (amal, birgitte):
        await mentor.press(SESSION)
        seat = await mentor.wait_for_edit()
        assert (
            "You have a seat at the mentor course on Monday, November 30, 2026 at 5:00\u202fPM"
            in (visible(seat.text))
        )
        assert seat.button_texts == ["Cancel my seat"]
    full = chen.last
    assert full.button_texts[0] == SESSION  # sent before it filled
    await chen.press(SESSION)
    waiting = await chen.wait_for_edit()
    assert "is full. You are number 1 on the waiting list" in waiting.text
    assert waiting.button_texts == ["Leave the waiting list"]

    card = await open_first_session(coordinator)
    text = visible(card.text)
    assert "2 of 2 seats taken – full – 1 on the waiting list" in text
    assert "1. Amal – seat\n2. Birgitte – seat\n3. Chen – waiting list" in text
    assert card.button_texts == ["Delete this date"]  # attendance only once it has begun

    await amal.press("Cancel my seat")
    cancelled = await amal.wait_for_edit()
    assert cancelled.text.startswith("Your place is cancelled.")
    # Chen took her seat: the date is offered again, as full.
    assert cancelled.button_texts == [f"{SESSION} · full, waiting list", "None of these dates fit"]
    moved_up = await chen.next_message()
    assert visible(moved_up.text).startswith(
        "Good news: a seat at the mentor course on Monday, November 30, 2026 at 5:00\u202fPM "
        "is free"
    )

    # Sunday 29 November, 10:00 in Copenhagen: the day before, the booked two are reminded.
    # Amal's chat is handled in order: once /help is answered, her cancel has finished.
    await amal.send("/help")
    await amal.next_message()
    bot.clock.advance(days=6)
    await bot.run_job("course")
    for mentor in (birgitte, chen):
        reminder, calendar_file = await mentor.next_messages(2)
        assert visible(reminder.text).startswith("Reminder: the mentor course is on ")
        assert calendar_file.document["file_name"] == "mentor-course.ics"
        (event,) = ics_of(emulator, calendar_file).walk("VEVENT")
        start = event.decoded("dtstart")
        assert (start.isoformat(), str(start.tzinfo)) == (
            "2026-11-30T17:00:00+01:00",
            "Europe/Copenhagen",
        )
        assert str(event["location"]) == "Rådhuset, Aarhus"
        assert str(event["uid"]) == "course-session-1@mentorbro"
    before = [len(mentor.messages) for mentor in mentors.values()]
    await bot.run_job("course")  # reminded once; Amal, who cancelled, not at all
    assert [len(mentor.messages) for mentor in mentors.values()] == before

    # After the course the coordinator marks who came, from the session's list.
    bot.clock.advance(days=1, hours=8)
    card = await open_first_session(coordinator)
    assert card.button_texts == [
        "✓ Birgitte came",
        "✗ did not come",
        "✓ Chen came",
        "✗ did not come",
    ]
    for name in ("Birgitte", "Chen"):
        await coordinator.press(f"✓ {name} came", message=card)
        card = await coordinator.wait_for_edit(card)
    assert "1. Birgitte – came\n2. Chen – came" in visible(card.text)
    for mentor in (birgitte, chen):
        done = await mentor.next_message()
        assert done.text.startswith("Thank you for taking part in the mentor course!")
    recorded = await rows(
        bot,
        "SELECT p.telegram_user_id, s.course_session_id FROM screenings s "
        "JOIN participants p ON p.id = s.participant_id WHERE s.course_done_at IS NOT NULL "
        "ORDER BY p.telegram_user_id",
    )
    assert [tuple(row) for row in recorded] == [(9102, 1), (9103, 1)]

    await coordinator.send("/report")
    # The chart is drawn in a process of its own: slow on a loaded machine.
    report, *_chart_files_and_hint = await coordinator.next_messages(7, timeout=30)
    report = visible(report.text)
    assert (
        "Mentor course\nSessions held: 1\nSeats taken: fewer than 5\n"
        "Came to the course: fewer than 5\n"
        "From approval to the course done: not shown: fewer than 5 mentors"
    ) in report

    # The two are matched as any course-done mentor; Amal, without the course, is not.
    await waiting_mentee(emulator, coordinator, 9201)
    await coordinator.send("/match")
    await coordinator.next_message()
    await coordinator.press("1")
    suggestions = visible((await coordinator.next_message()).text)
    assert "Birgitte" in suggestions and "Chen" in suggestions
    assert "Amal" not in suggestions


async def test_two_mentors_pressing_for_the_last_seat_get_one_seat_and_one_place(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    first = await approved_mentor(emulator, coordinator, 9101, "Amal")
    second = await approved_mentor(emulator, coordinator, 9102, "Birgitte")
    await create_session(coordinator, seats="1")
    invitations = [await mentor.next_message() for mentor in (first, second)]

    await asyncio.gather(first.press(SESSION), second.press(SESSION))
    answers = [
        visible((await mentor.wait_for_edit(invitation)).text)
        for mentor, invitation in zip((first, second), invitations, strict=True)
    ]
    assert sum("You have a seat" in answer for answer in answers) == 1
    assert sum("number 1 on the waiting list" in answer for answer in answers) == 1
    seats = await rows(bot, "SELECT status FROM course_seats ORDER BY status")
    assert [row["status"] for row in seats] == ["booked", "waiting"]


async def test_a_typed_date_is_read_in_each_language_and_bad_ones_are_explained(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    await coordinator.send("/course")
    await coordinator.next_message()
    await coordinator.press("Add a date")
    prompt = await coordinator.next_message()
    for typed, answer in (
        ("1.11.2026 17:00", "That moment has passed. Please write a date to come."),
        ("14.1.2027 25:00", "That time does not exist."),
        ("31.2.2027 17:00", "That date does not exist."),
        ("next Tuesday", "Please write the time too"),
        ("someday 17:00", "I could not read that as a date."),
    ):
        await coordinator.send(typed, reply_to=prompt)
        explained, prompt = await coordinator.next_messages(2)
        assert explained.text.startswith(answer), typed
        assert prompt.text.startswith("When is the course?")
    await coordinator.send("14. januar 2027 kl. 17.00", reply_to=prompt)
    place = await coordinator.next_message()
    assert place.text.startswith("Where is it?")
    await bot.restart()  # what was typed is stored: the draft goes on after a restart
    await coordinator.send("https://meet.example.org/course", reply_to=place)
    seats = await coordinator.next_message()
    await coordinator.send("none", reply_to=seats)
    explained, seats = await coordinator.next_messages(2)
    assert explained.text == "Please write the number of seats as a number from 1 to 500."
    await coordinator.send("١٢", reply_to=seats)  # Arabic digits
    languages = await coordinator.next_message()
    await coordinator.press("العربية", message=languages)
    await coordinator.wait_for_edit(languages)
    assert (await coordinator.next_message()).text == "0 mentors got an invitation."
    (session,) = await rows(bot, "SELECT starts_at, seats, language FROM course_sessions")
    assert tuple(session) == ("2027-01-14T16:00:00+00:00", 12, "ar")

    # The same date typed in Arabic, with Arabic digits and month name.
    await coordinator.send("/course")
    await coordinator.next_message()
    await coordinator.press("Add a date")
    prompt = await coordinator.next_message()
    await coordinator.send("١٤ يناير ٢٠٢٧ ١٧:٠٠", reply_to=prompt)
    assert (await coordinator.next_message()).text.startswith("Where is it?")


async def test_a_deleted_session_tells_its_mentors_and_its_buttons_are_stale(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await approved_mentor(emulator, coordinator, 9101, "Amal", language="da")
    await create_session(coordinator)
    await coordinator.next_message()
    invitation = await mentor.next_message()
    assert invitation.button_texts == [
        "30. nov. 2026 kl. 17.00 · Dansk",
        "Ingen af datoerne passer",
    ]
    await mentor.press("30. nov. 2026 kl. 17.00 · Dansk")
    await mentor.wait_for_edit()

    card = await open_first_session(coordinator)
    await coordinator.press("Delete this date", message=card)
    await coordinator.wait_for_edit(card)
    news = await mentor.next_message()
    assert visible(news.text).startswith(
        "Mentorkurset mandag den 30. november 2026 kl. 17.00 er aflyst"
    )

    await coordinator.press("1")  # the old /course list
    answer = await coordinator.next_callback_answer()
    assert answer.text == "This button is no longer active."
    await mentor.press_data(invitation, f"co6:{1}")
    answer = await mentor.next_callback_answer()
    assert answer.text == "Denne knap virker ikke længere."

    # Her copy of her data holds the date she said yes to, and what became of it.
    await mentor.send("/mydata")
    copy = (await mentor.next_messages(2))[0]
    stored = emulator.files.get(copy.document["file_id"])
    assert stored is not None
    assert (
        "Mentorkursus\n============\n30. november 2026 kl. 17.00, Rådhuset, Aarhus: afmeldt"
        in visible(stored.data.decode("utf-8"))
    )


async def test_none_of_the_dates_fit_tells_the_coordinators(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await approved_mentor(emulator, coordinator, 9101, "Amal")
    await create_session(coordinator)
    await coordinator.next_message()
    await mentor.next_message()
    await mentor.press("None of these dates fit")
    thanks = await mentor.wait_for_edit()
    assert thanks.text.startswith("Thank you for telling us.")
    told = await coordinator.next_message()
    assert visible(told.text) == (
        "Amal cannot come on any of the mentor course dates offered. You can add a date with "
        "/course."
    )

    # A new date brings a new invitation with both dates.
    await create_session(coordinator, when="3.12.2026 10:00")
    assert (await coordinator.next_message()).text == "1 mentor got an invitation."
    invitation = await mentor.next_message()
    assert invitation.button_texts == [
        SESSION,
        "Dec 3, 2026 at 10:00\u202fAM · Dansk",
        "None of these dates fit",
    ]


async def test_a_coordinator_outside_the_mentors_municipality_cannot_mark_attendance(
    emulator, make_config
) -> None:
    running = RunningBot(
        make_config(
            coordinator_ids=f"{COORDINATOR_ID},{SECOND_COORDINATOR}",
            coordinator_scopes=f"{SECOND_COORDINATOR}=Odense",
        )
    )
    await running.start()
    try:
        coordinator = await coordinator_ready(emulator)
        other = await coordinator_ready(emulator, SECOND_COORDINATOR, "Ole")
        mentor = await approved_mentor(emulator, coordinator, 9101, "Amal")  # in Aarhus
        await create_session(coordinator)
        await coordinator.next_message()
        await mentor.next_message()
        await mentor.press(SESSION)
        await mentor.wait_for_edit()
        running.clock.advance(days=7, hours=8)

        card = await open_first_session(other)
        assert "Amal" not in visible(card.text)
        assert "…and 1 mentor from other municipalities." in card.text
        session_id, participant_id = await services_of(running.application).db.fetch_one(
            "SELECT session_id, participant_id FROM course_seats"
        )
        await other.press_data(card, f"co5:{session_id}:{participant_id}:yes")
        answer = await other.next_callback_answer()
        assert answer.text == "This is not in your municipalities."
        (screening,) = await rows(running, "SELECT course_done_at FROM screenings")
        assert screening["course_done_at"] is None
    finally:
        await running.stop()


async def test_a_mentor_approved_while_dates_are_open_is_invited_at_once_and_once(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    await create_session(coordinator)
    assert (await coordinator.next_message()).text == "0 mentors got an invitation."

    mentor = await submitted_screening(emulator, 9101, "en", {**MENTOR_ANSWERS, "name": "Amal"})
    await coordinator.press("Approve", message=await coordinator.next_message())
    approved, invitation = await mentor.next_messages(2)
    assert approved.text.startswith("Good news: you are approved")
    assert invitation.button_texts == [SESSION, "None of these dates fit"]
    await coordinator.next_message()  # "Saved: …", once the mentor has heard

    await bot.run_job("course")
    assert mentor.last.message_id == invitation.message_id  # not invited twice


async def test_what_a_crash_cut_off_is_sent_by_the_course_scan(emulator, bot) -> None:
    _, amal, chen = await amal_seated_chen_waiting(emulator)
    await amal.press("Cancel my seat")
    await chen.next_message()  # "Good news: a seat … is yours now"
    await amal.send("/help")  # her chat is handled in order: the cancel has finished
    await amal.next_message()

    # As if the bot had died after each change and before its message.
    db = services_of(bot.application).db
    async with db.transaction() as conn:
        await conn.execute("UPDATE course_seats SET news_told_at = NULL")
        await conn.execute("UPDATE course_invitations SET sent_at = NULL")
    await bot.restart()
    bot.clock.advance(minutes=2)
    await bot.run_job("course")
    moved_up = await chen.next_message()
    assert moved_up.text.startswith("Good news: a seat at the mentor course")
    invitation = await amal.next_message()  # she gave up her seat: the dates again
    assert invitation.text.startswith("You are invited to the mentor course")
    await bot.run_job("course")
    assert (amal.last, chen.last) == (invitation, moved_up)


async def test_a_course_done_elsewhere_frees_the_mentors_seat(emulator, bot) -> None:
    coordinator, amal, chen = await amal_seated_chen_waiting(emulator)

    # Amal did the course with another programme: the coordinator says so on her screening.
    review = next(m for m in coordinator.messages if "Name: \u2068Amal" in (m.text or ""))
    await coordinator.press("Mentor course done", message=review)
    assert (await amal.next_message()).text.startswith("The coordinator has noted")
    moved_up = await chen.next_message()
    assert moved_up.text.startswith("Good news: a seat at the mentor course")
    seats = await rows(
        bot,
        "SELECT p.telegram_user_id, cs.status FROM course_seats cs "
        "JOIN participants p ON p.id = cs.participant_id ORDER BY p.telegram_user_id",
    )
    assert [tuple(row) for row in seats] == [(9101, "cancelled"), (9102, "booked")]


async def test_course_buttons_pressed_by_someone_not_awaiting_the_course_change_nothing(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    await create_session(coordinator)
    await coordinator.next_message()
    # A mentor whose screening still waits for a decision, with buttons that reached her.
    mentor = await submitted_screening(emulator, 9101, "en")
    for data in ("co6:1", "co7", "co8:1"):
        await mentor.press_data(mentor.last, data)
        answer = await mentor.next_callback_answer()
        assert answer.text == "This button is no longer active.", data
    assert await rows(bot, "SELECT * FROM course_seats") == []
    assert await rows(bot, "SELECT * FROM course_no_fit") == []
