"""/consent: what a person agreed to and when, withdrawing it (after one more question), and
giving it again after a withdrawal."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardMarkup, Update

from bot import privacy, scopes
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.press import Press
from bot.handlers.privacy_shared import (
    PrivacyAction,
    action_button,
    consent_line,
    name_of,
    names_of_others,
    role_label,
    stopped_lines,
    taking_part,
    tell_others,
)
from bot.i18n import Translator

log = logging.getLogger(__name__)


async def consent_command(update: Update, context: BotContext) -> None:
    """/consent: what the person agreed to and when; Withdraw while a consent stands."""
    participant = await taking_part(update, context)
    if participant is None:
        return
    services = context.services
    t = tr(participant)
    given = await privacy.consents(services, participant)
    if not given:
        await send(
            update,
            t.gettext(
                "You have not given your consent yet. I ask for it before the first questions."
            ),
        )
        return
    lines = [consent_line(t, services.config.timezone, consent) for consent in given]
    latest = given[-1]
    lines.append("")
    lines.append(t.gettext("What you agreed to:"))
    lines.append(f"<i>{escape(t.gettext(latest.text))}</i>")
    keyboard = None
    if any(consent.standing for consent in given):
        keyboard = InlineKeyboardMarkup(
            [[action_button(t.gettext("Withdraw my consent"), "w", participant)]]
        )
    else:
        lines.append("")
        lines.append(t.gettext("If you want us to erase your data, type /delete."))
        keyboard = InlineKeyboardMarkup(
            [[action_button(t.gettext("Give consent again"), "g", participant)]]
        )
    await send(update, "\n".join(lines), reply_markup=keyboard)


async def ask_withdrawal(press: Press[PrivacyAction]) -> bool:
    """Withdraw pressed: ask once more, if a consent still stands."""
    participant, t = press.participant, press.t
    given = await privacy.consents(press.services, participant)
    if not any(consent.standing for consent in given):
        return False
    await press.reply(
        t.gettext(
            "Do you want to withdraw your consent? Then the programme stops: no more check-ins, "
            "and your mentoring is paused. The coordinator is told. Your data is kept until you "
            "ask us to erase it."
        ),
        InlineKeyboardMarkup(
            [
                [
                    action_button(t.gettext("Yes, withdraw"), "wy", participant),
                    action_button(t.gettext("No, keep it"), "wn", participant),
                ]
            ]
        ),
    )
    return True


async def confirm_withdrawal(press: Press[PrivacyAction]) -> bool:
    services, participant, outbox = press.services, press.participant, press.outbox
    coordinators = await scopes.coordinators_of_person(services, participant.id)
    stopped = await privacy.withdraw(services, participant)
    if stopped is None:
        return False
    await press.reply(
        press.t.gettext(
            "Your consent is withdrawn. You get no more check-ins. If you want us to erase "
            "your data as well, type /delete."
        ),
    )
    await tell_others(outbox, participant, stopped)
    role = participant.role
    name = await name_of(services, participant.id, role)
    others = await names_of_others(services, role, stopped)

    def render(ct: Translator) -> str:
        who = (
            ct.gettext("{name} ({role}) has withdrawn their consent.").format(
                name=escape(name), role=role_label(ct, role)
            )
            if name
            else ct.gettext("Participant #{number} ({role}) has withdrawn their consent.").format(
                number=participant.id, role=role_label(ct, role)
            )
        )
        return "\n".join([who, *stopped_lines(ct, stopped, others)])

    await outbox.to_coordinators(coordinators, render)
    log.info("participant %s withdrew consent", participant.id)
    return True


async def give_consent_again(press: Press[PrivacyAction]) -> bool:
    """Give consent again: recorded with today's text; what the withdrawal closed or paused
    stays so (a coordinator resumes a pair). The coordinators are told."""
    services, participant = press.services, press.participant
    if await privacy.consent_again(services, participant) is None:
        return False
    await press.reply(
        press.t.gettext(
            "Thank you, your consent is given again. What was stopped stays stopped for now: "
            "the coordinator will contact you. Type /start to see where you are."
        )
    )
    role = participant.role
    name = await name_of(services, participant.id, role)

    def render(ct: Translator) -> str:
        if name:
            return ct.gettext("{name} ({role}) has given their consent again.").format(
                name=escape(name), role=role_label(ct, role)
            )
        return ct.gettext("Participant #{number} ({role}) has given their consent again.").format(
            number=participant.id, role=role_label(ct, role)
        )

    await press.outbox.to_coordinators(
        await scopes.coordinators_of_person(services, participant.id), render
    )
    log.info("participant %s gave consent again", participant.id)
    return True
