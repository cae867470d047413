"""Mentees: invitation, introduction and intake in every language of the table."""

from __future__ import annotations

import re

import pytest

from bot.handlers.context import services_of
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, translator
from bot.model.languages import BY_CODE
from bot.model.mentees import INTRODUCTION
from bot.model.questionnaire import load
from tests.conftest import COORDINATOR_ID
from tests.scenarios import (
    MENTEE_ANSWERS,
    answer_until,
    coordinator_ready,
    onboard,
    question_in,
    read_introduction,
    visible,
)

INVITATION = re.compile(r"https://t\.me/mentorbro_test_bot\?start=(r_[A-Za-z0-9_-]+)")
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
ENGLISH_TEXTS = [q.text for q in load("intake").questions] + list(INTRODUCTION)
ASKED = [q.id for q in load("intake").questions if q.id != "languages_other"]


async def invitation(coordinator, municipality: str = "") -> str:
    await coordinator.send(f"/invite {municipality}".strip())
    reply = await coordinator.next_message()
    match = INVITATION.search(reply.text)
    assert match, reply.text
    return match.group(1)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_invited_mentee_reads_the_introduction_and_gives_the_intake(
    emulator, bot, language
) -> None:
    coordinator = await coordinator_ready(emulator)
    payload = await invitation(coordinator, "Aarhus")
    t = translator(language)
    mentee = emulator.user(8001, first_name="Yusuf", language_code="en")

    await mentee.send(f"/start {payload}")
    first = await mentee.next_message()
    assert first.button_texts == list(LANGUAGE_NAMES.values())  # the language comes first
    await mentee.press(LANGUAGE_NAMES[language])
    confirmed, about = await mentee.next_messages(2)
    assert confirmed.text == t.gettext("OK, I will write to you in English.")
    assert t.gettext(INTRODUCTION[0]) in about.text  # no role question: the link says mentee
    assert about.button_texts == [t.gettext("Next ›")]

    await read_introduction(mentee, language)
    asked = await answer_until(mentee, language, MENTEE_ANSWERS, questionnaire="intake")
    assert asked == ASKED
    await mentee.press(t.gettext("Send my answers"))
    thanks = await mentee.next_message()
    assert thanks.text.startswith(t.gettext("Thank you! Your answers have been sent."))

    ready = visible((await coordinator.next_message()).text)
    assert ready.startswith("A mentee is ready for matching")
    assert "Came through an invitation from Aarhus" in ready
    for expected in ["Name: Yusuf Ali", "Field: IT and software", "Danish: I can talk about"]:
        assert expected in ready

    # Everything from her choice of language on; the greeting before it used Telegram's.
    texts = [message.text or "" for message in mentee.messages[1:]]
    if language != "en":
        assert not any(english in text for text in texts for english in ENGLISH_TEXTS)
    if BY_CODE[language].right_to_left:
        assert all(ARABIC_LETTER.search(text) for text in texts), texts
    intakes = await services_of(bot.application).db.fetch_all("SELECT status FROM intakes")
    assert [row["status"] for row in intakes] == ["waiting"]


async def test_switching_language_in_the_middle_of_the_intake_keeps_the_answers(
    emulator, bot
) -> None:
    mentee = await onboard(emulator, 8002, "en", "mentee")
    await read_introduction(mentee, "en")
    await answer_until(mentee, "en", MENTEE_ANSWERS, "education", questionnaire="intake")

    await mentee.send("/language")
    await mentee.next_message()
    await mentee.press("Dansk")
    confirmed, question = await mentee.next_messages(2)
    assert confirmed.text == "Godt, jeg skriver til dig på dansk."
    assert question_in(question.text, "da", "intake").id == "education"

    await answer_until(mentee, "da", MENTEE_ANSWERS, questionnaire="intake")
    summary = visible(mentee.last.text)
    assert "Yusuf Ali" in summary and "Damascus University" in summary
    assert summary.startswith(
        translator("da").gettext(
            "Here are your answers. Check them, then send them, or change an answer."
        )
    )


async def test_a_mentee_without_a_link_registers_and_the_coordinator_sees_it(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentee = await onboard(emulator, 8003, "en", "mentee")
    assert mentee.messages[-2].text == "Welcome! First, a few short messages about mentoring."
    await read_introduction(mentee, "en")
    await answer_until(mentee, "en", MENTEE_ANSWERS, questionnaire="intake")
    await mentee.press("Send my answers")
    await mentee.next_message()
    ready = (await coordinator.next_message()).text
    assert "Came without an invitation link" in ready


async def test_an_invitation_works_for_one_person(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    payload = await invitation(coordinator)
    first = emulator.user(8004, language_code="en")
    await first.send(f"/start {payload}")
    await first.next_message()
    second = emulator.user(8005, language_code="en")
    await second.send(f"/start {payload}")
    await second.next_message()
    await second.press("English")
    _, question = await second.next_messages(2)
    assert question.text == "What brings you here?"  # not taken for a mentee by the link
    rows = await services_of(bot.application).db.fetch_all(
        "SELECT p.telegram_user_id FROM referrals r JOIN participants p ON p.id = r.participant_id"
    )
    assert [row["telegram_user_id"] for row in rows] == [8004]


async def test_the_introduction_goes_on_after_a_restart(emulator, bot) -> None:
    mentee = await onboard(emulator, 8006, "ar", "mentee")
    t = translator("ar")
    for _ in range(3):
        await mentee.press(t.gettext("Next ›"))
        await mentee.next_message()
    await bot.restart()
    await mentee.send("/start")
    welcome, step = await mentee.next_messages(2)
    assert welcome.text == t.gettext("Welcome back! Let us go on where you left off.")
    assert t.gettext(INTRODUCTION[3]) in step.text


async def test_an_old_next_button_does_nothing(emulator, bot) -> None:
    mentee = await onboard(emulator, 8007, "en", "mentee")
    first_step = mentee.last
    await mentee.press("Next ›")
    await mentee.next_message()
    await mentee.press_data(first_step, "in1:0")
    assert (await mentee.next_callback_answer()).text == "This button is no longer active."
    step = await services_of(bot.application).db.fetch_one("SELECT step FROM introductions")
    assert step["step"] == 1


async def test_text_during_the_introduction_shows_the_button_again(emulator, bot) -> None:
    mentee = await onboard(emulator, 8008, "en", "mentee")
    await mentee.send("hello?")
    hint, again = await mentee.next_messages(2)
    assert hint.text == "Please press the button under the message."
    assert again.button_texts == ["Next ›"]


async def test_only_coordinators_invite(emulator, bot) -> None:
    mentor = await onboard(emulator, 8009, "en", "mentor")
    await mentor.send("/invite Aarhus")
    refusal = await mentor.next_message()
    assert refusal.text == "Sorry, only the programme's coordinators can use this command."
    assert await services_of(bot.application).db.fetch_all("SELECT * FROM referrals") == []
    assert COORDINATOR_ID not in [user.id for user in emulator.users if user.messages]
