"""Coordinator commands. Each checks, when it runs, that the sender is a coordinator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from html import escape

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import scopes
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.press import OUT_OF_SCOPE
from bot.handlers.questions import scope_text
from bot.i18n import Translator
from bot.model.municipalities import Unknown
from bot.model.participants import Participant, Role, RoleCount
from bot.scopes import Change, Scope

Handler = Callable[[Update, BotContext, Participant], Awaitable[None]]


def coordinator_only(handler: Handler) -> Callable[[Update, BotContext], Awaitable[None]]:
    """Refuse politely, and do nothing else, unless the sender is a coordinator right now."""

    @wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        participant = context.participant
        if not context.services.is_coordinator(participant.telegram_user_id):
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
    update: Update, context: BotContext, participant: Participant
) -> None:
    """/participants: how many mentors, mentees and others the programme (or scope) has."""
    services = context.services
    rows = await scopes.overview(services, await sender_scope(context, participant))
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


# -- several municipalities (bot/scopes.py) ---------------------------------------------------


async def sender_scope(context: BotContext, coordinator: Participant) -> Scope:
    """The municipalities this coordinator works for, as they stand now."""
    return await scopes.scope_of(context.services, coordinator.telegram_user_id)


async def pair_in_scope(
    update: Update, context: BotContext, coordinator: Participant, pair_id: int
) -> bool:
    """Whether a coordinator's message may act on this pair; if not, they are told so.
    (A button's data checks it in @on_press.)"""
    scope = await sender_scope(context, coordinator)
    if await scopes.includes_pair(context.services, scope, pair_id):
        return True
    await send(update, tr(coordinator).gettext(OUT_OF_SCOPE))
    return False


@coordinator_only
async def scope_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/scope <user id> <municipality, ...> | all: limit a coordinator to some municipalities."""
    services = context.services
    t = tr(participant)
    parsed = scopes.parse_command(list(context.args or []))
    if parsed is None:
        lines = [scope_line(t, uid, scope) for uid, scope in await scopes.all_scopes(services)]
        usage = t.gettext(
            "To change it, write /scope, the coordinator's user id and their municipalities "
            "separated by commas, for example: /scope 12345678 Aarhus, Odense. Or /scope "
            "12345678 all for the whole programme."
        )
        await send(update, "\n".join([*lines, "", usage]))
        return
    if parsed.unknown:
        await send(update, unknown_municipality_text(t, parsed.unknown[0]))
        return
    user_id, scope = parsed.user_id, parsed.scope
    change = await scopes.change_scope(services, participant.telegram_user_id, user_id, scope)
    texts = {
        Change.NOT_ALLOWED: t.gettext(
            "Only coordinators for the whole programme can change municipalities."
        ),
        Change.NOT_COORDINATOR: t.gettext(
            "{user_id} is not one of the programme's coordinators."
        ).format(user_id=user_id),
        Change.OWN: t.gettext("You cannot change your own municipalities."),
        Change.SAVED: t.gettext("Saved.") + "\n" + scope_line(t, user_id, scope),
    }
    await send(update, texts[change])


def unknown_municipality_text(t: Translator, unknown: Unknown) -> str:
    """A name that is no municipality, refused with the closest ones, if any."""
    text = t.gettext("{name} is not a Danish municipality. Nothing is saved.").format(
        name=escape(t.isolate(unknown.typed))
    )
    if unknown.closest:
        text += "\n" + t.gettext("Did you mean: {names}?").format(
            names=escape(", ".join(m.name for m in unknown.closest))
        )
    return text


def scope_line(t: Translator, user_id: int, scope: Scope) -> str:
    if scope.codes is None:
        return t.gettext("{user_id}: the whole programme").format(user_id=user_id)
    return t.gettext("{user_id}: {municipalities}").format(
        user_id=user_id, municipalities=scope_text(t, scope.codes)
    )


HANDLERS = [
    CommandHandler("participants", participants_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("scope", scope_command, filters=filters.ChatType.PRIVATE),
]
