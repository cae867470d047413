"""Hourly: the outcome follow-ups, three and six months after a pair ended."""

from __future__ import annotations

from bot import outcomes
from bot.handlers.context import BotContext
from bot.handlers.outcomes import ask


async def outcome_follow_ups(context: BotContext) -> None:
    """Schedule what is missing; inside the daytime window ask those that are due."""
    services = context.services
    await outcomes.schedule_missing(services)
    for follow_up in await outcomes.to_send(services):
        if await outcomes.begin_sending(services, follow_up):
            await ask(context.outbox, follow_up)
