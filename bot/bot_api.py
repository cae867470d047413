"""The bot's calls to the Bot API: python-telegram-bot's ExtBot, built once with its transport,
rate limiter and defaults, and two edits that leave Telegram's answer unread.

Telegram answers an edit with the whole message it changed, and PTB turns that back into
objects (the message, its sender, its chat, each button): for a check-in answer, whose question
turns into the next one, that was about a twelfth of its CPU (bench/checkin_wave.py). No caller
reads an edit's answer, so these two edits keep it as JSON.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.config import Config
from bot.delivery import RetryingRateLimiter
from bot.monitor import Monitor
from bot.transport import AiohttpTransport

# Retries on 429 (after Telegram's retry_after) before a send is given up.
RATE_LIMIT_RETRIES = 3
PARSE_MODE = ParseMode.HTML  # of every text the bot sends


class MentorbroBot(ExtBot[None]):
    """PTB's ExtBot (its rate limiter, its retries) and the bot's two edits."""

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """editMessageText: the message shows `text` and `markup`, or no buttons."""
        await self._post(
            "editMessageText",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "parse_mode": PARSE_MODE,
                "reply_markup": markup,
            },
        )

    async def edit_buttons(
        self, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None
    ) -> None:
        """editMessageReplyMarkup: the message shows `markup`, or no buttons."""
        await self._post(
            "editMessageReplyMarkup",
            {"chat_id": chat_id, "message_id": message_id, "reply_markup": markup},
        )


def telegram_bot(config: Config, monitor: Monitor) -> MentorbroBot:
    """The bot as the application uses it: aiohttp (bot/transport.py), the rate limiter that
    retries (bot/delivery.py), texts in HTML."""
    return MentorbroBot(
        config.bot_token,
        **_bot_api_urls(config),
        defaults=Defaults(parse_mode=PARSE_MODE),
        request=AiohttpTransport(monitor=monitor),
        get_updates_request=AiohttpTransport(connections=1, monitor=monitor),
        rate_limiter=RetryingRateLimiter(
            overall_max_rate=config.rate_limit_per_second,
            max_retries=RATE_LIMIT_RETRIES,
            monitor=monitor,
        ),
    )


def _bot_api_urls(config: Config) -> dict[str, str]:
    """Another Bot API server than Telegram's (a local one, the tests' emulator), if set."""
    if config.bot_api_base_url is None:
        return {}
    return {
        "base_url": config.bot_api_base_url,
        "base_file_url": config.bot_api_base_file_url,
    }
