"""Handlers of the emulated Bot API methods: the table of them all, and those about the bot, its
updates, chats, callback queries, commands and profile. Sending, editing and deleting messages:
sandbox/message_methods.py."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .errors import ApiError, bad_request
from .message_methods import MessageMethods
from .params import Params
from .state import CallbackAnswer, JsonDict, scope_key, wait_until

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
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class ApiMethods:
    """One coroutine per Bot API method, taking decoded params and returning the result."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator
        parts = (self, MessageMethods(emulator))
        self.handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, _handler(parts, snake_case(name))) for name in METHOD_NAMES
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
        chat = self.emu.known_chat(p).chat_json()
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def send_chat_action(self, p: Params) -> bool:
        self.emu.sendable_chat(p)
        if p.get_str("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def set_chat_menu_button(self, p: Params) -> bool:
        key = p.get_int("chat_id")
        if key is not None:
            self.emu.known_chat(p)
        self.emu.menu_buttons[key] = p.get("menu_button") or {"type": "default"}
        return True

    async def get_chat_menu_button(self, p: Params) -> JsonDict:
        buttons = self.emu.menu_buttons
        key = p.get_int("chat_id")
        return buttons.get(key) or buttons.get(None) or {"type": "default"}

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
            self.emu.known_chat(Params(scope))
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


def _handler(parts: tuple[object, ...], name: str) -> Handler:
    """The coroutine named ``name`` on the first of ``parts`` that has one."""
    for part in parts:
        handler = getattr(part, name, None)
        if handler is not None:
            return handler
    raise AttributeError(f"no handler {name!r} for a Bot API method")


def _command(entry: Any) -> JsonDict:
    if not isinstance(entry, dict):
        raise bad_request("can't parse BotCommand JSON object")
    command, description = entry.get("command"), entry.get("description")
    if not isinstance(command, str) or not _COMMAND.match(command):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": command, "description": description}
