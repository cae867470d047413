"""Daily: the data of participants whose last pair ended longer ago than RETENTION_DAYS is
erased with the same erasure as /delete; each coordinator gets the numbers in their scope.
Updates the inbox handled more than seven days ago are deleted too (bot/inbox.py)."""

from __future__ import annotations

import logging
from collections import defaultdict

from bot import inbox, privacy, scopes
from bot.handlers.context import BotContext
from bot.i18n import Translator

log = logging.getLogger(__name__)
JOB_NAME = "retention"


async def retention_sweep(context: BotContext) -> None:
    """Daily: erase the data of participants whose last pair ended longer ago than
    RETENTION_DAYS, with the same erasure as /delete; the coordinators get the numbers."""
    services = context.services
    await inbox.forget_old(services)
    erased: dict[int, list[int]] = defaultdict(list)  # coordinator: participants in their scope
    for participant_id in await privacy.retention_due(services):
        coordinators = await scopes.coordinators_of_person(services, participant_id)
        if await privacy.erase(services, participant_id, privacy.RETENTION) is not None:
            for coordinator_id in coordinators:
                erased[coordinator_id].append(participant_id)
            log.info("participant %s erased after the retention period", participant_id)
    days = services.config.retention_days
    for coordinator_id, numbers in erased.items():
        await context.outbox.to_coordinators(
            [coordinator_id], lambda t, n=numbers: retention_text(t, n, days)
        )


def retention_text(t: Translator, numbers: list[int], days: int) -> str:
    return t.ngettext(
        "The data of {count} participant was erased: their last pair ended more than "
        "{days} days ago. Their number: {numbers}",
        "The data of {count} participants was erased: their last pair ended more than "
        "{days} days ago. Their numbers: {numbers}",
        len(numbers),
    ).format(
        count=t.number(len(numbers)),
        days=t.number(days),
        numbers=", ".join(f"#{number}" for number in numbers),
    )
