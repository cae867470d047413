"""Whatever a person sends, they get a helpful answer in their language, never silence."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.i18n import LANGUAGE_NAMES
from sandbox.emulator import ApiCall
from tests.conftest import COORDINATOR_ID
from tests.scenarios import onboard, visible


async def coordinator(emulator, language: str):
    """A coordinator: the one person with no question open, whom the fallbacks answer."""
    user = emulator.user(COORDINATOR_ID, language_code=language)
    await user.send("/start")
    await user.next_message()
    return user


async def test_an_unknown_command_points_to_help(emulator, bot) -> None:
    user = await onboard(emulator, 3001, "en", "mentee")
    await user.send("/dance now")
    answer = await user.next_message()
    assert (
        visible(answer.text) == "I don't know the command /dance. Type /help to see what I can do."
    )


async def test_an_unknown_command_is_answered_in_arabic(emulator, bot) -> None:
    user = await onboard(emulator, 3002, "ar", "mentee")
    await user.send("/dance")
    answer = await user.next_message()
    assert answer.text.startswith("لا أعرف الأمر")
    assert "/dance" in answer.text


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "document", "location", "contact"])
async def test_media_gets_an_explanation_in_the_persons_language(emulator, bot, kind) -> None:
    user = await coordinator(emulator, "da")
    await getattr(user, f"send_{kind}")()
    answer = await user.next_message()
    assert answer.text.startswith("Jeg kan kun læse beskeder med tekst")


async def test_text_when_nothing_is_asked_points_to_help(emulator, bot) -> None:
    user = await coordinator(emulator, "en")
    await user.send("x" * 4096)
    answer = await user.next_message()
    assert answer.text.startswith("I am not waiting for an answer from you right now.")


async def test_an_edited_message_is_explained(emulator, bot) -> None:
    user = await coordinator(emulator, "en")
    sent = await user.send("hello")
    await user.next_message()
    await user.edit(sent, "hello again")
    answer = await user.next_message()
    assert answer.text.startswith("I do not read changes to messages")


@pytest.mark.parametrize("data", ["lang:1:fr", "role:2:mentor", "x" * 64, "role:1:coordinator"])
async def test_a_tampered_or_stale_button_is_refused_kindly(emulator, bot, data) -> None:
    user = await onboard(emulator, 3006, "en", "mentee")
    message = user.messages[-1]
    await user.press_data(message.message_id, data)
    answer = await user.next_callback_answer()
    assert answer.text == "This button is no longer active."


async def test_a_failure_after_the_press_was_answered_is_told_in_the_chat(emulator, bot) -> None:
    """Telegram takes one answer a press: an error after it must be told as a message."""
    user = emulator.user(3007, first_name="Test", language_code="da")
    await user.send("/start")
    choice = await user.next_message()
    refused: list[str] = []

    async def refuse_first_confirmation(call: ApiCall, request: web.Request) -> web.Response | None:
        if call.method != "sendMessage" or refused:
            return None
        refused.append(call.method)
        body = {"ok": False, "error_code": 400, "description": "Bad Request: refused by test"}
        return web.json_response(body, status=400)

    emulator.interceptors.append(refuse_first_confirmation)
    await user.press(LANGUAGE_NAMES["en"], message=choice)
    apology = await user.next_message()
    assert refused and apology.text == (
        "Sorry, something went wrong on our side. Please try again in a moment."
    )
