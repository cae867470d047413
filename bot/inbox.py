"""The update inbox: nothing a person sends is lost between Telegram and its handler.

Every update is stored in SQLite as it enters the update queue, and only then is Telegram told
it arrived: PTB's updater confirms a batch (the next getUpdates' offset) after it has put each
update into the queue, and its webhook answers 200 after the put. Once its handler and the sends
it caused are done, the update is marked handled. At the next start, updates not marked are
handed to the handlers again, through the same per-chat order, before polling resumes.

A replay must change nothing that its first try stored: every transaction made while handling
an update notes that in the inbox (storage.db.HANDLING_UPDATE), and the guard answers such a
replay with at most the same reply again (bot/handlers/fallback.py). An update that never got
through three tries is set aside, so a bad one cannot loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, MaybeInaccessibleMessage, Update
from telegram.error import NetworkError
from telegram.ext import Application

from bot.model.inbox import KEPT_FOR, MAX_TRIES, InboxEntry
from bot.services import Services
from bot.updates import chat_of
from storage import inbox as inbox_store
from storage.db import HANDLING_UPDATE

log = logging.getLogger(__name__)
# What is done with an update set aside after its last try (the person and the coordinators
# are told, bot/handlers/errors.py).
SetAside = Callable[[Update], Awaitable[None]]


class InboxUnavailableError(NetworkError):
    """The inbox could not store an update: a network error to PTB's updater, which then
    backs off and tries again, as when Telegram cannot be reached."""

    def __init__(self) -> None:
        super().__init__("the update inbox is unavailable")


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is stored before it is queued, and one that
    is stored already (Telegram sent it again) is not queued twice."""

    def __init__(self) -> None:
        super().__init__()
        self._services: Services | None = None
        self._replays: set[int] = set()
        self._stored_changes: set[int] = set()

    def attach(self, services: Services) -> None:
        """The database is opened in post_init, before any update is fetched."""
        self._services = services

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the inbox is attached in post_init, before updates arrive")
        return self._services

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._keep(item):
            return
        await super().put(item)

    async def _keep(self, update: Update) -> bool:
        try:
            return await self._store(update)
        except sqlite3.Error as error:
            # Not confirmed, so Telegram keeps it: the updater backs off and fetches it again,
            # a webhook post is answered 500 and posted again.
            log.error("update %s not stored: %s", update.update_id, type(error).__name__)
            raise InboxUnavailableError from error

    async def _store(self, update: Update) -> bool:
        services = self.services
        return await inbox_store.store(
            services.db, update.update_id, chat_of(update), stored_form(update), services.clock()
        )

    def is_replay_of_stored_changes(self, update: Update) -> bool:
        """A replayed update whose first try stored its changes: it must change nothing."""
        return update.update_id in self._stored_changes

    def expect_replay(self, entry: InboxEntry) -> None:
        self._replays.add(entry.update_id)
        if entry.committed:
            self._stored_changes.add(entry.update_id)

    async def starting(self, update: Update) -> None:
        """A replay counts as a try once its handler starts (not while it waits its turn)."""
        if update.update_id in self._replays:
            await inbox_store.count_replay(self.services.db, update.update_id)

    async def done(self, update: Update) -> None:
        self._replays.discard(update.update_id)
        self._stored_changes.discard(update.update_id)
        await inbox_store.mark_handled(self.services.db, update.update_id, self.services.clock())


def stored_form(update: Update) -> str:
    """The update as JSON, without the bot's own messages in it: a press carries the message
    it was on and a reply the message it answers, whose texts may name other people. Their ids
    are all a handler reads of them."""
    query = update.callback_query
    if query is not None:
        data = {"update_id": update.update_id, "callback_query": _press_form(query)}
    else:
        data = update.to_dict()
    for kind, message in (("message", update.message), ("edited_message", update.edited_message)):
        if message is not None and message.reply_to_message is not None:
            data[kind]["reply_to_message"] = _bare(message.reply_to_message)
    return json.dumps(data, ensure_ascii=False)


def _press_form(query: CallbackQuery) -> dict[str, Any]:
    """A press, field by field: converting the message it was on whole (its text, its buttons)
    only to drop it was most of the cost of storing an update."""
    fields = {
        "id": query.id,
        "chat_instance": query.chat_instance,
        "data": query.data,
        "inline_message_id": query.inline_message_id,
        "game_short_name": query.game_short_name,
        "from": query.from_user.to_dict(),
        "message": _bare(query.message) if query.message is not None else None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def _bare(message: MaybeInaccessibleMessage) -> dict[str, Any]:
    """What is kept of a quoted message: its ids, time and chat."""
    bare = {
        "message_id": message.message_id,
        "date": int(message.date.timestamp()),
        "chat": message.chat.to_dict(),
    }
    sender = getattr(message, "from_user", None)  # an inaccessible message has none
    if sender is not None:
        bare["from"] = sender.to_dict()
    return bare


class InboxApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The Application, marking each update handled once its handlers (and the error handler,
    on an error) are done. Transactions made meanwhile note the update (HANDLING_UPDATE)."""

    async def process_update(self, update: object) -> None:
        queue = self.update_queue
        if not isinstance(update, Update) or not isinstance(queue, InboxQueue):
            await super().process_update(update)
            return
        await queue.starting(update)
        handling = HANDLING_UPDATE.set(update.update_id)
        try:
            await super().process_update(update)
        finally:
            HANDLING_UPDATE.reset(handling)
        await queue.done(update)


async def replay(application: Application, set_aside: SetAside) -> int:
    """At start, before polling: the updates not handled, handed to the handlers again in the
    order they arrived, through the per-chat order of live updates; one tried three times
    already is marked failed and `set_aside` instead. How many were replayed."""
    queue = application.update_queue
    assert isinstance(queue, InboxQueue)
    services = queue.services
    again = []
    entries = await inbox_store.open_entries(services.db)
    for entry in entries:
        update = Update.de_json(json.loads(entry.raw), application.bot)
        if entry.exhausted:
            # Marked first: telling them must never bring it back.
            await inbox_store.mark_failed(services.db, entry.update_id, services.clock())
            log.error("update %s set aside after %s tries", entry.update_id, MAX_TRIES)
            await set_aside(update)
            continue
        queue.expect_replay(entry)
        again.append(update)
    if again:
        log.warning("replaying %s updates not handled before the restart", len(again))
    processor = application.update_processor

    def handle(update: Update) -> Awaitable[None]:
        return processor.process_update(update, application.process_update(update))

    if any(entry.replays for entry in entries):
        # The last replay crashed too: one at a time now, so that only the update that brings
        # the bot down is in flight when it does, and the others' tries are not used up.
        for update in again:
            await handle(update)
    else:
        await asyncio.gather(*(handle(update) for update in again))
    return len(again)


async def forget_old(services: Services) -> int:
    """Delete updates handled (or set aside) longer ago than the inbox keeps them."""
    return await inbox_store.delete_done(services.db, services.clock() - KEPT_FOR)
