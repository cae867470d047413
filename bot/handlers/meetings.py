"""Meetings on the phone: /meeting and the buttons that plan, move and cancel the next meeting,
the confirmation with its calendar file, the reminder and the day-after question.

Planning is a few taps (a day, a time, in person or online) and an optional place or link; a
day and a time may be typed too. Each step is a row (bot/meetings.py), so a restart loses
nothing. The wave that sends the reminders and questions is bot/jobs/meeting_wave.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from html import escape
from typing import Annotated, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import matchmaking, meetings, registration
from bot.calendar import MEETING_FILE, meeting_event
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import NO_LONGER_ACTIVE, Press, Refused, on_press
from bot.handlers.texts import first_name
from bot.i18n import N_, Translator, translator
from bot.meetings import Action, Refusal
from bot.model.meetings import (
    CONFIRMATIONS,
    FIRST_DAYS,
    PLACE_MAX,
    Draft,
    Meeting,
    Mode,
    NotHeld,
    Notice,
    NoticeKind,
    Step,
    offered_days,
)
from bot.model.pairs import Pair, PairStatus, Side
from bot.model.when import WhenProblem, parse_time
from bot.outbox import Outbox
from bot.services import Services

PAUSED = N_("Your mentorship is paused, so no meeting can be planned right now.")
NOT_IN_PAIR = N_("You can plan meetings when you are in an active mentorship.")
DAYS_PER_ROW = 2
LATER_DAYS_PER_ROW = 3
TIMES_PER_ROW = 4


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


# -- starting ----------------------------------------------------------------------------------


async def meeting_command(update: Update, context: BotContext) -> None:
    """/meeting: plan the next meeting (or see the one planned, to move or cancel it)."""
    participant, services = context.participant, context.services
    t = tr(participant)
    pairs = await meetings.open_pairs(services, participant)
    active = [pair for pair in pairs if pair.status is PairStatus.ACTIVE]
    if not active:
        await send(update, not_active_text(t, paused=bool(pairs)))
        return
    if len(active) > 1:
        options = [
            (await other_name(services, pair, participant.id), PlanMeeting(pair.id).pack())
            for pair in active
        ]
        await send(update, t.gettext("Which mentorship is the meeting for?"), one_per_row(options))
        return
    await offer(update, context, active[0])


def plan_keyboard(t: Translator, pair_id: int) -> InlineKeyboardMarkup:
    """The button that starts planning the pair's next meeting."""
    return InlineKeyboardMarkup([[plan_button(t, pair_id)]])


def plan_button(t: Translator, pair_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t.gettext("Plan the next meeting"), callback_data=PlanMeeting(pair_id).pack()
    )


@on_press(PlanMeeting)
async def on_plan(press: Press[PlanMeeting]) -> None:
    """Plan a meeting of this pair: only its two sides, only while it is active."""
    pair = await matchmaking.pair_for(press.services, press.data.pair_id, press.participant.id)
    if pair is not None and pair.status is PairStatus.PAUSED:
        raise Refused(PAUSED)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        raise Refused()
    await press.answer()
    await offer(press.update, press.context, pair)


async def offer(update: Update, context: BotContext, pair: Pair) -> None:
    """The pair's next meeting if one is planned (to move or cancel), else the first step."""
    services, participant = context.services, context.participant
    t = tr(participant)
    name = await other_name(services, pair, participant.id)
    meeting = await meetings.upcoming(services, pair.id)
    if meeting is not None:
        text = "\n".join(
            [
                t.gettext("Your next meeting with {name} is planned:").format(name=shown(t, name)),
                when_text(services, t, meeting.starts_at),
                how_text(t, meeting),
            ]
        )
        await send(update, text, change_keyboard(t, meeting))
        return
    draft = await meetings.begin(services, participant, pair)
    await send(update, day_question(services, t, name), days_keyboard(services, t, draft, 0))


# -- the steps ---------------------------------------------------------------------------------


def day_question(services: Services, t: Translator, name: str) -> str:
    example = meetings.today(services)
    return t.gettext(
        "When will you meet {name}? Choose a day, or write a date such as {example}."
    ).format(name=shown(t, name), example=f"{example.day}.{example.month}")


def days_keyboard(
    services: Services, t: Translator, draft: Draft, later: int
) -> InlineKeyboardMarkup:
    """The first week of days, or the two weeks after it, and the way to the other."""
    days = offered_days(meetings.today(services))
    shown_days = days[FIRST_DAYS:] if later else days[:FIRST_DAYS]
    per_row = LATER_DAYS_PER_ROW if later else DAYS_PER_ROW
    buttons = [
        InlineKeyboardButton(t.day(day), callback_data=MeetingDay(draft.id, day_code(day)).pack())
        for day in shown_days
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    turn = (
        InlineKeyboardButton(t.gettext("‹ Earlier"), callback_data=MeetingDays(draft.id, 0).pack())
        if later
        else InlineKeyboardButton(
            t.gettext("Later ›"), callback_data=MeetingDays(draft.id, 1).pack()
        )
    )
    return InlineKeyboardMarkup([*rows, [turn]])


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def times_keyboard(services: Services, t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.time(slot), callback_data=MeetingTime(draft.id, slot.strftime("%H%M")).pack()
        )
        for slot in meetings.time_slots(services)
    ]
    return InlineKeyboardMarkup(
        [buttons[i : i + TIMES_PER_ROW] for i in range(0, len(buttons), TIMES_PER_ROW)]
    )


def time_question(t: Translator, day: date) -> str:
    return t.gettext("{day}: at what time? Choose, or write a time such as 17:30.").format(
        day=t.date(day, "full")
    )


def mode_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    return one_per_row(
        [
            (t.gettext("In person"), MeetingMode(draft.id, Mode.IN_PERSON).pack()),
            (t.gettext("Online or by phone"), MeetingMode(draft.id, Mode.ONLINE).pack()),
        ]
    )


def place_question(t: Translator, mode: Mode) -> str:
    if mode is Mode.IN_PERSON:
        return t.gettext("Where will you meet? Write the place, for example a café or a library.")
    return t.gettext("Write the link to the online meeting, if you have one.")


def skip_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    return one_per_row([(t.gettext("Skip ›"), MeetingNoPlace(draft.id).pack())])


async def current_draft(press: Press[CallbackData], draft_id: int, step: Step) -> Draft:
    """The presser's draft at this step; a button of another draft or step is stale."""
    found = await meetings.draft(press.services, draft_id, press.participant)
    if found is None or found.step is not step:
        raise Refused(remove_buttons=True)
    return found


@on_press(MeetingDays)
async def on_days(press: Press[MeetingDays]) -> None:
    """Later days, or the first week again."""
    found = await current_draft(press, press.data.draft_id, Step.DAY)
    await press.answer()
    await press.replace_buttons(days_keyboard(press.services, press.t, found, press.data.later))


@on_press(MeetingDay)
async def on_day(press: Press[MeetingDay]) -> None:
    found = await current_draft(press, press.data.draft_id, Step.DAY)
    code = press.data.day
    day = date(int(code[:4]), int(code[4:6]), int(code[6:]))
    if await take_day(press.update, press.context, found, day):
        await press.remove_buttons()


@on_press(MeetingTime)
async def on_time(press: Press[MeetingTime]) -> None:
    found = await current_draft(press, press.data.draft_id, Step.TIME)
    at = press.data.at
    if await take_time(press.update, press.context, found, time(int(at[:2]), int(at[2:]))):
        await press.remove_buttons()


@on_press(MeetingMode)
async def on_mode(press: Press[MeetingMode]) -> None:
    found = await current_draft(press, press.data.draft_id, Step.MODE)
    stepped = await meetings.choose_mode(press.services, found, press.data.mode)
    if stepped is None:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.remove_buttons()
    await press.reply(place_question(press.t, press.data.mode), skip_keyboard(press.t, stepped))


@on_press(MeetingNoPlace)
async def on_no_place(press: Press[MeetingNoPlace]) -> None:
    found = await current_draft(press, press.data.draft_id, Step.PLACE)
    await press.answer()
    await press.remove_buttons()
    await complete(press.update, press.context, found, None)


async def take_day(update: Update, context: BotContext, found: Draft, day: date) -> bool:
    """The day; False when it could not be taken (said why)."""
    t = tr(context.participant)
    stepped = await taken(update, t, await meetings.choose_day(context.services, found, day))
    if stepped is not None:
        await send(update, time_question(t, day), times_keyboard(context.services, t, stepped))
    return stepped is not None


async def take_time(update: Update, context: BotContext, found: Draft, at: time) -> bool:
    """The time of day; False when it could not be taken (said why)."""
    t = tr(context.participant)
    stepped = await taken(update, t, await meetings.choose_time(context.services, found, at))
    if stepped is not None:
        await send(update, t.gettext("How will you meet?"), mode_keyboard(t, stepped))
    return stepped is not None


async def taken(update: Update, t: Translator, stepped: Draft | WhenProblem | None) -> Draft | None:
    """The draft one step on; None, and the person told why, when the choice was not taken
    (it cannot be, or the draft had moved on)."""
    if isinstance(stepped, WhenProblem):
        await send(update, problem_text(t, stepped))
        return None
    if stepped is None:
        await send(update, t.gettext(NO_LONGER_ACTIVE))
    return stepped


async def complete(update: Update, context: BotContext, found: Draft, place: str | None) -> None:
    """The meeting planned or moved: both get the confirmation with the calendar file."""
    services, participant = context.services, context.participant
    result = await meetings.finish(services, found, participant, place)
    if isinstance(result, Refusal):
        await send(update, refusal_text(tr(participant), result))
        return
    await deliver(context.outbox, result)


# -- typed answers -----------------------------------------------------------------------------


async def answer_message(update: Update, context: BotContext) -> bool:
    """A typed date, time or place while planning a meeting; False when no planning waits."""
    services, participant = context.services, context.participant
    message = update.effective_message
    if message is None or message.text is None:
        return False
    found = await meetings.typing_draft(services, participant)
    if found is None:
        return False
    t, text = tr(participant), message.text
    if found.step is Step.DAY:
        day = meetings.typed_day(services, text)
        if isinstance(day, WhenProblem):
            await send(update, problem_text(t, day))
        else:
            await take_day(update, context, found, day)
    elif found.step is Step.TIME:
        at = parse_time(text)
        if isinstance(at, WhenProblem):
            await send(update, problem_text(t, at))
        else:
            await take_time(update, context, found, at)
    elif found.step is Step.MODE:
        await send(update, t.gettext("Please choose with the buttons."), mode_keyboard(t, found))
    elif len(text.strip()) > PLACE_MAX:
        await send(
            update,
            t.gettext("That is too long. Please write the place in at most {n} characters.").format(
                n=t.number(PLACE_MAX)
            ),
        )
    else:
        await complete(update, context, found, text)
    return True


def problem_text(t: Translator, problem: WhenProblem) -> str:
    match problem:
        case WhenProblem.NOT_A_TIME:
            return t.gettext("Please write the time as hours and minutes, for example 17:30.")
        case WhenProblem.IMPOSSIBLE_TIME:
            return t.gettext(
                "There is no such time of day. Please write a time between 00:00 and 23:59, "
                "for example 17:30."
            )
        case WhenProblem.PAST:
            return t.gettext("That is in the past. Please choose a day and time ahead.")
        case WhenProblem.TOO_FAR:
            return t.gettext("Please choose a day within the next three weeks.")
        case _:  # not a date, or a day no month has
            return t.gettext(
                "I could not read that date. Please choose a day with the buttons, or write it "
                "as day and month, for example 24.12."
            )


def not_active_text(t: Translator, *, paused: bool) -> str:
    return t.gettext(PAUSED if paused else NOT_IN_PAIR)


def refusal_text(t: Translator, refusal: Refusal) -> str:
    match refusal:
        case Refusal.PAUSED_OR_ENDED:
            return t.gettext(
                "Your mentorship is not active any more, so the meeting is not planned."
            )
        case Refusal.PAST:
            return t.gettext("That time has passed meanwhile. Type /meeting to plan again.")
        case Refusal.TAKEN:
            return t.gettext(
                "The meeting was planned or changed meanwhile. Type /meeting to see it."
            )


# -- moving and cancelling ---------------------------------------------------------------------


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


@on_press(MeetingChange)
async def on_change(press: Press[MeetingChange]) -> None:
    """Move or cancel the meeting, only as it was when the button was shown."""
    services, participant, data = press.services, press.participant, press.data
    found = await meetings.changeable(services, data.meeting_id, data.sequence, participant)
    if found is None:
        raise Refused(remove_buttons=True)
    meeting, pair = found
    side = pair.side_of(participant.id)
    assert side is not None  # active_pair checked it
    if data.action == "move":
        draft = await meetings.begin(services, participant, pair, meeting)
        name = await other_name(services, pair, participant.id)
        await press.answer()
        await press.reply(
            day_question(services, press.t, name), days_keyboard(services, press.t, draft, 0)
        )
        return
    cancelled = await meetings.cancel(services, meeting, participant.id, side.value)
    if cancelled is None:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.remove_buttons()
    await deliver(press.outbox, cancelled)


# -- the day after -----------------------------------------------------------------------------


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


async def asked(press: Press[MeetingAnswer] | Press[MeetingReason]) -> tuple[Notice, Meeting]:
    """The day-after question the button belongs to, if it is the presser's and still open."""
    found = await meetings.askable(press.services, press.data.notice_id, press.participant)
    if found is None:
        raise Refused(remove_buttons=True)
    return found


async def answered(press: Press[MeetingAnswer] | Press[MeetingReason], stored: bool) -> None:
    """The answer stored (else it had been given already): the buttons come off."""
    if not stored:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.remove_buttons()


@on_press(MeetingAnswer)
async def on_answer(press: Press[MeetingAnswer]) -> None:
    """Yes counts as a meeting; No asks why and offers to plan a new one."""
    notice, meeting = await asked(press)
    held = press.data.held == "yes"
    await answered(press, await meetings.answer(press.services, notice, meeting, held))
    if held:
        await press.reply(
            press.t.gettext("Good to hear! It is saved for the coordinator."),
            plan_keyboard(press.t, meeting.pair_id),
        )
    else:
        await press.reply(press.t.gettext("What happened?"), reason_keyboard(press.t, notice))


@on_press(MeetingReason)
async def on_reason(press: Press[MeetingReason]) -> None:
    notice, meeting = await asked(press)
    reason = press.data.reason
    await answered(press, await meetings.give_reason(press.services, notice, meeting, reason))
    await press.reply(
        press.t.gettext("Thank you. Do you want to plan a new meeting?"),
        plan_keyboard(press.t, meeting.pair_id),
    )


# -- the messages: confirmation, reminder, question --------------------------------------------


async def deliver(outbox: Outbox, meeting: Meeting) -> None:
    """A meeting's confirmations at once, after a change (the wave sends any a crash cut off)."""
    for notice in await meetings.confirmations_of(outbox.services, meeting.id):
        await send_notice(outbox, notice, PairStatus.ACTIVE.value)


async def send_notice(outbox: Outbox, notice: Notice, pair_status: str) -> None:
    """One message about a meeting to its person, in their language, recorded as being sent
    before it is sent and as sent after; or waits, or is dropped, as bot/meetings.py decides."""
    services = outbox.services
    meeting = await meetings.get(services, notice.meeting_id)
    if meeting is None:
        return
    action = meetings.action(services, notice, meeting, pair_status)
    if action is Action.WAIT:
        return
    person = await registration.participant(services, notice.participant_id)
    pair = await matchmaking.get(services, meeting.pair_id)
    if action is Action.DROP or person is None or pair is None:
        await meetings.drop(services, notice)
        return
    if not await meetings.begin_notice(services, notice):
        return
    t = translator(person.language)
    name = await other_name(services, pair, person.id)
    text = notice_text(services, t, notice, meeting, name)
    markup = notice_keyboard(t, notice, meeting)
    if notice.kind in CONFIRMATIONS:
        event = meeting_event(
            meeting,
            summary=t.gettext("Mentoring meeting with {name}").format(name=name),
            location=meeting.place
            or (t.gettext("Online") if meeting.mode is Mode.ONLINE else None),
        )
        sent = await outbox.send_event(person.chat_id, event, MEETING_FILE, text, markup)
    else:
        sent = await outbox.send(person.chat_id, text, markup)
    if sent.final:
        await meetings.notice_sent(services, notice, meeting)
    else:
        await meetings.release(services, notice)


def notice_text(
    services: Services, t: Translator, notice: Notice, meeting: Meeting, name: str
) -> str:
    named = shown(t, name)
    when = when_text(services, t, meeting.starts_at)
    how = how_text(t, meeting)
    match notice.kind:
        case NoticeKind.PLANNED:
            head = t.gettext("Your meeting with {name} is planned:")
            lines = [when, how, "", t.gettext("Open the file to put it in your calendar.")]
        case NoticeKind.MOVED:
            head = t.gettext("Your meeting with {name} has moved to a new time:")
            lines = [when, how, "", t.gettext("Open the file to change it in your calendar.")]
        case NoticeKind.CANCELLED:
            head = t.gettext("Your meeting with {name} is cancelled:")
            lines = [when, "", t.gettext("Open the file to take it out of your calendar.")]
        case NoticeKind.REMINDER:
            head = t.gettext("A reminder: you are meeting {name}.")
            lines = [when, how]
        case NoticeKind.ASK:
            head = t.gettext("Did you meet {name} as planned?")
            lines = [when]
    return "\n".join([head.format(name=named), *lines])


def notice_keyboard(t: Translator, notice: Notice, meeting: Meeting) -> InlineKeyboardMarkup | None:
    if notice.kind is NoticeKind.ASK:
        return answer_keyboard(t, notice)
    if notice.kind is NoticeKind.CANCELLED:
        return None
    return change_keyboard(t, meeting)


def when_text(services: Services, t: Translator, moment: datetime) -> str:
    """ "Saturday, 28 November 2026 at 17:30" in the programme's time zone."""
    local = meetings.local(services, moment)
    return t.gettext("{day} at {time}").format(
        day=t.date(local.date(), "full"), time=t.time(local.time())
    )


def planned_meeting_line(services: Services, t: Translator, starts_at: datetime) -> str:
    """A pair's next meeting, for the coordinators' /pairs and /journal."""
    return t.gettext("Next meeting: {when}").format(when=when_text(services, t, starts_at))


def how_text(t: Translator, meeting: Meeting) -> str:
    place = escape(t.isolate(meeting.place)) if meeting.place else None
    if meeting.mode is Mode.IN_PERSON:
        if place:
            return t.gettext("In person: {place}").format(place=place)
        return t.gettext("In person")
    if place:
        return t.gettext("Online: {place}").format(place=place)
    return t.gettext("Online or by phone")


def shown(t: Translator, name: str) -> str:
    return escape(t.isolate(name))


async def other_name(services: Services, pair: Pair, participant_id: int) -> str:
    """The first name of the other side of the pair, as they gave it."""
    other_side = Side.MENTEE if pair.side_of(participant_id) is Side.MENTOR else Side.MENTOR
    answers = await matchmaking.profile_answers(services, pair.other(participant_id), other_side)
    return first_name(answers)


HANDLERS = [
    CommandHandler("meeting", meeting_command, filters=filters.ChatType.PRIVATE),
    on_plan,
    on_days,
    on_day,
    on_time,
    on_mode,
    on_no_place,
    on_change,
    on_answer,
    on_reason,
]
