"""Answers for everything no other handler took: never silence, always a way forward."""

from __future__ import annotations

import html
import re

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import checkins as checkin_service
from bot import registration, runs
from bot.handlers import (
    announcements,
    checkins,
    course,
    intake,
    journal,
    meetings,
    pairs,
    questionnaire,
    review,
)
from bot.handlers.common import send, tr
from bot.handlers.context import BotContext
from bot.handlers.press import NO_LONGER_ACTIVE
from bot.handlers.start import send_step
from bot.i18n import guess_language, translator
from bot.inbox import InboxQueue
from bot.model.participants import OnboardingStep

MAX_ECHOED_COMMAND = 32
# More digits than any SQLite id holds: callback data that was tampered with.
IMPOSSIBLE_ID = re.compile(r"\d{19}")


async def ignore_non_private(update: Update, context: BotContext) -> None:
    """The programme talks to people one by one; groups and channels get nothing but the
    answer every button press needs (a button forwarded into a group does nothing)."""
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        query = update.callback_query
        if query is not None:
            language = guess_language(
                query.from_user.language_code, context.services.config.default_language
            )
            await query.answer(translator(language).gettext(NO_LONGER_ACTIVE), show_alert=True)
        raise ApplicationHandlerStop


async def unknown_command(update: Update, context: BotContext) -> None:
    participant = context.participant
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0][:MAX_ECHOED_COMMAND]
    t = tr(participant)
    await send(
        update,
        t.gettext("I don't know the command {command}. Type /help to see what I can do.").format(
            command=html.escape(t.isolate(command))
        ),
    )


async def route_message(update: Update, context: BotContext) -> None:
    """A message that is no command: a note, an answer, the introduction, or a pointer on."""
    for handle in (
        review.note_reply,
        announcements.text_reply,
        course.draft_reply,
        pairs.job_reply,
        journal.note_reply,
        meetings.answer_message,
        checkins.answer_message,
        questionnaire.answer_message,
        intake.introduction_message,
    ):
        if await handle(update, context):
            return
    message = update.effective_message
    if message is not None and message.text is not None:
        await unexpected_text(update, context)
    else:
        await unsupported_message(update, context)


async def unexpected_text(update: Update, context: BotContext) -> None:
    """Text while nothing is asked: repeat an open first question, or point to /help."""
    participant = context.participant
    step = registration.onboarding_step_of(context.services, participant)
    if step in (OnboardingStep.CHOOSE_LANGUAGE, OnboardingStep.CHOOSE_ROLE):
        await send_step(update, participant, step)
        return
    await send(
        update,
        tr(participant).gettext(
            "I am not waiting for an answer from you right now. Type /help to see what I can do."
        ),
    )


async def unsupported_message(update: Update, context: BotContext) -> None:
    """Photos, stickers, voice, files, locations...: say what the bot can read."""
    participant = context.participant
    await send(
        update,
        tr(participant).gettext(
            "I can only read text messages and button presses. Please write your message as "
            "text, or type /help."
        ),
    )


async def edited_message(update: Update, context: BotContext) -> None:
    participant = context.participant
    await send(
        update,
        tr(participant).gettext(
            "I do not read changes to messages you already sent. Please send it again as a new "
            "message."
        ),
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message, or callback data the bot does not know."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.t.gettext(NO_LONGER_ACTIVE), show_alert=True)


async def guard(update: Update, context: BotContext) -> None:
    """Before any handler: private chats only; the sender resolved once for every handler; no
    button with an impossible id or no data (PTB would hand a press without data to every
    pattern handler as a match); a replay of an update whose changes are stored does nothing
    again (bot/inbox.py)."""
    await ignore_non_private(update, context)
    if update.effective_user is not None:
        try:
            await context.resolve_participant(update)
        except Exception as error:  # e.g. a locked database: answered once, and no handler
            await context.application.process_error(update, error)  # runs without the sender
            raise ApplicationHandlerStop from error
    query = update.callback_query
    if query is not None and (not query.data or IMPOSSIBLE_ID.search(query.data)):
        await stale_button(update, context)
        raise ApplicationHandlerStop
    queue = context.application.update_queue
    if isinstance(queue, InboxQueue) and queue.is_replay_of_stored_changes(update):
        await repeat_prompt(update, context)
        raise ApplicationHandlerStop


async def repeat_prompt(update: Update, context: BotContext) -> None:
    """A replayed update whose changes were stored before a crash: nothing is done again; the
    person gets at most the reply they were owed, the question they are at now."""
    if update.effective_user is None:
        return
    participant, services = context.participant, context.services
    step = registration.onboarding_step_of(services, participant)
    if step in (OnboardingStep.CHOOSE_LANGUAGE, OnboardingStep.CHOOSE_ROLE):
        await send_step(update, participant, step)
        return
    run = await runs.open_run(services, participant)
    if run is not None:
        await questionnaire.ask(update, context, participant, run)
        return
    check_in = await checkin_service.awaiting_message(services, participant)
    if check_in is not None:
        await checkins.send_question(context.outbox, check_in)


GUARDS = [TypeHandler(Update, guard)]

HANDLERS = [
    MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited_message),
    MessageHandler(filters.COMMAND, unknown_command),
    MessageHandler(filters.ALL, route_message),
    CallbackQueryHandler(stale_button),
]
