"""Scheduled reminders: one nudge for a questionnaire left untouched for a day."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import registration, runs
from bot.handlers.common import services_of
from bot.i18n import translator

log = logging.getLogger(__name__)


async def remind_idle_questionnaires(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind each person once per pause; the run's row says whether they were reminded."""
    services = services_of(context.application)
    for run, participant in await runs.idle_runs(services):
        t = translator(participant.language)
        try:
            await context.bot.send_message(
                participant.chat_id,
                t.gettext(
                    "You have not finished the questions yet. Your answers are saved. Type "
                    "/start to go on where you left off."
                ),
            )
        except Forbidden:
            await registration.mark_unreachable(services, participant.telegram_user_id)
        except TelegramError as error:
            log.warning("reminder for run %s not sent: %s", run.id, type(error).__name__)
            continue
        await runs.mark_reminded(services, run)
