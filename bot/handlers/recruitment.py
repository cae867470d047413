"""Recruitment links: a coordinator names a channel and gets a link to share."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import registration
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only
from bot.model import recruitment as channels
from bot.model.participants import Participant

MAX_LISTED = 50


@coordinator_only
async def new_link_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/newlink <name>: a deep link that records who came through it."""
    t = tr(participant)
    name = channels.clean_name(" ".join(context.args or []))
    if name is None:
        await send(
            update,
            t.gettext(
                "Write the channel's name after the command, for example: "
                "/newlink Novo Nordisk intranet"
            ),
        )
        return
    services = context.services
    channel = await registration.create_channel(services, name, participant.telegram_user_id)
    link = channels.deep_link(context.bot.username, channel)
    await send(
        update,
        t.gettext(
            "Here is the link for {name}:\n{link}\n\nEveryone who starts the bot through it is "
            "counted for this channel. /links shows the results."
        ).format(name=escape(t.isolate(name)), link=link),
    )


@coordinator_only
async def links_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/links: every recruitment channel with its link and who came through it."""
    t = tr(participant)
    counts = await registration.channel_results(context.services)
    if not counts:
        await send(
            update, t.gettext("There are no recruitment links yet. Create one with /newlink.")
        )
        return
    title = t.gettext("Recruitment links")
    lines = [f"<b>{title}</b>"]
    for count in counts[:MAX_LISTED]:
        lines.append(
            t.gettext("{name}: mentors {mentors}, mentees {mentees}, no role yet {others}").format(
                name=escape(t.isolate(count.channel.name)),
                mentors=t.number(count.mentors),
                mentees=t.number(count.mentees),
                others=t.number(count.others),
            )
        )
        lines.append(channels.deep_link(context.bot.username, count.channel))
    await send(update, "\n".join(lines))


HANDLERS = [
    CommandHandler("newlink", new_link_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("links", links_command, filters=filters.ChatType.PRIVATE),
]
