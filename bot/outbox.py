"""Every message the bot sends on its own: to a participant, to coordinators, edits of copies.

One policy for what Telegram answers, so no caller repeats it:
- 403 (the person blocked the bot): they are marked unreachable, their open pairs' signals say
  so and the blocked-bot alert goes out for those pairs (`on_blocked`, wired in bot/app.py);
- 400 (a bad request, e.g. a chat that does not exist): logged, by the error's class only;
- a network failure: bot/delivery.py has already retried it; logged, and the caller's row
  stays due, so a later scan sends it.
Log lines carry ids and error classes, never texts: a message could quote what a person wrote.
Replies to the update being handled (`reply` and the functions beside it) let a failure reach
the error handler, which applies `blocked()` too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram._utils.types import FileInput
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import alerts, registration
from bot.bot_api import MentorbroBot
from bot.calendar import CalendarEvent, ics_file
from bot.i18n import Translator, translator
from bot.services import Services

log = logging.getLogger(__name__)
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply
# Sends the stall alert of one pair (bot/handlers/alert_cards.py renders it).
AlertPair = Callable[["Outbox", int], Awaitable[None]]
# What Telegram says to an edit that would change nothing (a button pressed twice).
NOT_MODIFIED = "not modified"
# Edits that found nothing to do: pressed twice, or a copy too old to change.
UNEDITABLE = (NOT_MODIFIED, "can't be edited", "message to edit not found")


class Delivery(Enum):
    """What became of one message."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot: the block policy has run
    FAILED = "failed"  # not delivered for now (400, or the network after its retries)


@dataclass(frozen=True)
class Sent:
    delivery: Delivery
    message_id: int | None = None  # of the (last) message sent

    @property
    def ok(self) -> bool:
        return self.delivery is Delivery.SENT

    @property
    def final(self) -> bool:
        """Nothing more to try: delivered, or the person blocked the bot. A one-off notice is
        marked as told only then; a failed one is tried again by its scan."""
        return self.delivery is not Delivery.FAILED


class Outbox:
    """The one way out to people: `send`, `send_event` (a calendar file), `to_coordinators`,
    `edit`, `remove_buttons`."""

    def __init__(self, bot: MentorbroBot, services: Services, alert_pair: AlertPair) -> None:
        self.bot = bot
        self.services = services
        self._alert_pair = alert_pair

    async def send(
        self,
        chat_id: int,
        text: str | Iterable[str],
        markup: ReplyMarkup | None = None,
        *,
        if_blocked: Callable[[], Awaitable[None]] | None = None,
    ) -> Sent:
        """One message (or several parts, the buttons under the last) to a person's chat.
        `if_blocked` records what a block means for this message, before the pairs' alerts."""
        parts = [text] if isinstance(text, str) else list(text)
        if not parts:
            raise ValueError("a message needs a text")

        async def each_part() -> Message:
            for number, part in enumerate(parts, start=1):
                last = number == len(parts)
                message = await self.bot.send_message(
                    chat_id, part, reply_markup=markup if last else None
                )
            return message

        return await self._deliver(chat_id, each_part(), if_blocked)

    async def send_event(
        self,
        chat_id: int,
        event: CalendarEvent,
        filename: str,
        caption: str | None = None,
        markup: ReplyMarkup | None = None,
    ) -> Sent:
        """An event as a calendar file (in the programme's time zone), with its text as the
        caption and buttons under it, to a person's chat; the same policy as `send`."""
        services = self.services
        content = ics_file(event, services.config.timezone, services.clock())
        return await self._deliver(
            chat_id,
            self.bot.send_document(
                chat_id, content, filename=filename, caption=caption, reply_markup=markup
            ),
            None,
        )

    async def _deliver(
        self,
        chat_id: int,
        sending: Awaitable[Message],
        if_blocked: Callable[[], Awaitable[None]] | None,
    ) -> Sent:
        try:
            message = await sending
        except Forbidden:
            await self.blocked(chat_id, if_blocked)
            return Sent(Delivery.BLOCKED)
        except TelegramError as error:
            log.warning("message to chat %s not sent: %s", chat_id, type(error).__name__)
            return Sent(Delivery.FAILED)
        return Sent(Delivery.SENT, message.message_id)

    async def to_coordinators(
        self,
        coordinator_ids: Iterable[int],
        render: Callable[[Translator], str | list[str]],
        markup: Callable[[Translator], ReplyMarkup | None] | None = None,
    ) -> dict[int, Sent]:
        """One message to each of these coordinators, in their language now; by their id."""
        sent = {}
        for coordinator_id in coordinator_ids:
            t = translator(await registration.language_of(self.services, coordinator_id))
            sent[coordinator_id] = await self.send(
                coordinator_id, render(t), markup(t) if markup else None
            )
        return sent

    async def edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> bool:
        """Change a message sent before (a coordinator's copy); False if it stayed as it was."""
        return await self._change(chat_id, self.bot.edit_text(chat_id, message_id, text, markup))

    async def remove_buttons(self, chat_id: int, message_id: int) -> bool:
        """Take the buttons off a message sent before; False if it stayed as it was."""
        return await self._change(chat_id, self.bot.edit_buttons(chat_id, message_id, None))

    async def _change(self, chat_id: int, change: Awaitable[object]) -> bool:
        try:
            await change
        except Forbidden:
            await self.blocked(chat_id)
            return False
        except BadRequest as error:
            if not uneditable(error):  # gone already, or too old to change: nothing to do
                log.info("message in chat %s not changed: %s", chat_id, type(error).__name__)
            return False
        except TelegramError as error:
            log.warning("message in chat %s not changed: %s", chat_id, type(error).__name__)
            return False
        return True

    async def blocked(
        self, telegram_user_id: int, also: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        """The block policy: marked unreachable, then the blocked-bot alert for their pairs."""
        person = await registration.mark_unreachable(self.services, telegram_user_id)
        log.info("participant %s cannot be reached", person.id if person else "?")
        if also is not None:
            await also()
        if person is None:
            return
        for pair_id in await alerts.blocked(self.services, person.id):
            await self._alert_pair(self, pair_id)


# -- replies: answers in the chat of the update being handled -----------------------------------
# A failed reply is not caught: it stops the handler (what it did is stored already), and the
# error handler (bot/handlers/errors.py) applies Outbox.blocked to a 403 and apologises for
# anything else.


async def reply(bot: Bot, chat_id: int, text: str, markup: ReplyMarkup | None = None) -> Message:
    return await bot.send_message(chat_id, text, reply_markup=markup)


async def reply_file(bot: Bot, chat_id: int, content: FileInput, filename: str) -> Message:
    """A document (a CSV file, a person's data) in the chat."""
    return await bot.send_document(chat_id, content, filename=filename)


async def reply_photo(bot: Bot, chat_id: int, photo: FileInput) -> Message:
    return await bot.send_photo(chat_id, photo)


async def reply_voice(bot: Bot, chat_id: int, voice_file_id: str) -> Message:
    return await bot.send_voice(chat_id, voice_file_id)


def uneditable(error: BadRequest) -> bool:
    """Whether an edit was refused only because there was nothing (left) to change."""
    return any(reason in error.message.lower() for reason in UNEDITABLE)
