"""A local Telegram Bot API server for tests, plus a Python control API to act as users."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from aiohttp import web

from .errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request, forbidden, too_many_requests
from .methods import RATE_LIMITED_METHODS, ApiMethods
from .params import Params, read_params
from .ratelimit import RateLimiter, RateLimits
from .state import (
    CallbackQueryRecord,
    Chat,
    FileStore,
    JsonDict,
    Signal,
    StoredMessage,
    UpdateQueue,
    wait_until,
)
from .state import scope_key as _scope_key
from .user import SimulatedUser

logger = logging.getLogger(__name__)
# Telegram takes files of up to 50 MB from bots (aiohttp's own limit is 1 MB): the CSV
# files of a programme-sized report are larger than 1 MB.
UPLOAD_LIMIT = 50 * 1024 * 1024


class ApiCall(NamedTuple):
    """One Bot API request as received: canonical method name and decoded parameters."""

    method: str
    params: dict[str, Any]


# Interceptors see every authorised call before its handler. Returning a response
# short-circuits the call (e.g. an injected 5xx); they may also sleep (timeouts) or
# abort ``request.transport`` (connection resets). Returning None lets the call pass.
Interceptor = Callable[[ApiCall, web.Request], Awaitable[web.StreamResponse | None]]


@dataclass
class EmulatorStats:
    """Counters over the emulator's lifetime."""

    calls: int = 0
    errors: int = 0
    rate_limited: int = 0
    by_method: dict[str, int] = field(default_factory=dict)


class BotApiEmulator:
    """An aiohttp server speaking the Telegram Bot API, with simulated users.

    Use ``await start()`` / ``await stop()`` or ``async with BotApiEmulator() as emulator``.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "mentorbro_test_bot",
        bot_first_name: str = "Mentorbro",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"token must look like '123456:SECRET', got {token!r}")
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.host = host
        self.port = port
        self.calls: list[ApiCall] = []
        self._calls_signal = Signal()
        self.stats = EmulatorStats()
        self.interceptors: list[Interceptor] = []
        self.updates = UpdateQueue()
        self.files = FileStore()
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.profile: dict[tuple[str, str], str] = {}
        self._users: dict[int, SimulatedUser] = {}
        self._limiter: RateLimiter | None = None
        self._methods = ApiMethods(self)
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=UPLOAD_LIMIT)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.updates.closing = False

    async def stop(self) -> None:
        self.updates.closing = True
        self.updates.signal.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; the client appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- control API -------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        is_premium: bool | None = None,
    ) -> SimulatedUser:
        """The simulated user with this id, created on first call (later calls return it)."""
        if user_id in self._users:
            return self._users[user_id]
        profile: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        optional = {
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
            "is_premium": is_premium,
        }
        profile.update({key: value for key, value in optional.items() if value is not None})
        user = SimulatedUser(self, profile)
        self._users[user_id] = user
        return user

    @property
    def users(self) -> list[SimulatedUser]:
        return list(self._users.values())

    @property
    def rate_limits(self) -> RateLimits | None:
        return self._limiter.limits if self._limiter else None

    @rate_limits.setter
    def rate_limits(self, limits: RateLimits | None) -> None:
        """Switch flood control on (fresh buckets) or off (None)."""
        self._limiter = RateLimiter(limits) if limits else None

    def my_commands(self, scope: Any = None, language_code: str | None = None) -> list[JsonDict]:
        """Commands stored for exactly this scope (dict or BotCommandScope) and language."""
        return list(self.commands.get(_scope_key(scope, language_code), []))

    def commands_for(self, user_id: int, language_code: str | None) -> list[JsonDict]:
        """The command menu a private chat shows, following Telegram's scope fallbacks."""
        scopes = ({"type": "chat", "chat_id": user_id}, {"type": "all_private_chats"}, None)
        for scope in scopes:
            for language in (language_code, None) if language_code else (None,):
                commands = self.commands.get(_scope_key(scope, language))
                if commands:
                    return list(commands)
        return []

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to ``method`` (case-insensitive), in order."""
        return [call.params for call in self.calls if call.method.lower() == method.lower()]

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        count: int = 1,
    ) -> ApiCall:
        """Wait until ``method`` has been called ``count`` times in total; return the last call.

        A getUpdates call counts as soon as it arrives, i.e. while it is still long-polling.
        """

        def matching() -> list[ApiCall]:
            return [call for call in self.calls if call.method.lower() == method.lower()]

        if not await wait_until(self._calls_signal, lambda: len(matching()) >= count, timeout):
            seen = sorted({call.method for call in self.calls})
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} call(s) to {method}; "
                f"got {len(matching())}; methods called so far: {seen}"
            )
        return matching()[-1]

    # -- helpers shared with methods and users -----------------------------------------------

    def bot_user(self, full: bool = False) -> JsonDict:
        user: JsonDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }
        if full:
            user.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
        return user

    def chat(self, chat_id: int) -> Chat | None:
        user = self._users.get(chat_id)
        return user.chat if user else None

    def known_chat(self, p: Params) -> Chat:
        """The chat a call names, or the Bot API's answer when there is none."""
        chat = self.chat(p.chat_id())
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def sendable_chat(self, p: Params) -> Chat:
        """The chat a call names, if the bot may write to it (started and not blocked)."""
        chat = self.known_chat(p)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    def resolve_user(self, user_id: int) -> JsonDict | None:
        user = self._users.get(user_id)
        return user.profile if user else None

    def message_json(self, chat: Chat, message: StoredMessage) -> JsonDict:
        return chat.to_json(message, self.bot_user())

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(UNAUTHORIZED)
        entry = self._methods.handlers.get(request.match_info["method"].lower())
        if entry is None:
            return _error_response(NOT_FOUND)
        method, handler = entry
        try:
            params = await read_params(request)
        except ApiError as exc:
            return self._failed(exc)
        call = ApiCall(method, params)
        self.calls.append(call)
        self._calls_signal.notify()
        self.stats.calls += 1
        self.stats.by_method[method] = self.stats.by_method.get(method, 0) + 1
        return await self._process(call, request, handler)

    async def _process(
        self,
        call: ApiCall,
        request: web.Request,
        handler: Callable[[Params], Awaitable[Any]],
    ) -> web.StreamResponse:
        """The single place every authorised call passes through before its handler."""
        for interceptor in self.interceptors:
            response = await interceptor(call, request)
            if response is not None:
                return response
        return await self._execute(call, handler)

    async def execute(self, call: ApiCall) -> web.Response:
        """Carry a call out past the interceptors: for one that lets it happen but answers late."""
        _, handler = self._methods.handlers[call.method.lower()]
        return await self._execute(call, handler)

    async def _execute(
        self, call: ApiCall, handler: Callable[[Params], Awaitable[Any]]
    ) -> web.Response:
        try:
            self._check_rate_limit(call)
            result = await handler(Params(call.params))
        except ApiError as exc:
            return self._failed(exc)
        return web.json_response({"ok": True, "result": result})

    def _check_rate_limit(self, call: ApiCall) -> None:
        if self._limiter is None or call.method not in RATE_LIMITED_METHODS:
            return
        chat_id = call.params.get("chat_id")
        retry_after = self._limiter.acquire(chat_id if isinstance(chat_id, int) else None)
        if retry_after is not None:
            self.stats.rate_limited += 1
            raise too_many_requests(retry_after)

    def _failed(self, exc: ApiError) -> web.Response:
        self.stats.errors += 1
        logger.debug("Bot API error %s: %s", exc.error_code, exc.description)
        return _error_response(exc)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(UNAUTHORIZED)
        stored = self.files.by_path(request.match_info["path"])
        if stored is None:
            return _error_response(NOT_FOUND)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)


def _error_response(exc: ApiError) -> web.Response:
    return web.Response(
        text=json.dumps(exc.payload()),
        status=exc.error_code,
        content_type="application/json",
    )
