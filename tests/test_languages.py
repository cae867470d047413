"""Five languages from one table: the greeting in the app's language, Ukrainian from /start to
the sent intake, Persian right to left."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.i18n import translator
from bot.model.questionnaire import load
from tests.scenarios import (
    MENTEE,
    answer_until,
    coordinator_ready,
    due_wave,
    propose,
    read_introduction,
    ready_mentor,
    visible,
    waiting_mentee,
)

LANGUAGE_BUTTONS = ["Dansk", "English", "العربية", "Українська", "فارسی / دری"]
GREETING = (
    "Hello! I am Mentorbro, the chat bot of the volunteer career mentor programme. We connect "
    "refugees who are looking for work with volunteers who work in the same field."
)
WHICH_LANGUAGE = "Which language do you want to use?"

# A Ukrainian mentee's answers, typed in Ukrainian (option ids for buttons).
UKRAINIAN_ANSWERS: dict[str, object] = {
    "consent": "yes",
    "name": "Олена Коваленко",
    "field": "finance",
    "education": "Бакалавр економіки, Київський університет",
    "experience": "Шість років бухгалтеркою в Києві",
    "danish": "beginner",
    "languages": ("uk", "other"),
    "languages_other": "Російська, польська",
    "municipality": "Орхус",  # typed in Cyrillic; the bot confirms "Aarhus?"
    "goal": "job",
    "frequency": "weekly",
    "mode": "online",
    "contact": "+45 20 30 40 50",
    "share_contact": "yes",
}
# Latin letters a Ukrainian reader meets on purpose: the bot's name, the municipality's
# Danish name (as on official letters), Danish place names in brackets, and "e-mail".
ALLOWED_LATIN = re.compile(
    r"Mentorbro|Aarhus|e-mail"
    r"|\((?:Hovedstaden|Sjælland|Syddanmark|Midtjylland|Nordjylland)\)"
)
COMMAND = re.compile(r"/[a-z_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z]+")
# The isolates that keep an inserted name in its own direction.
FIRST_STRONG_ISOLATE, LEFT_TO_RIGHT_ISOLATE, POP = "\u2068", "\u2066", "\u2069"


def first_strong_direction(text: str) -> str:
    """The direction Telegram gives a message: that of its first strong letter."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("L", "R", "AL"):
            return "ltr" if kind == "L" else "rtl"
    return "none"


def latin_left_in(text: str) -> list[str]:
    return LATIN.findall(ALLOWED_LATIN.sub("", COMMAND.sub("", visible(text))))


async def test_a_ukrainian_app_goes_from_start_through_the_whole_intake_in_ukrainian(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    t = translator("uk")
    mentee = emulator.user(8101, first_name="Olena", language_code="uk")

    await mentee.send("/start")
    greeting = await mentee.next_message()
    assert greeting.text == t.gettext(GREETING) + "\n\n" + t.gettext(WHICH_LANGUAGE)
    assert greeting.button_texts == LANGUAGE_BUTTONS
    await mentee.press("Українська")
    confirmed, role = await mentee.next_messages(2)
    assert confirmed.text == "Добре, я писатиму вам українською."
    await mentee.press(t.gettext("I am looking for a mentor"), message=role)
    await mentee.next_messages(2)  # the welcome and the first message about mentoring
    await read_introduction(mentee, "uk")
    asked = await answer_until(mentee, "uk", UKRAINIAN_ANSWERS, questionnaire="intake")
    assert asked == list(UKRAINIAN_ANSWERS)  # every question, "other languages" too
    await mentee.press(t.gettext("Send my answers"))
    thanks = await mentee.next_message()
    assert thanks.text.startswith("Дякуємо! Ваші відповіді надіслано.")

    for message in mentee.messages:
        buttons = [b for b in message.button_texts if b not in LANGUAGE_BUTTONS]
        for text in [message.text or "", *buttons]:
            assert CYRILLIC.search(text), text
            assert latin_left_in(text) == [], text
    ready = visible((await coordinator.next_message()).text)
    assert "Name: Олена Коваленко" in ready  # the coordinator reads it in their own language
    assert "Field: Finance, accounting and insurance" in ready


@pytest.mark.parametrize("code", ["fa", "prs", "fa-IR"])
async def test_a_persian_or_dari_app_is_greeted_in_persian_not_arabic(emulator, bot, code) -> None:
    user = emulator.user(8102, first_name="Zahra", language_code=code)
    await user.send("/start")
    greeting = await user.next_message()
    fa, ar = translator("fa"), translator("ar")
    assert greeting.text == fa.gettext(GREETING) + "\n\n" + fa.gettext(WHICH_LANGUAGE)
    assert ar.gettext(WHICH_LANGUAGE) not in greeting.text
    assert "ی" in greeting.text and "ي" not in greeting.text  # Persian yeh, not the Arabic one
    assert greeting.button_texts == LANGUAGE_BUTTONS


async def test_a_russian_app_gets_the_default_language_with_ukrainian_in_the_choice(
    emulator, bot
) -> None:
    user = emulator.user(8103, first_name="Ivan", language_code="ru")
    await user.send("/start")
    greeting = await user.next_message()
    assert greeting.text.endswith("Hvilket sprog vil du bruge?")  # DEFAULT_LANGUAGE is da
    assert greeting.button_texts[0] == "Dansk"
    assert "Українська" in greeting.button_texts


async def test_the_command_menu_is_set_in_ukrainian_and_persian(emulator, bot) -> None:
    for language, description in (("uk", "Змінити мову"), ("fa", "تغییر زبان")):
        menu = emulator.my_commands(language_code=language)
        assert {"command": "language", "description": description} in menu


async def test_a_persian_mentees_check_in_reads_right_to_left_with_names_isolated(
    emulator, bot
) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await ready_mentor(emulator, coordinator, 9001)  # "Amal Hassan", in English
    mentee = await waiting_mentee(emulator, coordinator, 9002, MENTEE, language="fa")
    await propose(coordinator)
    fa = translator("fa")

    await mentor.next_message()
    proposal = await mentee.next_message()
    assert f"{FIRST_STRONG_ISOLATE}Amal{POP}" in proposal.text
    assert first_strong_direction(proposal.text) == "rtl"
    assert "دانمارکی، عربی" in visible(proposal.text)  # her languages, with the Persian comma
    await mentor.press("Yes")
    await mentor.next_message()
    await mentee.press(fa.gettext("Yes"))
    await mentor.next_message()
    await mentee.next_message()
    await coordinator.next_message()  # "New pair: …"
    await mentee.send("/start")
    status = (await mentee.next_message()).text
    assert first_strong_direction(status) == "rtl"
    assert f"{FIRST_STRONG_ISOLATE}Amal{POP}" in status  # the mentor's name keeps its order
    assert f"{LEFT_TO_RIGHT_ISOLATE}/pause{POP}" in status  # and so does the command

    await due_wave(bot)
    check_in = await mentee.next_message()
    assert check_in.text.startswith(fa.gettext(load("checkin_mentee").intro))
    assert first_strong_direction(check_in.text) == "rtl"
    assert check_in.button_texts[0] == fa.gettext("Yes, in person")
    assert all(first_strong_direction(b) == "rtl" for b in check_in.button_texts)
