"""The emulated Bot API methods that send, edit and delete messages, and the files they carry.
The table of all methods: sandbox/methods.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .content import (
    check_caption,
    check_text,
    formatted_text,
    text_content,
    validate_reply_markup,
)
from .errors import bad_request
from .params import Params, UploadedFile
from .state import Chat, JsonDict, StoredFile, StoredMessage, is_image, now

if TYPE_CHECKING:
    from .emulator import BotApiEmulator

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MAX_DOWNLOAD = 20 * 1024 * 1024


class MessageMethods:
    """sendMessage and its kin, getFile, the edits and the deletions."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator

    # -- sending -----------------------------------------------------------------------------

    def _reply_to(self, chat: Chat, p: Params) -> StoredMessage | None:
        reply = p.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = p.get_int("reply_to_message_id")
            allow_missing = p.get_bool("allow_sending_without_reply")
        if message_id is None:
            return None
        target = chat.find(int(message_id))
        if target is None and not allow_missing:
            raise bad_request("message to be replied not found")
        return target

    def _deliver(self, chat: Chat, content: JsonDict, p: Params) -> JsonDict:
        markup = validate_reply_markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat, p)
        message = chat.add(from_bot=True, content=content, reply_markup=markup, reply_to=reply_to)
        return self.emu.message_json(chat, message)

    def _caption(self, p: Params) -> JsonDict:
        caption, entities = formatted_text(p, "caption", self.emu.resolve_user)
        check_caption(caption)
        return text_content(caption, entities, kind="caption")

    async def send_message(self, p: Params) -> JsonDict:
        chat = self.emu.sendable_chat(p)
        text, entities = formatted_text(p, "text", self.emu.resolve_user)
        check_text(text)
        return self._deliver(chat, text_content(text, entities), p)

    async def send_document(self, p: Params) -> JsonDict:
        chat = self.emu.sendable_chat(p)
        stored = self._input_file(p, "document")
        return self._deliver(chat, {"document": stored.as_document(), **self._caption(p)}, p)

    async def send_photo(self, p: Params) -> JsonDict:
        chat = self.emu.sendable_chat(p)
        stored = self._input_file(p, "photo")
        return self._deliver(chat, {"photo": stored.as_photo(), **self._caption(p)}, p)

    async def send_voice(self, p: Params) -> JsonDict:
        chat = self.emu.sendable_chat(p)
        stored = self._input_file(p, "voice")
        voice = {**stored.as_document(), "duration": int(p.get("duration") or 1)}
        return self._deliver(chat, {"voice": voice, **self._caption(p)}, p)

    def _input_file(self, p: Params, kind: str) -> StoredFile:
        value = p.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.get(value.removeprefix("attach://"))
        if value is None or value == "":
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, UploadedFile):
            return self._store_upload(value, kind)
        stored = self.emu.files.get(str(value))
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _store_upload(self, upload: UploadedFile, kind: str) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            if not is_image(upload.data):
                raise bad_request("IMAGE_PROCESS_FAILED")
            return self.emu.files.add("photo", upload.data)
        mime = upload.content_type
        if mime == "application/octet-stream":
            mime = None
        return self.emu.files.add(kind, upload.data, upload.filename, mime)

    async def get_file(self, p: Params) -> JsonDict:
        stored = self.emu.files.get(p.require_str("file_id"))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return stored.as_file()

    # -- editing and deleting ----------------------------------------------------------------

    def _own_message(self, p: Params, missing: str) -> tuple[Chat, StoredMessage]:
        if p.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat = self.emu.known_chat(p)
        message_id = p.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.find(message_id)
        if message is None:
            raise bad_request(missing)
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def _apply_edit(
        self, chat: Chat, message: StoredMessage, content: JsonDict, markup: JsonDict | None
    ) -> JsonDict:
        if content == message.content and markup == message.inline_markup:
            raise bad_request(NOT_MODIFIED)
        message.content = content
        if markup is not None or message.inline_markup is not None:
            message.reply_markup = markup
        message.edit_date = now()
        message.edit_count += 1
        chat.signal.notify()
        return self.emu.message_json(chat, message)

    async def edit_message_text(self, p: Params) -> JsonDict:
        chat, message = self._own_message(p, "message to edit not found")
        if "text" not in message.content:
            raise bad_request("there is no text in the message to edit")
        text, entities = formatted_text(p, "text", self.emu.resolve_user)
        check_text(text)
        markup = validate_reply_markup(p.get("reply_markup"), inline_only=True)
        return self._apply_edit(chat, message, text_content(text, entities), markup)

    async def edit_message_caption(self, p: Params) -> JsonDict:
        chat, message = self._own_message(p, "message to edit not found")
        if "text" in message.content:
            raise bad_request("there is no caption in the message to edit")
        media = {k: v for k, v in message.content.items() if not k.startswith("caption")}
        markup = validate_reply_markup(p.get("reply_markup"), inline_only=True)
        return self._apply_edit(chat, message, {**media, **self._caption(p)}, markup)

    async def edit_message_reply_markup(self, p: Params) -> JsonDict:
        chat, message = self._own_message(p, "message to edit not found")
        markup = validate_reply_markup(p.get("reply_markup"), inline_only=True)
        return self._apply_edit(chat, message, message.content, markup)

    def _delete(self, chat: Chat, message_id: int) -> bool:
        message = chat.find(message_id)
        if message is None:
            return False
        message.deleted = True
        chat.signal.notify()
        return True

    async def delete_message(self, p: Params) -> bool:
        chat = self.emu.known_chat(p)
        if not self._delete(chat, p.require_int("message_id")):
            raise bad_request("message to delete not found")
        return True

    async def delete_messages(self, p: Params) -> bool:
        chat = self.emu.known_chat(p)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        for message_id in ids:
            self._delete(chat, int(message_id))
        return True
