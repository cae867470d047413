"""Sending through a flaky network: the rate limiter, which also retries what failed on the way.

PTB's AIORateLimiter retries only 429 (after Telegram's retry_after). A 5xx answer, a timeout
or a dropped connection reaches the bot as NetworkError (TimedOut is one); those are tried
again here after a short, growing pause. A 400 (BadRequest, also a NetworkError in PTB) or a
403 is an answer about the request itself and is never retried. getUpdates does not pass the
rate limiter: the updater retries it by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.monitor import Monitor

log = logging.getLogger(__name__)

# The pause before each retry; one try more than there are pauses.
RETRY_DELAYS_S = (0.5, 1.0, 2.0)
# What Telegram answers to a call repeated after the first one took effect unseen (its answer
# timed out): the repeated call has nothing left to do, which is what was wanted.
ALREADY_DONE = {
    "answercallbackquery": "query is too old",
    "editmessagetext": "message is not modified",
    "editmessagereplymarkup": "message is not modified",
    "editmessagecaption": "message is not modified",
}

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter, plus retries of calls that failed on the way to Telegram or back."""

    def __init__(self, *args: Any, monitor: Monitor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._monitor = monitor

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        delays = RETRY_DELAYS_S  # read at each call, so tests can make the pauses short
        attempt = 0
        counted = self._counting_tries(callback, endpoint)
        while True:
            try:
                return await super().process_request(
                    counted, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest as error:
                if attempt > 0 and already_done(endpoint, error):
                    return True
                raise
            except NetworkError as error:
                if attempt == len(delays):
                    log.warning("%s failed %d times: %s", endpoint, attempt + 1, _kind(error))
                    raise
                log.info("%s failed (%s), trying again", endpoint, _kind(error))
                await asyncio.sleep(delays[attempt])
                attempt += 1

    def _counting_tries(
        self, callback: Callable[..., Coroutine[Any, Any, Result]], endpoint: str
    ) -> Callable[..., Coroutine[Any, Any, Result]]:
        """The call, counting each try after the first as a retry: after a 429 (inside
        AIORateLimiter) and after a failure on the way (here) alike."""
        monitor = self._monitor
        if monitor is None:
            return callback
        tries = 0

        async def counted(*args: Any, **kwargs: Any) -> Result:
            nonlocal tries
            if tries:
                monitor.bot_api_retry(endpoint)
            tries += 1
            return await callback(*args, **kwargs)

        return counted


def already_done(endpoint: str, error: BadRequest) -> bool:
    """Whether a retried call was refused only because its first try had done it."""
    done = ALREADY_DONE.get(endpoint.lower())
    return done is not None and done in error.message.lower()


def _kind(error: NetworkError) -> str:
    # Only the class: a message could quote what was sent.
    return type(error).__name__
