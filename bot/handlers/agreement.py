"""The mentoring agreement: after the first meeting each side tells how often and how long;
when the agreed period is over, each says whether they go on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import matchmaking, registration, scopes
from bot.handlers.callback_data import CallbackData
from bot.handlers.meeting_buttons import plan_button
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.texts import first_name, pair_names
from bot.i18n import Translator, translator
from bot.model.pairs import CLOSING_ASKED, Pair, PairStatus, Side
from bot.outbox import Outbox

MEETINGS_PER_MONTH = (1, 2, 3, 4)
AGREED_MONTHS = (4, 6, 9, 12)


@dataclass(frozen=True)
class AgreementStep(CallbackData, prefix="ag1"):
    """ "We have met", then how often, then for how long."""

    pair_id: int
    per_month: Literal[1, 2, 3, 4] | None = None
    months: Literal[4, 6, 9, 12] | None = None


@dataclass(frozen=True)
class Closing(CallbackData, prefix="cl1"):
    """The agreed period is over: go on, or done."""

    pair_id: int
    choice: Literal["on", "done"]


def met_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    """The buttons under a new pair's message: plan the first meeting, and press "We have met"
    after it."""
    return InlineKeyboardMarkup(
        [
            [plan_button(t, pair.id)],
            [
                InlineKeyboardButton(
                    t.gettext("We have met"), callback_data=AgreementStep(pair.id).pack()
                )
            ],
        ]
    )


@on_press(AgreementStep)
async def on_agreement(press: Press[AgreementStep]) -> None:
    """ "We have met", then how often, then for how long: each side tells their account."""
    participant, t, data = press.participant, press.t, press.data
    pair = await matchmaking.pair_for(press.services, data.pair_id, participant.id)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        raise Refused()
    await press.answer()
    if data.per_month is None:
        await press.reply(t.gettext("How often will you meet?"), frequency_keyboard(t, pair))
        await press.remove_buttons()
    elif data.months is None:
        await press.replace_message(
            t.gettext("For how long?"), months_keyboard(t, pair, data.per_month)
        )
    else:
        await press.remove_buttons()
        await settle_agreement(press, pair, data.per_month, data.months)


def frequency_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.ngettext("{n} time a month", "{n} times a month", n).format(n=t.number(n)),
                    callback_data=AgreementStep(pair.id, n).pack(),
                )
            ]
            for n in MEETINGS_PER_MONTH
        ]
    )


def months_keyboard(t: Translator, pair: Pair, per_month: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.ngettext("{n} month", "{n} months", n).format(n=t.number(n)),
                    callback_data=AgreementStep(pair.id, per_month, n).pack(),
                )
            ]
            for n in AGREED_MONTHS
        ]
    )


async def settle_agreement(
    press: Press[AgreementStep], pair: Pair, per_month: int, months: int
) -> None:
    services, participant, t = press.services, press.participant, press.t
    agreement = await matchmaking.state_agreement(services, pair, participant.id, per_month, months)
    other_side = Side.MENTEE if pair.side_of(participant.id) is Side.MENTOR else Side.MENTOR
    other = await matchmaking.profile_answers(services, pair.other(participant.id), other_side)
    name = escape(t.isolate(first_name(other)))
    if agreement.settled is not None:
        settled_per_month, until = agreement.settled
        await tell_both(
            press.outbox,
            pair,
            lambda pt: pt.ngettext(
                "Your agreement is saved: you meet {n} time a month until {date}.",
                "Your agreement is saved: you meet {n} times a month until {date}.",
                settled_per_month,
            ).format(n=pt.number(settled_per_month), date=pt.date(until)),
        )
    elif agreement.other_said is not None:
        await press.reply(
            t.gettext(
                "Thank you. {name} gave a different answer. The coordinator will talk with you "
                "both."
            ).format(name=name)
        )
        names = await pair_names(services, pair)
        await press.outbox.to_coordinators(
            await scopes.coordinators_of_pair(services, pair.id),
            lambda ct: ct.gettext(
                "{names} gave different answers about their agreement: please talk with them."
            ).format(names=escape(names)),
        )
    else:
        await press.reply(t.gettext("Thank you! I will ask {name} too.").format(name=name))


async def tell_both(outbox: Outbox, pair: Pair, render: Callable[[Translator], str]) -> None:
    """One message to mentor and mentee, each in their own language."""
    for person_id in (pair.mentor_id, pair.mentee_id):
        person = await registration.participant(outbox.services, person_id)
        if person is not None:
            await outbox.send(person.chat_id, render(translator(person.language)))


# -- the end of the agreed period --------------------------------------------------------------


async def ask_how_to_close(outbox: Outbox, pair: Pair) -> None:
    """The agreed period is over: both say whether they go on or are done."""
    services = outbox.services
    await matchmaking.record_closing(services, pair, None, CLOSING_ASKED)
    for person_id in (pair.mentor_id, pair.mentee_id):
        person = await registration.participant(services, person_id)
        if person is None:
            continue
        t = translator(person.language)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("We want to go on"), callback_data=Closing(pair.id, "on").pack()
                    )
                ],
                [
                    InlineKeyboardButton(
                        t.gettext("We are done"), callback_data=Closing(pair.id, "done").pack()
                    )
                ],
            ]
        )
        await outbox.send(
            person.chat_id,
            t.gettext(
                "The period you agreed on as a pair is over. Thank you for your time together! "
                "Do you want to go on, or are you done?"
            ),
            keyboard,
        )


@on_press(Closing)
async def on_closing(press: Press[Closing]) -> None:
    """Go on, or done: recorded, and the coordinators decide what happens to the pair."""
    services, participant, t = press.services, press.participant, press.t
    pair = await matchmaking.pair_for(services, press.data.pair_id, participant.id)
    go_on = press.data.choice == "on"
    if (
        pair is None
        or pair.status is not PairStatus.ACTIVE
        or not await matchmaking.answer_closing(services, pair, participant.id, go_on)
    ):
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.remove_buttons()
    await press.reply(t.gettext("Thank you! The coordinator will talk with you about it."))
    by_mentor = pair.side_of(participant.id) is Side.MENTOR
    names = await pair_names(services, pair)
    await press.outbox.to_coordinators(
        await scopes.coordinators_of_pair(services, pair.id),
        lambda ct: closing_text(ct, by_mentor=by_mentor, go_on=go_on).format(names=escape(names)),
    )


def closing_text(t: Translator, *, by_mentor: bool, go_on: bool) -> str:
    if by_mentor and go_on:
        return t.gettext("{names}: the agreed period is over. The mentor wants to go on.")
    if by_mentor:
        return t.gettext("{names}: the agreed period is over. The mentor is done.")
    if go_on:
        return t.gettext("{names}: the agreed period is over. The mentee wants to go on.")
    return t.gettext("{names}: the agreed period is over. The mentee is done.")


HANDLERS = [on_agreement, on_closing]
