"""Every minute: the messages about planned meetings. Confirmations a crash cut off go at once;
the reminder the day before and the question the day after go in the daytime, weekends too."""

from __future__ import annotations

from bot import meetings
from bot.handlers.context import BotContext
from bot.handlers.meeting_messages import send_notice


async def meeting_wave(context: BotContext) -> None:
    """Send what is due (and what a crash left half-sent); drop what is out of date."""
    outbox = context.outbox
    for notice, pair_status in await meetings.notices_due(outbox.services):
        await send_notice(outbox, notice, pair_status)
