"""A pair's life: the agreement after the first meeting, /pairs, pause, resume, end."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import followup, matchmaking, registration, scopes
from bot.handlers.common import (
    coordinator_reply,
    participant_of,
    remove_buttons,
    replace_buttons,
    replace_message,
    send,
    send_numbered_list,
    services_of,
    tr,
)
from bot.handlers.coordinator import coordinator_only, pair_in_scope, sender_scope
from bot.handlers.keyboards import one_per_row
from bot.handlers.matching import (
    coordinator_pressing,
    deliver,
    first_name,
    full_name,
    send_proposal,
    tell_coordinators,
)
from bot.i18n import Translator, translator
from bot.model.checkins import cadence_days
from bot.model.pairs import (
    CLOSING_ASKED,
    JOB_OUTCOMES,
    Outcome,
    Pair,
    PairStatus,
    Side,
    parse_job_details,
    waiting_for,
)
from bot.model.participants import Participant
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
MEETINGS_PER_MONTH = (1, 2, 3, 4)
AGREED_MONTHS = (4, 6, 9, 12)
PAUSES = (14, 30, 61, 91)
CADENCES = (7, 14, 21, 30)
JOB_PROMPT = "job"


# -- the mentoring agreement -------------------------------------------------------------------


async def on_agreement(update: Update, context: Context) -> None:
    """ "We have met", then how often, then for how long: each side tells their account."""
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    pair_id = int(context.match.group(1))
    per_month, months = context.match.group(2), context.match.group(3)
    pair = await matchmaking.pair_for(services, pair_id, participant.id)
    offered = (per_month is None or int(per_month) in MEETINGS_PER_MONTH) and (
        months is None or int(months) in AGREED_MONTHS
    )
    if pair is None or pair.status is not PairStatus.ACTIVE or not offered:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    if per_month is None:
        await send(update, t.gettext("How often will you meet?"), frequency_keyboard(t, pair))
        await remove_buttons(query)
    elif months is None:
        await replace_message(
            query, t.gettext("For how long?"), months_keyboard(t, pair, int(per_month))
        )
    else:
        await remove_buttons(query)
        await settle_agreement(update, context, participant, pair, int(per_month), int(months))


def frequency_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.ngettext("{n} time a month", "{n} times a month", n).format(n=t.number(n)),
                    callback_data=f"ag1:{pair.id}:{n}",
                )
            ]
            for n in MEETINGS_PER_MONTH
        ]
    )


def months_keyboard(t: Translator, pair: Pair, per_month: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.ngettext("{n} month", "{n} months", n).format(n=t.number(n)),
                    callback_data=f"ag1:{pair.id}:{per_month}:{n}",
                )
            ]
            for n in AGREED_MONTHS
        ]
    )


async def settle_agreement(
    update: Update,
    context: Context,
    participant: Participant,
    pair: Pair,
    per_month: int,
    months: int,
) -> None:
    services = services_of(context)
    t = tr(participant)
    agreement = await matchmaking.state_agreement(services, pair, participant.id, per_month, months)
    other_side = Side.MENTEE if pair.side_of(participant.id) is Side.MENTOR else Side.MENTOR
    other = await matchmaking.profile_answers(services, pair.other(participant.id), other_side)
    name = escape(t.isolate(first_name(other)))
    if agreement.settled is not None:
        settled_per_month, until = agreement.settled
        for person_id in (pair.mentor_id, pair.mentee_id):
            person = await registration.participant(services, person_id)
            if person is None:
                continue
            pt = translator(person.language)
            await deliver(
                context.bot,
                services,
                person,
                pt.ngettext(
                    "Your agreement is saved: you meet {n} time a month until {date}.",
                    "Your agreement is saved: you meet {n} times a month until {date}.",
                    settled_per_month,
                ).format(n=pt.number(settled_per_month), date=pt.date(until)),
                None,
            )
    elif agreement.other_said is not None:
        await send(
            update,
            t.gettext(
                "Thank you. {name} gave a different answer. The coordinator will talk with you "
                "both."
            ).format(name=name),
        )
        names = await pair_names(services, pair)
        await tell_coordinators(
            context.bot,
            services,
            lambda ct: ct.gettext(
                "{names} gave different answers about their agreement: please talk with them."
            ).format(names=escape(names)),
            pair_id=pair.id,
        )
    else:
        await send(update, t.gettext("Thank you! I will ask {name} too.").format(name=name))


# -- the coordinator's view of the pairs -------------------------------------------------------


@coordinator_only
async def pairs_command(update: Update, context: Context, participant: Participant) -> None:
    """/pairs: active and paused pairs, their age and last activity."""
    t = tr(participant)
    services = services_of(context)
    found = await matchmaking.open_pairs(services)
    inside = await scopes.pairs_in(
        services, await sender_scope(context, participant), (pair.id for pair, _ in found)
    )
    found = [(pair, activity) for pair, activity in found if pair.id in inside]
    if not found:
        await send(update, t.gettext("There are no active pairs yet."))
        return
    now = services.clock()
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
        entries.append((line, f"po1:{pair.id}"))
    await send_numbered_list(update, t, t.gettext("Pairs"), entries)


def days_text(t: Translator, days: int) -> str:
    return t.ngettext("{n} day", "{n} days", days).format(n=t.number(days))


async def pair_names(services: Services, pair: Pair) -> str:
    mentor = await matchmaking.profile_answers(services, pair.mentor_id, Side.MENTOR)
    mentee = await matchmaking.profile_answers(services, pair.mentee_id, Side.MENTEE)
    return f"{full_name(mentor)} – {full_name(mentee)}"


async def on_pair(update: Update, context: Context) -> None:
    """A pair opened from /pairs, with what can be done to it now."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    t = tr(coordinator)
    if not await pair_in_scope(update, context, coordinator, int(context.match.group(1))):
        return
    pair = await matchmaking.get(services_of(context), int(context.match.group(1)))
    if pair is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await send(update, await pair_card(services_of(context), t, pair), pair_keyboard(t, pair))


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
    return "\n".join(lines)


def status_text(t: Translator, pair: Pair) -> str:
    if pair.status is PairStatus.PAUSED and pair.resume_on:
        return t.gettext("Paused until {date}").format(date=t.date(pair.resume_on))
    if pair.status is PairStatus.ENDED and pair.outcome:
        return t.gettext("Ended: {outcome}").format(outcome=outcome_label(t, pair.outcome))
    if pair.started_at:
        return t.gettext("Active since {date}").format(date=t.date(pair.started_at.date()))
    return t.gettext("Proposed")


def pair_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup | None:
    buttons = []
    if pair.status is PairStatus.ACTIVE:
        buttons.append(InlineKeyboardButton(t.gettext("Pause"), callback_data=f"pu1:{pair.id}"))
    if pair.status is PairStatus.PAUSED:
        buttons.append(InlineKeyboardButton(t.gettext("Resume"), callback_data=f"pr1:{pair.id}"))
    if pair.status in (PairStatus.ACTIVE, PairStatus.PAUSED):
        buttons.append(InlineKeyboardButton(t.gettext("Check-ins"), callback_data=f"pk1:{pair.id}"))
        buttons.append(InlineKeyboardButton(t.gettext("End"), callback_data=f"pe1:{pair.id}"))
    return InlineKeyboardMarkup([buttons]) if buttons else None


async def show_menu(query: CallbackQuery, options: list[tuple[str, str]]) -> None:
    """Replace the pressed message's buttons by a menu: one (label, callback data) a row."""
    await query.answer()
    await replace_buttons(query, one_per_row(options))


def outcome_label(t: Translator, outcome: Outcome) -> str:
    labels = {
        Outcome.JOB: t.gettext("Ordinary job"),
        Outcome.SUBSIDISED_JOB: t.gettext("Job with wage subsidy (løntilskud)"),
        Outcome.IGU: t.gettext("Integration basic education (IGU)"),
        Outcome.INTERNSHIP: t.gettext("Company internship (virksomhedspraktik)"),
        Outcome.EDUCATION: t.pgettext("outcome", "Education"),
        Outcome.OTHER_PROGRESS: t.gettext("Other progress"),
        Outcome.DROPPED_OUT: t.gettext("Dropped out"),
        Outcome.MOVED_AWAY: t.gettext("Moved away"),
    }
    return labels[outcome]


async def on_cadence(update: Update, context: Context) -> None:
    """How often a pair is asked how it goes: a coordinator's own choice for this pair."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    t = tr(coordinator)
    pair_id, days = int(context.match.group(1)), context.match.group(2)
    if not await open_pair_pressed(update, context, coordinator, pair_id):
        return
    if days is None:
        await show_menu(
            query,
            [
                (
                    t.ngettext("Every {n} day", "Every {n} days", n).format(n=t.number(n)),
                    f"pk1:{pair_id}:{n}",
                )
                for n in CADENCES
            ],
        )
        return
    services = services_of(context)
    changed = await followup.set_cadence(services, pair_id, int(days), coordinator)
    pair = await matchmaking.get(services, pair_id) if changed else None
    await after_change(update, context, coordinator, pair)


async def on_pause_menu(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    t = tr(coordinator)
    pair_id = int(context.match.group(1))
    if not await open_pair_pressed(update, context, coordinator, pair_id):
        return
    labels = {
        14: t.gettext("2 weeks"),
        30: t.gettext("1 month"),
        61: t.gettext("2 months"),
        91: t.gettext("3 months"),
    }
    await show_menu(query, [(labels[days], f"pp1:{pair_id}:{days}") for days in PAUSES])


async def on_pause(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    if not await pair_in_scope(update, context, coordinator, int(context.match.group(1))):
        return
    pair = await matchmaking.pause(
        services, int(context.match.group(1)), coordinator.id, int(context.match.group(2))
    )
    await after_change(update, context, coordinator, pair)
    if pair is not None and pair.resume_on is not None:
        resume_on = pair.resume_on
        await tell_both(
            context.bot,
            services,
            pair,
            lambda t: t.gettext(
                "The coordinator has paused your mentorship until {date}. Until then, we will not "
                "ask how it is going."
            ).format(date=t.date(resume_on)),
        )


async def on_resume(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    if not await pair_in_scope(update, context, coordinator, int(context.match.group(1))):
        return
    pair = await matchmaking.resume(services, int(context.match.group(1)), coordinator.id)
    await after_change(update, context, coordinator, pair)
    if pair is not None:
        await tell_both(context.bot, services, pair, resumed_text)


def resumed_text(t: Translator) -> str:
    return t.gettext("Your mentorship goes on again. Good luck!")


async def on_end(update: Update, context: Context) -> None:
    """End: first the outcome; a job's details follow as a reply."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    t = tr(coordinator)
    pair_id, chosen = int(context.match.group(1)), context.match.group(2)
    if not await open_pair_pressed(update, context, coordinator, pair_id):
        return
    if chosen is None:
        await show_menu(
            query,
            [(outcome_label(t, outcome), f"pe1:{pair_id}:{outcome.value}") for outcome in Outcome],
        )
        return
    services = services_of(context)
    outcome = Outcome(chosen)
    pair = await matchmaking.end(services, pair_id, coordinator.id, outcome)
    await after_change(update, context, coordinator, pair)
    if pair is None:
        return
    await tell_both(
        context.bot,
        services,
        pair,
        lambda pt: pt.gettext(
            "The coordinator has ended your mentorship. Thank you for all you have given it!"
        ),
    )
    if outcome in JOB_OUTCOMES:
        prompt = await send(
            update,
            t.gettext(
                "Reply to this message with the job's start date, hours a week, and whether it "
                "fits the mentee's education, like this: 1.2.2027, 37, yes"
            ),
            ForceReply(input_field_placeholder=t.gettext("1.2.2027, 37, yes")),
        )
        await matchmaking.remember_prompt(
            services, coordinator.chat_id, prompt.message_id, JOB_PROMPT, pair
        )


async def open_pair_pressed(
    update: Update, context: Context, coordinator: Participant, pair_id: int
) -> bool:
    """Whether a coordinator's button names a pair that is still active or paused; if not,
    the coordinator is told the button is no longer active."""
    if not await pair_in_scope(update, context, coordinator, pair_id):
        return False
    pair = await matchmaking.get(services_of(context), pair_id)
    if pair is not None and pair.status in (PairStatus.ACTIVE, PairStatus.PAUSED):
        return True
    await after_change(update, context, coordinator, None)
    return False


async def after_change(
    update: Update, context: Context, coordinator: Participant, pair: Pair | None
) -> None:
    """Show the coordinator the pair as it is now, or that the change was not possible."""
    query = update.callback_query
    assert query is not None
    t = tr(coordinator)
    if pair is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    await query.answer(t.gettext("Saved."))
    await replace_message(
        query, await pair_card(services_of(context), t, pair), pair_keyboard(t, pair)
    )


async def job_reply(update: Update, context: Context) -> bool:
    """A coordinator's reply with a job's details. False if the message is no such reply."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = services_of(context)
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


async def tell_both(
    bot: Bot, services: Services, pair: Pair, render: Callable[[Translator], str]
) -> None:
    """One message to mentor and mentee, each in their own language."""
    for person_id in (pair.mentor_id, pair.mentee_id):
        person = await registration.participant(services, person_id)
        if person is not None:
            await deliver(bot, services, person, render(translator(person.language)), None)


# -- scheduled: proposals and pauses -----------------------------------------------------------


async def follow_up_pairs(context: Context) -> None:
    """Remind an unanswered proposal once, let it lapse after two weeks, resume ended pauses."""
    services = services_of(context.application)
    remind, lapsing = await matchmaking.proposals_due(services)
    for pair in remind:
        for side in waiting_for(pair):
            await send_proposal(context.bot, services, pair, side, reminder=True)
        await matchmaking.mark_reminded(services, pair)
    for pair in lapsing:
        lapsed = await matchmaking.lapse(services, pair)
        if lapsed is not None:
            await announce_lapse(context.bot, services, lapsed)
    for pair in await matchmaking.closings_due(services):
        await ask_how_to_close(context.bot, services, pair)
    today = services.clock().date()
    for pair, _ in await matchmaking.open_pairs(services):
        if pair.status is PairStatus.PAUSED and pair.resume_on and pair.resume_on <= today:
            resumed = await matchmaking.resume(services, pair.id, None)
            if resumed is not None:
                await tell_both(context.bot, services, resumed, resumed_text)


async def ask_how_to_close(bot: Bot, services: Services, pair: Pair) -> None:
    """The agreed period is over: both say whether they go on or are done."""
    await matchmaking.record_closing(services, pair, None, CLOSING_ASKED)
    for person_id in (pair.mentor_id, pair.mentee_id):
        person = await registration.participant(services, person_id)
        if person is None:
            continue
        t = translator(person.language)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.gettext("We want to go on"), callback_data=f"cl1:{pair.id}:on"
                    )
                ],
                [
                    InlineKeyboardButton(
                        t.gettext("We are done"), callback_data=f"cl1:{pair.id}:done"
                    )
                ],
            ]
        )
        await deliver(
            bot,
            services,
            person,
            t.gettext(
                "The period you agreed on as a pair is over. Thank you for your time together! "
                "Do you want to go on, or are you done?"
            ),
            keyboard,
        )


async def on_closing(update: Update, context: Context) -> None:
    """Go on, or done: recorded, and the coordinators decide what happens to the pair."""
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    pair = await matchmaking.pair_for(services, int(context.match.group(1)), participant.id)
    if pair is None or pair.status is not PairStatus.ACTIVE:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    go_on = context.match.group(2) == "on"
    if not await matchmaking.answer_closing(services, pair, participant.id, go_on):
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    await query.answer()
    await remove_buttons(query)
    await send(update, t.gettext("Thank you! The coordinator will talk with you about it."))
    by_mentor = pair.side_of(participant.id) is Side.MENTOR
    names = await pair_names(services, pair)
    await tell_coordinators(
        context.bot,
        services,
        lambda ct: closing_text(ct, by_mentor=by_mentor, go_on=go_on).format(names=escape(names)),
        pair_id=pair.id,
    )


def closing_text(t: Translator, *, by_mentor: bool, go_on: bool) -> str:
    if by_mentor and go_on:
        return t.gettext("{names}: the agreed period is over. The mentor wants to go on.")
    if by_mentor:
        return t.gettext("{names}: the agreed period is over. The mentor is done.")
    if go_on:
        return t.gettext("{names}: the agreed period is over. The mentee wants to go on.")
    return t.gettext("{names}: the agreed period is over. The mentee is done.")


async def announce_lapse(bot: Bot, services: Services, pair: Pair) -> None:
    await tell_both(
        bot,
        services,
        pair,
        lambda t: t.gettext(
            "The proposal has expired, because it was not answered within two weeks. The "
            "coordinator will look further."
        ),
    )
    names = await pair_names(services, pair)
    await tell_coordinators(
        bot,
        services,
        lambda t: t.gettext(
            "A proposal lapsed after two weeks without answers: {names}. The mentee is back on "
            "the /match list."
        ).format(names=escape(names)),
        pair_id=pair.id,
    )


HANDLERS = [
    CommandHandler("pairs", pairs_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_agreement, pattern=r"^ag1:(\d+)(?::(\d))?(?::(\d{1,2}))?$"),
    CallbackQueryHandler(on_pair, pattern=r"^po1:(\d+)$"),
    CallbackQueryHandler(on_closing, pattern=r"^cl1:(\d+):(on|done)$"),
    CallbackQueryHandler(on_pause_menu, pattern=r"^pu1:(\d+)$"),
    CallbackQueryHandler(on_cadence, pattern=r"^pk1:(\d+)(?::(7|14|21|30))?$"),
    CallbackQueryHandler(on_pause, pattern=r"^pp1:(\d+):(14|30|61|91)$"),
    CallbackQueryHandler(on_resume, pattern=r"^pr1:(\d+)$"),
    CallbackQueryHandler(
        on_end, pattern=rf"^pe1:(\d+)(?::({'|'.join(outcome.value for outcome in Outcome)}))?$"
    ),
]
