"""One sandbox: the emulator, the real bot polling it, the people in it and the bot's clock."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from bot.app import build_application
from bot.config import load_config
from bot.i18n import N_, SUPPORTED_LANGUAGES, Translator
from sandbox.emulator import BotApiEmulator
from sandbox.runner import InLoopBot
from sandbox.state import JsonDict
from sandbox.user import SimulatedUser

from .render import chat_json, fingerprint
from .settings import SANDBOX_TOKEN, SandboxSettings

log = logging.getLogger(__name__)

FIRST_PERSON_ID = 2001
MAX_NAME = 64  # Telegram's limit for a first name
MAX_FAST_FORWARD_DAYS = 31
WATCH_EVERY_SECONDS = 0.05


class SandboxError(ValueError):
    """A request the sandbox cannot carry out; the message says why, for the page.

    `message` is a msgid (marked with N_) with {placeholders} for `values`; the page is told
    it in its own language (`translated`)."""

    def __init__(self, message: str, **values: str | int) -> None:
        super().__init__(message.format(**values))
        self.message = message
        self.values = values

    def translated(self, t: Translator) -> str:
        shown = {
            name: t.number(value) if isinstance(value, int) else value
            for name, value in self.values.items()
        }
        return t.gettext(self.message).format(**shown)


class OffsetClock:
    """Real time plus an offset that fast-forwarding moves: the bot's clock in the sandbox."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    language: str
    coordinator: bool = False

    def to_json(self) -> JsonDict:
        return {
            "id": self.id,
            "name": self.name,
            "language": self.language,
            "coordinator": self.coordinator,
        }


class Sandbox:
    """What the page shows and drives; each ``subscribe()`` queue gets every change as JSON."""

    def __init__(self, settings: SandboxSettings, env: Mapping[str, str]) -> None:
        self.settings = settings
        self._env = dict(env)
        self.clock = OffsetClock()
        self.timezone: tzinfo = UTC  # the bot's TIMEZONE, once started
        self.people: dict[int, Person] = {}
        self._emulator: BotApiEmulator | None = None
        self._runner: InLoopBot | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._seen: dict[int, tuple[int, ...]] = {}
        self._subscribers: set[asyncio.Queue[JsonDict]] = set()
        self._ids = itertools.count(FIRST_PERSON_ID)
        self._busy = asyncio.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """A fresh sandbox: an empty database, the coordinator's chat, the bot running."""
        self._remove_database()
        emulator = BotApiEmulator(SANDBOX_TOKEN)
        await emulator.start()
        self._emulator = emulator
        # Known to the emulator before the bot starts, which sets the coordinator's menu.
        coordinator = Person(
            self.settings.coordinator_id,
            self.settings.coordinator_name,
            self.settings.coordinator_language,
            coordinator=True,
        )
        self._add(coordinator)
        config = load_config(self.settings.bot_environment(self._env, emulator.base_url))
        self.timezone = config.timezone
        self._runner = InLoopBot(build_application(config, clock=self.clock))
        await self._runner.start()
        self._watcher = asyncio.create_task(self._watch(), name="sandbox-watcher")

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._runner is not None:
            await self._runner.stop()
            self._runner = None
        if self._emulator is not None:
            await self._emulator.stop()
            self._emulator = None

    async def reset(self) -> None:
        """Start over: no chats, an empty database, the clock back at the real time."""
        async with self._busy:
            await self.stop()
            self.people.clear()
            self._seen.clear()
            self._ids = itertools.count(FIRST_PERSON_ID)
            self.clock.offset = timedelta()
            await self.start()
        self._publish(self.state())

    def _remove_database(self) -> None:
        path = self.settings.database_path
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

    @property
    def emulator(self) -> BotApiEmulator:
        if self._emulator is None:
            raise RuntimeError("the sandbox is not running")
        return self._emulator

    # -- people ------------------------------------------------------------------------------

    def add_person(self, name: str, language: str) -> Person:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise SandboxError(N_("A name is needed (at most {count} characters)."), count=MAX_NAME)
        if language not in SUPPORTED_LANGUAGES:
            raise SandboxError(
                N_("The language must be one of {languages}."),
                languages=", ".join(SUPPORTED_LANGUAGES),
            )
        person_id = next(self._ids)
        if person_id == self.settings.coordinator_id:
            person_id = next(self._ids)
        person = self._add(Person(person_id, name, language))
        self._publish({"type": "person", "person": person.to_json(), "chat": self.chat(person.id)})
        return person

    def _add(self, person: Person) -> Person:
        self.emulator.user(person.id, first_name=person.name, language_code=person.language)
        self.people[person.id] = person
        self._seen[person.id] = fingerprint(self.user(person.id).chat)
        return person

    def user(self, person_id: int) -> SimulatedUser:
        """The simulated Telegram user who is this person."""
        if person_id not in self.people:
            raise SandboxError(N_("There is no such person in the sandbox."))
        return self.emulator.user(person_id)

    # -- acting as a person ------------------------------------------------------------------

    async def send_text(self, person_id: int, text: str, reply_to: int | None = None) -> None:
        """Send a text as the person, optionally as a reply to a message in the chat."""
        text = text.strip()
        if not text:
            raise SandboxError(N_("Write a message first."))
        user = self.user(person_id)
        if reply_to is not None and user.chat.find(reply_to) is None:
            raise SandboxError(N_("The message to reply to is gone."))
        await user.send(text, reply_to=reply_to)
        self._check()

    async def press(self, person_id: int, message_id: int, data: str) -> None:
        """Press an inline button: the callback data of one of the bot's messages."""
        user = self.user(person_id)
        message = user.chat.find(message_id)
        if message is None or not message.from_bot:
            raise SandboxError(N_("That message is gone."))
        shown = [b.get("callback_data") for row in _inline_rows(message.reply_markup) for b in row]
        if data not in shown:
            raise SandboxError(N_("That button is no longer there."))
        await user.press_data(message_id, data)
        self._check()

    async def press_reply_button(self, person_id: int, text: str) -> None:
        user = self.user(person_id)
        keyboard = user.reply_keyboard
        if keyboard is None or text not in keyboard.texts:
            raise SandboxError(N_("That button is no longer there."))
        await user.press_reply_button(text)
        self._check()

    # -- time --------------------------------------------------------------------------------

    async def fast_forward(self, days: int) -> None:
        """Move the bot's clock day by day, running the scheduled scans after each day, so
        reminders and alerts come on the day they fall due."""
        if not 1 <= days <= MAX_FAST_FORWARD_DAYS:
            raise SandboxError(
                N_("Fast-forward 1 to {count} days at a time."), count=MAX_FAST_FORWARD_DAYS
            )
        async with self._busy:
            assert self._runner is not None
            for _ in range(days):
                self.clock.offset += timedelta(days=1)
                await self._runner.run_jobs()
                self._publish({"type": "clock", **self._clock_fields()})
                self._check()

    def _clock_fields(self) -> JsonDict:
        return {
            "now": self.clock().isoformat(timespec="minutes"),
            "offset_days": self.clock.offset.days,
        }

    # -- what the page sees ------------------------------------------------------------------

    def chat(self, person_id: int) -> JsonDict:
        return chat_json(self.user(person_id).chat)

    def state(self) -> JsonDict:
        """Everything the page shows, for a page that (re)connects."""
        people = [person.to_json() for person in self.people.values()]
        chats = {str(person_id): self.chat(person_id) for person_id in self.people}
        return {"type": "state", "people": people, "chats": chats, **self._clock_fields()}

    def subscribe(self) -> asyncio.Queue[JsonDict]:
        queue: asyncio.Queue[JsonDict] = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JsonDict]) -> None:
        self._subscribers.discard(queue)

    def _publish(self, event: JsonDict) -> None:
        for queue in self._subscribers:
            queue.put_nowait(event)

    def _check(self) -> None:
        """Tell the page about every chat that changed since it was last told."""
        for person_id in self.people:
            now = fingerprint(self.user(person_id).chat)
            if self._seen.get(person_id) != now:
                self._seen[person_id] = now
                self._publish({"type": "chat", "person": person_id, "chat": self.chat(person_id)})

    async def _watch(self) -> None:
        """The bot answers and sends on its own time: look for changes a few times a second."""
        while True:
            await asyncio.sleep(WATCH_EVERY_SECONDS)
            try:
                self._check()
            except Exception:
                log.exception("sandbox: could not tell the page about a change")


def _inline_rows(markup: JsonDict | None) -> list[list[dict[str, Any]]]:
    return list(markup.get("inline_keyboard", [])) if markup else []
