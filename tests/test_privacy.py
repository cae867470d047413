"""Privacy: consent and its withdrawal, /mydata, /delete and the retention period, as the
participants and the coordinator live them."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import ConfigError
from bot.evaluation import build_report
from bot.handlers.context import services_of
from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.model.evaluation import ReportFilter
from bot.model.questionnaire import load
from bot.privacy import consent_version
from sandbox import SimulatedUser
from tests.conftest import RunningBot, rows
from tests.scenarios import (
    MENTEE,
    MENTEE_ANSWERS,
    MENTOR_ANSWERS,
    coordinator_ready,
    due_wave,
    end_pair,
    matched,
    mentor_answered_check_in,
    onboard,
    read_introduction,
    ready_mentor,
    submitted_screening,
    visible,
    waiting_mentee,
)
from tests.scenarios import answer_until as answer_questions

MENTEE_NAME = str(MENTEE["name"])
MENTOR_NAME = str(MENTOR_ANSWERS["name"])
MENTOR_NOTE = "We practised job interviews."


async def person_id(bot: RunningBot, telegram_user_id: int) -> int:
    (row,) = await rows(
        bot, "SELECT id FROM participants WHERE telegram_user_id = ?", telegram_user_id
    )
    return row["id"]


async def everything_stored(bot: RunningBot, *, but: tuple[str, ...] = ()) -> str:
    """Every value in every table (but these), as one text to search for what must be gone."""
    tables = await rows(bot, "SELECT name FROM sqlite_master WHERE type = 'table'")
    values = []
    for table in tables:
        if table["name"] in but:
            continue
        for row in await rows(bot, f"SELECT * FROM {table['name']}"):
            values.extend(str(value) for value in row)
    return "\n".join(values)


async def downloaded(emulator, message) -> str:
    stored = emulator.files.get(message.document["file_id"])
    assert stored is not None
    return stored.data.decode("utf-8")


# -- consent -----------------------------------------------------------------------------------


async def test_consent_is_recorded_with_its_time_and_text_version(emulator, bot) -> None:
    mentor = await onboard(emulator, 9001, "en", "mentor")
    await answer_questions(mentor, "en", {"consent": "yes"}, stop_before="name")
    (consent,) = await rows(bot, "SELECT * FROM consents")
    question = load("screening").question("consent")
    assert consent["participant_id"] == await person_id(bot, 9001)
    version = consent_version("screening", question)
    assert consent["text_version"] == version.id and version.id.startswith("screening:")
    (text,) = await rows(bot, "SELECT text FROM consent_texts")
    assert text["text"] == question.text  # the wording agreed to, kept if it changes later
    assert consent["given_at"] == bot.clock.now.isoformat()
    assert consent["withdrawn_at"] is None

    await mentor.send("/consent")
    shown = visible((await mentor.next_message()).text)
    assert "Mentor screening: you agreed on November 23, 2026 at 10:00\u202fAM" in shown
    assert consent["text_version"] in shown
    assert "Do you agree that the programme stores your answers?" in shown
    assert mentor.last.button_texts == ["Withdraw my consent"]


async def test_withdrawing_consent_stops_check_ins_and_tells_the_coordinator(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    await mentee.send("/consent")
    await mentee.next_message()
    await mentee.press("Withdraw my consent")
    asked = await mentee.next_message()
    assert asked.text.startswith("Do you want to withdraw your consent?")
    await mentee.press("Yes, withdraw", message=asked)
    done = await mentee.next_message()
    assert "/delete" in done.text
    told = visible((await coordinator.next_message()).text)
    mentee_id = await person_id(bot, 9002)
    # Nothing is erased yet: the coordinator is told who, and whom to call.
    assert told.startswith(f"{MENTEE_NAME} (Mentee) has withdrawn their consent.")
    assert f"The pair with {MENTOR_NAME} is paused: please talk to {MENTOR_NAME}" in told
    assert "Your mentee has stopped taking part" in (await mentor.next_message()).text
    (consent,) = await rows(
        bot, "SELECT withdrawn_at FROM consents WHERE participant_id = ?", mentee_id
    )
    assert consent["withdrawn_at"] == bot.clock.now.isoformat()
    (pair,) = await rows(bot, "SELECT status, resume_on FROM pairs")
    assert (pair["status"], pair["resume_on"]) == ("paused", None)

    seen = (len(mentor.messages), len(mentee.messages))
    await due_wave(bot, days=30)
    await mentee.send("/consent")
    again = await mentee.next_message()
    assert "You withdrew it on" in visible(again.text)
    assert again.button_texts == ["Give consent again"]
    assert len(mentor.messages) == seen[0]  # no check-in for either side
    assert len(mentee.messages) == seen[1] + 1


async def withdraw(person: SimulatedUser, language: str = "en") -> None:
    """/consent, Withdraw my consent, Yes, withdraw; the confirmation read."""
    t = translator(language)
    await person.send("/consent")
    await person.next_message()
    await person.press(t.gettext("Withdraw my consent"))
    asked = await person.next_message()
    await person.press(t.gettext("Yes, withdraw"), message=asked)
    await person.next_message()


async def test_withdrawing_in_the_middle_of_the_screening_closes_it(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await onboard(emulator, 9001, "da", "mentor")
    await answer_questions(mentor, "da", MENTOR_ANSWERS, stop_before="field")
    field_question = mentor.last
    await withdraw(mentor, "da")
    told = await coordinator.next_message()
    assert "has withdrawn their consent" in told.text
    (run,) = await rows(bot, "SELECT closed_at, status FROM questionnaire_runs")
    assert (run["closed_at"], run["status"]) == (bot.clock.now.isoformat(), "in_progress")
    stored = await rows(bot, "SELECT question_id, value FROM answers ORDER BY question_id")

    await mentor.press("Sundhed (læge, sygeplejerske, apotek, laboratorie)", message=field_question)
    refused = await mentor.next_callback_answer()
    assert (
        refused.text
        == "Du har trukket dit samtykke tilbage. Skriv /consent, hvis du vil give det igen."
    )
    await mentor.send("Sygeplejerske")  # typed, as if it answered a question
    await mentor.next_message()
    assert await rows(bot, "SELECT question_id, value FROM answers ORDER BY question_id") == stored
    (still,) = await rows(bot, "SELECT closed_at FROM questionnaire_runs")
    assert still["closed_at"] == run["closed_at"]

    await mentor.send("/consent")
    shown = await mentor.next_message()
    await mentor.press("Giv samtykke igen", message=shown)
    thanks = await mentor.next_message()
    assert "/start" in thanks.text
    given = await rows(
        bot, "SELECT text_version, withdrawn_at FROM consents ORDER BY given_at, rowid"
    )
    version = consent_version("screening", load("screening").question("consent")).id
    assert [tuple(row) for row in given][-1] == (version, None)
    assert len(given) == 2
    assert "has given their consent again" in (await coordinator.next_message()).text
    (run,) = await rows(bot, "SELECT closed_at FROM questionnaire_runs")
    assert run["closed_at"] is not None  # nothing opens again by itself


async def test_withdrawing_in_the_middle_of_a_check_in_closes_it(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    await due_wave(bot)
    await mentor.next_message()
    await mentee.next_message()
    going = await mentor.press_and_wait_for_edit("Yes, in person")
    await withdraw(mentor)
    await coordinator.next_message()
    assert "stopped taking part" in (await mentee.next_message()).text
    statuses = await rows(bot, "SELECT side, status, answers FROM checkins ORDER BY side")
    mentor_check_in = next(row for row in statuses if row["side"] == "mentor")
    assert mentor_check_in["status"] == "missed"

    await mentor.press("Good", message=going)
    refused = await mentor.next_callback_answer()
    assert refused.text == "You withdrew your consent; /consent to give it again."
    assert await rows(bot, "SELECT side, status, answers FROM checkins ORDER BY side") == statuses
    assert await rows(bot, "SELECT id FROM journal WHERE kind = 'checkin'") == []


# -- /mydata -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_a_mentee_gets_their_data_as_a_file_in_their_language(
    emulator, bot, language
) -> None:
    await coordinator_ready(emulator)
    mentee = await onboard(emulator, 9002, language, "mentee")
    await read_introduction(mentee, language)
    await answer_questions(mentee, language, MENTEE_ANSWERS, questionnaire="intake")
    await mentee.press(translator(language).gettext("Send my answers"))
    await mentee.next_message()

    await mentee.send("/mydata")
    file, note = await mentee.next_messages(2)
    assert file.document["file_name"] == "mentorbro-my-data-2026-11-23.txt"
    assert "/delete" in visible(note.text)
    text = visible(await downloaded(emulator, file))
    t = translator(language)
    intake = load("intake")
    assert f"{t.gettext(intake.question('name').label)}: {MENTEE_NAME}" in text
    danish = intake.question("danish")
    level = danish.option(str(MENTEE_ANSWERS["danish"]))
    assert level is not None
    assert f"{t.gettext(danish.label)}: {t.gettext(level.label)}" in text
    assert str(MENTEE_ANSWERS["contact"]) in text
    assert consent_version("intake", intake.question("consent")).id in text
    assert t.date(bot.clock.now.date(), "long") in text  # dates in their language, via Babel


async def test_the_copy_holds_own_entries_and_leaves_out_the_other_sides(emulator, bot) -> None:
    _, mentor, mentee = await mentor_answered_check_in(emulator, bot)

    await mentor.send("/mydata")
    file, _ = await mentor.next_messages(2)
    mentor_copy = await downloaded(emulator, file)
    assert MENTOR_NOTE in mentor_copy
    assert "How it is going: Good" in mentor_copy
    assert MENTOR_NAME in mentor_copy and MENTEE_NAME not in mentor_copy

    await mentee.send("/mydata")
    file, _ = await mentee.next_messages(2)
    mentee_copy = await downloaded(emulator, file)
    assert MENTEE_NAME in mentee_copy
    assert MENTOR_NOTE not in mentee_copy and MENTOR_NAME not in mentee_copy


async def erase_myself(person) -> None:
    """/delete and Yes, whatever else the person has been sent before."""
    await person.send("/delete")
    await person.wait_for(lambda user: "Yes, erase my data" in user.last.button_texts)
    await person.press("Yes, erase my data")
    await person.wait_for(lambda user: (user.last.text or "").startswith("Your data is erased."))


# -- /delete -----------------------------------------------------------------------------------


async def test_delete_asks_first_and_no_keeps_everything(emulator, bot) -> None:
    mentor = await submitted_screening(emulator, 9001)
    await mentor.send("/help")  # answered once Send is done to the end (her updates queue)
    await mentor.next_message()
    # The inbox gets every update, these too (and drops the mentor's with the rest at /delete).
    before = await everything_stored(bot, but=("inbox",))
    await mentor.send("/delete")
    asked = await mentor.next_message()
    assert asked.button_texts == ["Yes, erase my data", "No, keep my data"]
    await mentor.press("No, keep my data")
    assert (await mentor.next_message()).text == "Good. Nothing has changed."
    assert await everything_stored(bot, but=("inbox",)) == before


async def test_delete_erases_the_person_and_tells_the_coordinator(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    mentee_id = await person_id(bot, 9002)
    await mentee.send("/delete")
    await mentee.next_message()
    await mentee.press("Yes, erase my data")
    assert (await mentee.next_message()).text.startswith("Your data is erased.")

    told = visible((await coordinator.next_message()).text)
    assert told.startswith(f"Participant #{mentee_id} (Mentee) has erased their data")
    assert f"The pair with {MENTOR_NAME} is paused" in told and MENTEE_NAME not in told
    assert "Your mentee has stopped taking part" in (await mentor.next_message()).text

    stored = await everything_stored(bot)
    for erased in ("name", "education", "experience", "contact"):
        assert str(MENTEE[erased]) not in stored, erased
    assert str(MENTOR_NAME) in stored  # the mentor's own data stays
    (row,) = await rows(bot, "SELECT * FROM participants WHERE id = ?", mentee_id)
    assert row["telegram_user_id"] < 0 and row["chat_id"] == 0
    assert row["erased_because"] == "request" and row["role"] == "mentee"
    assert not await rows(bot, "SELECT 1 FROM consents WHERE participant_id = ?", mentee_id)

    await mentee.send("/start")  # a new person now
    assert "language" in (await mentee.next_message()).text.lower()
    assert await person_id(bot, 9002) != mentee_id


async def test_erased_people_are_no_longer_offered_for_matching(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await ready_mentor(emulator, coordinator, 9001)
    mentee = await waiting_mentee(emulator, coordinator, 9002)
    await erase_myself(mentor)
    await erase_myself(mentee)
    for command, answer in (
        ("/mentors", "No mentors are ready for matching yet."),
        ("/match", "No mentees are waiting for a mentor."),
    ):
        await coordinator.send(command)
        await coordinator.wait_for(lambda user, answer=answer: user.last.text == answer)


async def test_someone_elses_delete_button_does_nothing(emulator, bot) -> None:
    mentor = await submitted_screening(emulator, 9001)
    await mentor.send("/delete")
    asked = await mentor.next_message()
    stranger = emulator.user(9009, first_name="Eve", language_code="en")
    await stranger.send("/start")
    own = await stranger.next_message()
    # Callback data copied from the mentor's button, sent from the stranger's own chat.
    await stranger.press_data(own, asked.button("Yes, erase my data").callback_data)
    assert (await stranger.next_callback_answer()).text == "This button is no longer active."
    (row,) = await rows(bot, "SELECT erased_at FROM participants WHERE telegram_user_id = 9001")
    assert row["erased_at"] is None


async def test_the_report_is_the_same_after_an_erasure(emulator, bot) -> None:
    coordinator, mentor, mentee = await mentor_answered_check_in(emulator, bot)
    await end_pair(coordinator, "Ordinary job")
    db = services_of(bot.application).db
    later = datetime(2027, 6, 1)
    figures = [ReportFilter(), ReportFilter(field="health"), ReportFilter(municipality="København")]
    before = [await build_report(db, chosen, later) for chosen in figures]

    for person in (mentee, mentor):
        await erase_myself(person)

    assert [await build_report(db, chosen, later) for chosen in figures] == before
    assert MENTOR_NOTE not in await everything_stored(bot)


# -- the retention period ----------------------------------------------------------------------


async def test_data_is_erased_when_the_retention_period_is_over(emulator, make_config) -> None:
    bot = RunningBot(make_config(retention_days="100"))
    await bot.start()
    try:
        coordinator, _, _ = await matched(emulator)
        await end_pair(coordinator)
        bot.clock.advance(days=99)
        await bot.run_job("retention")
        assert not await rows(bot, "SELECT 1 FROM participants WHERE erased_at IS NOT NULL")

        bot.clock.advance(days=2)
        await bot.run_job("retention")
        erased = await rows(
            bot, "SELECT id, erased_because FROM participants WHERE erased_at IS NOT NULL"
        )
        assert [row["erased_because"] for row in erased] == ["retention", "retention"]
        told = await coordinator.wait_for(
            lambda user: next((m for m in user.messages if "was erased" in (m.text or "")), None)
        )
        numbers = ", ".join(f"#{row['id']}" for row in erased)
        assert visible(told.text).endswith(f"more than 100 days ago. Their numbers: {numbers}")
        stored = await everything_stored(bot)
        assert MENTEE_NAME not in stored and MENTOR_NAME not in stored
    finally:
        await bot.stop()


def test_the_retention_period_is_configurable_and_checked(make_config) -> None:
    assert make_config().retention_days == 730
    assert make_config(retention_days="365").retention_days == 365
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        make_config(retention_days="7")


async def test_coordinators_are_pointed_elsewhere(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    for command in ("/mydata", "/delete", "/consent"):
        await coordinator.send(command)
        answer = await coordinator.next_message()
        assert answer.text.startswith("This command is for mentors and mentees.")
        assert not answer.buttons and not answer.document


async def test_what_people_send_is_kept_seven_days_after_it_was_handled(emulator, bot) -> None:
    person = emulator.user(9005, "Nour", language_code="en")
    await person.send("/start")
    await person.send("My name is Nour")
    await person.next_messages(2)  # the second waits its turn until the first is done
    (first,) = await rows(bot, "SELECT status, raw FROM inbox ORDER BY update_id LIMIT 1")
    assert first["status"] == "handled" and "/start" in first["raw"]

    bot.clock.advance(days=6)
    await bot.run_job("retention")
    assert len(await rows(bot, "SELECT update_id FROM inbox")) == 2
    bot.clock.advance(days=2)
    await bot.run_job("retention")
    assert "My name is Nour" not in await everything_stored(bot)
