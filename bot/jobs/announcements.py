"""Hourly (and soon after a start): announcements a restart cut off go on where they stopped."""

from __future__ import annotations

from bot import announcements
from bot.handlers.announcements import start_delivery
from bot.handlers.context import BotContext


async def resume_interrupted(context: BotContext) -> None:
    """Each announcement still sending is delivered to the people it has not reached yet."""
    for announcement in await announcements.interrupted(context.services):
        start_delivery(context.application, announcement)
