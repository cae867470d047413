"""Token-bucket rate limits resembling Telegram's flood control."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass(frozen=True)
class RateLimits:
    """Limits for sending methods; assign to ``BotApiEmulator.rate_limits`` to switch them on.

    Each chat may burst ``per_chat_burst`` messages, then ``per_chat_per_second`` on average;
    all chats together may send ``global_per_second`` (burst ``global_burst``, default the
    same number).
    """

    global_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    global_burst: int | None = None


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + max(now - self.updated, 0.0) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class RateLimiter:
    """Decides whether a sending call may pass; consumes tokens only if it does."""

    limits: RateLimits
    clock: Clock = time.monotonic
    _global: _Bucket | None = None
    _chats: dict[int, _Bucket] = field(default_factory=dict)

    def _buckets(self, chat_id: int | None, now: float) -> list[_Bucket]:
        limits = self.limits
        if self._global is None:
            burst = limits.global_burst or math.ceil(limits.global_per_second)
            self._global = _Bucket(limits.global_per_second, burst, burst, now)
        buckets = [self._global]
        if chat_id is not None:
            if chat_id not in self._chats:
                burst = limits.per_chat_burst
                self._chats[chat_id] = _Bucket(limits.per_chat_per_second, burst, burst, now)
            buckets.append(self._chats[chat_id])
        return buckets

    def acquire(self, chat_id: int | None) -> int | None:
        """Take a token for ``chat_id``; return None, or the retry_after seconds if limited."""
        now = self.clock()
        buckets = self._buckets(chat_id, now)
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.wait_time() for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None
