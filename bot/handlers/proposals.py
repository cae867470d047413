"""A match proposal as mentor and mentee see it: each is asked with a short profile of the
other; both yes makes a pair (contacts and ideas for the first meeting), a no gives a reason."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import matchmaking, notices, registration, scopes
from bot.handlers import questions as view
from bot.handlers.agreement import met_keyboard
from bot.handlers.callback_data import CallbackData
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.texts import first_name, full_name
from bot.i18n import Translator, translator
from bot.model.mentees import INTAKE
from bot.model.pairs import DeclineReason, Pair, PairStatus, Side
from bot.model.questionnaire import Answer, load
from bot.model.screening import QUESTIONNAIRE as SCREENING
from bot.outbox import Outbox

# What each side is shown of the other in a proposal; the share_contact question of each
# questionnaire names exactly these, so keep the two in step.
MENTOR_SHOWN = ("job_title", "field", "languages", "municipality")
MENTEE_SHOWN = ("field", "danish", "languages", "municipality", "goal")


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


HANDLERS = [on_answer, on_decline]
