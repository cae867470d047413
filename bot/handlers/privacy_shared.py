"""What the privacy features share: who may use them, their buttons, and how the other side
of a stopped pair and the coordinators are told (bot/handlers/consent.py, erasure.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, Update

from bot import matchmaking, privacy, registration
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.i18n import Translator
from bot.model.pairs import Side
from bot.model.participants import Participant, Role
from bot.model.questionnaire import load
from bot.outbox import Outbox
from bot.privacy import Consent, StoppedPair
from bot.services import Services


@dataclass(frozen=True)
class PrivacyAction(CallbackData, prefix="pv1"):
    """Withdraw (w), its Yes/No (wy, wn), give consent again (g), erase's Yes/No (dy, dn); the
    id is checked against the person pressing."""

    action: Literal["w", "wy", "wn", "g", "dy", "dn"]
    owner_id: int


def action_button(label: str, action: str, participant: Participant) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=PrivacyAction(action, participant.id).pack())


async def taking_part(update: Update, context: BotContext) -> Participant | None:
    participant = context.participant
    if privacy.takes_part(participant):
        return participant
    await send(
        update,
        tr(participant).gettext(
            "This command is for mentors and mentees. Coordinators' data is kept by the programme."
        ),
    )
    return None


async def tell_others(outbox: Outbox, participant: Participant, stopped: list[StoppedPair]) -> None:
    """The other side of each stopped pair hears it in their language, without a name."""
    for pair in stopped:
        other = await registration.participant(outbox.services, pair.other_id)
        if other is None:
            continue
        t = tr(other)
        if pair.proposal:
            text = t.gettext(
                "The match proposal is cancelled. The coordinator will look for another match."
            )
        elif participant.role is Role.MENTOR:
            text = t.gettext(
                "Your mentor has stopped taking part, so your mentoring is paused. The "
                "coordinator will contact you about what happens next."
            )
        else:
            text = t.gettext(
                "Your mentee has stopped taking part, so your mentoring is paused. The "
                "coordinator will contact you about what happens next."
            )
        await outbox.send(other.chat_id, text)


def stopped_lines(t: Translator, stopped: list[StoppedPair], others: dict[int, str]) -> list[str]:
    """What became of each pair, named by the side who stays (the one the coordinator calls)."""
    lines = []
    for pair in stopped:
        other = escape(others[pair.other_id])
        if pair.proposal:
            lines.append(t.gettext("The proposal to {name} is cancelled.").format(name=other))
        else:
            lines.append(
                t.gettext(
                    "The pair with {name} is paused: please talk to {name} and end the pair in "
                    "/pairs with its outcome."
                ).format(name=other)
            )
    return lines


async def name_of(services: Services, participant_id: int, role: Role | None) -> str | None:
    """The name a person gave in their questionnaire, as the coordinators know them; None
    before they gave one (or once it is erased)."""
    side = Side.MENTOR if role is Role.MENTOR else Side.MENTEE
    answers = await matchmaking.profile_answers(services, participant_id, side)
    return str(answers["name"]) if answers.get("name") else None


async def names_of_others(
    services: Services, role: Role | None, stopped: list[StoppedPair]
) -> dict[int, str]:
    """The other sides' names: a mentor's pairs are with mentees and the other way round."""
    other_role = Role.MENTEE if role is Role.MENTOR else Role.MENTOR
    return {
        pair.other_id: await name_of(services, pair.other_id, other_role) or f"#{pair.other_id}"
        for pair in stopped
    }


def role_label(t: Translator, role: Role | None) -> str:
    if role is Role.MENTOR:
        return t.gettext("Mentor")
    if role is Role.MENTEE:
        return t.gettext("Mentee")
    return t.gettext("no role chosen yet")


def stored_role(stored: str | None) -> Role | None:
    return Role(stored) if stored else None


def when(t: Translator, zone: tzinfo, moment: datetime) -> str:
    """The day in words and the hour, in the programme's time zone: "23 November 2026 at
    10:00"."""
    return t.moment(moment, zone, "long")


def consent_line(t: Translator, zone: tzinfo, consent: Consent) -> str:
    line = t.gettext("{questionnaire}: you agreed on {date} (text version {version}).").format(
        questionnaire=t.gettext(load(consent.questionnaire).title),
        date=when(t, zone, consent.given_at),
        version=consent.version,
    )
    if consent.withdrawn_at is not None:
        line += " " + t.gettext("You withdrew it on {date}.").format(
            date=when(t, zone, consent.withdrawn_at)
        )
    return line
