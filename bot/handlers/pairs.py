"""The coordinator's view of the pairs: /pairs, a pair's card, pause, resume, check-ins, end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Literal

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import checkins, matchmaking, meetings, scopes
from bot.handlers.agreement import tell_both
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import coordinator_reply, send, send_numbered_list, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.keyboards import one_per_row
from bot.handlers.meeting_messages import deliver, planned_meeting_line, when_text
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.texts import outcome_labels, pair_names
from bot.i18n import Translator
from bot.model.checkins import cadence_days
from bot.model.pairs import JOB_OUTCOMES, Outcome, Pair, PairStatus, parse_job_details
from bot.model.participants import Participant
from bot.services import Services

JOB_PROMPT = "job"
Pause = Literal[14, 30, 61, 91]
Cadence = Literal[7, 14, 21, 30]


@dataclass(frozen=True)
class OpenPair(CallbackData, prefix="po1"):
    """A pair from /pairs: its card."""

    pair_id: int


@dataclass(frozen=True)
class PauseMenu(CallbackData, prefix="pu1"):
    pair_id: int


@dataclass(frozen=True)
class PausePair(CallbackData, prefix="pp1"):
    pair_id: int
    days: Pause


@dataclass(frozen=True)
class ResumePair(CallbackData, prefix="pr1"):
    pair_id: int


@dataclass(frozen=True)
class CheckinCadence(CallbackData, prefix="pk1"):
    """How often the pair is asked how it goes; first the menu."""

    pair_id: int
    days: Cadence | None = None


@dataclass(frozen=True)
class EndPair(CallbackData, prefix="pe1"):
    """End a pair; first the menu of outcomes."""

    pair_id: int
    outcome: Outcome | None = None


def _pair(data: OpenPair | PauseMenu | PausePair | ResumePair | CheckinCadence | EndPair) -> int:
    return data.pair_id


@coordinator_only
async def pairs_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/pairs: active and paused pairs, their age and last activity."""
    t = tr(participant)
    services = context.services
    found = await matchmaking.open_pairs(services)
    inside = await scopes.pairs_in(
        services, await sender_scope(context, participant), (pair.id for pair, _ in found)
    )
    found = [(pair, activity) for pair, activity in found if pair.id in inside]
    if not found:
        await send(update, t.gettext("There are no active pairs yet."))
        return
    now = services.clock()
    planned = await meetings.next_meetings(services, [pair.id for pair, _ in found])
    entries = []
    for pair, activity in found:
        names = await pair_names(services, pair)
        age = (now - (pair.started_at or pair.proposed_at)).days
        last = (now - activity).days if activity else age
        line = t.gettext("{names} – together {age} – last activity {last} ago").format(
            names=escape(names), age=days_text(t, age), last=days_text(t, last)
        )
        if pair.status is PairStatus.PAUSED and pair.resume_on:
            line += " – " + t.gettext("paused until {date}").format(date=t.date(pair.resume_on))
        if pair.id in planned:
            line += " – " + next_meeting_text(services, t, planned[pair.id].starts_at)
        entries.append((line, OpenPair(pair.id).pack()))
    await send_numbered_list(update, t, t.gettext("Pairs"), entries)


def next_meeting_text(services: Services, t: Translator, starts_at: datetime) -> str:
    return t.gettext("next meeting {when}").format(when=when_text(services, t, starts_at))


def days_text(t: Translator, days: int) -> str:
    return t.ngettext("{n} day", "{n} days", days).format(n=t.number(days))


@on_press(OpenPair, coordinator=True, pair=_pair)
async def on_pair(press: Press[OpenPair]) -> None:
    """A pair opened from /pairs, with what can be done to it now."""
    pair = await matchmaking.get(press.services, press.data.pair_id)
    if pair is None:
        raise Refused()
    await press.answer()
    await press.reply(await pair_card(press.services, press.t, pair), pair_keyboard(press.t, pair))


async def pair_card(services: Services, t: Translator, pair: Pair) -> str:
    names = escape(await pair_names(services, pair))
    lines = [f"<b>{names}</b>", status_text(t, pair)]
    every = pair.checkin_every_days or cadence_days(
        pair.meetings_per_month, services.config.checkin_every_days
    )
    lines.append(
        t.ngettext("Check-ins every {n} day", "Check-ins every {n} days", every).format(
            n=t.number(every)
        )
    )
    if pair.meetings_per_month and pair.agreed_until:
        lines.append(
            t.ngettext(
                "Agreement: {n} meeting a month until {date}",
                "Agreement: {n} meetings a month until {date}",
                pair.meetings_per_month,
            ).format(n=t.number(pair.meetings_per_month), date=t.date(pair.agreed_until))
        )
    meeting = await meetings.upcoming(services, pair.id)
    if meeting is not None:
        lines.append(planned_meeting_line(services, t, meeting.starts_at))
    return "\n".join(lines)


def status_text(t: Translator, pair: Pair) -> str:
    if pair.status is PairStatus.PAUSED and pair.resume_on:
        return t.gettext("Paused until {date}").format(date=t.date(pair.resume_on))
    if pair.status is PairStatus.ENDED and pair.outcome:
        return t.gettext("Ended: {outcome}").format(outcome=outcome_labels(t)[pair.outcome])
    if pair.started_at:
        return t.gettext("Active since {date}").format(date=t.date(pair.started_at.date()))
    return t.gettext("Proposed")


def pair_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup | None:
    buttons = []
    if pair.status is PairStatus.ACTIVE:
        buttons.append(
            InlineKeyboardButton(t.gettext("Pause"), callback_data=PauseMenu(pair.id).pack())
        )
    if pair.status is PairStatus.PAUSED:
        buttons.append(
            InlineKeyboardButton(t.gettext("Resume"), callback_data=ResumePair(pair.id).pack())
        )
    if pair.status in (PairStatus.ACTIVE, PairStatus.PAUSED):
        buttons.append(
            InlineKeyboardButton(
                t.gettext("Check-ins"), callback_data=CheckinCadence(pair.id).pack()
            )
        )
        buttons.append(
            InlineKeyboardButton(t.gettext("End"), callback_data=EndPair(pair.id).pack())
        )
    return InlineKeyboardMarkup([buttons]) if buttons else None


@on_press(CheckinCadence, coordinator=True, pair=_pair)
async def on_cadence(press: Press[CheckinCadence]) -> None:
    """How often a pair is asked how it goes: a coordinator's own choice for this pair."""
    t, pair_id = press.t, press.data.pair_id
    await still_open(press, pair_id)
    if press.data.days is None:
        await show_menu(
            press,
            [
                (
                    t.ngettext("Every {n} day", "Every {n} days", n).format(n=t.number(n)),
                    CheckinCadence(pair_id, n).pack(),
                )
                for n in (7, 14, 21, 30)
            ],
        )
        return
    services = press.services
    changed = await checkins.set_cadence(services, pair_id, press.data.days, press.participant)
    await after_change(press, await matchmaking.get(services, pair_id) if changed else None)


@on_press(PauseMenu, coordinator=True, pair=_pair)
async def on_pause_menu(press: Press[PauseMenu]) -> None:
    t, pair_id = press.t, press.data.pair_id
    await still_open(press, pair_id)
    labels = {
        14: t.gettext("2 weeks"),
        30: t.gettext("1 month"),
        61: t.gettext("2 months"),
        91: t.gettext("3 months"),
    }
    await show_menu(
        press,
        [(label, PausePair(pair_id, days).pack()) for days, label in labels.items()],
    )


@on_press(PausePair, coordinator=True, pair=_pair)
async def on_pause(press: Press[PausePair]) -> None:
    pair = await matchmaking.pause(
        press.services, press.data.pair_id, press.participant.id, press.data.days
    )
    await after_change(press, pair)
    if pair is not None and pair.resume_on is not None:
        resume_on = pair.resume_on
        await tell_both(
            press.outbox,
            pair,
            lambda t: t.gettext(
                "The coordinator has paused your mentorship until {date}. Until then, we will not "
                "ask how it is going."
            ).format(date=t.date(resume_on)),
        )


@on_press(ResumePair, coordinator=True, pair=_pair)
async def on_resume(press: Press[ResumePair]) -> None:
    pair = await matchmaking.resume(press.services, press.data.pair_id, press.participant.id)
    await after_change(press, pair)
    if pair is not None:
        await tell_both(press.outbox, pair, resumed_text)


def resumed_text(t: Translator) -> str:
    return t.gettext("Your mentorship goes on again. Good luck!")


@on_press(EndPair, coordinator=True, pair=_pair)
async def on_end(press: Press[EndPair]) -> None:
    """End: first the outcome; a job's details follow as a reply."""
    t, pair_id, outcome = press.t, press.data.pair_id, press.data.outcome
    await still_open(press, pair_id)
    if outcome is None:
        await show_menu(
            press, [(outcome_labels(t)[each], EndPair(pair_id, each).pack()) for each in Outcome]
        )
        return
    services = press.services
    pair = await matchmaking.end(services, pair_id, press.participant.id, outcome)
    await after_change(press, pair)
    if pair is None:
        return
    await tell_both(
        press.outbox,
        pair,
        lambda pt: pt.gettext(
            "The coordinator has ended your mentorship. Thank you for all you have given it!"
        ),
    )
    cancelled = await meetings.cancel_for_pair(services, pair_id, press.participant.id)
    if cancelled is not None:
        await deliver(press.outbox, cancelled)
    if outcome in JOB_OUTCOMES:
        prompt = await press.reply(
            t.gettext(
                "Reply to this message with the job's start date, hours a week, and whether it "
                "fits the mentee's education, like this: 1.2.2027, 37, yes"
            ),
            ForceReply(input_field_placeholder=t.gettext("1.2.2027, 37, yes")),
        )
        await matchmaking.remember_prompt(
            services, press.participant.chat_id, prompt.message_id, JOB_PROMPT, pair
        )


async def show_menu(press: Press[CallbackData], options: list[tuple[str, str]]) -> None:
    """Replace the pressed message's buttons by a menu: one (label, callback data) a row."""
    await press.answer()
    await press.replace_buttons(one_per_row(options))


async def still_open(press: Press[CallbackData], pair_id: int) -> None:
    """Refuse a coordinator's button on a pair that is no longer active or paused."""
    pair = await matchmaking.get(press.services, pair_id)
    if pair is None or pair.status not in (PairStatus.ACTIVE, PairStatus.PAUSED):
        raise Refused(remove_buttons=True)


async def after_change(press: Press[CallbackData], pair: Pair | None) -> None:
    """Show the coordinator the pair as it is now, or that the change was not possible."""
    if pair is None:
        raise Refused(remove_buttons=True)
    await press.answer(press.t.gettext("Saved."))
    await press.replace_message(
        await pair_card(press.services, press.t, pair), pair_keyboard(press.t, pair)
    )


async def job_reply(update: Update, context: BotContext) -> bool:
    """A coordinator's reply with a job's details. False if the message is no such reply."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = context.services
    text, coordinator = reply.text, reply.coordinator
    pair_id = await matchmaking.prompted_pair(
        services, coordinator.chat_id, reply.replied_to, JOB_PROMPT
    )
    if pair_id is None:
        return False
    t = tr(coordinator)
    details = parse_job_details(text)
    if details is None:
        await send(
            update,
            t.gettext(
                "I could not read that. Please reply to my question above again, like this: "
                "1.2.2027, 37, yes"
            ),
        )
        return True
    await matchmaking.record_job(services, pair_id, coordinator.id, details)
    await send(update, t.gettext("The job is saved."))
    return True


HANDLERS = [
    CommandHandler("pairs", pairs_command, filters=filters.ChatType.PRIVATE),
    on_pair,
    on_pause_menu,
    on_cadence,
    on_pause,
    on_resume,
    on_end,
]
