"""Check-ins: sent on schedule in the daytime, answered in a minute, filed in the journal."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import checkins
from bot.handlers.checkins import send_question
from bot.handlers.context import OUTBOX_KEY, services_of
from bot.i18n import translator
from bot.model.questionnaire import load
from storage import checkins as checkin_store
from tests.conftest import rows
from tests.scenarios import (
    WAVE,
    answer_mentor,
    due_wave,
    end_pair,
    matched,
    open_pair_card,
    visible,
)


async def test_both_get_their_check_in_when_it_is_due(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    bot.clock.advance(days=13, hours=23)
    await bot.run_job(WAVE)
    due = await rows(bot, "SELECT side, due_at, status FROM checkins ORDER BY side")
    assert [tuple(r) for r in due] == [
        ("mentee", "2026-12-07T09:00:00+00:00", "scheduled"),  # 10:00 in Copenhagen
        ("mentor", "2026-12-07T09:00:00+00:00", "scheduled"),
    ]
    await due_wave(bot, days=1 / 24)
    to_mentor, to_mentee = await mentor.next_message(), await mentee.next_message()
    assert to_mentor.text.startswith("Time for a short check-in about your mentorship.")
    assert "Have you met your mentee since the last check-in?" in to_mentor.text
    assert to_mentor.button_texts == ["Yes, in person", "Yes, online or by phone", "No"]
    assert "Have you met your mentor since the last time I asked?" in to_mentee.text
    sent = await rows(bot, "SELECT status FROM checkins WHERE status = 'sent'")
    assert len(sent) == 2
    nxt = await rows(bot, "SELECT due_at FROM checkins WHERE status = 'scheduled'")
    assert {r["due_at"] for r in nxt} == {"2026-12-21T09:00:00+00:00"}


async def test_never_at_night(emulator, bot) -> None:
    bot.clock.now = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # 20:00 in Copenhagen
    _, mentor, _ = await matched(emulator)
    seen = len(mentor.messages)
    await due_wave(bot)
    due = await rows(bot, "SELECT due_at FROM checkins WHERE side = 'mentor'")
    assert due[0]["due_at"] == "2026-12-08T09:00:00+00:00"  # next morning, 10:00
    await mentor.send("/help")
    await mentor.wait_for_messages(seen + 1)
    assert not any("Time for a short check-in" in (m.text or "") for m in mentor.messages[seen:])


async def test_answers_by_buttons_text_and_voice_become_journal_entries(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    await due_wave(bot)
    await mentor.next_message()
    await mentee.next_message()
    sent = len(mentee.messages)

    await answer_mentor(mentor)
    assert (await mentor.next_message()).text == (
        "Thank you! Your answers are saved for the coordinator."
    )
    shown = await mentee.press_and_wait_for_edit("Yes, online or by phone")
    assert shown.text == "How useful is it to meet your mentor?"  # the question moved on
    assert len(mentee.messages) == sent  # in place: no new message
    shown = await mentee.press_and_wait_for_edit("Very useful")
    for option in ("Applied for jobs", "Had a job interview"):
        await mentee.press(option)
        await mentee.wait_for_edit(shown)
        shown = mentee.message(shown.message_id)
    assert "How many jobs did you apply for?" in (await mentee.press_and_wait_for_edit("Done")).text
    await mentee.send("5")
    await mentee.next_message()
    await mentee.press_and_wait_for_edit("I feel unsure (only the coordinator sees this)")
    await mentee.send_voice()
    assert (await mentee.next_message()).text.startswith("Thank you!")
    alert = await coordinator.next_message()
    told = visible(alert.text)
    assert told.startswith("A pair needs your attention\n")
    assert (
        "• The mentee feels unsure about the mentorship. The mentor does not know about this."
        in told
    )
    assert alert.button_texts == ["I will contact them", "Snooze 7 days", "End the pair"]

    entries = await rows(
        bot, "SELECT role, kind, answers, text, voice_file_id, private FROM journal ORDER BY id"
    )
    assert [(e["role"], e["kind"]) for e in entries] == [
        ("mentor", "checkin"),
        ("mentee", "checkin"),
        ("bot", "stalled"),  # the coordinators were alerted
    ]
    assert entries[2]["text"] == "unsure"
    assert entries[0]["text"] == "We practised job interviews."
    assert '"going": "good"' in entries[0]["answers"]
    assert '"progress": ["applied", "interview"]' in entries[1]["answers"]
    assert '"applications": 5' in entries[1]["answers"]
    assert entries[1]["voice_file_id"] and entries[1]["private"] == 1
    assert not any("feels unsure" in (m.text or "") for m in mentor.messages)  # never the other

    await coordinator.send("/journal")
    await coordinator.next_message()
    await coordinator.press("1")
    page = await coordinator.next_message()
    text = visible(page.text)
    assert "Met since the last check-in: Yes, in person" in text
    assert "We practised job interviews." in text
    assert "Jobs applied for: 5" in text and "(a voice message)" in text
    assert "(private: only coordinators see this)" in text
    (listen,) = [label for label in page.button_texts if label.startswith("Listen")]
    await coordinator.press(listen, message=page)
    voice = await coordinator.next_message()
    assert voice.raw["voice"]["file_id"] == entries[1]["voice_file_id"]


async def test_one_reminder_after_48_hours_then_missed_when_the_next_is_due(emulator, bot):
    _, mentor, _ = await matched(emulator)
    await due_wave(bot)
    await mentor.next_message()
    bot.clock.advance(hours=47)
    await bot.run_job(WAVE)
    bot.clock.advance(hours=2)
    await bot.run_job(WAVE)
    await bot.run_job(WAVE)
    reminder = await mentor.next_message()
    assert reminder.text.startswith("A reminder: I would like to hear how it goes.")
    await due_wave(bot, days=13)
    assert (await mentor.next_message()).text.startswith("Time for a short check-in")
    reminders = [m for m in mentor.messages if m.text.startswith("A reminder")]
    assert len(reminders) == 1
    missed = await rows(bot, "SELECT role, kind FROM journal WHERE kind = 'missed'")
    assert [tuple(r) for r in missed] == [("mentor", "missed"), ("mentee", "missed")]


async def test_a_check_in_cut_off_by_a_crash_is_sent_after_the_restart(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    bot.clock.advance(days=14)
    services = services_of(bot.application)
    await checkins.schedule_missing(services)
    for check_in in await checkins.to_send(services):
        await checkins.begin_sending(services, check_in)  # recorded as pending, then "killed"
    await bot.restart()
    await bot.run_job(WAVE)
    assert (await mentor.next_message()).text.startswith("Time for a short check-in")
    assert (await mentee.next_message()).text.startswith("A few short questions")
    statuses = await rows(bot, "SELECT status FROM checkins WHERE status != 'scheduled'")
    assert [r["status"] for r in statuses] == ["sent", "sent"]


async def test_an_answer_to_either_copy_of_a_prompt_counts_once(emulator, bot) -> None:
    _, mentor, _ = await matched(emulator)
    await due_wave(bot)
    first = await mentor.next_message()
    (check_in_row,) = await rows(
        bot, "SELECT id FROM checkins WHERE side = 'mentor' AND status = 'sent'"
    )
    services = services_of(bot.application)
    check_in = await checkin_store.get(services.db, check_in_row["id"])
    outbox = bot.application.bot_data[OUTBOX_KEY]
    await send_question(outbox, check_in, opening=True)  # a duplicate
    second = await mentor.next_message()
    await mentor.press_and_wait_for_edit("Yes, in person", message=first)
    await mentor.press("Yes, in person", message=second)
    assert (await mentor.next_callback_answer()).text == "This button is no longer active."
    for button in ("Good", "No, all is fine"):
        await mentor.press_and_wait_for_edit(button, message=first)
    await mentor.press("Skip ›")
    await mentor.next_message()
    assert len(await rows(bot, "SELECT * FROM journal WHERE kind = 'checkin'")) == 1


async def test_a_blocked_person_is_marked_unreachable_and_the_other_still_asked(emulator, bot):
    coordinator, mentor, mentee = await matched(emulator)
    mentee.block()
    await due_wave(bot)
    assert (await mentor.next_message()).text.startswith("Time for a short check-in")
    alert = visible((await coordinator.next_message()).text)
    assert "• The mentee has blocked the bot." in alert  # at once, not at the next scan
    journaled = await rows(bot, "SELECT role, kind FROM journal")
    assert [tuple(r) for r in journaled] == [("mentee", "unreachable"), ("bot", "stalled")]
    (person,) = await rows(bot, "SELECT status FROM participants WHERE telegram_user_id = 9002")
    assert person["status"] == "unreachable"


async def test_a_participant_pauses_their_own_check_ins(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    await mentee.send("/pause")
    await mentee.next_message()
    await mentee.press("1 month")
    assert (await mentee.next_message()).text.startswith("Your check-ins are paused until")
    await due_wave(bot)
    assert (await mentor.next_message()).text.startswith("Time for a short check-in")
    (postponed,) = await rows(bot, "SELECT due_at FROM checkins WHERE side = 'mentee'")
    assert postponed["due_at"] == "2026-12-24T09:00:00+00:00"  # the day after the pause
    paused = await rows(bot, "SELECT role, kind, text FROM journal")
    assert [tuple(r) for r in paused] == [("mentee", "paused", "2026-12-23")]


async def test_a_coordinator_writes_a_note_and_reads_the_journal_in_pages(emulator, bot) -> None:
    coordinator, mentor, _ = await matched(emulator)
    services = services_of(bot.application)
    (pair,) = await rows(bot, "SELECT id FROM pairs")
    me = await services.db.fetch_one(
        "SELECT id FROM participants WHERE telegram_user_id = ?", (coordinator.id,)
    )
    for number in range(11):
        await checkin_store.add_journal(
            services.db,
            pair["id"],
            me["id"],
            "coordinator",
            "note",
            services.clock(),
            text=f"Old note {number}",
        )

    await coordinator.send("/note")
    await coordinator.next_message()
    await coordinator.press("1")
    prompt = await coordinator.next_message()
    await coordinator.send("Called both; they meet on Thursday.", reply_to=prompt)
    assert (await coordinator.next_message()).text == "The note is in the journal."

    await coordinator.send("/journal")
    await coordinator.next_message()
    await coordinator.press("1")
    newest = visible((await coordinator.next_message()).text)
    assert newest.startswith("Journal of Amal Hassan – Yusuf Ali (page 2 of 2)")
    assert "Called both; they meet on Thursday." in newest
    await coordinator.press("‹ Earlier")
    oldest = visible((await coordinator.next_message()).text)
    assert "(page 1 of 2)" in oldest and "Old note 0" in oldest and "Old note 10" not in oldest
    await mentor.send("/journal")
    assert (await mentor.next_message()).text.startswith("Sorry, only the programme's")


async def test_a_coordinator_changes_a_pairs_check_in_cadence(emulator, bot) -> None:
    coordinator, _, _ = await matched(emulator)
    await bot.run_job(WAVE)
    card = await open_pair_card(coordinator)
    await coordinator.press("Check-ins", message=card)
    await coordinator.wait_for_edit(card)
    await coordinator.press("Every 7 days", message=card)
    await coordinator.wait_for(
        lambda user: "every 7 days" in (user.message(card.message_id).text or ""), 5, "the card"
    )
    due = await rows(bot, "SELECT due_at FROM checkins WHERE status = 'scheduled'")
    assert {r["due_at"] for r in due} == {"2026-11-30T09:00:00+00:00"}
    events = await rows(bot, "SELECT event, detail FROM pair_events WHERE event = 'cadence'")
    assert [tuple(e) for e in events] == [("cadence", "7")]


async def test_each_side_is_asked_in_their_own_language(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    for person, language, other in ((mentee, "العربية", "Amal"), (mentor, "Dansk", "Yusuf")):
        await person.send("/language")
        await person.next_message()
        await person.press(language)
        _, status = await person.next_messages(2)  # the confirmation, then where they stand
        assert other in visible(status.text)  # their pair, not their application
    await mentor.send("/start")
    welcome = visible((await mentor.next_message()).text)
    assert welcome == translator("da").gettext("Welcome back!") + " " + translator("da").gettext(
        "You and {name} are a mentoring pair. I will ask you now and then how it goes; "
        "/pause gives you a break from that."
    ).format(name="Yusuf").replace("\u2066", "").replace("\u2069", "")
    await due_wave(bot)
    arabic, danish = await mentee.next_message(), await mentor.next_message()
    ar, da = translator("ar"), translator("da")
    assert arabic.text.startswith(ar.gettext(load("checkin_mentee").intro))
    assert ar.gettext("Have you met your mentor since the last time I asked?") in arabic.text
    assert "Have you met" not in arabic.text
    assert arabic.button_texts[0] == ar.gettext("Yes, in person")
    assert danish.text.startswith(da.gettext(load("checkin_mentor").intro))
    assert "Time for a short check-in" not in danish.text


async def test_an_ended_pair_gets_no_reminder_and_no_answers_taken(emulator, bot) -> None:
    coordinator, mentor, _ = await matched(emulator)
    await due_wave(bot)
    await mentor.next_message()
    await end_pair(coordinator, "Moved away")
    await mentor.next_message()  # "The coordinator has ended your mentorship…"
    bot.clock.advance(hours=49)
    await bot.run_job(WAVE)
    await mentor.send("All good, thanks")
    answer = await mentor.next_message()
    assert answer.text.startswith("I am not waiting for an answer from you right now.")
    assert not any(m.text.startswith("A reminder") for m in mentor.messages)
