"""Every 15 minutes: the mentor course's invitations, news and reminders that are due.

Each is a row (storage/course_owed.py): an invitation owed, a mentor's news not told, a "none of
these dates fit" the coordinators have not heard, a seat without its reminder; what a crash
cut off goes out with the next scan.
"""

from __future__ import annotations

from bot import courses
from bot.handlers.context import BotContext
from bot.handlers.course_messages import send_due_invitations, send_reminder, tell_news, tell_no_fit

JOB_NAME = "course"


async def course_scan(context: BotContext) -> None:
    services, outbox = context.services, context.outbox
    await send_due_invitations(outbox)
    for untold in await courses.untold_news(services):
        await tell_news(outbox, untold)
    for no_fit_id, mentor_id in await courses.untold_no_fit(services):
        await tell_no_fit(outbox, no_fit_id, mentor_id)
    for reminder in await courses.reminders_due(services):
        await send_reminder(outbox, reminder)
