"""Simulated Telegram users: what tests use to talk to the bot and look at their chat."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .state import CallbackAnswer, CallbackQueryRecord, Chat, JsonDict, StoredMessage, now
from .state import wait_until as _wait_until
from .views import BotMessage, ReplyKeyboard, bot_message_view, reply_keyboard_view

if TYPE_CHECKING:
    from .emulator import BotApiEmulator

T = TypeVar("T")


class _HasMessageId(Protocol):
    @property
    def message_id(self) -> int: ...


# A message given as a BotMessage, a telegram.Message, a Bot API dict or a message id.
MessageRef = _HasMessageId | JsonDict | int

# A 1x1 transparent PNG, the default picture a user sends.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?(?=\s|$)")
_query_ids = itertools.count(4_000_000_000_000_000_001)


def _message_id(message: MessageRef) -> int:
    if isinstance(message, int):
        return message
    if isinstance(message, dict):
        return int(message["message_id"])
    return message.message_id


class SimulatedUser:
    """A person chatting with the bot in a private chat; create with ``emulator.user(...)``."""

    def __init__(self, emulator: BotApiEmulator, profile: JsonDict) -> None:
        self._emu = emulator
        self.chat = Chat(profile)
        self._consumed = 0
        self._chat_instance = str(secrets.randbits(63))

    # -- identity ----------------------------------------------------------------------------

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def profile(self) -> JsonDict:
        """The Bot API ``User`` object of this person."""
        return dict(self.chat.user)

    @property
    def first_name(self) -> str:
        return str(self.chat.user["first_name"])

    @property
    def language_code(self) -> str | None:
        return self.chat.user.get("language_code")

    def __repr__(self) -> str:
        return f"<SimulatedUser {self.id} {self.first_name!r}>"

    # -- sending updates ---------------------------------------------------------------------

    def _user_message(self, content: JsonDict, reply_to: MessageRef | None = None) -> JsonDict:
        self.chat.started = True
        target = self.chat.find(_message_id(reply_to)) if reply_to is not None else None
        if reply_to is not None and target is None:
            raise AssertionError(f"{self!r} cannot reply to missing message {reply_to!r}")
        keyboard = self.chat.reply_keyboard
        if keyboard and keyboard.get("one_time_keyboard"):
            self.chat.reply_keyboard = None
        message = self.chat.add(from_bot=False, content=content, reply_to=target)
        payload = self._emu.message_json(self.chat, message)
        self._emu.updates.push("message", payload)
        return payload

    async def send(self, text: str, *, reply_to: MessageRef | None = None) -> JsonDict:
        """Send a text message; a leading ``/command`` gets a bot_command entity."""
        if not text:
            raise ValueError("Telegram clients do not send empty messages")
        content: JsonDict = {"text": text}
        match = _COMMAND.match(text)
        if match:
            content["entities"] = [{"offset": 0, "length": match.end(), "type": "bot_command"}]
        return self._user_message(content, reply_to)

    async def send_content(self, content: JsonDict, *, edited: bool = False) -> JsonDict:
        """Any message content as is, e.g. an empty text no client sends, or a video note.

        With ``edited`` the bot gets it as an ``edited_message`` of a new message of hers.
        """
        if not edited:
            return self._user_message(content)
        stored = self.chat.add(from_bot=False, content=content)
        stored.edit_date = now()
        stored.edit_count = 1
        payload = self._emu.message_json(self.chat, stored)
        self._emu.updates.push("edited_message", payload)
        return payload

    async def press_data_on_inaccessible(self, data: str, message_id: int = 1) -> str:
        """A callback query on a message the bot can no longer see (date 0, as Telegram sends
        for messages older than 48 hours), with any data."""
        inaccessible = {"chat": self.chat.chat_json(), "message_id": message_id, "date": 0}
        return self._push_query(inaccessible, data)

    async def press_reply_button(self, text: str) -> JsonDict:
        """Tap a button of the reply keyboard currently shown (sends its text, contact...)."""
        keyboard = self.reply_keyboard
        if keyboard is None:
            raise AssertionError(f"{self!r} has no reply keyboard; chat: {self._describe()}")
        button = keyboard.button(text)
        if button.get("request_contact"):
            return await self.send_contact()
        if button.get("request_location"):
            return await self.send_location()
        return await self.send(text)

    def _upload(self, kind: str, data: bytes, **extra: Any) -> JsonDict:
        return self._emu.files.add(kind, data, **extra).as_document()

    async def send_photo(self, data: bytes = TINY_PNG, *, caption: str | None = None) -> JsonDict:
        photo = self._emu.files.add("photo", data).as_photo()
        content: JsonDict = {"photo": photo}
        if caption:
            content["caption"] = caption
        return self._user_message(content)

    async def send_document(
        self,
        data: bytes = b"hello\n",
        *,
        file_name: str = "document.txt",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> JsonDict:
        document = self._upload("document", data, file_name=file_name, mime_type=mime_type)
        content: JsonDict = {"document": document}
        if caption:
            content["caption"] = caption
        return self._user_message(content)

    async def send_voice(self, data: bytes = b"OggS\0voice", *, duration: int = 2) -> JsonDict:
        voice = self._upload("voice", data, mime_type="audio/ogg")
        return self._user_message({"voice": {**voice, "duration": duration}})

    async def send_sticker(self, emoji: str = "👍") -> JsonDict:
        ids = self._emu.files.add("sticker", b"RIFF\0\0\0\0WEBPVP8 ").as_document()
        sticker = {
            **ids,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message({"sticker": sticker})

    async def send_location(self, latitude: float = 52.52, longitude: float = 13.405) -> JsonDict:
        return self._user_message({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(
        self, phone_number: str | None = None, first_name: str | None = None
    ) -> JsonDict:
        """Share a contact; by default her own (with her user_id, like the share button)."""
        contact: JsonDict = {
            "phone_number": phone_number or f"+4915{self.id:09d}"[-13:],
            "first_name": first_name or self.first_name,
        }
        if phone_number is None and first_name is None:
            contact["user_id"] = self.id
        return self._user_message({"contact": contact})

    async def edit(self, message: MessageRef, text: str) -> JsonDict:
        """Edit one of her own text messages; the bot gets an ``edited_message`` update."""
        stored = self.chat.find(_message_id(message))
        if stored is None or stored.from_bot or "text" not in stored.content:
            raise AssertionError(f"{self!r} has no text message {message!r} of her own to edit")
        stored.content = {"text": text}
        stored.edit_date = now()
        stored.edit_count += 1
        payload = self._emu.message_json(self.chat, stored)
        self._emu.updates.push("edited_message", payload)
        return payload

    # -- inline buttons ----------------------------------------------------------------------

    async def press(self, button_text: str, *, message: MessageRef | None = None) -> str:
        """Press an inline button by its text; returns the callback query id.

        Without ``message`` the newest bot message showing such a button is used.
        """
        stored, data = self._button(button_text, message)
        return self._press(stored, data, button_text)

    async def press_and_wait_for_edit(
        self,
        button_text: str,
        *,
        message: MessageRef | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Press an inline button and wait until the bot changes the message it is on (its
        answer in place, e.g. the next question); return that message as it is then."""
        stored, data = self._button(button_text, message)
        before = self._view(stored)
        self._press(stored, data, button_text)
        return await self.wait_for_edit(before, timeout)

    def _button(
        self, button_text: str, message: MessageRef | None
    ) -> tuple[StoredMessage, str | None]:
        """The newest message (or `message`) with a button of this text, and its data."""
        candidates = self._pressable(message)
        for stored in candidates:
            for row in self._view(stored).buttons:
                for button in row:
                    if button.text == button_text:
                        return stored, button.callback_data
        visible = {m.message_id: self._view(m).button_texts for m in candidates}
        raise AssertionError(
            f"{self!r} sees no inline button {button_text!r}; visible buttons: {visible}"
        )

    def _pressable(self, message: MessageRef | None) -> list[StoredMessage]:
        if message is None:
            bot_messages = [self.chat.find(i) for i in reversed(self.chat.bot_message_ids)]
            return [m for m in bot_messages if m is not None and m.inline_markup]
        stored = self.chat.find(_message_id(message))
        if stored is None:
            raise AssertionError(f"message {_message_id(message)} is not in {self!r}'s chat")
        return [stored]

    def _press(self, stored: StoredMessage, data: str | None, label: str) -> str:
        if data is None:
            raise AssertionError(f"button {label!r} has no callback_data (a URL or other button)")
        return self._callback_query(stored, data)

    async def press_data(self, message: MessageRef, data: str) -> str:
        """Send a callback query with arbitrary data for a message (stale or tampered data)."""
        stored = self.chat.find(_message_id(message))
        if stored is None:
            raise AssertionError(f"message {_message_id(message)} is not in {self!r}'s chat")
        return self._callback_query(stored, data)

    def receive_forward(self, sender: SimulatedUser, message: MessageRef) -> int:
        """A bot message of ``sender``'s chat forwarded to her with its inline buttons, which
        she can then press; returns its id in her chat. The bot is told nothing."""
        original = sender.chat.find(_message_id(message))
        if original is None:
            raise AssertionError(f"message {_message_id(message)} is not in {sender!r}'s chat")
        copy = self.chat.add(from_bot=False, content=dict(original.content))
        copy.reply_markup = original.reply_markup
        return copy.message_id

    async def press_data_in_group(self, data: str, message_id: int = 1) -> str:
        """A callback query from a bot message forwarded into a group, with any data."""
        group = {"id": -1_000_000_000_000 - self.id, "type": "supergroup", "title": "Friends"}
        return self._push_query({"chat": group, "message_id": message_id, "date": now()}, data)

    def _callback_query(self, stored: StoredMessage, data: str) -> str:
        return self._push_query(self._emu.message_json(self.chat, stored), data)

    def _push_query(self, message: JsonDict, data: str) -> str:
        self.chat.started = True
        query_id = str(next(_query_ids))
        record = CallbackQueryRecord(query_id, self.id, int(message["message_id"]), data)
        self._emu.callback_queries[query_id] = record
        query = {
            "id": query_id,
            "from": self.chat.user,
            "message": message,
            "chat_instance": self._chat_instance,
            "data": data,
        }
        self._emu.updates.push("callback_query", query)
        return query_id

    # -- blocking ----------------------------------------------------------------------------

    def block(self) -> None:
        """Block the bot: sends fail with 403, the bot gets a my_chat_member update.

        She can still send updates while blocked (so tests can make the bot try to answer);
        call ``unblock()`` explicitly to let the bot's messages through again.
        """
        if not self.chat.blocked:
            self.chat.blocked = True
            self._member_update("member", "kicked")

    def unblock(self) -> None:
        if self.chat.blocked:
            self.chat.blocked = False
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        bot = self._emu.bot_user()
        member = {"user": bot, "status": new}
        if new == "kicked":
            member["until_date"] = 0
        payload = {
            "chat": self.chat.chat_json(),
            "from": self.chat.user,
            "date": now(),
            "old_chat_member": {"user": bot, "status": old},
            "new_chat_member": member,
        }
        self._emu.updates.push("my_chat_member", payload)

    @property
    def blocked(self) -> bool:
        return self.chat.blocked

    # -- what she sees -----------------------------------------------------------------------

    def _view(self, stored: StoredMessage) -> BotMessage:
        return bot_message_view(stored, self._emu.message_json(self.chat, stored))

    def _received(self) -> list[BotMessage]:
        """Every bot message sent to her, in order, including since-deleted ones."""
        return [self._view(self.chat.messages[i]) for i in self.chat.bot_message_ids]

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in her chat as she sees them now (edits applied, no deleted)."""
        return [m for m in self._received() if not m.deleted]

    @property
    def last(self) -> BotMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def reply_keyboard(self) -> ReplyKeyboard | None:
        return reply_keyboard_view(self.chat.reply_keyboard)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.chat.callback_answers)

    @property
    def commands(self) -> list[JsonDict]:
        """The command menu she sees, resolved by scope and her language like Telegram."""
        return self._emu.commands_for(self.id, self.language_code)

    def message(self, message_id: int) -> BotMessage:
        """A bot message by id, as it looks now (may be marked deleted)."""
        if message_id not in self.chat.bot_message_ids:
            raise AssertionError(f"no bot message {message_id} in {self!r}'s chat")
        return self._view(self.chat.messages[message_id])

    # -- waiting -----------------------------------------------------------------------------

    def _describe(self) -> str:
        lines = [m.describe() for m in self._received()[-10:]]
        return "\n  ".join(lines or ["(no bot messages)"])

    async def _wait(self, predicate: Callable[[], bool], seconds: float, expected: str) -> None:
        if not await _wait_until(self.chat.signal, predicate, seconds):
            raise AssertionError(
                f"{self!r}: timed out after {seconds}s waiting for {expected}; "
                f"her chat has:\n  {self._describe()}"
            )

    async def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[BotMessage]:  # noqa: ASYNC109
        """Wait until the bot has sent her at least ``count`` messages in total.

        Returns the messages she had not consumed yet (and marks them consumed).
        """
        total = self.chat.bot_message_ids
        await self._wait(lambda: len(total) >= count, timeout, f"{count} bot messages in total")
        return self._consume(len(total))

    async def next_messages(self, count: int, timeout: float = 5.0) -> list[BotMessage]:  # noqa: ASYNC109
        """Wait for ``count`` bot messages after the last consumed one and return them."""
        target = self._consumed + count
        total = self.chat.bot_message_ids
        await self._wait(lambda: len(total) >= target, timeout, f"{count} new bot messages")
        return self._consume(target)

    async def next_message(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next bot message after the last consumed one (waits if there is none yet)."""
        (message,) = await self.next_messages(1, timeout)
        return message

    def _consume(self, upto: int) -> list[BotMessage]:
        ids = self.chat.bot_message_ids[self._consumed : upto]
        self._consumed = max(self._consumed, upto)
        return [self._view(self.chat.messages[i]) for i in ids]

    async def wait_for_edit(
        self,
        message: BotMessage | int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Wait until a bot message is edited after this call and return it as it is now.

        With a ``BotMessage`` snapshot, waits until it has more edits than the snapshot.
        """
        stored = self.chat.messages
        if isinstance(message, BotMessage):
            ids, before = [message.message_id], {message.message_id: message.edit_count}
        else:
            ids = [message] if message is not None else list(self.chat.bot_message_ids)
            before = {i: stored[i].edit_count for i in ids if i in stored}

        def edited() -> int | None:
            candidates = ids if message is not None else self.chat.bot_message_ids
            return next((i for i in candidates if stored[i].edit_count > before.get(i, 0)), None)

        await self._wait(lambda: edited() is not None, timeout, f"an edit of {message or 'any'}")
        return self._view(stored[edited() or 0])

    async def next_callback_answer(self, timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        """The bot's answer to her most recent callback query (waits until it is answered)."""
        queries = [q for q in self._emu.callback_queries.values() if q.chat_id == self.id]
        if not queries:
            raise AssertionError(f"{self!r} has not pressed any inline button")
        query_id = queries[-1].query_id

        def answer() -> CallbackAnswer | None:
            answers = self.chat.callback_answers
            return next((a for a in answers if a.query_id == query_id), None)

        await self._wait(lambda: answer() is not None, timeout, f"answer to query {query_id}")
        result = answer()
        assert result is not None
        return result

    wait_for_callback_answer = next_callback_answer

    async def wait_for(
        self,
        predicate: Callable[[SimulatedUser], T],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "",
    ) -> T:
        """Wait until ``predicate(user)`` returns something truthy and return that."""
        await self._wait(lambda: bool(predicate(self)), timeout, what or "a condition")
        return predicate(self)
