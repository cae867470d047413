"""What the benches share of the emulator: running it, and the check-in prompts a simulated
person sees in her chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sandbox import BotApiEmulator, SimulatedUser

CHECKIN_DATA = "ci1:"  # bot/handlers/checkins.py: CheckInButton's prefix


@asynccontextmanager
async def running_emulator(token: str) -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(token=token)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


def checkin_data(callback_data: str | None) -> bool:
    return callback_data is not None and callback_data.startswith(CHECKIN_DATA)


def checkin_prompts(user: SimulatedUser) -> list[tuple[int, str]]:
    """Her messages that show check-in buttons now: (message id, first button's data)."""
    found = []
    for message_id in user.chat.bot_message_ids:
        markup = user.chat.messages[message_id].inline_markup
        rows = markup["inline_keyboard"] if markup else []
        if rows and checkin_data(rows[0][0].get("callback_data")):
            found.append((message_id, rows[0][0]["callback_data"]))
    return found
