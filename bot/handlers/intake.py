"""Mentees: the invitation link, the introduction with Next buttons, and the intake."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import intake, notices, scopes
from bot.handlers import questionnaire
from bot.handlers import questions as view
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope, unknown_municipality_text
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.review import split
from bot.i18n import Translator
from bot.model.mentees import (
    INTAKE,
    INTRODUCTION,
    Intake,
    Referral,
    introduction_finished,
    invitation_link,
)
from bot.model.participants import Participant, Role
from bot.model.questionnaire import Answer, Question, Run
from bot.outbox import Outbox
from bot.runs import facts_of, summary


@dataclass(frozen=True)
class IntroductionNext(CallbackData, prefix="in1"):
    """Next under the introduction's message number `step` (from 0)."""

    step: int


async def show_introduction(update: Update, context: BotContext, participant: Participant) -> None:
    """The introduction step the mentee is at, or the intake once it is read."""
    step = await intake.introduction_step(context.services, participant)
    if introduction_finished(step):
        await questionnaire.begin(update, context, participant, INTAKE)
        return
    await send_introduction_step(update, participant, step)


async def introduction_message(update: Update, context: BotContext) -> bool:
    """A message while the mentee reads the introduction: show the step and its button again.
    False when the person is not in the introduction."""
    participant = context.participant
    if participant.role is not Role.MENTEE:
        return False
    step = await intake.current_introduction_step(context.services, participant)
    if step is None or introduction_finished(step):
        return False
    await send(update, tr(participant).gettext("Please press the button under the message."))
    await send_introduction_step(update, participant, step)
    return True


async def send_introduction_step(update: Update, participant: Participant, step: int) -> None:
    t = tr(participant)
    header = t.gettext("About mentoring ({number} of {total})").format(
        number=t.number(step + 1), total=t.number(len(INTRODUCTION))
    )
    last = step + 1 == len(INTRODUCTION)
    label = t.gettext("Start the questions ›") if last else t.gettext("Next ›")
    await send(
        update,
        f"<i>{header}</i>\n\n{t.gettext(INTRODUCTION[step])}",
        reply_markup=one_per_row([(label, IntroductionNext(step).pack())]),
    )


@on_press(IntroductionNext)
async def on_next(press: Press[IntroductionNext]) -> None:
    """Next under an introduction message: the following one, or the intake after the last."""
    participant = press.participant
    moved = None
    if participant.role is Role.MENTEE:
        moved = await intake.next_introduction_step(press.services, participant, press.data.step)
    if moved is None:
        raise Refused(alert=False, remove_buttons=True)
    await press.answer()
    await press.remove_buttons()
    if introduction_finished(moved):
        await questionnaire.begin(press.update, press.context, participant, INTAKE)
    else:
        await send_introduction_step(press.update, participant, moved)


async def intake_submitted(
    update: Update, context: BotContext, participant: Participant, run: Run
) -> None:
    """The mentee pressed Send: put them on the list for matching and tell the coordinators."""
    t = tr(participant)
    filed = await intake.submit(context.services, run)
    if filed is None:
        await send(update, t.gettext("Your answers have already been sent."))
        return
    await tell_coordinators_ready(context.outbox, participant, filed, run)
    await send(update, mentee_status_text(t, thanks=True))
    await notices.thanked(context.services, run)


async def tell_coordinators_ready(
    outbox: Outbox, mentee: Participant, filed: Intake, run: Run
) -> None:
    """Tell the mentee's coordinators that the mentee is ready for matching; marked once sent."""
    services = outbox.services
    referral = await intake.referral_of(services, mentee)
    answers = summary(run, await facts_of(services, mentee))
    told = await outbox.to_coordinators(
        await scopes.coordinators_of_person(services, mentee.id),
        lambda t: split(ready_text(t, mentee, filed, referral, answers)),
    )
    if all(each.final for each in told.values()):
        await notices.intake_told(services, filed)


def ready_text(
    t: Translator,
    mentee: Participant,
    filed: Intake,
    referral: Referral | None,
    answers: list[tuple[Question, Answer]],
) -> str:
    title = t.gettext("A mentee is ready for matching")
    if referral is None:
        came = t.gettext("Came without an invitation link")
    elif referral.municipality:
        came = t.gettext("Came through an invitation from {municipality}").format(
            municipality=escape(t.isolate(view.municipality_name(t, referral.municipality)))
        )
    else:
        came = t.gettext("Came through an invitation link")
    chat_link = t.gettext("Open the chat with the mentee")
    lines = [
        f"<b>{title}</b>",
        came,
        t.gettext("Sent: {date}").format(date=t.date(filed.submitted_at.date())),
        f'<a href="tg://user?id={mentee.telegram_user_id}">{chat_link}</a>',
        "",
        *view.answer_lines(t, answers, limit=None),
    ]
    return "\n".join(lines)


def mentee_status_text(t: Translator, *, thanks: bool = False) -> str:
    """Where a mentee stands once the intake is sent."""
    status = t.gettext(
        "The coordinator is now looking for a mentor for you. That can take some weeks. I will "
        "write to you here when there is news."
    )
    if thanks:
        return t.gettext("Thank you! Your answers have been sent.") + " " + status
    return status


@coordinator_only
async def invite_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/invite [municipality]: a personal link for one referred mentee."""
    services = context.services
    t = tr(participant)
    scope = await sender_scope(context, participant)
    invitation = scopes.invitation_municipality(scope, " ".join(context.args or []))
    if invitation.unknown is not None:
        await send(update, unknown_municipality_text(t, invitation.unknown))
        return
    if invitation.outside:
        await send(
            update,
            t.gettext(
                "You work for {municipalities}. Write the mentee's municipality after /invite, "
                "for example: /invite {example}"
            ).format(
                municipalities=view.scope_text(t, scope.codes or ()),
                example=escape(scope.municipalities[0].name if scope.municipalities else ""),
            ),
        )
        return
    referral = await intake.invite(services, participant.telegram_user_id, invitation.municipality)
    link = invitation_link(context.bot.username, referral)
    if referral.municipality:
        intro = t.gettext("Here is a personal invitation link for a mentee from {municipality}:")
        name = view.municipality_name(t, referral.municipality)
        intro = intro.format(municipality=escape(t.isolate(name)))
    else:
        intro = t.gettext("Here is a personal invitation link for a mentee:")
    await send(
        update,
        f"{intro}\n{link}\n\n"
        + t.gettext(
            "Send it to the mentee. It works for one person: the first who opens it. They "
            "choose their language, read about mentoring and answer the intake."
        ),
    )


HANDLERS = [
    CommandHandler("invite", invite_command, filters=filters.ChatType.PRIVATE),
    on_next,
]
