"""The error handler: log without personal data, tell the person, never crash."""

from __future__ import annotations

import logging
import sqlite3
import traceback
from collections.abc import Callable

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, Forbidden

from bot import outbox, registration, scopes
from bot.handlers.context import BotContext
from bot.i18n import Translator, guess_language, translator
from bot.model.participants import Participant
from bot.outbox import Outbox

log = logging.getLogger(__name__)
PRIMARY_CODE = 0xFF  # an extended result code (e.g. SQLITE_BUSY_SNAPSHOT) holds its primary one


async def on_error(update: object, context: BotContext) -> None:
    """Blocked users are marked unreachable; a person whose words could not be saved is asked
    to send them again; anyone else hears that something went wrong."""
    error = context.error
    if not isinstance(update, Update) or update.effective_user is None:
        log.error("error outside an update: %s\n%s", type(error).__name__, where(error))
        return
    if isinstance(error, Forbidden):
        await context.outbox.blocked(update.effective_user.id)
        return
    fault = database_fault(error)
    if fault is not None:
        # The transaction was rolled back whole: nothing of it is stored, so the person must
        # hear that it was not saved.
        log.error(
            "update %s not saved, the database is %s\n%s", update.update_id, fault, where(error)
        )
        await apologise(update, context, not_saved_text)
        return
    log.error("update %s failed: %s\n%s", update.update_id, type(error).__name__, where(error))
    await apologise(update, context, sorry_text)


def database_fault(error: BaseException | None) -> str | None:
    """Why SQLite could not write for now ("locked" or "full"); None for any other error."""
    while error is not None:
        if isinstance(error, sqlite3.Error):
            code = (getattr(error, "sqlite_errorcode", 0) or 0) & PRIMARY_CODE
            if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return "locked"
            if code == sqlite3.SQLITE_FULL:
                return "full"
        error = error.__cause__ or error.__context__
    return None


def sorry_text(t: Translator, update: Update) -> str:
    return t.gettext("Sorry, something went wrong on our side. Please try again in a moment.")


def not_saved_text(t: Translator, update: Update) -> str:
    if update.callback_query is not None:
        return t.gettext(
            "I could not save that just now. Please press the button again in a moment."
        )
    return t.gettext("I could not save that just now. Please send it again in a moment.")


async def apologise(
    update: Update,
    context: BotContext,
    text_for: Callable[[Translator, Update], str],
) -> None:
    try:
        text = text_for(translator(await language_of(update, context)), update)
        if update.callback_query is not None and await answered(update.callback_query, text):
            return
        if update.effective_chat is not None:
            await outbox.reply(context.bot, update.effective_chat.id, text)
    except Exception as error:  # the apology itself failed: the log is all that is left
        log.error("could not tell user about the error: %s", type(error).__name__)


async def answered(query: CallbackQuery, text: str) -> bool:
    """Say it on the pressed button; False when the press was answered before the failure
    (Telegram takes one answer a press), so the chat has to carry it."""
    try:
        await query.answer(text, show_alert=True)
    except BadRequest:
        return False
    return True


async def language_of(update: Update, context: BotContext) -> str:
    """The person's language; when the database cannot say, the one their Telegram app uses."""
    try:
        return (await context.resolve_participant(update)).language
    except Exception as error:
        log.warning("update %s: participant unknown (%s)", update.update_id, type(error).__name__)
    user = update.effective_user
    default = context.services.config.default_language
    return guess_language(user.language_code if user else None, default)


def where(error: BaseException | None) -> str:
    """The stack of an error without its message: the message may quote what a person wrote."""
    if error is None:
        return ""
    return "".join(traceback.format_tb(error.__traceback__))


async def set_aside(out: Outbox, update: Update) -> None:
    """An update that never got through three tries (bot/inbox.py): the person hears that
    something went wrong, in their language; their coordinators get one alert, which names the
    person by number only, never what they sent."""
    services = out.services
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    known = await registration.participant_by_telegram_id(services, user.id)
    language = (
        known.language
        if known is not None
        else guess_language(user.language_code, services.config.default_language)
    )
    await out.send(chat.id, sorry_text(translator(language), update))
    if known is None:
        coordinators = sorted(services.config.coordinator_ids)
    else:
        coordinators = await scopes.coordinators_of_person(services, known.id)
    await out.to_coordinators(coordinators, lambda t: set_aside_text(t, known))


def set_aside_text(t: Translator, known: Participant | None) -> str:
    if known is None:
        return t.gettext(
            "A message or button press from someone new could not be handled after three "
            "tries. It was set aside, and they were told that something went wrong."
        )
    return t.gettext(
        "A message or button press from participant #{number} could not be handled after "
        "three tries. It was set aside, and they were told that something went wrong."
    ).format(number=known.id)
