"""The error handler: log without personal data, tell the person, never crash."""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot import alerts, registration
from bot.handlers.alerts import alert_pair
from bot.handlers.common import participant_of, services_of, tr

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Blocked users are marked unreachable; anyone else hears that something went wrong."""
    error = context.error
    if not isinstance(update, Update) or update.effective_user is None:
        log.error("error outside an update: %s\n%s", type(error).__name__, where(error))
        return
    if isinstance(error, Forbidden):
        participant = await registration.mark_unreachable(
            services_of(context), update.effective_user.id
        )
        log.info("participant %s cannot be reached", participant.id if participant else "?")
        if participant is not None:
            services = services_of(context)
            for pair_id in await alerts.blocked(services, participant.id):
                await alert_pair(context.bot, services, pair_id)
        return
    log.error("update %s failed: %s\n%s", update.update_id, type(error).__name__, where(error))
    await apologise(update, context)


async def apologise(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        participant = await participant_of(update, context)
        text = tr(participant).gettext(
            "Sorry, something went wrong on our side. Please try again in a moment."
        )
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None:
            await update.effective_chat.send_message(text)
    except Exception as error:  # the apology itself failed: the log is all that is left
        log.error("could not tell user about the error: %s", type(error).__name__)


def where(error: BaseException | None) -> str:
    """The stack of an error without its message: the message may quote what a person wrote."""
    if error is None:
        return ""
    return "".join(traceback.format_tb(error.__traceback__))
