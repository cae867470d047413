"""The coordinator's match flow: /match, the best mentors for a mentee, proposing one, and
/mentors with how many mentees each can have. The proposal itself: bot/handlers/proposals.py."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import matchmaking, scopes
from bot.handlers import questions as view
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, send_numbered_list, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, sender_scope
from bot.handlers.municipalities import offer_fix
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.proposals import send_proposal
from bot.handlers.texts import full_name
from bot.i18n import N_, Translator
from bot.model.matching import MatchReason, MatchReasonKind, Suggestion
from bot.model.pairs import Side
from bot.model.participants import Participant
from bot.model.questionnaire import Answer, load
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.report_words import region_label

Capacity = Literal[0, 1, 2, 3, 4, 5]


@dataclass(frozen=True)
class ChooseMentee(CallbackData, prefix="mt1"):
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
        typed = mentee.answers.get("municipality")
        if isinstance(typed, str):  # an old answer the list could not place
            line += " – " + escape(view.municipality_name(t, typed))
        entries.append((line, ChooseMentee(mentee.participant_id).pack()))
    await send_numbered_list(update, t, t.gettext("Mentees waiting for a mentor"), entries)


@on_press(ChooseMentee, coordinator=True, people=lambda data: [data.mentee_id])
async def on_mentee(press: Press[ChooseMentee]) -> None:
    """A mentee chosen from /match: the best mentors, with scores and reasons."""
    services, t, mentee_id = press.services, press.t, press.data.mentee_id
    scope = await scopes.scope_of(services, press.participant.telegram_user_id)
    found = await matchmaking.suggestions(services, mentee_id, scope)
    if found is None:
        raise Refused(N_("This mentee is no longer waiting."))
    await press.answer()
    mentee_answers = await matchmaking.profile_answers(services, mentee_id, Side.MENTEE)
    await offer_fix(press, mentee_id, full_name(mentee_answers))
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
        return t.gettext("both in {place}").format(
            place=t.isolate(view.municipality_name(t, value))
        )
    if reason.kind is MatchReasonKind.SAME_REGION:
        return t.gettext("same region: {region}").format(region=region_label(t, value))
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


HANDLERS = [
    CommandHandler("match", match_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("mentors", mentors_command, filters=filters.ChatType.PRIVATE),
    on_capacity,
    on_mentee,
    on_propose,
]
