"""Planning a pair's meetings: /meeting, the steps (a day, a time, in person or online, and an
optional place or link; a day and a time may be typed too), and moving or cancelling a meeting.

Each step is a row (bot/meetings.py), so a restart loses nothing. The confirmations, reminders
and day-after question are bot/handlers/meeting_messages.py, the answers to that question
bot/handlers/meeting_answers.py; the wave that sends them is bot/jobs/meeting_wave.py."""

from __future__ import annotations

from datetime import date, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import matchmaking, meetings
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.keyboards import one_per_row
from bot.handlers.meeting_buttons import (
    MeetingChange,
    MeetingDay,
    MeetingDays,
    MeetingMode,
    MeetingNoPlace,
    MeetingTime,
    PlanMeeting,
    change_keyboard,
)
from bot.handlers.meeting_messages import deliver, how_text, other_name, shown, when_text
from bot.handlers.press import NO_LONGER_ACTIVE, Press, Refused, on_press
from bot.i18n import N_, Translator
from bot.meetings import Refusal
from bot.model.meetings import (
    FIRST_DAYS,
    PLACE_MAX,
    Draft,
    Mode,
    Step,
    offered_days,
)
from bot.model.pairs import Pair, PairStatus
from bot.model.when import WhenProblem, parse_time
from bot.services import Services

PAUSED = N_("Your mentorship is paused, so no meeting can be planned right now.")
NOT_IN_PAIR = N_("You can plan meetings when you are in an active mentorship.")
DAYS_PER_ROW = 2
LATER_DAYS_PER_ROW = 3
TIMES_PER_ROW = 4


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


HANDLERS = [
    CommandHandler("meeting", meeting_command, filters=filters.ChatType.PRIVATE),
    on_plan,
    on_days,
    on_day,
    on_time,
    on_mode,
    on_no_place,
    on_change,
]
