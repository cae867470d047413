"""Every minute: the check-ins. What is missing is scheduled; inside the daytime window what is
due is sent (and what a crash left half-sent), and the one reminder of a check-in unanswered for
48 hours."""

from __future__ import annotations

from bot import checkins
from bot.handlers.checkins import send_question
from bot.handlers.context import BotContext
from bot.model.checkins import CheckInStatus
from bot.outbox import Delivery, Outbox


async def checkin_wave(context: BotContext) -> None:
    """Schedule what is missing; inside the daytime window send what is due and the reminders."""
    services = context.services
    await checkins.schedule_missing(services)
    if checkins.window(services).contains(services.clock()):
        if await send_due(context.outbox):
            await send_reminders(context.outbox)
        # Again, so each check-in just sent has its successor scheduled in the same wave.
        await checkins.schedule_missing(services)


async def send_due(outbox: Outbox) -> bool:
    """Everything due, batch after batch, as fast as the rate limiter lets it out; False when
    what is left cannot be sent now (the next wave tries again)."""
    services = outbox.services
    while batch := await checkins.to_send(services):
        progressed = False
        for check_in in batch:
            if not await checkins.begin_sending(services, check_in):
                progressed = True  # postponed for a pause: it left the due list
                continue
            fresh = await checkins.get(services, check_in.id)
            if (
                fresh is not None
                and await send_question(outbox, fresh, opening=True) is Delivery.SENT
            ):
                await checkins.mark_sent(services, fresh)
            after = await checkins.get(services, check_in.id)
            progressed = progressed or after is None or after.status is not CheckInStatus.PENDING
        if not progressed:
            return False
    return True


async def send_reminders(outbox: Outbox) -> None:
    """The one reminder of each check-in unanswered for 48 hours."""
    services = outbox.services
    for check_in in await checkins.reminders_due(services):
        # A reminder goes once: a failed one is tried again, one to a blocked bot is not.
        if await send_question(outbox, check_in, reminder=True) is not Delivery.FAILED:
            await checkins.mark_reminded(services, check_in)
