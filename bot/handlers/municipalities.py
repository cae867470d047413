"""An old municipality answer the list could not place, fixed by a coordinator with one tap
from the near matches: offered under a screening from /pending and a mentee from /match."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import municipalities
from bot.handlers.callback_data import CallbackData
from bot.handlers.press import Press, Refused, on_press
from bot.i18n import Translator


@dataclass(frozen=True)
class PlaceMunicipality(CallbackData, prefix="mu1"):
    """This person's typed municipality (in that questionnaire) is this municipality."""

    participant_id: int
    run_id: int
    code: int


async def offer_fix(press: Press[Any], participant_id: int, name: str) -> None:
    """Below a person's card: their municipality is unknown, and the near matches to choose."""
    typed = await municipalities.typed_answer(press.services, participant_id)
    if typed is None:
        return
    t = press.t
    text = unknown_text(t, name, typed.typed)
    if not typed.near:
        text += "\n" + t.gettext("No municipality in the list is close to it.")
        await press.reply(text)
        return
    text += "\n" + t.gettext("Which municipality is it?")
    buttons = [
        [
            InlineKeyboardButton(
                m.name,
                callback_data=PlaceMunicipality(participant_id, typed.run_id, m.code).pack(),
            )
        ]
        for m in typed.near
    ]
    await press.reply(text, InlineKeyboardMarkup(buttons))


def unknown_text(t: Translator, name: str, typed: str) -> str:
    return t.gettext("The municipality of {name} is unknown: {text}").format(
        name=escape(t.isolate(name)), text=escape(t.isolate(typed))
    )


@on_press(PlaceMunicipality, coordinator=True, people=lambda data: [data.participant_id])
async def on_place(press: Press[PlaceMunicipality]) -> None:
    """Place the typed answer in the chosen municipality; the change records who made it."""
    data = press.data
    placed = await municipalities.place(
        press.services,
        press.participant.telegram_user_id,
        data.participant_id,
        data.run_id,
        data.code,
    )
    if placed is None:
        raise Refused(remove_buttons=True)
    t = press.t
    await press.answer(t.gettext("Saved."))
    await press.replace_message(
        t.gettext("Saved: the municipality is {municipality}.").format(
            municipality=escape(t.isolate(placed.name))
        )
    )


HANDLERS = [on_place]
