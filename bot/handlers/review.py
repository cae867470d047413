"""Coordinators review mentor screenings: notified on Submit, decide once, add notes."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import notices, registration, review, scopes
from bot.handlers import questions as view
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import coordinator_reply, send, send_numbered_list, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.course_messages import invite_if_due, release_seats
from bot.handlers.municipalities import offer_fix
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.texts import full_name
from bot.i18n import Translator, translator
from bot.model.participants import Participant
from bot.model.questionnaire import Run
from bot.model.screening import Decision, Screening, ScreeningStatus, possible_decisions
from bot.outbox import Outbox, Sent
from bot.review import ScreeningView

MESSAGE_LIMIT = 4096


@dataclass(frozen=True)
class ScreeningDecision(CallbackData, prefix="rv1"):
    """Approve, Reject, Call for interview or Mentor course done, under a screening."""

    run_id: int
    decision: Decision


@dataclass(frozen=True)
class OpenScreening(CallbackData, prefix="rvo1"):
    """A screening from /pending."""

    run_id: int


async def screening_submitted(
    update: Update, context: BotContext, participant: Participant, run: Run
) -> None:
    """The mentor pressed Send: file the screening, tell every coordinator, thank the mentor."""
    services = context.services
    t = tr(participant)
    screening = await review.submit(services, run)
    if screening is None:
        await send(update, t.gettext("Your answers have already been sent."))
        return
    screening_view = await review.view_of(services, screening.run_id)
    assert screening_view is not None
    await send_new_screening(context.outbox, screening_view)
    await send(update, screening_thanks(t))
    await notices.thanked(services, run)


def screening_thanks(t: Translator) -> str:
    """The mentor's thanks for the sent screening (again by the notices scan, if cut off)."""
    return t.gettext(
        "Thank you! Your answers have been sent to the programme's coordinator, who will "
        "get back to you."
    )


async def send_new_screening(outbox: Outbox, screening: ScreeningView) -> None:
    """Every coordinator of the mentor gets the screening; marked once sent (see bot/notices)."""
    services = outbox.services
    coordinators = await scopes.coordinators_of_person(services, screening.mentor.id)
    sent = [await send_review(outbox, screening, chat_id, new=True) for chat_id in coordinators]
    if all(each.final for each in sent):
        await notices.screening_told(services, screening.screening.run_id)


async def send_review(outbox: Outbox, screening: ScreeningView, chat_id: int, *, new: bool) -> Sent:
    """One coordinator's copy of a screening, with the decisions still open as buttons."""
    services = outbox.services
    t = translator(await registration.language_of(services, chat_id))
    separate, text = review_parts(t, screening, new=new)
    sent = await outbox.send(chat_id, [*separate, text], decision_keyboard(t, screening))
    if sent.message_id is not None:
        await review.remember_review_message(
            services, screening.screening.run_id, chat_id, sent.message_id
        )
    return sent


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
                    decision_label(t, decision),
                    callback_data=ScreeningDecision(run_id, decision).pack(),
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


@on_press(ScreeningDecision, coordinator=True)
async def on_decision(press: Press[ScreeningDecision]) -> None:
    """Approve, Reject, Call for interview or Mentor course done, pressed by a coordinator."""
    services, t, participant = press.services, press.t, press.participant
    run_id, decision = press.data.run_id, press.data.decision
    screening = await review.view_of(services, run_id)
    if screening is not None:  # nothing to decide on: the decision itself answers
        await press.require_people_in_scope([screening.mentor.id])
    outcome = await review.decide(
        services, run_id, decision, participant.telegram_user_id, press.query.from_user.first_name
    )
    if outcome is None:
        raise Refused()
    await refresh_reviews(press.outbox, outcome.view)
    if outcome.taken is None:
        earlier = outcome.earlier
        text = t.gettext("This was already decided.")
        if earlier is not None:
            text = t.gettext("Already decided: {decision} by {name}.").format(
                decision=decided_label(t, earlier.decision), name=earlier.coordinator_name
            )
        await press.answer(text, alert=True)
        return
    await press.answer(t.gettext("Saved."))
    if (await tell_mentor(press.outbox, outcome.view.mentor, decision)).final:
        await notices.decision_told(services, outcome.taken)
    if decision is Decision.APPROVED:
        await invite_if_due(press.outbox, outcome.view.mentor)
    elif decision is Decision.COURSE_DONE:
        await release_seats(press.outbox, outcome.view.mentor)
    prompt = await press.reply(
        t.gettext("Saved: {decision}. To add a note, reply to this message with it.").format(
            decision=decided_label(t, decision)
        ),
        ForceReply(input_field_placeholder=t.gettext("Note (optional)")),
    )
    await review.remember_note_prompt(services, outcome.taken, prompt.message_id)


async def refresh_reviews(outbox: Outbox, screening: ScreeningView) -> None:
    """Show every coordinator's copy as it now stands: status, history, remaining buttons."""
    services = outbox.services
    for chat_id, message_id in await review.review_messages(services, screening.screening.run_id):
        t = translator(await registration.language_of(services, chat_id))
        await outbox.edit(
            chat_id,
            message_id,
            review_parts(t, screening, new=False)[1],
            decision_keyboard(t, screening),
        )


async def tell_mentor(outbox: Outbox, mentor: Participant, decision: Decision) -> Sent:
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
    return await outbox.send(mentor.chat_id, texts[decision])


async def note_reply(update: Update, context: BotContext) -> bool:
    """A coordinator's reply to a "Saved" message is the note to that decision."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = context.services
    coordinator = reply.coordinator
    record = await review.add_note(
        services, coordinator.telegram_user_id, reply.replied_to, reply.text
    )
    if record is None:
        return False
    screening = await review.view_of(services, record.run_id)
    if screening is not None:
        await refresh_reviews(context.outbox, screening)
    await send(update, tr(coordinator).gettext("Note saved."))
    return True


@coordinator_only
async def pending_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/pending: screenings waiting for a decision, and approved mentors before the course."""
    services = context.services
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
        if item.typed_municipality is not None:
            line += " – " + escape(view.municipality_name(t, item.typed_municipality))
        entries.append((line, OpenScreening(item.screening.run_id).pack()))
    await send_numbered_list(update, t, t.gettext("Screenings waiting"), entries)


@on_press(OpenScreening, coordinator=True)
async def on_open(press: Press[OpenScreening]) -> None:
    """A coordinator opens one screening from /pending."""
    screening = await review.view_of(press.services, press.data.run_id)
    if screening is None:
        raise Refused()
    await press.require_people_in_scope([screening.mentor.id])
    await press.answer()
    await send_review(press.outbox, screening, press.participant.chat_id, new=False)
    answers = {question.id: value for question, value in screening.answers}
    await offer_fix(press, screening.mentor.id, full_name(answers))


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
    on_decision,
    on_open,
]
