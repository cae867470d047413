"""Questionnaires in the chat: one question at a time, buttons, Back, Skip, summary, Submit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import runs
from bot.handlers import question_widget as widget
from bot.handlers import questions as view
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.keyboards import one_per_row
from bot.handlers.press import Press, Refused, on_press
from bot.handlers.question_widget import Act
from bot.i18n import N_, Translator
from bot.model.municipalities import Found, Outcome
from bot.model.participants import Participant
from bot.model.questionnaire import (
    Answer,
    Invalid,
    Kind,
    Problem,
    Question,
    Run,
    find_municipality,
    load,
    parse_text,
)

SUMMARY = "-"  # the position of the summary, after the last question
EARLIER = N_("That button belongs to an earlier question.")


class SummaryAct(StrEnum):
    """What a button of the summary does (a question's buttons are the widget's `Act`)."""

    SEND = "send"
    EDIT = "edit"  # the list of answers to change
    SUMMARY = "sum"  # back from that list
    CHANGE = "c"


class MunicipalityAct(StrEnum):
    """A typed municipality was not what they meant: the question is asked again."""

    AGAIN = "w"


@dataclass(frozen=True)
class QuestionnaireButton(CallbackData, prefix="q1"):
    """Any button of a run: q1:<run>:<question, or - for the summary>:<action>[:<argument>]."""

    run_id: int
    position: Annotated[str, r"[a-z_]+|-"]
    action: Annotated[str, widget.acts_pattern(*Act, *SummaryAct, *MunicipalityAct)]
    argument: Annotated[str, r"[A-Za-z0-9_]+"] | None = None


# What happens when a questionnaire is sent, per questionnaire (set up in bot/app.py).
SubmitHandler = Callable[[Update, BotContext, Participant, Run], Awaitable[None]]
ON_SUBMIT: dict[str, SubmitHandler] = {}


def button_data(run: Run, action: str, argument: str | None = None) -> QuestionnaireButton:
    return QuestionnaireButton(run.id, run.current or SUMMARY, action, argument)


# -- asking ------------------------------------------------------------------------------------


async def ask(update: Update, context: BotContext, participant: Participant, run: Run) -> None:
    """Send the run's current question, or the summary when every question is answered."""
    services = context.services
    t = tr(participant)
    facts = await runs.facts_of(services, participant)
    questionnaire = load(run.questionnaire)
    question = runs.current_question(run)
    if question is None:
        text = view.summary_text(t, runs.summary(run, facts))
        keyboard: InlineKeyboardMarkup | None = summary_keyboard(t, run)
    else:
        number, total = questionnaire.progress(question.id, run.answers, facts)
        text = view.question_text(t, question, number, total, run.answers.get(question.id))
        has_previous = questionnaire.previous(question.id, run.answers, facts) is not None
        keyboard = question_keyboard(t, run, question, has_previous)
    message = await send(update, text, reply_markup=keyboard)
    await runs.remember_prompt(services, run, message.message_id)


async def begin(update: Update, context: BotContext, participant: Participant, name: str) -> None:
    """Introduce a questionnaire and ask its first question (or continue an open one)."""
    run = await runs.begin(context.services, participant, name)
    if not run.answers:
        await send(update, tr(participant).gettext(load(name).intro))
    await ask(update, context, participant, run)


def question_keyboard(
    t: Translator, run: Run, question: Question, has_previous: bool
) -> InlineKeyboardMarkup | None:
    answered = question.id in run.answers
    shown = widget.Shown(
        selection=run.selection,
        back=has_previous,
        keep=answered,
        skip=not question.required,
    )
    return widget.keyboard(t, question, shown, lambda act, arg: button_data(run, act, arg))


def summary_keyboard(t: Translator, run: Run) -> InlineKeyboardMarkup:
    return one_per_row(
        [
            (t.gettext("Send my answers"), button_data(run, SummaryAct.SEND).pack()),
            (t.gettext("Change an answer"), button_data(run, SummaryAct.EDIT).pack()),
            (t.pgettext("button", "‹ Back"), button_data(run, Act.BACK).pack()),
        ]
    )


def change_keyboard(t: Translator, run: Run, asked: list[Question]) -> InlineKeyboardMarkup:
    changes = [
        (t.gettext(q.label), button_data(run, SummaryAct.CHANGE, q.id).pack()) for q in asked
    ]
    back = (t.gettext("‹ Back to the summary"), button_data(run, SummaryAct.SUMMARY).pack())
    return one_per_row([*changes, back])


# -- typed answers -----------------------------------------------------------------------------


async def answer_message(update: Update, context: BotContext) -> bool:
    """A message while a questionnaire is open: take it as the answer, or say what is needed.
    False when the person is not in a questionnaire (another handler answers then)."""
    participant = context.participant
    run = await runs.open_run(context.services, participant)
    if run is None:
        return False
    t = tr(participant)
    question = runs.current_question(run)
    message = update.effective_message
    assert message is not None  # the message handler gives only updates with one
    if question is None:
        await send(update, t.gettext("Please use the buttons under your answers."))
        await ask(update, context, participant, run)
        return True
    if message.text is None:
        await send(update, media_problem(t, question.kind))
        await ask(update, context, participant, run)
        return True
    if question.kind is Kind.MUNICIPALITY:
        await offer_municipalities(update, context, participant, run, question, message.text)
        return True
    result = await runs.answer(
        context.services, participant, run, parse_text(question, message.text)
    )
    if isinstance(result, Invalid):
        await send(update, view.problem_text(t, result))
        if result.problem is Problem.USE_BUTTONS:
            await ask(update, context, participant, run)
        return True
    await retire_prompt(context, participant, run)
    await ask(update, context, participant, result)
    return True


async def offer_municipalities(
    update: Update,
    context: BotContext,
    participant: Participant,
    run: Run,
    question: Question,
    typed: str,
) -> None:
    """What a typed municipality may mean, offered for a tap (the tap is the answer); when
    nothing fits, the question stays open."""
    t = tr(participant)
    found = find_municipality(question, typed)
    if isinstance(found, Invalid):
        await send(update, view.problem_text(t, found))
        return
    await retire_prompt(context, participant, run)
    keyboard = municipality_keyboard(t, run, found)
    message = await send(update, view.municipality_offer(t, found), reply_markup=keyboard)
    await runs.remember_prompt(context.services, run, message.message_id)


def municipality_keyboard(t: Translator, run: Run, found: Found) -> InlineKeyboardMarkup:
    again = button_data(run, MunicipalityAct.AGAIN).pack()
    if found.outcome is Outcome.ONE:
        yes = button_data(run, Act.OPTION, str(found.municipalities[0].code)).pack()
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(t.gettext("Yes"), callback_data=yes)],
                [InlineKeyboardButton(t.gettext("No, let me write it again"), callback_data=again)],
            ]
        )
    choices = [
        InlineKeyboardButton(m.name, callback_data=button_data(run, Act.OPTION, str(m.code)).pack())
        for m in found.municipalities
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    none = t.gettext("None of these, let me write it again")
    return InlineKeyboardMarkup([*rows, [InlineKeyboardButton(none, callback_data=again)]])


def media_problem(t: Translator, kind: Kind) -> str:
    if kind in (Kind.TEXT, Kind.NUMBER, Kind.MUNICIPALITY):
        return t.gettext("I can only read text here. Please write your answer.")
    return t.gettext("Please choose with the buttons under the question.")


async def retire_prompt(context: BotContext, participant: Participant, run: Run) -> None:
    """Take the buttons off the question just answered by text, so they are not pressed later."""
    if run.prompt_message_id is not None:
        await context.outbox.remove_buttons(participant.chat_id, run.prompt_message_id)


# -- buttons -----------------------------------------------------------------------------------


@on_press(QuestionnaireButton)
async def on_button(press: Press[QuestionnaireButton]) -> None:
    """Any button of a question or of the summary."""
    run = await runs.owned_open_run(press.services, press.participant, press.data.run_id)
    if run is None:
        raise await press.closed()
    if not is_current(press, run):
        await press.answer(press.t.gettext(EARLIER))
        await press.remove_buttons()
        await ask_again(press, run)
        return
    try:
        await BUTTON_ACTIONS[press.data.action](press, run)
    except runs.StaleError:
        await press.answer(press.t.gettext(EARLIER))
        fresh = await runs.open_run(press.services, press.participant)
        if fresh is not None:
            await ask_again(press, fresh)


def is_current(press: Press[QuestionnaireButton], run: Run) -> bool:
    """Whether the button is on the run's current question (or summary), in its latest copy."""
    pressed = press.query.message.message_id if press.query.message else None
    # A copy of the current question from before a Back counts as an earlier question too.
    earlier_copy = run.prompt_message_id not in (None, pressed)
    position = None if press.data.position == SUMMARY else press.data.position
    return position == run.current and not earlier_copy


async def ask_again(press: Press[QuestionnaireButton], run: Run) -> None:
    await ask(press.update, press.context, press.participant, run)


async def answer_question(press: Press[QuestionnaireButton], run: Run) -> None:
    """An option, Done or Skip: the answer they give."""
    question = runs.current_question(run)
    if question is None:  # a question's button with the summary's position: none is sent
        raise Refused()
    value = widget.answer_of(question, Act(press.data.action), press.data.argument, run.selection)
    await take(press, run, question, value)


async def tick(press: Press[QuestionnaireButton], run: Run) -> None:
    question = runs.current_question(run)
    if question is None or not widget.ticks(question):
        return
    ticked = await runs.tick(press.services, run, press.data.argument or "")
    await press.answer()
    facts = await runs.facts_of(press.services, press.participant)
    has_previous = load(run.questionnaire).previous(question.id, run.answers, facts) is not None
    await press.replace_buttons(question_keyboard(press.t, ticked, question, has_previous))


async def keep(press: Press[QuestionnaireButton], run: Run) -> None:
    await move_on(press, await runs.keep_answer(press.services, press.participant, run))


async def go_back(press: Press[QuestionnaireButton], run: Run) -> None:
    await move_on(press, await runs.back(press.services, press.participant, run))


async def change_answer(press: Press[QuestionnaireButton], run: Run) -> None:
    argument = press.data.argument or ""
    await move_on(press, await runs.change(press.services, press.participant, run, argument))


async def move_on(press: Press[QuestionnaireButton], moved: Run) -> None:
    """The run moved to another question: this one's buttons go, that one is asked."""
    await press.answer()
    await press.remove_buttons()
    await ask_again(press, moved)


async def write_again(press: Press[QuestionnaireButton], run: Run) -> None:
    await press.answer()
    await press.remove_buttons()
    await ask_again(press, run)


async def show_change_list(press: Press[QuestionnaireButton], run: Run) -> None:
    facts = await runs.facts_of(press.services, press.participant)
    asked = [question for question, _ in runs.summary(run, facts)]
    await press.answer()
    await press.replace_buttons(change_keyboard(press.t, run, asked))


async def show_summary_buttons(press: Press[QuestionnaireButton], run: Run) -> None:
    await press.answer()
    await press.replace_buttons(summary_keyboard(press.t, run))


async def submit(press: Press[QuestionnaireButton], run: Run) -> None:
    await press.answer()
    await press.remove_buttons()
    await ON_SUBMIT[run.questionnaire](press.update, press.context, press.participant, run)


async def take(
    press: Press[QuestionnaireButton], run: Run, question: Question, value: Answer | Invalid
) -> None:
    """Store a button answer; show it under the question and go on, or say what is wrong."""
    t = press.t
    result = await runs.answer(press.services, press.participant, run, value)
    if isinstance(result, Invalid):
        if result.problem is Problem.MUST_AGREE and question.refusal:
            await press.answer()
            await press.reply(t.gettext(question.refusal))
        else:
            await press.answer(view.problem_text(t, result), alert=True)
        return
    await press.answer()
    original = getattr(press.query.message, "text_html", None)
    if original:
        await press.replace_message(
            view.answered_text(t, original, question, result.answers[question.id])
        )
    else:  # a press replayed after a crash: the inbox keeps no copy of the bot's text
        await press.remove_buttons()
    await ask_again(press, result)


ButtonAction = Callable[[Press[QuestionnaireButton], Run], Awaitable[None]]
BUTTON_ACTIONS: dict[str, ButtonAction] = {
    Act.OPTION: answer_question,
    Act.TICK: tick,
    Act.DONE: answer_question,
    Act.SKIP: answer_question,
    Act.KEEP: keep,
    Act.BACK: go_back,
    SummaryAct.EDIT: show_change_list,
    SummaryAct.SUMMARY: show_summary_buttons,
    SummaryAct.CHANGE: change_answer,
    SummaryAct.SEND: submit,
    MunicipalityAct.AGAIN: write_again,
}

HANDLERS = [on_button]
