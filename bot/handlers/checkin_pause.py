"""/pause: a participant's own break from the check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import checkins
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import Press, on_press

PauseDays = Literal[7, 14, 30]
PAUSE_DAYS: tuple[PauseDays, ...] = (7, 14, 30)


@dataclass(frozen=True)
class OwnPause(CallbackData, prefix="cp1"):
    """How long a break: cp1:<days>."""

    days: PauseDays


async def pause_command(update: Update, context: BotContext) -> None:
    """/pause: stop one's own check-ins for a while."""
    t = tr(context.participant)
    labels = {7: t.gettext("1 week"), 14: t.gettext("2 weeks"), 30: t.gettext("1 month")}
    await send(
        update,
        t.gettext("For how long do you want a break from the check-ins?"),
        one_per_row((labels[days], OwnPause(days).pack()) for days in PAUSE_DAYS),
    )


@on_press(OwnPause)
async def on_pause(press: Press[OwnPause]) -> None:
    """The presser's own check-ins pause: anyone else has none to pause."""
    t = press.t
    until = await checkins.pause_own(press.services, press.participant, press.data.days)
    await press.answer()
    await press.remove_buttons()
    if until is None:
        await press.reply(t.gettext("You have no check-ins to pause right now."))
        return
    await press.reply(
        t.gettext("Your check-ins are paused until {date}. Have a good break!").format(
            date=t.date(until)
        ),
    )


HANDLERS = [
    CommandHandler("pause", pause_command, filters=filters.ChatType.PRIVATE),
    on_pause,
]
