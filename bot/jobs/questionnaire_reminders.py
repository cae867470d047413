"""Every 15 minutes: one nudge for a questionnaire left untouched for a day."""

from __future__ import annotations

from bot import runs
from bot.handlers.context import BotContext
from bot.i18n import translator
from bot.outbox import Delivery


async def remind_idle_questionnaires(context: BotContext) -> None:
    """Remind each person once per pause; the run's row says whether they were reminded."""
    services = context.services
    for run, participant in await runs.idle_runs(services):
        t = translator(participant.language)
        sent = await context.outbox.send(
            participant.chat_id,
            t.gettext(
                "You have not finished the questions yet. Your answers are saved. Type "
                "/start to go on where you left off."
            ),
        )
        if sent.delivery is not Delivery.FAILED:  # failed: the next scan tries again
            await runs.mark_reminded(services, run)
