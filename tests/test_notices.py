"""One-off notices cut off by a crash (the state change stored, the bot dead before the notice)
are sent by the notices scan after the restart: once, to the right people, in their language."""

from __future__ import annotations

import sqlite3

from bot import delivery, intake, matchmaking, privacy, review
from bot.handlers.context import services_of
from bot.i18n import translator
from bot.model.questionnaire import Run
from bot.model.screening import Decision
from sandbox import SimulatedUser
from sandbox.faults import Fault, FaultInjector
from storage import db as storage_db
from storage import questionnaires as run_store
from storage.db import migrations as db_migrations
from tests.conftest import COORDINATOR_ID, RunningBot, rows
from tests.scenarios import (
    MENTEE,
    MENTEE_PHONE,
    MENTOR_ANSWERS,
    MENTOR_PHONE,
    answer_until,
    coordinator_ready,
    matched,
    onboard,
    propose,
    read_introduction,
    ready_mentor,
    submitted_screening,
    visible,
)

JOB = "notices"
DA, AR = translator("da"), translator("ar")
APPROVED_DA = DA.gettext(
    "Good news: you are approved as a volunteer mentor! The next step is the mentor "
    "course, where you learn about the role and meet other mentors. The coordinator "
    "will tell you when it is."
)
THANKS_DA = DA.gettext(
    "Thank you! Your answers have been sent to the programme's coordinator, who will get back "
    "to you."
)


def starting(user, text: str) -> list:
    """The messages the user got that start with `text`."""
    return [m for m in user.messages if visible(m.text).startswith(text)]


async def scan_after_restart(bot: RunningBot) -> None:
    """The bot comes back, and its notices scan runs as it does soon after a start."""
    await bot.restart()
    bot.clock.advance(minutes=2)
    await bot.run_job(JOB)


async def stopped_run(bot: RunningBot, user: SimulatedUser) -> Run:
    """The questionnaire run the user is at the summary of."""
    (row,) = await rows(bot, "SELECT id FROM participants WHERE telegram_user_id = ?", user.id)
    run = await run_store.open_run(services_of(bot.application).db, row["id"])
    assert run is not None
    return run


async def arabic_mentee_at_summary(emulator, user_id: int = 9002):
    mentee = await onboard(emulator, user_id, "ar", "mentee")
    await read_introduction(mentee, "ar")
    await answer_until(mentee, "ar", MENTEE, questionnaire="intake")
    return mentee


async def test_a_pair_announcement_cut_off_by_a_crash_is_sent_by_the_scan(emulator, bot):
    coordinator = await coordinator_ready(emulator)
    mentor = await ready_mentor(emulator, coordinator, 9001, language="da")
    mentee = await arabic_mentee_at_summary(emulator)
    await mentee.press(AR.gettext("Send my answers"))
    await mentee.next_message()
    await coordinator.next_message()  # the mentee is ready for matching
    await propose(coordinator)
    await mentor.next_message()
    await mentee.next_message()
    await mentor.press(DA.gettext("Yes"))
    await mentor.next_message()
    # The mentee's Yes makes the pair active; the bot dies before anyone is told.
    (pair,) = await rows(bot, "SELECT id, mentee_id FROM pairs")
    services = services_of(bot.application)
    assert await matchmaking.answer(services, pair["id"], pair["mentee_id"], True, None)
    await bot.run_job(JOB)  # a handler may still be at work: the scan leaves it alone
    assert starting(coordinator, "New pair:") == []

    await scan_after_restart(bot)
    to_mentor = await mentor.next_message()
    to_mentee = await mentee.next_message()
    told = await coordinator.next_message()
    good_news = DA.gettext("Good news: you are now a pair with {name}!").format(name="Yusuf")
    assert visible(to_mentor.text).startswith(good_news)
    assert DA.gettext("We have met") in to_mentor.button_texts
    assert MENTEE_PHONE in visible(to_mentor.text)
    assert MENTOR_PHONE in visible(to_mentee.text)
    good_news_ar = AR.gettext("Good news: you are now a pair with {name}!").format(name="Amal")
    assert visible(to_mentee.text).startswith(good_news_ar)
    assert visible(told.text) == "New pair: Amal Hassan (mentor) and Yusuf Ali (mentee)."
    await bot.run_job(JOB)
    assert len(starting(mentor, good_news)) == 1
    assert len(starting(mentee, good_news_ar)) == 1
    assert len(starting(coordinator, "New pair:")) == 1


async def test_a_screening_cut_off_by_a_crash_reaches_the_coordinator(emulator, bot):
    coordinator = await coordinator_ready(emulator)
    mentor = await onboard(emulator, 5001, "da", "mentor")
    await answer_until(mentor, "da", MENTOR_ANSWERS)
    # Send is stored; the bot dies before the coordinator gets the screening.
    services = services_of(bot.application)
    assert await review.submit(services, await stopped_run(bot, mentor))

    await scan_after_restart(bot)
    screening = await coordinator.next_message()
    assert visible(screening.text).startswith("New mentor screening")
    assert "Amal Hassan" in visible(screening.text)
    # ...and the mentor her thanks, once.
    thanks = await mentor.next_message()
    assert thanks.text == THANKS_DA
    await bot.run_job(JOB)
    assert len(starting(coordinator, "New mentor screening")) == 1
    assert len(starting(mentor, THANKS_DA)) == 1
    # The copy works as any other: the decision reaches the mentor.
    await coordinator.press("Approve", message=screening)
    assert (await mentor.next_message()).text == APPROVED_DA


async def test_a_screening_lost_on_the_network_stays_due_and_the_scan_sends_it(
    emulator, bot, monkeypatch
):
    monkeypatch.setattr(delivery, "RETRY_DELAYS_S", (0.01, 0.01, 0.01))
    coordinator = await coordinator_ready(emulator)
    mentor = await onboard(emulator, 5001, "da", "mentor")
    await answer_until(mentor, "da", MENTOR_ANSWERS)
    # Every try of the coordinator's copy fails (one and three retries); the rest goes through.
    faults = FaultInjector(
        emulator, share=1.0, kinds=(Fault.SERVER_ERROR,), methods=("sendMessage",), limit=4
    ).install()
    await mentor.press(DA.gettext("Send my answers"))
    await mentor.next_message()  # the thanks
    faults.remove()
    assert [f.call.params["chat_id"] for f in faults.injected] == [COORDINATOR_ID] * 4
    assert starting(coordinator, "New mentor screening") == []

    bot.clock.advance(minutes=2)  # past the grace a notice in flight is given
    await bot.run_job(JOB)
    screening = await coordinator.next_message()
    assert visible(screening.text).startswith("New mentor screening")
    await bot.run_job(JOB)
    assert len(starting(coordinator, "New mentor screening")) == 1


async def test_a_decision_cut_off_by_a_crash_reaches_the_mentor(emulator, bot):
    coordinator = await coordinator_ready(emulator)
    mentor = await submitted_screening(emulator, 5001, language="da")
    await coordinator.next_message()  # the screening
    (screening,) = await rows(bot, "SELECT run_id FROM screenings")
    # The coordinator's Approve is stored; the bot dies before the mentor is told.
    services = services_of(bot.application)
    outcome = await review.decide(
        services, screening["run_id"], Decision.APPROVED, COORDINATOR_ID, "Karen"
    )
    assert outcome is not None and outcome.taken is not None

    await scan_after_restart(bot)
    assert (await mentor.next_message()).text == APPROVED_DA
    await bot.run_job(JOB)
    assert [m.text for m in mentor.messages].count(APPROVED_DA) == 1


async def test_an_intake_cut_off_by_a_crash_reaches_the_coordinator(emulator, bot):
    coordinator = await coordinator_ready(emulator)
    mentee = await arabic_mentee_at_summary(emulator)
    # Send is stored; the bot dies before the coordinators hear of it.
    services = services_of(bot.application)
    assert await intake.submit(services, await stopped_run(bot, mentee))

    await scan_after_restart(bot)
    ready = visible((await coordinator.next_message()).text)
    assert ready.startswith("A mentee is ready for matching")
    assert "Yusuf Ali" in ready
    await bot.run_job(JOB)
    assert len(starting(coordinator, "A mentee is ready for matching")) == 1


async def test_an_upgrade_does_not_send_old_notices_again(emulator, bot, monkeypatch):
    coordinator, mentor, mentee = await matched(emulator)
    # The database as it was before the markers: the notices went out without them. Only the
    # markers' migration runs again (later ones are in place already).
    (markers,) = [n for n, file in db_migrations() if file.name.endswith("_notice_markers.sql")]
    monkeypatch.setattr(
        storage_db, "migrations", lambda: [m for m in db_migrations() if m[0] <= markers]
    )
    await bot.stop()
    with sqlite3.connect(bot.config.database_path) as db:
        for index in (
            "pairs_unannounced",
            "screenings_untold",
            "screening_decisions_untold",
            "intakes_untold",
        ):
            db.execute(f"DROP INDEX {index}")
        db.execute("ALTER TABLE pairs DROP COLUMN announced_at")
        db.execute("ALTER TABLE screenings DROP COLUMN coordinators_told_at")
        db.execute("ALTER TABLE screening_decisions DROP COLUMN mentor_told_at")
        db.execute("ALTER TABLE intakes DROP COLUMN coordinators_told_at")
        db.execute(f"PRAGMA user_version = {markers - 1}")
    before = [len(person.messages) for person in (coordinator, mentor, mentee)]

    await bot.start()
    bot.clock.advance(hours=1)
    await bot.run_job(JOB)
    untold = await rows(
        bot,
        "SELECT (SELECT COUNT(*) FROM pairs WHERE announced_at IS NULL) "
        "+ (SELECT COUNT(*) FROM screenings WHERE coordinators_told_at IS NULL) "
        "+ (SELECT COUNT(*) FROM screening_decisions WHERE mentor_told_at IS NULL) "
        "+ (SELECT COUNT(*) FROM intakes WHERE coordinators_told_at IS NULL) "
        "+ (SELECT COUNT(*) FROM questionnaire_runs WHERE status = 'submitted' "
        "   AND thanked_at IS NULL) AS n",
    )
    assert untold[0]["n"] == 0
    assert [len(person.messages) for person in (coordinator, mentor, mentee)] == before


async def test_nothing_is_sent_about_a_person_erased_after_a_crash(emulator, bot):
    coordinator = await coordinator_ready(emulator)
    mentor = await onboard(emulator, 5001, "da", "mentor")
    await answer_until(mentor, "da", MENTOR_ANSWERS)
    services = services_of(bot.application)
    run = await stopped_run(bot, mentor)
    # Send is stored, the bot dies before the coordinators hear of it; then she erases herself.
    assert await review.submit(services, run)
    assert await privacy.erase(services, run.participant_id, privacy.REQUEST) is not None

    await scan_after_restart(bot)
    assert starting(coordinator, "New mentor screening") == []
