"""How the bot talks HTTP to the Bot API: python-telegram-bot's request interface over aiohttp.

PTB's default transport (httpx) costs about three times the CPU per call of aiohttp's client;
a check-in wave and the answers to it are hundreds of calls a second on a small machine, so
the bot uses this one. Plain calls go as one JSON body, uploads as multipart/form-data.

Every call, whichever loop or job makes it (getUpdates too), ends in the monitor's one hook
(bot/monitor.py): the Bot API call metrics and the Bot API's health come from here.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.monitor import Monitor, Outcome, outcome_of

READ_TIMEOUT_S = 5.0
WRITE_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
POOL_TIMEOUT_S = 1.0
MEDIA_WRITE_TIMEOUT_S = 20.0
JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpTransport(BaseRequest):
    """One aiohttp session with a pool of ``connections`` kept-alive connections."""

    __slots__ = ("_connections", "_monitor", "_session")

    def __init__(self, connections: int = 256, monitor: Monitor | None = None) -> None:
        self._connections = connections
        self._monitor = monitor
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return READ_TIMEOUT_S

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpTransport is not initialized")
        uploads = request_data is not None and request_data.contains_files
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout of its own: a write counts into the socket's read.
            sock_read=_given(read_timeout, READ_TIMEOUT_S)
            + _given(write_timeout, MEDIA_WRITE_TIMEOUT_S if uploads else WRITE_TIMEOUT_S),
            sock_connect=_given(connect_timeout, CONNECT_TIMEOUT_S),
            connect=_given(pool_timeout, POOL_TIMEOUT_S)
            + _given(connect_timeout, CONNECT_TIMEOUT_S),
        )
        body, headers = _body(request_data)
        outcome: Outcome | None = None  # None: cancelled, which says nothing about the Bot API
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                answer = await response.read()
                outcome = outcome_of(response.status)
                return response.status, answer
        except TimeoutError as error:
            outcome = Outcome.TIMEOUT
            raise TimedOut from error
        except aiohttp.ClientError as error:
            outcome = Outcome.NETWORK_ERROR
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            if self._monitor is not None and outcome is not None:
                self._monitor.bot_api_call(api_method(url), outcome)


def api_method(url: str) -> str:
    """The Bot API method a URL calls (its last part; the token comes before it)."""
    return url.rsplit("/", 1)[-1]


def _given(value: ODVInput[float], default: float) -> float:
    """A timeout the caller passed (None: none at all is meant as a long one), or the default."""
    if isinstance(value, DefaultValue):
        return default
    return value if value is not None else 3600.0


def _body(
    request_data: RequestData | None,
) -> tuple[bytes | aiohttp.FormData | None, dict[str, str] | None]:
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return request_data.json_payload, JSON_HEADERS
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form, None
