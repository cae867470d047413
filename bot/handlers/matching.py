"""The coordinator's match flow, and the proposal as mentor and mentee answer it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import matchmaking, notices, registration, scopes
from bot.handlers import questions as view
from bot.handlers.agreement import met_keyboard
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, send_numbered_list, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.texts import first_name, full_name
from bot.i18n import N_, Translator, translator
from bot.model.matching import MatchReason, MatchReasonKind, Suggestion
from bot.model.mentees import INTAKE
from bot.model.pairs import DeclineReason, Pair, PairStatus, Side
from bot.model.participants import Participant
from bot.model.questionnaire import Answer, load
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.outbox import Outbox

log = logging.getLogger(__name__)
# What each side is shown of the other in a proposal; the share_contact question of each
# questionnaire names exactly these, so keep the two in step.
MENTOR_SHOWN = ("job_title", "field", "languages", "municipality")
MENTEE_SHOWN = ("field", "danish", "languages", "municipality", "goal")
Capacity = Literal[0, 1, 2, 3, 4, 5]


@dataclass(frozen=True)
class WaitingMentee(CallbackData, prefix="mt1"):
    """A mentee from /match: show the best mentors."""

    mentee_id: int


@dataclass(frozen=True)
class Proposal(CallbackData, prefix="mp1"):
    """Propose this mentor to this mentee."""

    mentee_id: int
    mentor_id: int


@dataclass(frozen=True)
class MentorCapacity(CallbackData, prefix="mc1"):
    """A mentor from /mentors; then how many mentees they can have."""

    mentor_id: int
    capacity: Capacity | None = None


@dataclass(frozen=True)
class ProposalAnswer(CallbackData, prefix="pa1"):
    """Yes or No under a proposal."""

    pair_id: int
    verdict: Literal["y", "n"]


@dataclass(frozen=True)
class Decline(CallbackData, prefix="pd1"):
    """The reason for a No to a proposal."""

    pair_id: int
    reason: DeclineReason


# -- the coordinator ---------------------------------------------------------------------------


@coordinator_only
async def match_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/match: the mentees waiting for a mentor, oldest first."""
    t = tr(participant)
    services = context.services
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
        entries.append((line, WaitingMentee(mentee.participant_id).pack()))
    await send_numbered_list(update, t, t.gettext("Mentees waiting for a mentor"), entries)


@on_press(WaitingMentee, coordinator=True, people=lambda data: [data.mentee_id])
async def on_mentee(press: Press[WaitingMentee]) -> None:
    """A mentee chosen from /match: the best mentors, with scores and reasons."""
    services, t, mentee_id = press.services, press.t, press.data.mentee_id
    scope = await scopes.scope_of(services, press.participant.telegram_user_id)
    found = await matchmaking.suggestions(services, mentee_id, scope)
    if found is None:
        raise Refused(N_("This mentee is no longer waiting."))
    await press.answer()
    mentee_answers = await matchmaking.profile_answers(services, mentee_id, Side.MENTEE)
    if not found:
        await press.reply(t.gettext("No ready mentor has room right now."))
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
                    callback_data=Proposal(mentee_id, suggestion.mentor_id).pack(),
                )
            ]
        )
    await press.reply("\n".join(lines), InlineKeyboardMarkup(buttons))


def suggestion_line(
    t: Translator, number: int, answers: dict[str, Answer], suggestion: Suggestion
) -> str:
    name = escape(t.isolate(full_name(answers)))
    score = t.gettext("score {score}").format(score=t.number(suggestion.score))
    reasons = "; ".join(escape(reason_text(t, reason)) for reason in suggestion.reasons)
    return f"{t.number(number)}. {name} – {score}\n    {reasons}"


def reason_text(t: Translator, reason: MatchReason) -> str:
    """Why a mentor is suggested, in words: "same field: Health care"."""
    value = reason.value
    if reason.kind in (MatchReasonKind.SAME_FIELD, MatchReasonKind.RELATED_FIELD):
        field = view.field_label(t, value)
        if reason.kind is MatchReasonKind.SAME_FIELD:
            return t.gettext("same field: {field}").format(field=field)
        return t.gettext("related field: {field}").format(field=field)
    if reason.kind is MatchReasonKind.COMMON_LANGUAGE:
        return t.gettext("both speak {language}").format(
            language=option_label(t, "languages", value)
        )
    if reason.kind is MatchReasonKind.SAME_MUNICIPALITY:
        return t.gettext("both in {place}").format(place=t.isolate(value))
    if reason.kind is MatchReasonKind.SAME_REGION:
        return t.gettext("same region: {region}").format(region=option_label(t, "region", value))
    if reason.kind is MatchReasonKind.SAME_FREQUENCY:
        return t.gettext("same meeting frequency: {frequency}").format(
            frequency=option_label(t, "frequency", value)
        )
    return t.gettext("can meet: {mode}").format(mode=option_label(t, "mode", value))


def option_label(t: Translator, question_id: str, option_id: str) -> str:
    option = load(SCREENING).question(question_id).option(option_id)
    return t.gettext(option.label) if option else option_id


@on_press(Proposal, coordinator=True, people=lambda data: [data.mentee_id, data.mentor_id])
async def on_propose(press: Press[Proposal]) -> None:
    """Propose one suggested mentor: both are asked in their own language."""
    coordinator, t = press.participant, press.t
    pair = await matchmaking.propose(
        press.services,
        coordinator.telegram_user_id,
        coordinator.id,
        press.data.mentee_id,
        press.data.mentor_id,
    )
    if pair is None:
        raise Refused(N_("This proposal is no longer possible: the mentee or the mentor is taken."))
    await press.answer(t.gettext("Proposal sent."))
    await press.remove_buttons()
    for side in Side:
        await send_proposal(press.outbox, pair, side)
    await press.reply(t.gettext("The proposal is sent to both. I will tell you their answers."))


@coordinator_only
async def mentors_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/mentors: ready mentors, how many mentees they have and take; the capacity can be set."""
    t = tr(participant)
    services = context.services
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
        entries.append((line, MentorCapacity(profile.participant_id).pack()))
    await send_numbered_list(update, t, t.gettext("Mentors ready for matching"), entries)


@on_press(MentorCapacity, coordinator=True, people=lambda data: [data.mentor_id])
async def on_capacity(press: Press[MentorCapacity]) -> None:
    """A mentor from /mentors: choose how many mentees they take (0: none for now)."""
    services, t, mentor_id = press.services, press.t, press.data.mentor_id
    answers = await matchmaking.profile_answers(services, mentor_id, Side.MENTOR)
    name = escape(t.isolate(full_name(answers)))
    if press.data.capacity is None:
        await press.answer()
        await press.reply(
            t.gettext("How many mentees can {name} have at the same time?").format(name=name),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t.number(n), callback_data=MentorCapacity(mentor_id, n).pack()
                        )
                        for n in range(6)
                    ]
                ]
            ),
        )
        return
    profile = await matchmaking.set_capacity(
        services, mentor_id, press.data.capacity, press.participant.id
    )
    if profile is None:
        raise Refused()
    await press.answer(t.gettext("Saved."))
    await press.remove_buttons()
    await press.reply(
        t.gettext("Saved: {name} can have {capacity} mentees at the same time.").format(
            name=name, capacity=t.number(profile.capacity)
        ),
    )


# -- mentor and mentee -------------------------------------------------------------------------


async def send_proposal(outbox: Outbox, pair: Pair, side: Side, *, reminder: bool = False) -> None:
    """Ask one side, in their language, with a short profile of the other."""
    services = outbox.services
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
                InlineKeyboardButton(
                    t.gettext("Yes"), callback_data=ProposalAnswer(pair.id, "y").pack()
                ),
                InlineKeyboardButton(
                    t.gettext("No"), callback_data=ProposalAnswer(pair.id, "n").pack()
                ),
            ]
        ]
    )
    await outbox.send(person.chat_id, text, keyboard)


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


@on_press(ProposalAnswer)
async def on_answer(press: Press[ProposalAnswer]) -> None:
    """Yes or No under a proposal; No asks for the reason first."""
    participant = press.participant
    pair = await matchmaking.pair_for(press.services, press.data.pair_id, participant.id)
    side = pair.side_of(participant.id) if pair else None
    if (
        pair is None
        or side is None
        or pair.status is not PairStatus.PROPOSED
        or pair.answer_of(side)
    ):
        raise Refused(remove_buttons=True)
    if press.data.verdict == "n":
        await press.answer()
        await press.replace_buttons(decline_keyboard(press.t, pair))
        return
    await settle_answer(press, accepted=True, reason=None)


def decline_keyboard(t: Translator, pair: Pair) -> InlineKeyboardMarkup:
    labels = {
        DeclineReason.FIELD: t.gettext("Not the right field"),
        DeclineReason.DISTANCE: t.gettext("Too far away"),
        DeclineReason.TIME: t.gettext("No time right now"),
        DeclineReason.OTHER: t.gettext("Another reason"),
    }
    return one_per_row((label, Decline(pair.id, reason).pack()) for reason, label in labels.items())


@on_press(Decline)
async def on_decline(press: Press[Decline]) -> None:
    """The reason for a No; the proposal is declined with it."""
    await settle_answer(press, accepted=False, reason=press.data.reason.value)


async def settle_answer(
    press: Press[ProposalAnswer] | Press[Decline], *, accepted: bool, reason: str | None
) -> None:
    participant = press.participant
    pair = await matchmaking.answer(
        press.services, press.data.pair_id, participant.id, accepted, reason
    )
    if pair is None:
        raise Refused(remove_buttons=True)
    await press.answer()
    await press.remove_buttons()
    if pair.status is PairStatus.ACTIVE:
        await announce_pair(press.outbox, pair)
    elif pair.status is PairStatus.DECLINED:
        await announce_decline(press.outbox, pair, participant.id)
    else:
        await press.reply(press.t.gettext("Thank you! I am waiting for the other person's answer."))


async def announce_pair(outbox: Outbox, pair: Pair) -> None:
    """Both said yes: each gets the other's contact (if shared) and ideas for a first meeting.
    Marked once sent; the notices scan sends it again if a crash came in between."""
    services = outbox.services
    mentor = await matchmaking.profile_answers(services, pair.mentor_id, Side.MENTOR)
    mentee = await matchmaking.profile_answers(services, pair.mentee_id, Side.MENTEE)
    sent = []
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
        sent.append(await outbox.send(person.chat_id, text, met_keyboard(t, pair)))
    told = await outbox.to_coordinators(
        await scopes.coordinators_of_pair(services, pair.id),
        lambda t: (
            t.gettext("New pair: {mentor} (mentor) and {mentee} (mentee).").format(
                mentor=escape(t.isolate(full_name(mentor))),
                mentee=escape(t.isolate(full_name(mentee))),
            )
            + _introduce_note(t, mentor, mentee)
        ),
    )
    if all(each.final for each in [*sent, *told.values()]):
        await notices.pair_announced(services, pair)


def _introduce_note(t: Translator, mentor: dict[str, Answer], mentee: dict[str, Answer]) -> str:
    if mentor.get("share_contact") == "yes" and mentee.get("share_contact") == "yes":
        return ""
    return "\n" + t.gettext(
        "Not both agreed to share their contact details: please put them in touch."
    )


async def announce_decline(outbox: Outbox, pair: Pair, decliner_id: int) -> None:
    """A No: the other side hears it gently, the coordinators hear who and why."""
    services = outbox.services
    other = await registration.participant(services, pair.other(decliner_id))
    if other is not None:
        t = translator(other.language)
        await outbox.send(
            other.chat_id,
            t.gettext(
                "This time the match did not work out. The coordinator will look further. "
                "Thank you for your patience."
            ),
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

    await outbox.to_coordinators(await scopes.coordinators_of_pair(services, pair.id), text)


def decline_reason_label(t: Translator, reason: str | None) -> str:
    labels = {
        DeclineReason.FIELD.value: t.gettext("not the right field"),
        DeclineReason.DISTANCE.value: t.gettext("too far away"),
        DeclineReason.TIME.value: t.gettext("no time right now"),
    }
    return labels.get(reason or "", t.gettext("another reason"))


HANDLERS = [
    CommandHandler("match", match_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("mentors", mentors_command, filters=filters.ChatType.PRIVATE),
    on_capacity,
    on_mentee,
    on_propose,
    on_answer,
    on_decline,
]
