"""The coordinators' journal: /journal reads a pair's timeline a page at a time, with its voice
messages; /note writes a note into it as a reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Annotated

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot import checkins, matchmaking, meetings, outbox, scopes
from bot.handlers.callback_data import CallbackData
from bot.handlers.common import coordinator_reply, send, send_numbered_list, tr
from bot.handlers.context import BotContext
from bot.handlers.coordinator import coordinator_only, pair_in_scope, sender_scope
from bot.handlers.meeting_messages import planned_meeting_line
from bot.handlers.press import OUT_OF_SCOPE, Press, Refused, on_press
from bot.handlers.texts import entry_text, pair_names
from bot.i18n import Translator
from bot.model.journal import JournalEntry
from bot.model.participants import Participant
from bot.services import Services

NOTE_PROMPT = "note"
NEWEST = -1  # the page number that opens a journal at its newest page


@dataclass(frozen=True)
class JournalPage(CallbackData, prefix="jr1"):
    """A page of a pair's journal: jr1:<pair>:<page, or -1 for the newest>."""

    pair_id: int
    page: Annotated[int, r"-?\d{1,18}"]


@dataclass(frozen=True)
class NotePair(CallbackData, prefix="nt1"):
    """The pair a /note is about."""

    pair_id: int


@dataclass(frozen=True)
class JournalVoice(CallbackData, prefix="jv1"):
    """Listen to the voice message of a journal entry."""

    entry_id: int


def _pair(data: JournalPage | NotePair) -> int:
    return data.pair_id


@coordinator_only
async def journal_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/journal: choose a pair, then read its journal as a timeline, a page at a time."""
    title = tr(participant).gettext("Whose journal do you want to read?")
    await choose_pair(update, context, participant, title, lambda pair: JournalPage(pair, NEWEST))


@coordinator_only
async def note_command(update: Update, context: BotContext, participant: Participant) -> None:
    """/note: choose a pair, then write the note as a reply."""
    title = tr(participant).gettext("Which pair is the note about?")
    await choose_pair(update, context, participant, title, NotePair)


async def choose_pair(
    update: Update,
    context: BotContext,
    coordinator: Participant,
    title: str,
    data: Callable[[int], CallbackData],
) -> None:
    """The open pairs in the coordinator's municipalities, a button each."""
    services = context.services
    found = await matchmaking.open_pairs(services)
    inside = await scopes.pairs_in(
        services, await sender_scope(context, coordinator), (pair.id for pair, _ in found)
    )
    pairs = [pair for pair, _ in found if pair.id in inside]
    t = tr(coordinator)
    if not pairs:
        await send(update, t.gettext("There are no active pairs yet."))
        return
    entries = [(escape(await pair_names(services, pair)), data(pair.id).pack()) for pair in pairs]
    await send_numbered_list(update, t, title, entries)


@on_press(JournalPage, coordinator=True, pair=_pair)
async def on_journal(press: Press[JournalPage]) -> None:
    """A page of the journal, with a button for each voice message on it."""
    services, t, pair_id = press.services, press.t, press.data.pair_id
    pair = await matchmaking.get(services, pair_id)
    if pair is None:
        raise Refused()
    page = press.data.page
    entries, pages = await checkins.journal_page(services, pair_id, max(page, 0))
    if page < 0:  # the newest page first
        page = pages - 1
        entries, pages = await checkins.journal_page(services, pair_id, page)
    await press.answer()
    header = t.gettext("Journal of {names} (page {page} of {pages})").format(
        names=escape(await pair_names(services, pair)),
        page=t.number(page + 1),
        pages=t.number(pages),
    )
    lines = [f"<b>{header}</b>"]
    meeting = await meetings.upcoming(services, pair_id)
    if meeting is not None:
        lines.append(planned_meeting_line(services, t, meeting.starts_at))
    lines += [entry_text(services, t, entry) for entry in entries]
    if not entries:
        lines.append(t.gettext("Nothing in the journal yet."))
    await press.reply(
        "\n\n".join(lines), journal_keyboard(services, t, entries, pair_id, page, pages)
    )


def journal_keyboard(
    services: Services,
    t: Translator,
    entries: list[JournalEntry],
    pair_id: int,
    page: int,
    pages: int,
) -> InlineKeyboardMarkup | None:
    """A Listen button per voice message, then Earlier and Later."""
    zone = services.config.timezone
    rows = [
        [
            InlineKeyboardButton(
                t.gettext("Listen: {time}").format(
                    time=t.datetime(entry.created_at, zone, "short")
                ),
                callback_data=JournalVoice(entry.id).pack(),
            )
        ]
        for entry in entries
        if entry.voice_file_id
    ]
    navigation = []
    if page > 0:
        navigation.append(
            InlineKeyboardButton(
                t.gettext("‹ Earlier"), callback_data=JournalPage(pair_id, page - 1).pack()
            )
        )
    if page < pages - 1:
        navigation.append(
            InlineKeyboardButton(
                t.gettext("Later ›"), callback_data=JournalPage(pair_id, page + 1).pack()
            )
        )
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(rows) if rows else None


@on_press(JournalVoice, coordinator=True)
async def on_voice(press: Press[JournalVoice]) -> None:
    """A coordinator listens to a voice message from the journal."""
    services, coordinator, entry_id = press.services, press.participant, press.data.entry_id
    scope = await scopes.scope_of(services, coordinator.telegram_user_id)
    if not await scopes.includes_journal_entry(services, scope, entry_id):
        raise Refused(OUT_OF_SCOPE)
    voice = await checkins.voice_of(services, entry_id)
    if voice is None:
        raise Refused(alert=False)
    await press.answer()
    await outbox.reply_voice(press.bot, coordinator.chat_id, voice)


@on_press(NotePair, coordinator=True, pair=_pair)
async def on_note_pair(press: Press[NotePair]) -> None:
    """The pair chosen for /note: ask for the note as a reply."""
    services, t = press.services, press.t
    pair = await matchmaking.get(services, press.data.pair_id)
    if pair is None:
        raise Refused()
    await press.answer()
    prompt = await press.reply(
        t.gettext("Write the note about {names} as a reply to this message.").format(
            names=escape(await pair_names(services, pair))
        ),
        ForceReply(input_field_placeholder=t.gettext("Note")),
    )
    await matchmaking.remember_prompt(
        services, press.participant.chat_id, prompt.message_id, NOTE_PROMPT, pair
    )


async def note_reply(update: Update, context: BotContext) -> bool:
    """A coordinator's reply to "Write the note…": a journal entry. False for other messages."""
    reply = await coordinator_reply(update, context)
    if reply is None:
        return False
    services = context.services
    text, coordinator = reply.text, reply.coordinator
    pair_id = await matchmaking.prompted_pair(
        services, coordinator.chat_id, reply.replied_to, NOTE_PROMPT
    )
    if pair_id is None:
        return False
    if not await pair_in_scope(update, context, coordinator, pair_id):
        return True
    await checkins.add_note(services, pair_id, coordinator, text.strip())
    await send(update, tr(coordinator).gettext("The note is in the journal."))
    return True


HANDLERS = [
    CommandHandler("journal", journal_command, filters=filters.ChatType.PRIVATE),
    CommandHandler("note", note_command, filters=filters.ChatType.PRIVATE),
    on_journal,
    on_note_pair,
    on_voice,
]
