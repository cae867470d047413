"""A mentor's answer to the course invitation: a seat, or a place on the waiting list when the
seats are gone; giving it up again; or that no date fits. The invitation itself and the news it
leads to are bot/handlers/course_messages.py."""

from __future__ import annotations

from html import escape

from bot import courses
from bot.handlers.course_messages import (
    CourseCancel,
    CourseNoFit,
    CourseSignUp,
    cancel_keyboard,
    invitation_keyboard,
    tell_moved_up,
    tell_no_fit,
    when_text,
)
from bot.handlers.press import Press, Refused, on_press
from bot.i18n import Translator
from bot.model.course import SeatStatus, Session, SignUp
from bot.services import Services


def seat_text(t: Translator, services: Services, session: Session, sign_up: SignUp) -> str:
    place = escape(t.isolate(session.place or ""))
    when = when_text(t, services, session)
    if sign_up.seat.status is SeatStatus.WAITING:
        return t.gettext(
            "The mentor course on {when} is full. You are number {position} on the waiting "
            "list; I will tell you if a seat becomes free."
        ).format(when=when, position=t.number(sign_up.position))
    return t.gettext(
        "You have a seat at the mentor course on {when}. Place: {place}. You will get a "
        "reminder the day before."
    ).format(when=when, place=place)


@on_press(CourseSignUp)
async def on_sign_up(press: Press[CourseSignUp]) -> None:
    """A seat, or a place on the waiting list when the seats are gone."""
    services, t = press.services, press.t
    session = await courses.session(services, press.data.session_id)
    if session is None or not session.open_at(services.clock()):
        raise Refused(remove_buttons=True)
    sign_up = await courses.sign_up(services, session.id, press.participant)
    if sign_up is None:
        raise Refused(remove_buttons=True)
    await press.answer()
    session = await courses.session(services, session.id) or session
    await press.replace_message(
        seat_text(t, services, session, sign_up),
        cancel_keyboard(t, session, waiting=sign_up.seat.status is SeatStatus.WAITING),
    )
    if sign_up.moved_up is not None:  # they gave up a seat elsewhere
        await tell_moved_up(press.outbox, sign_up.moved_up)


@on_press(CourseCancel)
async def on_cancel(press: Press[CourseCancel]) -> None:
    """Give up the seat: the first on the waiting list moves up; other dates are offered."""
    services, t = press.services, press.t
    cancelled, moved_up = await courses.cancel(services, press.data.session_id, press.participant)
    if not cancelled:
        raise Refused(remove_buttons=True)
    await press.answer()
    sessions = await courses.open_sessions(services)
    text = t.gettext("Your place is cancelled.")
    if sessions:
        text += "\n" + t.gettext("Would another date suit you?")
    await press.replace_message(
        text, invitation_keyboard(t, services, sessions) if sessions else None
    )
    if moved_up is not None:
        await tell_moved_up(press.outbox, moved_up)


@on_press(CourseNoFit)
async def on_no_fit(press: Press[CourseNoFit]) -> None:
    """None of the dates fit: stored, then the mentor's coordinators hear it."""
    services, t, mentor = press.services, press.t, press.participant
    if not await courses.awaiting_course(services, mentor):
        raise Refused(remove_buttons=True)
    no_fit_id = await courses.none_fit(services, mentor)
    await press.answer()
    await press.replace_message(
        t.gettext(
            "Thank you for telling us. The coordinator will look for another date, and you "
            "will get an invitation when there is one."
        )
    )
    await tell_no_fit(press.outbox, no_fit_id, mentor.id)


HANDLERS = [on_sign_up, on_cancel, on_no_fit]
