"""The mentor course for coordinators: /course lists the dates, a new date is asked detail by
detail, a date's list of who said yes, attendance, deleting a date. The mentors' side (the
invitation, a seat, the waiting list) is bot/handlers/course_seats.py, the messages to mentors
bot/handlers/course_messages.py."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Annotated, Literal

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import courses, notices, registration, scopes
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import BUTTONS_PER_ROW, coordinator_reply, send, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only
from bot.handlers.course_messages import (
    send_due_invitations,
    tell_course_done,
    tell_news_of,
    when_text,
)
from bot.handlers.press import Press, Refused, on_press
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator
from bot.model.course import DraftStep, Seat, SeatStatus, Session
from bot.model.participants import Participant
from bot.model.when import WhenProblem
from bot.services import Services

LANGUAGE = "|".join(SUPPORTED_LANGUAGES)


@dataclass(frozen=True)
class CourseAdd(CallbackData, prefix="co1"):
    """Add a date, under /course."""


@dataclass(frozen=True)
class CourseLanguage(CallbackData, prefix="co2"):
    """The language a new session is given in: its last detail, which opens it."""

    session_id: int
    language: Annotated[str, LANGUAGE]


@dataclass(frozen=True)
class CourseOpen(CallbackData, prefix="co3"):
    """A session from /course: its list of who said yes."""

    session_id: int


@dataclass(frozen=True)
class CourseDelete(CallbackData, prefix="co4"):
    """Delete a session that has not begun, from its list."""

    session_id: int


@dataclass(frozen=True)
class CourseAttendance(CallbackData, prefix="co5"):
    """Came or did not come, for one mentor on the session's list."""

    session_id: int
    participant_id: int
    attended: Literal["yes", "no"]


# -- how a session reads ---------------------------------------------------------------------


def session_line(t: Translator, services: Services, session: Session) -> str:
    """One line of /course: when, where, the language, seats taken, the waiting list."""
    assert session.seats is not None and session.language is not None
    parts = [
        when_text(t, services, session, "medium"),
        escape(t.isolate(session.place or "")),
        LANGUAGE_NAMES[session.language],
        t.gettext("{taken} of {seats} seats taken").format(
            taken=t.number(session.booked), seats=t.number(session.seats)
        ),
    ]
    if session.full:
        parts.append(t.gettext("full"))
    if session.waiting:
        parts.append(
            t.ngettext(
                "{count} on the waiting list", "{count} on the waiting list", session.waiting
            ).format(count=t.number(session.waiting))
        )
    return " – ".join(parts)


# -- coordinators: /course and a new session -------------------------------------------------


@coordinator_only
async def course_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/course: the sessions to come and of the last weeks, each to open; add a date."""
    services, t = context.services, tr(participant)
    sessions = await courses.listed(services)
    title = t.gettext("Mentor course sessions")
    lines = [f"<b>{title}</b>"]
    buttons = []
    for number, session in enumerate(sessions, start=1):
        lines.append(f"{t.number(number)}. {session_line(t, services, session)}")
        buttons.append(
            InlineKeyboardButton(t.number(number), callback_data=CourseOpen(session.id).pack())
        )
    if not sessions:
        lines.append(t.gettext("No sessions yet."))
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    rows.append([InlineKeyboardButton(t.gettext("Add a date"), callback_data=CourseAdd().pack())])
    await send(update, "\n".join(lines), InlineKeyboardMarkup(rows))


@on_press(CourseAdd, coordinator=True)
async def on_add(press: Press[CourseAdd]) -> None:
    """A new session, asked detail by detail; each answer is stored as it comes."""
    draft = await courses.new_draft(press.services, press.participant.telegram_user_id)
    await press.answer()
    await ask(press.update, press.services, press.t, draft)


async def ask(update: Update, services: Services, t: Translator, draft: Session) -> None:
    """The draft's next question: typed as a reply, or the language by buttons."""
    step = draft.draft_step
    if step is DraftStep.LANGUAGE:
        await send(
            update,
            t.gettext("In which language is the course given?"),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            LANGUAGE_NAMES[language],
                            callback_data=CourseLanguage(draft.id, language).pack(),
                        )
                    ]
                    for language in SUPPORTED_LANGUAGES
                ]
            ),
        )
        return
    questions = {
        DraftStep.WHEN: t.gettext(
            "When is the course? Reply to this message with the date and the time, for "
            "example 14.1.2027 17:00."
        ),
        DraftStep.PLACE: t.gettext(
            "Where is it? Reply with the address, or the link for an online course."
        ),
        DraftStep.SEATS: t.gettext("How many seats are there? Reply with a number."),
    }
    assert step is not None
    prompt = await send(update, questions[step], ForceReply(selective=True))
    await courses.remember_prompt(services, draft, prompt.message_id)


def problem_text(t: Translator, step: DraftStep | None, problem: WhenProblem | None) -> str:
    """Why a typed detail was not taken, and what to write instead."""
    if step is DraftStep.PLACE:
        return t.gettext("Please write the address or the link, in at most 300 characters.")
    if step is DraftStep.SEATS:
        return t.gettext("Please write the number of seats as a number from 1 to 500.")
    texts = {
        WhenProblem.PAST: t.gettext("That moment has passed. Please write a date to come."),
        WhenProblem.IMPOSSIBLE_TIME: t.gettext(
            "That time does not exist. Please write hours from 00 to 23 and minutes from 00 "
            "to 59, for example 17:30."
        ),
        WhenProblem.IMPOSSIBLE_DATE: t.gettext(
            "That date does not exist. Please check the day and the month."
        ),
        WhenProblem.NO_TIME: t.gettext("Please write the time too, for example 14.1.2027 17:00."),
        WhenProblem.UNREADABLE: t.gettext(
            "I could not read that as a date. Please write it like 14.1.2027 17:00."
        ),
    }
    return texts[problem or WhenProblem.UNREADABLE]


async def draft_reply(update: Update, context: BotContext) -> bool:
    """A coordinator's reply to a question about a new session. False for other messages."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = context.services
    coordinator = reply.coordinator
    draft = await courses.prompted_draft(services, coordinator.telegram_user_id, reply.replied_to)
    if draft is None:
        return False
    t = tr(coordinator)
    filled = await courses.fill_draft(services, draft, reply.text)
    if not isinstance(filled, Session):
        await send(update, problem_text(t, draft.draft_step, filled))
        await ask(update, services, t, draft)
        return True
    await ask(update, services, t, filled)
    return True


@on_press(CourseLanguage, coordinator=True)
async def on_language(press: Press[CourseLanguage]) -> None:
    """The language chosen: the session opens and mentors awaiting the course are invited."""
    services, t = press.services, press.t
    session = await courses.publish(services, press.data.session_id, press.data.language)
    if session is None:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.replace_message(
        t.gettext("The session is open:") + "\n" + session_line(t, services, session)
    )
    invited = await send_due_invitations(press.outbox)
    await press.reply(
        t.ngettext(
            "{count} mentor got an invitation.", "{count} mentors got an invitation.", invited
        ).format(count=t.number(invited))
    )


# -- coordinators: a session's list, attendance, deleting ------------------------------------


async def session_card(
    services: Services, t: Translator, coordinator: Participant, session: Session
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Who said yes (the mentors of the coordinator's municipalities by name), and the
    buttons: delete before the course, attendance from its start."""
    everyone = await courses.seats(services, session.id)
    scope = await scopes.scope_of(services, coordinator.telegram_user_id)
    inside = await scopes.people_in(services, scope, (seat.participant_id for seat in everyone))
    title = t.gettext("Mentor course")
    lines = [f"<b>{title}</b>", session_line(t, services, session)]
    rows = []
    begun = session.begun(services.clock())
    for number, seat in enumerate(everyone, start=1):
        if seat.participant_id not in inside:
            continue
        name = escape(t.isolate(seat.name or "?"))
        lines.append(f"{t.number(number)}. {name} – {seat_label(t, seat)}")
        if begun and seat.status is SeatStatus.BOOKED and seat.attended is not True:
            rows.append(attendance_buttons(t, session, seat))
    hidden = len(everyone) - len(inside)
    if hidden:
        lines.append(
            t.ngettext(
                "…and {count} mentor from other municipalities.",
                "…and {count} mentors from other municipalities.",
                hidden,
            ).format(count=t.number(hidden))
        )
    if not everyone:
        lines.append(t.gettext("Nobody has said yes yet."))
    if not begun:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("Delete this date"), callback_data=CourseDelete(session.id).pack()
                )
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def seat_label(t: Translator, seat: Seat) -> str:
    if seat.status is SeatStatus.WAITING:
        return t.gettext("waiting list")
    if seat.attended is True:
        return t.gettext("came")
    if seat.attended is False:
        return t.gettext("did not come")
    return t.gettext("seat")


def attendance_buttons(t: Translator, session: Session, seat: Seat) -> list[InlineKeyboardButton]:
    name = seat.name or "?"
    return [
        InlineKeyboardButton(
            t.gettext("✓ {name} came").format(name=name),
            callback_data=CourseAttendance(session.id, seat.participant_id, "yes").pack(),
        ),
        InlineKeyboardButton(
            t.gettext("✗ did not come"),
            callback_data=CourseAttendance(session.id, seat.participant_id, "no").pack(),
        ),
    ]


async def published(services: Services, session_id: int) -> Session:
    """The session of a coordinator's button; stale when deleted or never opened."""
    session = await courses.session(services, session_id)
    if session is None or session.deleted_at is not None or session.published_at is None:
        raise Refused(remove_buttons=True)
    return session


@on_press(CourseOpen, coordinator=True)
async def on_open(press: Press[CourseOpen]) -> None:
    session = await published(press.services, press.data.session_id)
    text, markup = await session_card(press.services, press.t, press.participant, session)
    await press.answer()
    await press.reply(text, markup)


@on_press(CourseDelete, coordinator=True)
async def on_delete(press: Press[CourseDelete]) -> None:
    """Delete a date not begun; whoever had said yes hears it, with the other dates."""
    services, t = press.services, press.t
    session = await published(services, press.data.session_id)
    affected = await courses.delete(services, session.id)
    if affected is None:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.replace_message(
        t.gettext("Deleted: {session}").format(session=session_line(t, services, session))
    )
    for participant_id in affected:
        await tell_news_of(press.outbox, session.id, participant_id)


@on_press(CourseAttendance, coordinator=True, people=lambda data: [data.participant_id])
async def on_attendance(press: Press[CourseAttendance]) -> None:
    """Came: the mentor's course is done with this session, and they are told; or did not."""
    services, t, data = press.services, press.t, press.data
    session = await published(services, data.session_id)
    if not session.begun(services.clock()):
        raise Refused()
    changed, decision = await courses.mark_attendance(
        services,
        session.id,
        data.participant_id,
        data.attended == "yes",
        press.participant.telegram_user_id,
        press.query.from_user.first_name,
    )
    if not changed:
        raise Refused()
    await press.answer(t.gettext("Saved."))
    text, markup = await session_card(services, t, press.participant, session)
    await press.replace_message(text, markup)
    if decision is not None:
        mentor = await registration.participant(services, data.participant_id)
        if mentor is not None and (await tell_course_done(press.outbox, mentor)).final:
            await notices.decision_told(services, decision)


HANDLERS = [
    CommandHandler("course", course_command, filters=filters.ChatType.PRIVATE),
    on_add,
    on_language,
    on_open,
    on_delete,
    on_attendance,
]
