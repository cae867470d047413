"""The buttons of a pair's meetings: plan the next one, a planning step (day, time, in person
or online, no place), move or cancel one, and the day-after answer and reason. Shared by the
planning flow (bot/handlers/meetings.py), the messages (bot/handlers/meeting_messages.py) and the
day-after answers (bot/handlers/meeting_answers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handlers.callback_data import CallbackData
from bot.handlers.keyboards import one_per_row
from bot.i18n import Translator
from bot.model.meetings import (
    Meeting,
    Mode,
    NotHeld,
    Notice,
)


@dataclass(frozen=True)
class PlanMeeting(CallbackData, prefix="mg1"):
    """Plan the next meeting of a pair: mg1:<pair>."""

    pair_id: int


@dataclass(frozen=True)
class MeetingDays(CallbackData, prefix="mw1"):
    """The first week of days, or the two weeks after it: mw1:<draft>:<0|1>."""

    draft_id: int
    later: Literal[0, 1]


@dataclass(frozen=True)
class MeetingDay(CallbackData, prefix="md1"):
    """A day: md1:<draft>:<yyyymmdd>."""

    draft_id: int
    day: Annotated[str, r"\d{8}"]


@dataclass(frozen=True)
class MeetingTime(CallbackData, prefix="mh1"):
    """A time of day: mh1:<draft>:<hhmm>."""

    draft_id: int
    at: Annotated[str, r"\d{4}"]


@dataclass(frozen=True)
class MeetingMode(CallbackData, prefix="mo1"):
    """In person or online: mo1:<draft>:<mode>."""

    draft_id: int
    mode: Mode


@dataclass(frozen=True)
class MeetingNoPlace(CallbackData, prefix="ms1"):
    """No place or link to add: ms1:<draft>."""

    draft_id: int


@dataclass(frozen=True)
class MeetingChange(CallbackData, prefix="mx1"):
    """Move or cancel a planned meeting as it was shown: mx1:<meeting>:<sequence>:<action>."""

    meeting_id: int
    sequence: int
    action: Literal["move", "cancel"]


@dataclass(frozen=True)
class MeetingAnswer(CallbackData, prefix="ma1"):
    """The day after: did you meet? ma1:<notice>:<yes|no>."""

    notice_id: int
    held: Literal["yes", "no"]


@dataclass(frozen=True)
class MeetingReason(CallbackData, prefix="mr1"):
    """Why the meeting did not happen: mr1:<notice>:<reason>."""

    notice_id: int
    reason: NotHeld


def plan_keyboard(t: Translator, pair_id: int) -> InlineKeyboardMarkup:
    """The button that starts planning the pair's next meeting."""
    return InlineKeyboardMarkup([[plan_button(t, pair_id)]])


def plan_button(t: Translator, pair_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t.gettext("Plan the next meeting"), callback_data=PlanMeeting(pair_id).pack()
    )


def change_keyboard(t: Translator, meeting: Meeting) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Move"),
                    callback_data=MeetingChange(meeting.id, meeting.sequence, "move").pack(),
                ),
                InlineKeyboardButton(
                    t.gettext("Cancel the meeting"),
                    callback_data=MeetingChange(meeting.id, meeting.sequence, "cancel").pack(),
                ),
            ]
        ]
    )


def answer_keyboard(t: Translator, notice: Notice) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Yes, we met"), callback_data=MeetingAnswer(notice.id, "yes").pack()
                ),
                InlineKeyboardButton(
                    t.gettext("No"), callback_data=MeetingAnswer(notice.id, "no").pack()
                ),
            ]
        ]
    )


def reason_keyboard(t: Translator, notice: Notice) -> InlineKeyboardMarkup:
    labels = {
        NotHeld.CANCELLED: t.gettext("It was cancelled"),
        NotHeld.MOVED: t.gettext("It was moved"),
        NotHeld.NO_SHOW: t.gettext("Someone did not come"),
    }
    return one_per_row(
        (label, MeetingReason(notice.id, reason).pack()) for reason, label in labels.items()
    )
