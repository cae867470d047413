"""Injected faults for the emulator: on a chosen share of calls, a 5xx answer, a timeout (with
or without the call carried out), a 429 with ``retry_after`` or a reset connection.

    faults = FaultInjector(emulator, share=0.1, seed=7).install()
    ...
    faults.counts[Fault.TIMEOUT_AFTER], faults.delivered_late("sendMessage")

The random choices are seeded, so a run can be repeated exactly.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aiohttp import web

from .emulator import ApiCall, BotApiEmulator
from .errors import ApiError, too_many_requests

SERVER_ERRORS = (
    ApiError(500, "Internal Server Error"),
    ApiError(502, "Bad Gateway"),
)
# Longer than the bot's own patience for an answer (bot/transport.py: read plus write, 10 s).
DEFAULT_HOLD_S = 12.0
UNTOUCHED = frozenset({"getupdates"})  # long polling has its own retries in the client


class Fault(StrEnum):
    SERVER_ERROR = "server error"  # 500 or 502; the call was not carried out
    TIMEOUT_BEFORE = "timeout before"  # no answer in time; the call was not carried out
    TIMEOUT_AFTER = "timeout after"  # carried out (a message delivered), the answer too late
    RATE_LIMITED = "rate limited"  # 429 with retry_after; not carried out
    RESET = "reset"  # the connection closed without an answer; not carried out


@dataclass(frozen=True)
class InjectedFault:
    call: ApiCall
    fault: Fault
    carried_out: bool  # the emulator did what was asked (only ever for TIMEOUT_AFTER)


@dataclass
class FaultInjector:
    """An interceptor for ``emulator.interceptors`` failing ``share`` of the calls it sees.

    ``methods`` limits it to those Bot API methods (any case); by default every method but
    getUpdates. ``hold_s`` is how long a timeout holds the answer back: longer than the
    client waits. ``limit`` caps the number of faults (share=1, limit=2: the next two calls
    fail). ``injected`` lists what it did, in order.
    """

    emulator: BotApiEmulator
    share: float
    seed: int = 0
    kinds: Sequence[Fault] = tuple(Fault)
    methods: Collection[str] | None = None
    hold_s: float = DEFAULT_HOLD_S
    retry_after: int = 1
    limit: int | None = None
    injected: list[InjectedFault] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError(f"share must be from 0 to 1, got {self.share}")
        if not self.kinds:
            raise ValueError("kinds must name at least one fault")
        self._random = random.Random(self.seed)
        self._methods = {m.lower() for m in self.methods} if self.methods is not None else None

    def install(self) -> FaultInjector:
        self.emulator.interceptors.append(self)
        return self

    def remove(self) -> None:
        self.emulator.interceptors.remove(self)

    @property
    def counts(self) -> Counter[Fault]:
        """How many of each fault were injected."""
        return Counter(injected.fault for injected in self.injected)

    def delivered_late(self, method: str | None = None) -> list[ApiCall]:
        """Calls carried out whose answer came too late: the client may well repeat them."""
        return [
            injected.call
            for injected in self.injected
            if injected.carried_out
            and (method is None or injected.call.method.lower() == method.lower())
        ]

    async def __call__(self, call: ApiCall, request: web.Request) -> web.StreamResponse | None:
        if not self._targets(call.method) or self._spent():
            return None
        if self._random.random() >= self.share:
            return None
        fault = self._random.choice(self.kinds)
        if fault is Fault.SERVER_ERROR:
            return self._answer(call, fault, self._random.choice(SERVER_ERRORS))
        if fault is Fault.RATE_LIMITED:
            return self._answer(call, fault, too_many_requests(self.retry_after))
        if fault is Fault.RESET:
            self.injected.append(InjectedFault(call, fault, carried_out=False))
            return _reset(request)
        if fault is Fault.TIMEOUT_AFTER:
            response = await self.emulator.execute(call)
            self.injected.append(InjectedFault(call, fault, carried_out=response.status == 200))
        else:
            self.injected.append(InjectedFault(call, fault, carried_out=False))
            response = web.Response(status=504, text="Gateway Timeout")  # read by no one
        await asyncio.sleep(self.hold_s)
        return response

    def _targets(self, method: str) -> bool:
        if self._methods is None:
            return method.lower() not in UNTOUCHED
        return method.lower() in self._methods

    def _spent(self) -> bool:
        return self.limit is not None and len(self.injected) >= self.limit

    def _answer(self, call: ApiCall, fault: Fault, error: ApiError) -> web.Response:
        self.injected.append(InjectedFault(call, fault, carried_out=False))
        return web.json_response(error.payload(), status=error.error_code)


def _reset(request: web.Request) -> web.StreamResponse:
    """Drop the connection without a word; the response returned is never written."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)
