"""Long work on the event loop in turns: rows turned into the model's types, or a rule applied to
thousands of pairs, give the loop a turn whenever a millisecond has passed, so every chat goes on
meanwhile.

Counted in time, not in rows: a row's cost varies with what it holds and with the machine's load
(a stall scan's 500 rows took from 10 to over 100 ms on a busy 2-core machine), and the chats
wait for the whole stretch between two turns. Not once per press but once per hop: an answer
takes many turns of the loop (the update in, the write's trips to its thread, the Bot API
calls), each waiting for one stretch, so 5 ms stretches made presses during a scan
wait up to 290 ms and 1 ms ones up to 106 ms (bench/evaluation.py, full size).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import aiosqlite

T = TypeVar("T")
TURN_S = 0.001  # the longest stretch of such work between two turns of the event loop


class Turns:
    """Gives the event loop a turn once TURN_S has passed since the last one."""

    __slots__ = ("_until",)

    def __init__(self) -> None:
        self._until = time.perf_counter() + TURN_S

    async def take(self) -> None:
        if time.perf_counter() >= self._until:
            await asyncio.sleep(0)
            self._until = time.perf_counter() + TURN_S


async def converted(
    rows: Sequence[aiosqlite.Row], convert: Callable[[aiosqlite.Row], T]
) -> list[T]:
    found: list[T] = []
    turns = Turns()
    for row in rows:
        found.append(convert(row))
        await turns.take()
    return found
