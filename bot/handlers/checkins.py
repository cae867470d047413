"""Check-ins on the phone: a check-in's question, and its answers by button, text or voice.

The wave that sends them is bot/jobs/checkin_wave.py; a participant's own break from them is
/pause (handlers/checkin_pause.py); the coordinators read them in /journal (handlers/journal.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Annotated

from telegram import InlineKeyboardMarkup, Update

from bot import checkins, registration
from bot.handlers import question_widget as widget
from bot.handlers import questions as view
from bot.handlers.alert_cards import alert_pair
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.meeting_buttons import plan_keyboard
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.question_widget import Act
from bot.i18n import Translator, translator
from bot.model.checkins import CheckIn
from bot.model.questionnaire import Invalid, Kind, Question, load, parse_text
from bot.outbox import Delivery, Outbox

ANSWERING = widget.acts_pattern(Act.OPTION, Act.TICK, Act.DONE, Act.SKIP)
VOICE_QUESTION = "note"  # the one question a voice message may answer


@dataclass(frozen=True)
class CheckInButton(CallbackData, prefix="ci1"):
    """A check-in question's option, tick, Done or Skip: ci1:<check-in>:<question>:<action>."""

    check_in_id: int
    question_id: Annotated[str, r"[a-z_]+"]
    action: Annotated[Act, ANSWERING]
    argument: Annotated[str, r"[a-z_]+"] | None = None


# -- asking ------------------------------------------------------------------------------------


async def send_question(
    outbox: Outbox, check_in: CheckIn, *, opening: bool = False, reminder: bool = False
) -> Delivery | None:
    """The check-in's current question to its person, in their language; None when there is
    nothing to send (the person was erased, or the check-in is complete). A person who blocked
    the bot is journaled as unreachable before their pair's alert."""
    services = outbox.services
    person = await registration.participant(services, check_in.participant_id)
    if person is None or check_in.current is None:
        return None
    text, markup = question_view(
        translator(person.language), check_in, opening=opening, reminder=reminder
    )
    sent = await outbox.send(
        person.chat_id, text, markup, if_blocked=lambda: checkins.unreachable(services, check_in)
    )
    return sent.delivery


def question_view(
    t: Translator, check_in: CheckIn, *, opening: bool = False, reminder: bool = False
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The check-in's current question as a message: its text and buttons."""
    question = checkins.current_question(check_in)
    assert question is not None  # the caller's check-in is not complete
    text = escape(t.gettext(question.text))
    if opening:
        text = t.gettext(load(check_in.questionnaire).intro) + "\n\n" + text
    if reminder:
        text = t.gettext("A reminder: I would like to hear how it goes.") + "\n\n" + text
    return text, keyboard(t, check_in, question)


def keyboard(t: Translator, check_in: CheckIn, question: Question) -> InlineKeyboardMarkup | None:
    """The widget without Back or Keep; an optional multiple choice is skipped with Done."""
    shown = widget.Shown(
        selection=check_in.selection,
        skip=not question.required and not widget.ticks(question),
    )
    return widget.keyboard(
        t,
        question,
        shown,
        lambda act, argument: CheckInButton(check_in.id, question.id, act, argument),
    )


# -- answering ---------------------------------------------------------------------------------


@on_press(CheckInButton)
async def on_button(press: Press[CheckInButton]) -> None:
    """An option, a tick, Done or Skip under the check-in's current question."""
    services, data = press.services, press.data
    check_in = await checkins.answerable(services, data.check_in_id, press.participant)
    if check_in is None:
        raise await press.closed(alert=False)
    if check_in.current != data.question_id:
        raise Refused(alert=False, remove_buttons=True)
    question = checkins.current_question(check_in)
    assert question is not None  # the check-in's current question
    if data.action is Act.TICK:
        await tick(press, check_in, question)
        return
    value = widget.answer_of(question, data.action, data.argument, check_in.selection)
    result = await checkins.answer(services, check_in, value)
    if isinstance(result, Invalid):
        await press.answer(view.problem_text(press.t, result), alert=True)
        return
    await press.answer()
    if result is not None and result.current is not None:
        # The question the person answered turns into the next one, in one call to Telegram.
        await press.show(*question_view(press.t, result))
        return
    await press.remove_buttons()
    if result is not None:
        await after_answer(press.update, press.context, result)


async def tick(press: Press[CheckInButton], check_in: CheckIn, question: Question) -> None:
    if not widget.ticks(question):
        return
    ticked = await checkins.tick(press.services, check_in, press.data.argument or "")
    await press.answer()
    if ticked is not None:
        await press.replace_buttons(keyboard(press.t, ticked, question))


async def answer_message(update: Update, context: BotContext) -> bool:
    """A message while a check-in waits for a typed answer (a voice message is a note too).
    False when no check-in waits for this person."""
    participant, services = context.participant, context.services
    check_in = await checkins.awaiting_message(services, participant)
    if check_in is None:
        return False
    question = checkins.current_question(check_in)
    message = update.effective_message
    assert question is not None and message is not None  # a check-in awaiting an answer
    t = tr(participant)
    if question.kind not in (Kind.TEXT, Kind.NUMBER):
        await send(update, t.gettext("Please choose with the buttons under the question."))
        await send_question(context.outbox, check_in)
        return True
    if message.voice is not None and question.id == VOICE_QUESTION:
        result = await checkins.answer(services, check_in, None, message.voice.file_id)
    elif message.text is not None:
        result = await checkins.answer(services, check_in, parse_text(question, message.text))
    else:
        await send(update, t.gettext("Please write your answer, or send a voice message."))
        return True
    if isinstance(result, Invalid):
        await send(update, view.problem_text(t, result))
    elif result is not None:
        await after_answer(update, context, result)
    return True


async def after_answer(update: Update, context: BotContext, check_in: CheckIn) -> None:
    """The next question, or thanks; a wish to hear from the coordinator alerts them at once."""
    if check_in.current is not None:
        await send_question(context.outbox, check_in)
        return
    t = tr(context.participant)
    await send(
        update,
        t.gettext("Thank you! Your answers are saved for the coordinator."),
        plan_keyboard(t, check_in.pair_id),
    )
    if check_in.answers.get("coordinator") in ("contact", "unsure"):
        await alert_pair(context.outbox, check_in.pair_id)


HANDLERS = [on_button]
