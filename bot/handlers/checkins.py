"""Check-ins on the phone: the wave that sends them, the answers, /pause, /journal, /note."""

from __future__ import annotations

import logging
from enum import Enum
from html import escape

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import followup, matchmaking, registration, scopes
from bot.handlers import questions as view
from bot.handlers.alert_cards import alert_pair
from bot.handlers.common import (
    coordinator_reply,
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
    coordinator_pressing,
    pair_in_scope,
    refuse_out_of_scope,
    sender_scope,
)
from bot.handlers.texts import entry_text, pair_names
from bot.i18n import Translator, translator
from bot.model.checkins import CheckIn, CheckInStatus
from bot.model.participants import Participant
from bot.model.questionnaire import (
    Invalid,
    Kind,
    Question,
    choose,
    finish_multi,
    load,
    parse_text,
    skip,
)
from bot.outbox import Outbox
from bot.services import Services

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
NOTE_PROMPT = "note"
PAUSE_DAYS = (7, 14, 30)


class Delivery(Enum):
    """What became of one check-in message."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot: marked unreachable and journaled
    FAILED = "failed"  # not delivered for now; the next wave tries again
    GONE = "gone"  # nothing to send: the person was erased, or the check-in is complete


# -- sending -----------------------------------------------------------------------------------


async def checkin_wave(context: Context) -> None:
    """Schedule what is missing; inside the daytime window send what is due (and what a crash
    left half-sent) and the one reminder of check-ins unanswered for 48 hours."""
    services = services_of(context.application)
    await followup.schedule_missing(services)
    if followup.window(services).contains(services.clock()):
        await send_due(context.bot, services)
        # Again, so each check-in just sent has its successor scheduled in the same wave.
        await followup.schedule_missing(services)


async def send_due(bot: Bot, services: Services) -> None:
    """Everything due, batch after batch, as fast as the rate limiter lets it out."""
    while batch := await followup.to_send(services):
        progressed = False
        for check_in in batch:
            if not await followup.begin_sending(services, check_in):
                progressed = True  # postponed for a pause: it left the due list
                continue
            fresh = await followup.get(services, check_in.id)
            if (
                fresh is not None
                and await send_question(bot, services, fresh, opening=True) is Delivery.SENT
            ):
                await followup.mark_sent(services, fresh)
            after = await followup.get(services, check_in.id)
            progressed = progressed or after is None or after.status is not CheckInStatus.PENDING
        if not progressed:  # what is left cannot be sent now; the next wave tries again
            return
    for check_in in await followup.reminders_due(services):
        # A reminder goes once: a failed one is tried again, one to a blocked bot is not.
        if await send_question(bot, services, check_in, reminder=True) is not Delivery.FAILED:
            await followup.mark_reminded(services, check_in)


async def send_question(
    bot: Bot,
    services: Services,
    check_in: CheckIn,
    *,
    opening: bool = False,
    reminder: bool = False,
) -> Delivery:
    """The check-in's current question to its person, in their language."""
    person = await registration.participant(services, check_in.participant_id)
    question = followup.current_question(check_in)
    if person is None or question is None:
        return Delivery.GONE
    t = translator(person.language)
    text = escape(t.gettext(question.text))
    if opening:
        text = t.gettext(load(check_in.questionnaire).intro) + "\n\n" + text
    if reminder:
        text = t.gettext("A reminder: I would like to hear how it goes.") + "\n\n" + text
    try:
        await bot.send_message(person.chat_id, text, reply_markup=keyboard(t, check_in, question))
    except Forbidden:
        await registration.mark_unreachable(services, person.telegram_user_id)
        await followup.unreachable(services, check_in)
        await alert_pair(Outbox(bot, services, alert_pair), check_in.pair_id)
        return Delivery.BLOCKED
    except TelegramError as error:
        log.warning("check-in %s not sent: %s", check_in.id, type(error).__name__)
        return Delivery.FAILED
    return Delivery.SENT


def keyboard(t: Translator, check_in: CheckIn, question: Question) -> InlineKeyboardMarkup | None:
    def data(action: str, argument: str = "") -> str:
        return f"ci1:{check_in.id}:{question.id}:{action}" + (f":{argument}" if argument else "")

    rows = []
    if question.kind is Kind.SINGLE:
        rows = [
            [InlineKeyboardButton(t.gettext(o.label), callback_data=data("o", o.id))]
            for o in question.options
        ]
    elif question.kind is Kind.MULTI:
        rows = [
            [
                InlineKeyboardButton(
                    (view.TICK if o.id in check_in.selection else "") + t.gettext(o.label),
                    callback_data=data("t", o.id),
                )
            ]
            for o in question.options
        ]
        rows.append([InlineKeyboardButton(t.gettext("Done"), callback_data=data("d"))])
    if not question.required and question.kind is not Kind.MULTI:
        rows.append([InlineKeyboardButton(t.gettext("Skip ›"), callback_data=data("s"))])
    return InlineKeyboardMarkup(rows) if rows else None


# -- answering ---------------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    check_id, question_id, action, argument = context.match.groups()
    participant = await participant_of(update, context)
    services = services_of(context)
    t = tr(participant)
    check_in = await followup.answerable(services, int(check_id), participant)
    if check_in is None or check_in.current != question_id:
        await query.answer(t.gettext("This button is no longer active."))
        await remove_buttons(query)
        return
    question = followup.current_question(check_in)
    assert question is not None
    if action == "t":
        ticked = await followup.tick(services, check_in, argument or "")
        await query.answer()
        if ticked is not None:
            await replace_buttons(query, keyboard(t, ticked, question))
        return
    if action == "o":
        value = choose(question, argument or "")
    elif action == "d":
        value = finish_multi(question, check_in.selection)
    else:
        value = skip(question)
    result = await followup.answer(services, check_in, value)
    if isinstance(result, Invalid):
        await query.answer(view.problem_text(t, result), show_alert=True)
        return
    await query.answer()
    await remove_buttons(query)
    if result is not None:
        await after_answer(update, context, participant, result)


async def answer_message(update: Update, context: Context) -> bool:
    """A message while a check-in waits for a typed answer (a voice message is a note too).
    False when no check-in waits for this person."""
    participant = await participant_of(update, context)
    services = services_of(context)
    check_in = await followup.awaiting_message(services, participant)
    if check_in is None:
        return False
    question = followup.current_question(check_in)
    message = update.effective_message
    assert question is not None and message is not None
    t = tr(participant)
    if question.kind not in (Kind.TEXT, Kind.NUMBER):
        await send(update, t.gettext("Please choose with the buttons under the question."))
        await send_question(context.bot, services, check_in)
        return True
    if message.voice is not None and question.id == "note":
        result = await followup.answer(services, check_in, None, message.voice.file_id)
    elif message.text is not None:
        result = await followup.answer(services, check_in, parse_text(question, message.text))
    else:
        await send(update, t.gettext("Please write your answer, or send a voice message."))
        return True
    if isinstance(result, Invalid):
        await send(update, view.problem_text(t, result))
    elif result is not None:
        await after_answer(update, context, participant, result)
    return True


async def after_answer(
    update: Update, context: Context, participant: Participant, check_in: CheckIn
) -> None:
    """The next question, or thanks; a wish to hear from the coordinator alerts them at once."""
    services = services_of(context)
    if check_in.current is not None:
        await send_question(context.bot, services, check_in)
        return
    t = tr(participant)
    await send(update, t.gettext("Thank you! Your answers are saved for the coordinator."))
    if check_in.answers.get("coordinator") in ("contact", "unsure"):
        await alert_pair(context.outbox, check_in.pair_id)


# -- a participant's own pause -----------------------------------------------------------------


async def pause_command(update: Update, context: Context) -> None:
    """/pause: stop one's own check-ins for a while."""
    participant = await participant_of(update, context)
    t = tr(participant)
    labels = {7: t.gettext("1 week"), 14: t.gettext("2 weeks"), 30: t.gettext("1 month")}
    await send(
        update,
        t.gettext("For how long do you want a break from the check-ins?"),
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(labels[d], callback_data=f"cp1:{d}")] for d in PAUSE_DAYS]
        ),
    )


async def on_pause(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    participant = await participant_of(update, context)
    t = tr(participant)
    until = await followup.pause_own(services_of(context), participant, int(context.match.group(1)))
    await query.answer()
    await remove_buttons(query)
    if until is None:
        await send(update, t.gettext("You have no check-ins to pause right now."))
        return
    await send(
        update,
        t.gettext("Your check-ins are paused until {date}. Have a good break!").format(
            date=t.date(until)
        ),
    )


# -- the coordinator's journal -----------------------------------------------------------------


@coordinator_only
async def journal_command(update: Update, context: Context, participant: Participant) -> None:
    """/journal: choose a pair, then read its journal as a timeline, a page at a time."""
    await choose_pair(update, context, participant, "jr1:{pair}:-1", t_title="journal")


@coordinator_only
async def note_command(update: Update, context: Context, participant: Participant) -> None:
    """/note: choose a pair, then write the note as a reply."""
    await choose_pair(update, context, participant, "nt1:{pair}", t_title="note")


async def choose_pair(
    update: Update, context: Context, participant: Participant, data: str, t_title: str
) -> None:
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
    title = (
        t.gettext("Whose journal do you want to read?")
        if t_title == "journal"
        else t.gettext("Which pair is the note about?")
    )
    entries = [
        (escape(await pair_names(services, pair)), data.format(pair=pair.id)) for pair, _ in found
    ]
    await send_numbered_list(update, t, title, entries)


async def on_journal(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    pair_id, page = int(context.match.group(1)), int(context.match.group(2))
    if not await pair_in_scope(update, context, coordinator, pair_id):
        return
    pair = await matchmaking.get(services, pair_id)
    if pair is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    entries, pages = await followup.journal_page(services, pair_id, max(page, 0))
    if page < 0:  # the newest page first
        page = pages - 1
        entries, pages = await followup.journal_page(services, pair_id, page)
    await query.answer()
    header = t.gettext("Journal of {names} (page {page} of {pages})").format(
        names=escape(await pair_names(services, pair)),
        page=t.number(page + 1),
        pages=t.number(pages),
    )
    lines = [f"<b>{header}</b>"] + [entry_text(services, t, entry) for entry in entries]
    if not entries:
        lines.append(t.gettext("Nothing in the journal yet."))
    navigation = []
    voices = [
        InlineKeyboardButton(
            t.gettext("Listen: {time}").format(
                time=t.datetime(entry.created_at, services.config.timezone, "short")
            ),
            callback_data=f"jv1:{entry.id}",
        )
        for entry in entries
        if entry.voice_file_id
    ]
    if page > 0:
        navigation.append(
            InlineKeyboardButton(t.gettext("‹ Earlier"), callback_data=f"jr1:{pair_id}:{page - 1}")
        )
    if page < pages - 1:
        navigation.append(
            InlineKeyboardButton(t.gettext("Later ›"), callback_data=f"jr1:{pair_id}:{page + 1}")
        )
    rows = [[button] for button in voices] + ([navigation] if navigation else [])
    await send(update, "\n\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


async def on_voice(update: Update, context: Context) -> None:
    """A coordinator listens to a voice message from the journal."""
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    entry_id = int(context.match.group(1))
    scope = await sender_scope(context, coordinator)
    if not await scopes.includes_journal_entry(services_of(context), scope, entry_id):
        await refuse_out_of_scope(update, coordinator)
        return
    voice = await followup.voice_of(services_of(context), entry_id)
    if voice is None:
        await query.answer(tr(coordinator).gettext("This button is no longer active."))
        return
    await query.answer()
    await context.bot.send_voice(coordinator.chat_id, voice)


async def on_note_pair(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and context.match is not None
    coordinator = await coordinator_pressing(update, context)
    if coordinator is None:
        return
    services = services_of(context)
    t = tr(coordinator)
    if not await pair_in_scope(update, context, coordinator, int(context.match.group(1))):
        return
    pair = await matchmaking.get(services, int(context.match.group(1)))
    if pair is None:
        await query.answer(t.gettext("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    prompt = await send(
        update,
        t.gettext("Write the note about {names} as a reply to this message.").format(
            names=escape(await pair_names(services, pair))
        ),
        ForceReply(input_field_placeholder=t.gettext("Note")),
    )
    await matchmaking.remember_prompt(
        services, coordinator.chat_id, prompt.message_id, NOTE_PROMPT, pair
    )


async def note_reply(update: Update, context: Context) -> bool:
    """A coordinator's reply to "Write the note…": a journal entry. False for other messages."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = services_of(context)
    text, coordinator = reply.text, reply.coordinator
    pair_id = await matchmaking.prompted_pair(
        services, coordinator.chat_id, reply.replied_to, NOTE_PROMPT
    )
    if pair_id is None:
        return False
    if not await pair_in_scope(update, context, coordinator, pair_id):
        return True
    await followup.add_note(services, pair_id, coordinator, text.strip())
    await send(update, tr(coordinator).gettext("The note is in the journal."))
    return True


HANDLERS = [
    CommandHandler("pause", pause_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("journal", journal_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("note", note_command, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(on_button, pattern=r"^ci1:(\d+):([a-z_]+):([otds])(?::([a-z_]+))?$"),
    CallbackQueryHandler(on_pause, pattern=r"^cp1:(7|14|30)$"),
    CallbackQueryHandler(on_journal, pattern=r"^jr1:(\d+):(-?\d+)$"),
    CallbackQueryHandler(on_note_pair, pattern=r"^nt1:(\d+)$"),
    CallbackQueryHandler(on_voice, pattern=r"^jv1:(\d+)$"),
]
