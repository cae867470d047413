"""The coordinator's match flow, and the proposal as mentor and mentee answer it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import matchmaking, notices, registration, scopes
from bot.handlers import questions as view
from bot.handlers.common import (
    participant_of,
    remove_buttons,
    replace_buttons,
    send,
    send_numbered_list,
    services_of,
    tr,
)
from bot.handlers.coordinator import (
    coordinator_only,
    person_in_scope,
    refuse_out_of_scope,
    sender_scope,
)
from bot.handlers.keyboards import one_per_row
from bot.i18n import Translator, translator
from bot.model.matching import Reason, ReasonKind, Suggestion
from bot.model.mentees import INTAKE
from bot.model.pairs import DeclineReason, Pair, PairStatus, Side
from bot.model.participants import Participant
from bot.model.questionnaire import Answer, load
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
# What each side is shown of the other in a proposal; the share_contact question of each
# questionnaire names exactly these, so keep the two in step.
MENTOR_SHOWN = ("job_title", "field", "languages", "municipality")
MENTEE_SHOWN = ("field", "danish", "languages", "municipality", "goal")


# -- the coordinator ---------------------------------------------------------------------------


@coordinator_only
async def match_command(update: Update, context: Context, participant: Participant) -> None:
    """/match: the mentees waiting for a mentor, oldest first."""
    t = tr(participant)
    services = services_of(context)
    waiting = await matchmaking.waiting(services)
    inside = await scopes.people_in(
        services, await sender_scope(context, participant), (m.participant_id for m in waiting)
    )
    waiting = [mentee for mentee in waiting if mentee.participant_id in inside]
    if not waiting:
        await send(update, t.gettext("No mentees are waiting for a mentor."))
        return
    now = services.clock()
    entries = []
    for mentee in waiting:
        days = (now - mentee.since).days
        waited = t.ngettext("waiting {days} day", "waiting {days} days", days).format(
            days=t.number(days)
        )
        line = (
            f"{escape(t.isolate(full_name(mentee.answers)))} – "
            f"{escape(view.field_label(t, str(mentee.answers.get('field'))))} – {waited}"
        )
        entries.append((line, f"mt1:{mentee.participant_id}"))
    await send_numbered_list(update, t, t.gettext("Mentees waiting for a mentor"), entries)


async def on_mentee(update: Update, context: Context) -> None:
    """A mentee chosen from /match: the best mentors, with scores and reasons."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    mentee_id = int(context.match.group(1))
    if not await person_in_scope(update, context, coordinator, mentee_id):
        return
    scope = await sender_scope(context, coordinator)
    found = await matchmaking.suggestions(services, mentee_id, scope)
    if found is None:
        await query.answer(t.gettext("This mentee is no longer waiting."), show_alert=True)
        return
    await query.answer()
    mentee_answers = await matchmaking.profile_answers(services, mentee_id, Side.MENTEE)
    if not found:
        await send(update, t.gettext("No ready mentor has room right now."))
        return
    heading = t.gettext("Best mentors for {name} ({field}):").format(
        name=escape(t.isolate(full_name(mentee_answers))),
        field=escape(view.field_label(t, str(mentee_answers.get("field")))),
    )
    lines = [f"<b>{heading}</b>"]
    buttons = []
    for number, suggestion in enumerate(found, start=1):
        answers = await matchmaking.profile_answers(services, suggestion.mentor_id, Side.MENTOR)
        lines.append(suggestion_line(t, number, answers, suggestion))
        buttons.append(
            [
                InlineKeyboardButton(
                    t.gettext("Propose {number}").format(number=t.number(number)),
                    callback_data=f"mp1:{mentee_id}:{suggestion.mentor_id}",
                )
            ]
        )
    await send(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons))


def suggestion_line(
    t: Translator, number: int, answers: dict[str, Answer], suggestion: Suggestion
) -> str:
    name = escape(t.isolate(full_name(answers)))
    score = t.gettext("score {score}").format(score=t.number(suggestion.score))
    reasons = "; ".join(escape(reason_text(t, reason)) for reason in suggestion.reasons)
    return f"{t.number(number)}. {name} – {score}\n    {reasons}"


def reason_text(t: Translator, reason: Reason) -> str:
    """Why a mentor is suggested, in words: "same field: Health care"."""
    value = reason.value
    if reason.kind in (ReasonKind.SAME_FIELD, ReasonKind.RELATED_FIELD):
        field = view.field_label(t, value)
        if reason.kind is ReasonKind.SAME_FIELD:
            return t.gettext("same field: {field}").format(field=field)
        return t.gettext("related field: {field}").format(field=field)
    if reason.kind is ReasonKind.COMMON_LANGUAGE:
        return t.gettext("both speak {language}").format(
            language=option_label(t, "languages", value)
        )
    if reason.kind is ReasonKind.SAME_MUNICIPALITY:
        return t.gettext("both in {place}").format(place=t.isolate(value))
    if reason.kind is ReasonKind.SAME_REGION:
        return t.gettext("same region: {region}").format(region=option_label(t, "region", value))
    if reason.kind is ReasonKind.SAME_FREQUENCY:
        return t.gettext("same meeting frequency: {frequency}").format(
            frequency=option_label(t, "frequency", value)
        )
    return t.gettext("can meet: {mode}").format(mode=option_label(t, "mode", value))


def option_label(t: Translator, question_id: str, option_id: str) -> str:
    option = load(SCREENING).question(question_id).option(option_id)
    return t.gettext(option.label) if option else option_id


async def on_propose(update: Update, context: Context) -> None:
    """Propose one suggested mentor: both are asked in their own language."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    mentee_id, mentor_id = int(context.match.group(1)), int(context.match.group(2))
    scope = await sender_scope(context, coordinator)
    if await scopes.people_in(services, scope, (mentee_id, mentor_id)) != {mentee_id, mentor_id}:
        await refuse_out_of_scope(update, coordinator)
        return
    pair = await matchmaking.propose(
        services, coordinator.telegram_user_id, coordinator.id, mentee_id, mentor_id
    )
    if pair is None:
        await query.answer(
            t.gettext("This proposal is no longer possible: the mentee or the mentor is taken."),
            show_alert=True,
        )
        return
    await query.answer(t.gettext("Proposal sent."))
    await remove_buttons(query)
    for side in Side:
        await send_proposal(context.bot, services, pair, side)
    await send(update, t.gettext("The proposal is sent to both. I will tell you their answers."))


@coordinator_only
async def mentors_command(update: Update, context: Context, participant: Participant) -> None:
    """/mentors: ready mentors, how many mentees they have and take; the capacity can be set."""
    t = tr(participant)
    services = services_of(context)
    mentors = await matchmaking.ready_mentors(services)
    inside = await scopes.people_in(
        services,
        await sender_scope(context, participant),
        (profile.participant_id for profile, _ in mentors),
    )
    mentors = [entry for entry in mentors if entry[0].participant_id in inside]
    if not mentors:
        await send(update, t.gettext("No mentors are ready for matching yet."))
        return
    entries = []
    for profile, answers in mentors:
        load_text = t.gettext("{taken} of {capacity} mentees").format(
            taken=t.number(profile.active_pairs), capacity=t.number(profile.capacity)
        )
        line = (
            f"{escape(t.isolate(full_name(answers)))} – "
            f"{escape(view.field_label(t, profile.field))} – {load_text}"
        )
        entries.append((line, f"mc1:{profile.participant_id}"))
    await send_numbered_list(update, t, t.gettext("Mentors ready for matching"), entries)


async def on_capacity(update: Update, context: Context) -> None:
    """A mentor from /mentors: choose how many mentees they take (0: none for now)."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    mentor_id, chosen = int(context.match.group(1)), context.match.group(2)
    if not await person_in_scope(update, context, coordinator, mentor_id):
        return
    answers = await matchmaking.profile_answers(services, mentor_id, Side.MENTOR)
    name = escape(t.isolate(full_name(answers)))
    if chosen is None:
        await query.answer()
        await send(
            update,
            t.gettext("How many mentees can {name} have at the same time?").format(name=name),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(t.number(n), callback_data=f"mc1:{mentor_id}:{n}")
                        for n in range(6)
                    ]
                ]
            ),
        )
        return
    profile = await matchmaking.set_capacity(services, mentor_id, int(chosen), coordinator.id)
    if profile is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await query.answer(t.gettext("Saved."))
    await remove_buttons(query)
    await send(
        update,
        t.gettext("Saved: {name} can have {capacity} mentees at the same time.").format(
            name=name, capacity=t.number(profile.capacity)
        ),
    )


async def coordinator_pressing(update: Update, context: Context) -> Participant | None:
    """The coordinator pressing a button; anyone else is told no, and None returned."""
    participant = await participant_of(update, context)
    if services_of(context).is_coordinator(participant.telegram_user_id):
        return participant
    query = update.callback_query
    assert query is not None
    await query.answer(
        tr(participant).gettext("Only the programme's coordinators can do this."), show_alert=True
    )
    return None


# -- mentor and mentee -------------------------------------------------------------------------


async def send_proposal(
    bot: Bot, services: Services, pair: Pair, side: Side, *, reminder: bool = False
) -> None:
    """Ask one side, in their language, with a short profile of the other."""
    person_id = pair.mentor_id if side is Side.MENTOR else pair.mentee_id
    person = await registration.participant(services, person_id)
    if person is None:
        return
    t = translator(person.language)
    other_side = Side.MENTEE if side is Side.MENTOR else Side.MENTOR
    other = await matchmaking.profile_answers(services, pair.other(person_id), other_side)
    if side is Side.MENTOR:
        intro = t.gettext("The coordinator proposes a mentee for you:")
        question = t.gettext("Do you want to be the mentor of {name}?")
    else:
        intro = t.gettext("The coordinator proposes a mentor for you:")
        question = t.gettext("Do you want {name} as your mentor?")
    if reminder:
        intro = t.gettext("A reminder: please answer this proposal.") + "\n\n" + intro
    text = "\n\n".join(
        [
            intro,
            profile_text(t, other, other_side),
            question.format(name=escape(t.isolate(first_name(other)))),
        ]
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.gettext("Yes"), callback_data=f"pa1:{pair.id}:y"),
                InlineKeyboardButton(t.gettext("No"), callback_data=f"pa1:{pair.id}:n"),
            ]
        ]
    )
    await deliver(bot, services, person, text, keyboard)


def profile_text(t: Translator, answers: dict[str, Answer], side: Side) -> str:
    """The few answers the other side agreed to have shown in a proposal."""
    questionnaire = load(SCREENING if side is Side.MENTOR else INTAKE)
    shown = MENTOR_SHOWN if side is Side.MENTOR else MENTEE_SHOWN
    items = [
        (questionnaire.question(question_id), answers[question_id])
        for question_id in shown
        if question_id in answers
    ]
    name = escape(t.isolate(first_name(answers)))
    return "\n".join([f"<b>{name}</b>", *view.answer_lines(t, items)])


async def on_answer(update: Update, context: Context) -> None:
    """Yes or No under a proposal; No asks for the reason first."""
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    pair_id, verdict = int(context.match.group(1)), context.match.group(2)
    pair = await matchmaking.pair_for(services, pair_id, participant.id)
    side = pair.side_of(participant.id) if pair else None
    if (
        pair is None
        or side is None
        or pair.status is not PairStatus.PROPOSED
        or pair.answer_of(side)
    ):
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    if verdict == "n":
        await query.answer()
        await replace_buttons(query, decline_keyboard(t, pair))
        return
    await settle_answer(update, context, participant, pair_id, accepted=True, reason=None)


def decline_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    labels = {
        DeclineReason.FIELD: t.gettext("Not the right field"),
        DeclineReason.DISTANCE: t.gettext("Too far away"),
        DeclineReason.TIME: t.gettext("No time right now"),
        DeclineReason.OTHER: t.gettext("Another reason"),
    }
    return one_per_row((label, f"pd1:{pair.id}:{reason.value}") for reason, label in labels.items())


async def on_decline(update: Update, context: Context) -> None:
    """The reason for a No; the proposal is declined with it."""
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    await settle_answer(
        update,
        context,
        participant,
        int(context.match.group(1)),
        accepted=False,
        reason=DeclineReason(context.match.group(2)).value,
    )


async def settle_answer(
    update: Update,
    context: Context,
    participant: Participant,
    pair_id: int,
    *,
    accepted: bool,
    reason: str | None,
) -> None:
    query = update.callback_query
    assert query is not None
    services = services_of(context)
    t = tr(participant)
    pair = await matchmaking.answer(services, pair_id, participant.id, accepted, reason)
    if pair is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    await query.answer()
    await remove_buttons(query)
    if pair.status is PairStatus.ACTIVE:
        await announce_pair(context.bot, services, pair)
    elif pair.status is PairStatus.DECLINED:
        await announce_decline(context.bot, services, pair, participant.id)
    else:
        await send(update, t.gettext("Thank you! I am waiting for the other person's answer."))


async def announce_pair(bot: Bot, services: Services, pair: Pair) -> None:
    """Both said yes: each gets the other's contact (if shared) and ideas for a first meeting.
    Marked once sent; the notices scan sends it again if a crash came in between."""
    mentor = await matchmaking.profile_answers(services, pair.mentor_id, Side.MENTOR)
    mentee = await matchmaking.profile_answers(services, pair.mentee_id, Side.MENTEE)
    for person_id, other in ((pair.mentor_id, mentee), (pair.mentee_id, mentor)):
        person = await registration.participant(services, person_id)
        if person is None:
            continue
        t = translator(person.language)
        name = escape(t.isolate(first_name(other)))
        if other.get("share_contact") == "yes" and other.get("contact"):
            contact = t.gettext("You can reach {name} here: {contact}").format(
                name=name, contact=escape(t.isolate(str(other["contact"])))
            )
        else:
            contact = t.gettext("The coordinator will put you in touch with {name}.").format(
                name=name
            )
        text = "\n\n".join(
            [
                t.gettext("Good news: you are now a pair with {name}!").format(name=name),
                contact,
                t.gettext(
                    "For the first meeting: meet within two weeks, for about an hour, at a café, "
                    "a library or online. Talk about your experience, the goal, and how often "
                    "you want to meet."
                ),
                t.gettext("After the first meeting, press the button to tell me what you agreed."),
            ]
        )
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t.gettext("We have met"), callback_data=f"ag1:{pair.id}")]]
        )
        await deliver(bot, services, person, text, keyboard)
    await tell_coordinators(
        bot,
        services,
        lambda t: (
            t.gettext("New pair: {mentor} (mentor) and {mentee} (mentee).").format(
                mentor=escape(t.isolate(full_name(mentor))),
                mentee=escape(t.isolate(full_name(mentee))),
            )
            + _introduce_note(t, mentor, mentee)
        ),
        pair_id=pair.id,
    )
    await notices.pair_announced(services, pair)


def _introduce_note(t: Translator, mentor: dict[str, Answer], mentee: dict[str, Answer]) -> str:
    if mentor.get("share_contact") == "yes" and mentee.get("share_contact") == "yes":
        return ""
    return "\n" + t.gettext(
        "Not both agreed to share their contact details: please put them in touch."
    )


async def announce_decline(bot: Bot, services: Services, pair: Pair, decliner_id: int) -> None:
    """A No: the other side hears it gently, the coordinators hear who and why."""
    other = await registration.participant(services, pair.other(decliner_id))
    if other is not None:
        t = translator(other.language)
        await deliver(
            bot,
            services,
            other,
            t.gettext(
                "This time the match did not work out. The coordinator will look further. "
                "Thank you for your patience."
            ),
            None,
        )
    mentor = await matchmaking.profile_answers(services, pair.mentor_id, Side.MENTOR)
    mentee = await matchmaking.profile_answers(services, pair.mentee_id, Side.MENTEE)
    by_mentor = decliner_id == pair.mentor_id

    def text(t: Translator) -> str:
        who = t.gettext("the mentor") if by_mentor else t.gettext("the mentee")
        reason = decline_reason_label(t, pair.decline_reason)
        return t.gettext(
            "The proposal of {mentor} for {mentee} was declined by {who}: {reason}. {mentee} "
            "is back on the /match list."
        ).format(
            mentor=escape(t.isolate(full_name(mentor))),
            mentee=escape(t.isolate(full_name(mentee))),
            who=who,
            reason=reason,
        )

    await tell_coordinators(bot, services, text, pair_id=pair.id)


def decline_reason_label(t: Translator, reason: str | None) -> str:
    labels = {
        DeclineReason.FIELD.value: t.gettext("not the right field"),
        DeclineReason.DISTANCE.value: t.gettext("too far away"),
        DeclineReason.TIME.value: t.gettext("no time right now"),
    }
    return labels.get(reason or "", t.gettext("another reason"))


# -- shared ------------------------------------------------------------------------------------


async def deliver(
    bot: Bot,
    services: Services,
    person: Participant,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    """Send to one participant; someone who blocked the bot is marked unreachable."""
    try:
        await bot.send_message(person.chat_id, text, reply_markup=keyboard)
    except Forbidden:
        await registration.mark_unreachable(services, person.telegram_user_id)
    except BadRequest as error:
        log.warning("message to participant %s not sent: %s", person.id, error.message)


async def tell_coordinators(
    bot: Bot, services: Services, render: Callable[[Translator], str], *, pair_id: int
) -> None:
    """One message to every coordinator whose scope includes the pair, in their language."""
    for coordinator_id in await scopes.coordinators_of_pair(services, pair_id):
        t = translator(await registration.language_of(services, coordinator_id))
        try:
            await bot.send_message(coordinator_id, render(t))
        except (Forbidden, BadRequest) as error:
            log.info("a coordinator could not be told: %s", error.message)


def full_name(answers: dict[str, Answer]) -> str:
    return str(answers.get("name") or "?")


def first_name(answers: dict[str, Answer]) -> str:
    return full_name(answers).split()[0]


HANDLERS = [
    CommandHandler("match", match_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("mentors", mentors_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_capacity, pattern=r"^mc1:(\d+)(?::(\d))?$"),
    CallbackQueryHandler(on_mentee, pattern=r"^mt1:(\d+)$"),
    CallbackQueryHandler(on_propose, pattern=r"^mp1:(\d+):(\d+)$"),
    CallbackQueryHandler(on_answer, pattern=r"^pa1:(\d+):(y|n)$"),
    CallbackQueryHandler(on_decline, pattern=r"^pd1:(\d+):(field|distance|time|other)$"),
]
