"""The bot's own edits (bot/bot_api.py) against the Bot API emulator: what the person sees."""

from collections.abc import AsyncIterator, Callable

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.bot_api import MentorbroBot, telegram_bot
from bot.config import Config
from bot.monitor import Monitor
from sandbox import BotApiEmulator

AMAL = 9101


@pytest.fixture
async def bot(make_config: Callable[..., Config]) -> AsyncIterator[MentorbroBot]:
    async with telegram_bot(make_config(), Monitor(unreachable_s=60)) as built:
        yield built


def choices(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"c:{label}")] for label in labels]
    )


async def test_an_edit_shows_the_new_html_text_and_buttons(
    emulator: BotApiEmulator, bot: MentorbroBot
) -> None:
    amal = emulator.user(AMAL, first_name="Amal", language_code="ar")
    await amal.send("/start")
    sent = await bot.send_message(AMAL, "How did the meeting go?", reply_markup=choices("Well"))

    await bot.edit_text(AMAL, sent.message_id, "<b>Did you</b> meet &amp; talk?", choices("Yes"))
    shown = amal.last
    assert shown is not None and shown.message_id == sent.message_id
    assert (shown.text, shown.html) == ("Did you meet & talk?", "<b>Did you</b> meet &amp; talk?")
    assert [[button.text for button in row] for row in shown.buttons] == [["Yes"]]

    await bot.edit_buttons(AMAL, sent.message_id, None)
    assert amal.last.buttons == [] and amal.last.text == "Did you meet & talk?"


async def test_an_edit_that_changes_nothing_or_finds_no_message_is_refused(
    emulator: BotApiEmulator, bot: MentorbroBot
) -> None:
    amal = emulator.user(AMAL, first_name="Amal", language_code="ar")
    await amal.send("/start")
    sent = await bot.send_message(AMAL, "Thank you")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_text(AMAL, sent.message_id, "Thank you", None)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_buttons(AMAL, 999, None)
