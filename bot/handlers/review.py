"""Coordinators review mentor screenings: notified on Submit, decide once, add notes."""

from __future__ import annotations

import logging
from html import escape

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import notices, registration, review, scopes
from bot.handlers import questions as view
from bot.handlers.common import (
    coordinator_reply,
    participant_of,
    send,
    send_numbered_list,
    services_of,
    tr,
)
from bot.handlers.coordinator import coordinator_only, person_in_scope, sender_scope
from bot.i18n import Translator, translator
from bot.model.participants import Participant
from bot.model.questionnaire import Run
from bot.model.screening import Decision, Screening, ScreeningStatus, possible_decisions
from bot.review import ScreeningView
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

DECISION_PATTERN = r"^rv1:(\d+):(interview|approved|rejected|course_done)$"
OPEN_PATTERN = r"^rvo1:(\d+)$"
MESSAGE_LIMIT = 4096


async def screening_submitted(
    update: Update, context: Context, participant: Participant, run: Run
) -> None:
    """The mentor pressed Send: file the screening, tell every coordinator, thank the mentor."""
    services = services_of(context)
    t = tr(participant)
    screening = await review.submit(services, run)
    if screening is None:
        await send(update, t.gettext("Your answers have already been sent."))
        return
    screening_view = await review.view_of(services, screening.run_id)
    assert screening_view is not None
    await send_new_screening(context.bot, services, screening_view)
    await send(
        update,
        t.gettext(
            "Thank you! Your answers have been sent to the programme's coordinator, who will "
            "get back to you."
        ),
    )


async def send_new_screening(bot: Bot, services: Services, screening: ScreeningView) -> None:
    """Every coordinator of the mentor gets the screening; marked once sent (see bot/notices)."""
    for coordinator_id in await scopes.coordinators_of_person(services, screening.mentor.id):
        await send_review(bot, services, screening, coordinator_id, new=True)
    await notices.screening_told(services, screening.screening.run_id)


async def send_review(
    bot: Bot, services: Services, screening: ScreeningView, chat_id: int, *, new: bool
) -> None:
    """One coordinator's copy of a screening, with the decisions still open as buttons."""
    t = translator(await registration.language_of(services, chat_id))
    separate, text = review_parts(t, screening, new=new)
    try:
        for part in separate:
            await bot.send_message(chat_id, part)
        message = await bot.send_message(
            chat_id, text, reply_markup=decision_keyboard(t, screening)
        )
    except (Forbidden, BadRequest) as error:
        # A coordinator who has not opened the bot yet cannot be written to.
        log.info("a coordinator could not be notified: %s", error.message)
        return
    await review.remember_review_message(
        services, screening.screening.run_id, chat_id, message.message_id
    )


def review_parts(t: Translator, screening: ScreeningView, *, new: bool) -> tuple[list[str], str]:
    """(answers sent ahead, when too long to fit; the message with the status and buttons)."""
    status = status_text(t, screening, new=new)
    answers = "\n".join(view.answer_lines(t, screening.answers, limit=None))
    if len(status) + len(answers) + 2 > MESSAGE_LIMIT:
        return split(answers), status
    return [], f"{status}\n\n{answers}"


def status_text(t: Translator, screening: ScreeningView, *, new: bool) -> str:
    title = t.gettext("New mentor screening") if new else t.gettext("Mentor screening")
    lines = [f"<b>{title}</b>", status_label(t, screening.screening)]
    lines.append(
        t.gettext("Sent: {date}").format(date=t.date(screening.screening.submitted_at.date()))
    )
    if screening.channel:
        lines.append(
            t.gettext("Came through the link: {channel}").format(
                channel=escape(t.isolate(screening.channel))
            )
        )
    chat_link = t.gettext("Open the chat with the mentor")
    lines.append(f'<a href="tg://user?id={screening.mentor.telegram_user_id}">{chat_link}</a>')
    for decision in screening.decisions:
        line = t.gettext("{decision}: {name}, {date}").format(
            decision=decided_label(t, decision.decision),
            name=escape(t.isolate(decision.coordinator_name)),
            date=t.date(decision.decided_at.date(), "medium"),
        )
        if decision.note:
            line += "\n   " + t.gettext("Note: {note}").format(note=escape(decision.note))
        lines.append("• " + line)
    return "\n".join(lines)


def status_label(t: Translator, screening: Screening) -> str:
    if screening.status is ScreeningStatus.PENDING:
        return t.gettext("Status: waiting for a decision")
    if screening.status is ScreeningStatus.INTERVIEW:
        return t.gettext("Status: called for an interview")
    if screening.status is ScreeningStatus.REJECTED:
        return t.gettext("Status: rejected")
    if screening.course_done_at is None:
        return t.gettext("Status: approved, mentor course not done yet")
    return t.gettext("Status: approved and mentor course done, ready for matching")


def decision_label(t: Translator, decision: Decision) -> str:
    labels = {
        Decision.INTERVIEW: t.gettext("Call for interview"),
        Decision.APPROVED: t.gettext("Approve"),
        Decision.REJECTED: t.gettext("Reject"),
        Decision.COURSE_DONE: t.gettext("Mentor course done"),
    }
    return labels[decision]


def decided_label(t: Translator, decision: Decision) -> str:
    """A decision as it stands in the history: "Approved", not the button's "Approve"."""
    labels = {
        Decision.INTERVIEW: t.gettext("Called for interview"),
        Decision.APPROVED: t.gettext("Approved"),
        Decision.REJECTED: t.gettext("Rejected"),
        Decision.COURSE_DONE: t.gettext("Mentor course done"),
    }
    return labels[decision]


def decision_keyboard(t: Translator, screening: ScreeningView) -> InlineKeyboardMarkup | None:
    decisions = possible_decisions(screening.screening)
    if not decisions:
        return None
    run_id = screening.screening.run_id
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    decision_label(t, decision), callback_data=f"rv1:{run_id}:{decision.value}"
                )
            ]
            for decision in decisions
        ]
    )


def split(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long text at line ends into pieces Telegram accepts."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts


async def on_decision(update: Update, context: Context) -> None:
    """Approve, Reject, Call for interview or Mentor course done, pressed by a coordinator."""
    query = update.callback_query
    assert query is not None and context.match is not None and update.effective_user is not None
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    if not services.is_coordinator(participant.telegram_user_id):
        await query.answer(
            t.gettext("Only the programme's coordinators can do this."), show_alert=True
        )
        return
    run_id, decision = int(context.match.group(1)), Decision(context.match.group(2))
    if not await screening_in_scope(update, context, participant, run_id):
        return
    outcome = await review.decide(
        services, run_id, decision, participant.telegram_user_id, update.effective_user.first_name
    )
    if outcome is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await refresh_reviews(context.bot, services, outcome.view)
    if outcome.taken is None:
        earlier = outcome.earlier
        text = t.gettext("This was already decided.")
        if earlier is not None:
            text = t.gettext("Already decided: {decision} by {name}.").format(
                decision=decided_label(t, earlier.decision), name=earlier.coordinator_name
            )
        await query.answer(text, show_alert=True)
        return
    await query.answer(t.gettext("Saved."))
    await tell_mentor(context.bot, services, outcome.view.mentor, decision)
    await notices.decision_told(services, outcome.taken)
    prompt = await send(
        update,
        t.gettext("Saved: {decision}. To add a note, reply to this message with it.").format(
            decision=decided_label(t, decision)
        ),
        reply_markup=ForceReply(input_field_placeholder=t.gettext("Note (optional)")),
    )
    await review.remember_note_prompt(services, outcome.taken, prompt.message_id)


async def screening_in_scope(
    update: Update, context: Context, coordinator: Participant, run_id: int
) -> bool:
    """Whether the screening's mentor is in the coordinator's municipalities (told if not)."""
    screening = await review.view_of(services_of(context), run_id)
    if screening is None:
        return True  # nothing to decide on: the decision itself answers
    return await person_in_scope(update, context, coordinator, screening.mentor.id)


async def refresh_reviews(bot: Bot, services: Services, screening: ScreeningView) -> None:
    """Show every coordinator's copy as it now stands: status, history, remaining buttons."""
    for chat_id, message_id in await review.review_messages(services, screening.screening.run_id):
        t = translator(await registration.language_of(services, chat_id))
        try:
            await bot.edit_message_text(
                review_parts(t, screening, new=False)[1],
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=decision_keyboard(t, screening),
            )
        except BadRequest as error:
            log.debug("a review message was not updated: %s", error.message)


async def tell_mentor(
    bot: Bot, services: Services, mentor: Participant, decision: Decision
) -> None:
    """The outcome, in the mentor's language."""
    t = translator(mentor.language)
    texts = {
        Decision.INTERVIEW: t.gettext(
            "The coordinator would like to talk with you before the next step, and will call "
            "or write to you soon."
        ),
        Decision.APPROVED: t.gettext(
            "Good news: you are approved as a volunteer mentor! The next step is the mentor "
            "course, where you learn about the role and meet other mentors. The coordinator "
            "will tell you when it is."
        ),
        Decision.REJECTED: t.gettext(
            "Thank you for wanting to be a mentor. Right now we cannot offer you a place as a "
            "mentor in the programme. If you have questions, the coordinator is happy to answer."
        ),
        Decision.COURSE_DONE: t.gettext(
            "The coordinator has noted that you have done the mentor course. You are now ready "
            "to be matched with a mentee. We will write to you when we have a match."
        ),
    }
    try:
        await bot.send_message(mentor.chat_id, texts[decision])
    except Forbidden:
        await registration.mark_unreachable(services, mentor.telegram_user_id)
    except BadRequest as error:
        log.warning("decision to participant %s not sent: %s", mentor.id, error.message)


async def note_reply(update: Update, context: Context) -> bool:
    """A coordinator's reply to a "Saved" message is the note to that decision."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = services_of(context)
    coordinator = reply.coordinator
    record = await review.add_note(
        services, coordinator.telegram_user_id, reply.replied_to, reply.text
    )
    if record is None:
        return False
    screening = await review.view_of(services, record.run_id)
    if screening is not None:
        await refresh_reviews(context.bot, services, screening)
    await send(update, tr(coordinator).gettext("Note saved."))
    return True


@coordinator_only
async def pending_command(update: Update, context: Context, participant: Participant) -> None:
    """/pending: screenings waiting for a decision, and approved mentors before the course."""
    services = services_of(context)
    t = tr(participant)
    waiting = await review.waiting(services)
    inside = await scopes.people_in(
        services,
        await sender_scope(context, participant),
        (item.screening.participant_id for item in waiting),
    )
    waiting = [item for item in waiting if item.screening.participant_id in inside]
    if not waiting:
        await send(update, t.gettext("No screenings are waiting for you."))
        return
    entries = []
    for item in waiting:
        field = view.field_label(t, item.field)
        line = (
            f"{escape(t.isolate(item.name or '?'))} – {escape(field)} – "
            f"{t.date(item.screening.submitted_at.date(), 'medium')} – "
            f"{status_label(t, item.screening)}"
        )
        entries.append((line, f"rvo1:{item.screening.run_id}"))
    await send_numbered_list(update, t, t.gettext("Screenings waiting"), entries)


async def on_open(update: Update, context: Context) -> None:
    """A coordinator opens one screening from /pending."""
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    if not services.is_coordinator(participant.telegram_user_id):
        await query.answer(
            t.gettext("Only the programme's coordinators can do this."), show_alert=True
        )
        return
    screening = await review.view_of(services, int(context.match.group(1)))
    if screening is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    if not await person_in_scope(update, context, participant, screening.mentor.id):
        return
    await query.answer()
    await send_review(context.bot, services, screening, participant.chat_id, new=False)


def mentor_status_text(t: Translator, screening: Screening) -> str:
    """What a mentor who already sent the screening hears when they come back."""
    if screening.status in (ScreeningStatus.PENDING, ScreeningStatus.INTERVIEW):
        return t.gettext("Your answers are with the coordinator, who will get back to you.")
    if screening.status is ScreeningStatus.REJECTED:
        return t.gettext(
            "The coordinator has answered your application. If you have questions, please "
            "contact the coordinator."
        )
    if screening.course_done_at is None:
        return t.gettext(
            "You are approved as a mentor. The next step is the mentor course; the coordinator "
            "will tell you when it is."
        )
    return t.gettext(
        "You are ready to be matched with a mentee. We will write to you when we have a match."
    )


HANDLERS = [
    CommandHandler("pending", pending_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_decision, pattern=DECISION_PATTERN),
    CallbackQueryHandler(on_open, pattern=OPEN_PATTERN),
]
