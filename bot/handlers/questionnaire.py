"""Questionnaires in the chat: one question at a time, buttons, Back, Skip, summary, Submit."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot import runs
from bot.handlers import questions as view
from bot.handlers.common import (
    participant_of,
    remove_buttons,
    replace_buttons,
    send,
    services_of,
    tr,
)
from bot.model.participants import Participant
from bot.model.questionnaire import (
    Answer,
    Invalid,
    Kind,
    Problem,
    Run,
    choose,
    finish_multi,
    load,
    parse_text,
    skip,
)

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

# What happens when a questionnaire is sent, per questionnaire (set up in bot/app.py).
SubmitHandler = Callable[[Update, Context, Participant, Run], Awaitable[None]]
ON_SUBMIT: dict[str, SubmitHandler] = {}


async def ask(update: Update, context: Context, participant: Participant, run: Run) -> None:
    """Send the run's current question, or the summary when every question is answered."""
    services = services_of(context)
    t = tr(participant)
    facts = await runs.facts_of(services, participant)
    questionnaire = load(run.questionnaire)
    question = runs.current_question(run)
    if question is None:
        text = view.summary_text(t, runs.summary(run, facts))
        keyboard = view.summary_keyboard(t, run)
    else:
        number, total = questionnaire.progress(question.id, run.answers, facts)
        text = view.question_text(t, question, number, total, run.answers.get(question.id))
        has_previous = questionnaire.previous(question.id, run.answers, facts) is not None
        keyboard = view.question_keyboard(t, run, question, has_previous)
    message = await send(update, text, reply_markup=keyboard)
    await runs.remember_prompt(services, run, message.message_id)


async def begin(update: Update, context: Context, participant: Participant, name: str) -> None:
    """Introduce a questionnaire and ask its first question (or continue an open one)."""
    run = await runs.begin(services_of(context), participant, name)
    if not run.answers:
        await send(update, tr(participant).gettext(load(name).intro))
    await ask(update, context, participant, run)


async def answer_message(update: Update, context: Context) -> bool:
    """A message while a questionnaire is open: take it as the answer, or say what is needed.
    False when the person is not in a questionnaire (another handler answers then)."""
    participant = await participant_of(update, context)
    services = services_of(context)
    run = await runs.open_run(services, participant)
    if run is None:
        return False
    t = tr(participant)
    question = runs.current_question(run)
    message = update.effective_message
    assert message is not None
    if question is None:
        await send(update, t.gettext("Please use the buttons under your answers."))
        await ask(update, context, participant, run)
        return True
    if message.text is None:
        await send(update, media_problem(participant, question.kind))
        await ask(update, context, participant, run)
        return True
    result = await runs.answer(services, participant, run, parse_text(question, message.text))
    if isinstance(result, Invalid):
        await send(update, view.problem_text(t, result))
        if result.problem is Problem.USE_BUTTONS:
            await ask(update, context, participant, run)
        return True
    await retire_prompt(context, participant, run)
    await ask(update, context, participant, result)
    return True


def media_problem(participant: Participant, kind: Kind) -> str:
    t = tr(participant)
    if kind in (Kind.TEXT, Kind.NUMBER):
        return t.gettext("I can only read text here. Please write your answer.")
    return t.gettext("Please choose with the buttons under the question.")


async def on_button(update: Update, context: Context) -> None:
    """Any button of a question or of the summary."""
    query = update.callback_query
    assert query is not None and context.match is not None
    run_id, position, action, argument = context.match.groups()
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    run = await runs.owned_open_run(services, participant, int(run_id))
    if run is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    pressed = query.message.message_id if query.message else None
    # A copy of the current question from before a Back counts as an earlier question too.
    earlier_copy = run.prompt_message_id not in (None, pressed)
    if (position if position != view.SUMMARY else None) != run.current or earlier_copy:
        await query.answer(t.gettext("That button belongs to an earlier question."))
        await remove_buttons(query)
        await ask(update, context, participant, run)
        return
    try:
        await BUTTON_ACTIONS[action](update, context, participant, run, argument)
    except runs.StaleError:
        await query.answer(t.gettext("That button belongs to an earlier question."))
        fresh = await runs.open_run(services, participant)
        if fresh is not None:
            await ask(update, context, participant, fresh)


async def pick_option(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    question = runs.current_question(run)
    assert question is not None
    if question.kind is Kind.MULTI:
        await update.callback_query.answer()
        return
    await take(update, context, participant, run, choose(question, argument or ""))


async def tick_option(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    query = update.callback_query
    question = runs.current_question(run)
    if question is None or question.kind is not Kind.MULTI:
        await query.answer()
        return
    ticked = await runs.tick(services_of(context), run, argument or "")
    await query.answer()
    facts = await runs.facts_of(services_of(context), participant)
    has_previous = load(run.questionnaire).previous(question.id, run.answers, facts) is not None
    await replace_buttons(
        query, view.question_keyboard(tr(participant), ticked, question, has_previous)
    )


async def done_option(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    question = runs.current_question(run)
    assert question is not None
    await take(update, context, participant, run, finish_multi(question, run.selection))


async def skip_question(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    question = runs.current_question(run)
    assert question is not None
    await take(update, context, participant, run, skip(question))


async def keep(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    moved = await runs.keep_answer(services_of(context), participant, run)
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    await ask(update, context, participant, moved)


async def go_back(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    moved = await runs.back(services_of(context), participant, run)
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    await ask(update, context, participant, moved)


async def show_change_list(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    facts = await runs.facts_of(services_of(context), participant)
    asked = [question for question, _ in runs.summary(run, facts)]
    await update.callback_query.answer()
    await replace_buttons(update.callback_query, view.change_keyboard(tr(participant), run, asked))


async def show_summary_buttons(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    await update.callback_query.answer()
    await replace_buttons(update.callback_query, view.summary_keyboard(tr(participant), run))


async def change_answer(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    moved = await runs.change(services_of(context), participant, run, argument or "")
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    await ask(update, context, participant, moved)


async def submit(
    update: Update, context: Context, participant: Participant, run: Run, argument: str | None
) -> None:
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    await ON_SUBMIT[run.questionnaire](update, context, participant, run)


async def take(
    update: Update,
    context: Context,
    participant: Participant,
    run: Run,
    value: Answer | Invalid,
) -> None:
    """Store a button answer; show it under the question and go on, or say what is wrong."""
    query = update.callback_query
    assert query is not None and query.message is not None
    t = tr(participant)
    question = runs.current_question(run)
    assert question is not None
    result = await runs.answer(services_of(context), participant, run, value)
    if isinstance(result, Invalid):
        if result.problem is Problem.MUST_AGREE and question.refusal:
            await query.answer()
            await send(update, t.gettext(question.refusal))
        else:
            await query.answer(view.problem_text(t, result), show_alert=True)
        return
    await query.answer()
    original = getattr(query.message, "text_html", None) or ""
    try:
        await query.edit_message_text(
            view.answered_text(t, original, question, result.answers[question.id])
        )
    except BadRequest as error:
        log.info("answered question not marked: %s", error.message)
    await ask(update, context, participant, result)


async def retire_prompt(context: Context, participant: Participant, run: Run) -> None:
    """Take the buttons off the question just answered by text, so they are not pressed later."""
    if run.prompt_message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(
            chat_id=participant.chat_id, message_id=run.prompt_message_id, reply_markup=None
        )
    except BadRequest as error:
        log.debug("prompt buttons already gone: %s", error.message)


ButtonAction = Callable[[Update, Context, Participant, Run, str | None], Awaitable[None]]
BUTTON_ACTIONS: dict[str, ButtonAction] = {
    "o": pick_option,
    "t": tick_option,
    "d": done_option,
    "s": skip_question,
    "k": keep,
    "b": go_back,
    "edit": show_change_list,
    "sum": show_summary_buttons,
    "c": change_answer,
    "send": submit,
}

HANDLERS = [CallbackQueryHandler(on_button, pattern=view.QUESTION_PATTERN)]
