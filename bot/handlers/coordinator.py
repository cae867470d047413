"""Coordinator commands. Each checks, when it runs, that the sender is a coordinator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.handlers.common import participant_of, send, services_of, tr
from bot.i18n import Translator
from bot.participants import Participant, Role
from bot.reports import RoleCount, participant_overview

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Participant], Awaitable[None]]


def coordinator_only(
    handler: Handler,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """Refuse politely, and do nothing else, unless the sender is a coordinator right now."""

    @wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        participant = await participant_of(update, context)
        if not services_of(context).is_coordinator(participant.telegram_user_id):
            await send(
                update,
                tr(participant).gettext(
                    "Sorry, only the programme's coordinators can use this command."
                ),
            )
            return
        await handler(update, context, participant)

    return guarded


@coordinator_only
async def participants_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, participant: Participant
) -> None:
    """/participants: how many mentors, mentees and others the programme has."""
    rows = await participant_overview(services_of(context))
    t = tr(participant)
    title = t.gettext("Participants")
    lines = [f"<b>{title}</b>"] + [overview_line(t, row) for row in rows]
    await send(update, "\n".join(lines))


def overview_line(t: Translator, row: RoleCount) -> str:
    labels = {
        Role.MENTOR: t.gettext("Mentors: {count}"),
        Role.MENTEE: t.gettext("Mentees: {count}"),
        None: t.gettext("No role chosen yet: {count}"),
        Role.COORDINATOR: t.gettext("Coordinators: {count}"),
    }
    line = labels[row.role].format(count=t.number(row.total))
    if row.unreachable:
        line += " " + t.ngettext(
            "({count} has blocked the bot)", "({count} have blocked the bot)", row.unreachable
        ).format(count=t.number(row.unreachable))
    return line


HANDLERS = [CommandHandler("participants", participants_command, filters=filters.ChatType.PRIVATE)]
