"""/delete: a person erases their data (after one more question); the other side of their pairs
and their coordinators are told, by number, without their name."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot import privacy, scopes
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.press import Press
from bot.handlers.privacy_shared import (
    PrivacyAction,
    action_button,
    names_of_others,
    role_label,
    stopped_lines,
    stored_role,
    taking_part,
    tell_others,
)
from bot.i18n import Translator
from bot.privacy import Erasure

log = logging.getLogger(__name__)


async def delete_command(update: Update, context: BotContext) -> None:
    """/delete: ask before erasing; nothing happens without the confirming button."""
    participant = await taking_part(update, context)
    if participant is None:
        return
    t = tr(participant)
    await send(
        update,
        t.gettext(
            "Do you want us to erase your data? Your name, your contact, your answers and your "
            "notes are erased, and you leave the programme. This cannot be undone. Only "
            "numbers without your name stay in the programme's statistics."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    action_button(t.gettext("Yes, erase my data"), "dy", participant),
                    action_button(t.gettext("No, keep my data"), "dn", participant),
                ]
            ]
        ),
    )


async def confirm_erasure(press: Press[PrivacyAction]) -> bool:
    services, participant, outbox = press.services, press.participant, press.outbox
    # Asked before the erasure: afterwards a mentor's municipality is no longer known.
    coordinators = await scopes.coordinators_of_person(services, participant.id)
    erasure = await privacy.erase(services, participant.id, privacy.REQUEST)
    if erasure is None:
        return False
    others = await names_of_others(services, participant.role, erasure.stopped_pairs)
    await press.reply(
        press.t.gettext(
            "Your data is erased. Thank you for taking part. If you write /start again, "
            "you begin as a new person."
        ),
    )
    await tell_others(outbox, participant, erasure.stopped_pairs)
    await outbox.to_coordinators(coordinators, lambda ct: erased_text(ct, erasure, others))
    log.info("participant %s erased on request", participant.id)
    return True


def erased_text(t: Translator, erasure: Erasure, others: dict[int, str]) -> str:
    return "\n".join(
        [
            t.gettext("Participant #{number} ({role}) has erased their data with /delete.").format(
                number=erasure.participant_id, role=role_label(t, stored_role(erasure.role))
            ),
            *stopped_lines(t, erasure.stopped_pairs, others),
        ]
    )
