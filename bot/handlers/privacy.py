"""The privacy commands and their buttons: /consent (bot/handlers/consent.py), /mydata
(mydata.py) and /delete (erasure.py). One press handler serves their buttons, only for the
person they were sent to and only while there is something left to do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.ext import CommandHandler, filters

from bot import privacy
from bot.handlers.consent import (
    ask_withdrawal,
    confirm_withdrawal,
    consent_command,
    give_consent_again,
)
from bot.handlers.erasure import confirm_erasure, delete_command
from bot.handlers.mydata import mydata_command
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.privacy_shared import PrivacyAction


@on_press(PrivacyAction)
async def on_button(press: Press[PrivacyAction]) -> None:
    """Withdraw, give consent again, erase and their confirmations."""
    participant = press.participant
    if press.data.owner_id != participant.id or not privacy.takes_part(participant):
        raise Refused()
    await press.answer()
    await press.remove_buttons()
    if not await BUTTON_ACTIONS[press.data.action](press):
        await press.reply(press.t.gettext("This is already done."))


async def keep_everything(press: Press[PrivacyAction]) -> bool:
    await press.reply(press.t.gettext("Good. Nothing has changed."))
    return True


BUTTON_ACTIONS: dict[str, Callable[[Press[PrivacyAction]], Awaitable[bool]]] = {
    "w": ask_withdrawal,
    "wy": confirm_withdrawal,
    "wn": keep_everything,
    "g": give_consent_again,
    "dy": confirm_erasure,
    "dn": keep_everything,
}

HANDLERS = [
    CommandHandler("consent", consent_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("mydata", mydata_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("delete", delete_command, filters=filters.ChatType.PRIVATE),
    on_button,
]
