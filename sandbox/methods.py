"""Handlers of the emulated Bot API methods."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .content import (
    check_caption,
    check_text,
    formatted_text,
    text_content,
    validate_reply_markup,
)
from .errors import ApiError, bad_request, forbidden
from .params import Params, UploadedFile
from .state import (
    CallbackAnswer,
    Chat,
    JsonDict,
    StoredFile,
    StoredMessage,
    is_image,
    now,
    scope_key,
    wait_until,
)

if TYPE_CHECKING:
    from .emulator import BotApiEmulator

Handler = Callable[[Params], Awaitable[Any]]

METHOD_NAMES = (
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendVoice",
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "deleteMessages",
    "answerCallbackQuery",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "getFile",
    "getChat",
    "setChatMenuButton",
    "getChatMenuButton",
    "setMyName",
    "setMyDescription",
    "setMyShortDescription",
)
# Methods counted by the rate limiter (they send or change messages in a chat).
RATE_LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVoice",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
MAX_DOWNLOAD = 20 * 1024 * 1024


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class ApiMethods:
    """One coroutine per Bot API method, taking decoded params and returning the result."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator
        self.handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, getattr(self, snake_case(name))) for name in METHOD_NAMES
        }

    # -- bot and updates ---------------------------------------------------------------------

    async def get_me(self, p: Params) -> JsonDict:
        return self.emu.bot_user(full=True)

    async def log_out(self, p: Params) -> bool:
        return True

    async def close(self, p: Params) -> bool:
        return True

    async def set_webhook(self, p: Params) -> bool:
        """Only recorded: the emulator does not post to the webhook, a test does."""
        queue = self.emu.updates
        queue.webhook_url = p.get_str("url") or ""
        queue.webhook_secret = p.get_str("secret_token")
        queue.set_allowed(p.get("allowed_updates"))
        if p.get_bool("drop_pending_updates"):
            queue.clear()
        return True

    async def delete_webhook(self, p: Params) -> bool:
        self.emu.updates.webhook_url = ""
        self.emu.updates.webhook_secret = None
        if p.get_bool("drop_pending_updates"):
            self.emu.updates.clear()
        return True

    async def get_webhook_info(self, p: Params) -> JsonDict:
        queue = self.emu.updates
        pending = len(queue.pending)
        return {
            "url": queue.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }

    async def get_updates(self, p: Params) -> list[JsonDict]:
        queue = self.emu.updates
        if queue.webhook_url:
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = p.get_int("offset")
        limit = min(max(p.get_int("limit", 100) or 100, 1), 100)
        timeout = max(p.get_float("timeout"), 0.0)
        queue.set_allowed(p.get("allowed_updates"))
        if offset is not None:
            queue.confirm(offset)
        generation = queue.start_poll()

        def done() -> bool:
            return queue.closing or queue.poll_generation != generation or queue.ready()

        await wait_until(queue.signal, done, timeout)
        if queue.poll_generation != generation:
            raise ApiError(409, CONFLICT)
        return queue.take(limit)

    # -- chats -------------------------------------------------------------------------------

    def _chat(self, p: Params) -> Chat:
        chat = self.emu.chat(p.chat_id())
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _sendable_chat(self, p: Params) -> Chat:
        chat = self._chat(p)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    async def get_chat(self, p: Params) -> JsonDict:
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        chat = self._chat(p).chat_json()
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def send_chat_action(self, p: Params) -> bool:
        self._sendable_chat(p)
        if p.get_str("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def set_chat_menu_button(self, p: Params) -> bool:
        key = p.get_int("chat_id")
        if key is not None:
            self._chat(p)
        self.emu.menu_buttons[key] = p.get("menu_button") or {"type": "default"}
        return True

    async def get_chat_menu_button(self, p: Params) -> JsonDict:
        buttons = self.emu.menu_buttons
        key = p.get_int("chat_id")
        return buttons.get(key) or buttons.get(None) or {"type": "default"}

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
        chat = self._sendable_chat(p)
        text, entities = formatted_text(p, "text", self.emu.resolve_user)
        check_text(text)
        return self._deliver(chat, text_content(text, entities), p)

    async def send_document(self, p: Params) -> JsonDict:
        chat = self._sendable_chat(p)
        stored = self._input_file(p, "document")
        return self._deliver(chat, {"document": stored.as_document(), **self._caption(p)}, p)

    async def send_photo(self, p: Params) -> JsonDict:
        chat = self._sendable_chat(p)
        stored = self._input_file(p, "photo")
        return self._deliver(chat, {"photo": stored.as_photo(), **self._caption(p)}, p)

    async def send_voice(self, p: Params) -> JsonDict:
        chat = self._sendable_chat(p)
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
        chat = self._chat(p)
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
        chat = self._chat(p)
        if not self._delete(chat, p.require_int("message_id")):
            raise bad_request("message to delete not found")
        return True

    async def delete_messages(self, p: Params) -> bool:
        chat = self._chat(p)
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        for message_id in ids:
            self._delete(chat, int(message_id))
        return True

    # -- callback queries --------------------------------------------------------------------

    async def answer_callback_query(self, p: Params) -> bool:
        query_id = p.require_str("callback_query_id")
        record = self.emu.callback_queries.get(query_id)
        if record is None or record.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = p.get_str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        record.answered = True
        chat = self.emu.chat(record.chat_id)
        if chat is not None:
            answer = CallbackAnswer(query_id, text, p.get_bool("show_alert"), p.get_str("url"))
            chat.callback_answers.append(answer)
            chat.signal.notify()
        return True

    # -- commands and profile ----------------------------------------------------------------

    def _scope_key(self, p: Params) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        if "chat_id" in scope:
            chat = self.emu.chat(Params(scope).chat_id())
            if chat is None:
                raise bad_request("chat not found")
        language = p.get_str("language_code") or ""
        if language and not _LANGUAGE.match(language):
            raise bad_request("invalid language code specified")
        return scope_key(scope, language)

    async def set_my_commands(self, p: Params) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        validated = [_command(entry) for entry in commands]
        key = self._scope_key(p)
        if validated:
            self.emu.commands[key] = validated
        else:
            self.emu.commands.pop(key, None)
        return True

    async def get_my_commands(self, p: Params) -> list[JsonDict]:
        return list(self.emu.commands.get(self._scope_key(p), []))

    async def delete_my_commands(self, p: Params) -> bool:
        self.emu.commands.pop(self._scope_key(p), None)
        return True

    def _set_profile(self, p: Params, field: str) -> bool:
        self.emu.profile[(field, p.get_str("language_code") or "")] = p.get_str(field) or ""
        return True

    async def set_my_name(self, p: Params) -> bool:
        return self._set_profile(p, "name")

    async def set_my_description(self, p: Params) -> bool:
        return self._set_profile(p, "description")

    async def set_my_short_description(self, p: Params) -> bool:
        return self._set_profile(p, "short_description")


def _command(entry: Any) -> JsonDict:
    if not isinstance(entry, dict):
        raise bad_request("can't parse BotCommand JSON object")
    command, description = entry.get("command"), entry.get("description")
    if not isinstance(command, str) or not _COMMAND.match(command):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": command, "description": description}
