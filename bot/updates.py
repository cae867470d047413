"""The order updates are handled in: one person's one after the other, different people's at once.

A person's answers must be taken in the order they gave them (a questionnaire moves on with each
one), but nobody should wait for somebody else's update: while the bot waits for the Bot API on
behalf of one person, it handles the next person's press.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.logs import UPDATE_ID
from bot.monitor import Monitor

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 64


class PerChatOrder(BaseUpdateProcessor):
    """Runs updates concurrently, except that updates of the same chat wait for each other.

    Updates reach `do_process_update` in the order they arrived (PTB starts one task per update
    and its semaphore wakes waiters first in, first out), and `asyncio.Lock` is fair, so each
    chat's updates are handled in arrival order.
    """

    __slots__ = ("_monitor", "_turns")

    def __init__(
        self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES, monitor: Monitor | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, _Turn] = {}
        self._monitor = monitor

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Each update in a task of its own (PTB's): its id for the log lines it causes, and
        its arrival for the time to the first answer, are set for that task alone."""
        if isinstance(update, Update):
            UPDATE_ID.set(update.update_id)
        kind = kind_of(update)
        arrival = self._monitor.update_started() if self._monitor is not None else None
        try:
            await super().process_update(update, coroutine)
        finally:
            if self._monitor is not None and arrival is not None:
                self._monitor.update_done(kind, arrival)
            log.debug("%s handled", kind)  # with the update's and the person's id in JSON

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_of(update)
        if key is None:
            await coroutine
            return
        turn = self._turns.setdefault(key, _Turn())
        turn.queued += 1
        try:
            async with turn.lock:
                await coroutine
        finally:
            turn.queued -= 1
            if not turn.queued:
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB awaits the updates in flight before it shuts down."""


class _Turn:
    __slots__ = ("lock", "queued")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.queued = 0


def kind_of(update: object) -> str:
    """The kind of an update: message, callback_query, edited_message..."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


def chat_of(update: object) -> int | None:
    """The chat an update belongs to (the person, for a press on an inline message)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
