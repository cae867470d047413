"""What handlers share besides the press pattern (bot/handlers/press.py): replies and lists."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from bot import outbox
from bot.handlers.context import BotContext
from bot.i18n import Translator, translator
from bot.model.participants import Participant
from bot.outbox import ReplyMarkup

LIST_LIMIT = 30
BUTTONS_PER_ROW = 5


def tr(participant: Participant) -> Translator:
    return translator(participant.language)


async def send(update: Update, text: str, reply_markup: ReplyMarkup | None = None) -> Message:
    """Send a message into the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None  # every update the handlers take comes from a chat
    return await outbox.reply(update.get_bot(), chat.id, text, reply_markup)


async def send_numbered_list(
    update: Update, t: Translator, title: str, entries: list[tuple[str, str]]
) -> None:
    """A titled, numbered list with a numbered button per entry (its callback data) to open it."""
    lines = [f"<b>{title}</b>"]
    buttons = []
    for number, (line, callback_data) in enumerate(entries[:LIST_LIMIT], start=1):
        lines.append(f"{t.number(number)}. {line}")
        buttons.append(InlineKeyboardButton(t.number(number), callback_data=callback_data))
    if len(entries) > LIST_LIMIT:
        lines.append(
            t.gettext("…and {count} more.").format(count=t.number(len(entries) - LIST_LIMIT))
        )
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    await send(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


@dataclass(frozen=True)
class CoordinatorReply:
    text: str
    replied_to: int  # the id of the bot's message the coordinator answers
    coordinator: Participant


async def coordinator_reply(update: Update, context: BotContext) -> CoordinatorReply | None:
    """A coordinator's text reply to one of the bot's messages; None for anything else."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.reply_to_message is None or not message.text:
        return None
    if not context.services.is_coordinator(user.id):
        return None
    return CoordinatorReply(message.text, message.reply_to_message.message_id, context.participant)
