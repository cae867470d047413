"""What every handler needs: the services, the person behind an update, their translator."""

from __future__ import annotations

from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot.i18n import Translator, translator
from bot.participants import Participant
from bot.registration import Contact, identify
from bot.services import Services

SERVICES_KEY = "services"
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


def services_of(holder: ContextTypes.DEFAULT_TYPE | Application) -> Services:
    """The services of the running application, from a handler's context or the application."""
    application = holder if isinstance(holder, Application) else holder.application
    return application.bot_data[SERVICES_KEY]


def contact_of(update: Update) -> Contact:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return Contact(telegram_user_id=user.id, chat_id=chat.id, language_code=user.language_code)


async def participant_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Participant:
    return await identify(services_of(context), contact_of(update))


def tr(participant: Participant) -> Translator:
    return translator(participant.language)


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message, so the same choice is not offered twice."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as error:
        # Pressed again on a message whose buttons are already gone: nothing to take off.
        if "not modified" not in error.message:
            raise


async def send(update: Update, text: str, reply_markup: ReplyMarkup | None = None) -> Message:
    """Send a message into the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    return await chat.send_message(text, reply_markup=reply_markup)
