"""In-memory state of the emulated Bot API: chats, messages, files, updates, commands."""

from __future__ import annotations

import asyncio
import itertools
import json
import mimetypes
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

JsonDict = dict[str, Any]

# Update types Telegram leaves out when allowed_updates is empty or was never given.
EXCLUDED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def now() -> int:
    """Current Unix time in whole seconds, as in Telegram's ``date`` fields."""
    return int(time.time())


class Signal:
    """Wakes every waiter on ``notify()``; safe to call from synchronous code."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        event = self._event
        try:
            async with asyncio.timeout(seconds):
                await event.wait()
        except TimeoutError:
            return False
        return True


async def wait_until(signal: Signal, predicate: Callable[[], bool], seconds: float) -> bool:
    """Wait up to ``seconds`` until ``predicate()`` holds, re-checking when ``signal`` fires."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        remaining = deadline - loop.time()
        if remaining <= 0:
            return False
        await signal.wait(remaining)
    return True


# -- files -----------------------------------------------------------------------------------

_FILE_KINDS = {
    "document": ("documents", ".bin", "BQACAgIAAxkBAA"),
    "photo": ("photos", ".jpg", "AgACAgIAAxkBAA"),
    "voice": ("voice", ".oga", "AwACAgIAAxkBAA"),
    "sticker": ("stickers", ".webp", "CAACAgIAAxkBAA"),
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    data: bytes = field(repr=False)
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def ids(self) -> JsonDict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id}

    def as_file(self) -> JsonDict:
        return {**self.ids(), "file_size": self.size, "file_path": self.file_path}

    def as_document(self) -> JsonDict:
        doc: JsonDict = {}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return {**doc, **self.ids(), "file_size": self.size}

    def as_photo(self) -> list[JsonDict]:
        width, height = image_size(self.data)
        return [{**self.ids(), "file_size": self.size, "width": width, "height": height}]


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count()

    def add(
        self, kind: str, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        folder, default_ext, prefix = _FILE_KINDS[kind]
        suffix = PurePosixPath(file_name).suffix if file_name else ""
        path = f"{folder}/file_{next(self._counter)}{suffix or default_ext}"
        if kind == "document" and mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(30),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            kind=kind,
            file_path=path,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG image; (0, 0) if unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return 0, 0


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    while pos + 9 < len(data) and data[pos] == 0xFF:
        marker, length = data[pos + 1], int.from_bytes(data[pos + 2 : pos + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            return int.from_bytes(data[pos + 7 : pos + 9], "big"), height
        pos += 2 + length
    return 0, 0


def is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


# -- messages and chats ----------------------------------------------------------------------


@dataclass
class StoredMessage:
    message_id: int
    from_bot: bool
    date: int
    content: JsonDict
    reply_markup: JsonDict | None = None
    reply_to: StoredMessage | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def inline_markup(self) -> JsonDict | None:
        markup = self.reply_markup
        return markup if markup and "inline_keyboard" in markup else None


@dataclass
class CallbackAnswer:
    """What the bot answered to a callback query."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass
class CallbackQueryRecord:
    query_id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


class Chat:
    """A private chat between the bot and one simulated user (chat id == user id)."""

    def __init__(self, user: JsonDict) -> None:
        self.user = user
        self.messages: dict[int, StoredMessage] = {}
        self.bot_message_ids: list[int] = []
        self.blocked = False
        self.started = False
        self.reply_keyboard: JsonDict | None = None
        self.callback_answers: list[CallbackAnswer] = []
        self.signal = Signal()
        self._ids = itertools.count(1)

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def chat_json(self) -> JsonDict:
        keys = ("id", "first_name", "last_name", "username")
        chat = {key: self.user[key] for key in keys if self.user.get(key) is not None}
        return {**chat, "type": "private"}

    def add(
        self,
        *,
        from_bot: bool,
        content: JsonDict,
        reply_markup: JsonDict | None = None,
        reply_to: StoredMessage | None = None,
    ) -> StoredMessage:
        message = StoredMessage(next(self._ids), from_bot, now(), content, reply_markup, reply_to)
        self.messages[message.message_id] = message
        if from_bot:
            self.bot_message_ids.append(message.message_id)
            self._track_keyboard(reply_markup)
        self.signal.notify()
        return message

    def _track_keyboard(self, markup: JsonDict | None) -> None:
        if not markup:
            return
        if "keyboard" in markup:
            self.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            self.reply_keyboard = None

    def find(self, message_id: int | None) -> StoredMessage | None:
        message = self.messages.get(message_id) if message_id is not None else None
        return None if message is None or message.deleted else message

    def to_json(self, message: StoredMessage, bot_user: JsonDict, nested: bool = False) -> JsonDict:
        data: JsonDict = {
            "message_id": message.message_id,
            "from": bot_user if message.from_bot else self.user,
            "chat": self.chat_json(),
            "date": message.date,
        }
        if message.reply_to is not None and not nested and not message.reply_to.deleted:
            data["reply_to_message"] = self.to_json(message.reply_to, bot_user, nested=True)
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        data.update(message.content)
        if message.inline_markup:
            data["reply_markup"] = message.inline_markup
        return data


# -- updates ---------------------------------------------------------------------------------


class UpdateQueue:
    """Pending updates with getUpdates' offset confirmation and long-polling support."""

    def __init__(self) -> None:
        self.pending: list[JsonDict] = []
        self.signal = Signal()
        self.allowed: frozenset[str] | None = None
        self.poll_generation = 0
        self.closing = False
        # Set by setWebhook: Telegram then posts updates there and refuses getUpdates.
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self._next_id = 1

    def push(self, kind: str, payload: JsonDict) -> JsonDict:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self.pending.append(update)
        self.signal.notify()
        return update

    @property
    def last_id(self) -> int:
        """The id of the newest update queued so far (0 before the first)."""
        return self._next_id - 1

    def confirm(self, offset: int) -> None:
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else None

    def is_allowed(self, update: JsonDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed is None:
            return kind not in EXCLUDED_BY_DEFAULT
        return kind in self.allowed

    def _drop_disallowed(self) -> None:
        self.pending = [u for u in self.pending if self.is_allowed(u)]

    def ready(self) -> bool:
        self._drop_disallowed()
        return bool(self.pending)

    def take(self, limit: int) -> list[JsonDict]:
        self._drop_disallowed()
        return self.pending[:limit]

    def clear(self) -> None:
        self.pending.clear()

    def start_poll(self) -> int:
        """Register a new getUpdates request; any request still waiting is superseded."""
        self.poll_generation += 1
        self.signal.notify()
        return self.poll_generation


def scope_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """Key under which commands are stored: normalised scope JSON and language code."""
    if scope is None:
        scope = {"type": "default"}
    elif hasattr(scope, "to_dict"):
        scope = scope.to_dict()
    if not isinstance(scope, dict):
        raise TypeError(f"scope must be a dict or BotCommandScope, not {scope!r}")
    normalized = dict(scope)
    if isinstance(normalized.get("chat_id"), str) and normalized["chat_id"].lstrip("-").isdigit():
        normalized["chat_id"] = int(normalized["chat_id"])
    return json.dumps(normalized, sort_keys=True, separators=(",", ":")), language_code or ""
