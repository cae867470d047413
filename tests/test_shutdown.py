"""SIGTERM while the bot handles an update: it finishes the update, then closes and exits 0."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from aiohttp import web

from sandbox import BotApiEmulator
from sandbox.emulator import ApiCall
from tests.conftest import TOKEN, environment, run_bot

USER_ID = 4301
SLOW_REPLY_S = 1.5


async def test_sigterm_lets_the_update_in_flight_finish(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    database = tmp_path / "bot.sqlite3"
    env = environment(
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=emulator.base_url,
        DATABASE_PATH=str(database),
        BACKUP_DIR=str(tmp_path / "backups"),
        LOG_LEVEL="WARNING",
    )
    process = await run_bot(env, tmp_path)
    user = emulator.user(USER_ID, language_code="en")
    replying = asyncio.Event()

    async def slow_replies(call: ApiCall, request: web.Request) -> None:
        """The bot's first reply after the language choice is answered late."""
        if (
            call.method == "sendMessage"
            and call.params.get("chat_id") == USER_ID
            and not replying.is_set()
        ):
            replying.set()
            await asyncio.sleep(SLOW_REPLY_S)

    try:
        await emulator.wait_for_call("getUpdates", timeout=30)
        await user.send("/start")
        await user.next_message(timeout=10)
        emulator.interceptors.append(slow_replies)
        await user.press("English")
        await asyncio.wait_for(replying.wait(), timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode == 0, stderr.decode()
    # Everything the press leads to was sent, not only the reply that was on its way.
    replies = "\n".join(message.text for message in user.messages)
    assert "OK, I will write to you in English." in replies
    assert "What brings you here?" in replies
    assert closed_cleanly(database)
    assert language_of(database, USER_ID) == ("en", 1)


def closed_cleanly(database: Path) -> bool:
    """On the last close SQLite folds the write-ahead log back in and removes it."""
    return database.exists() and not Path(f"{database}-wal").exists()


def language_of(database: Path, user_id: int) -> tuple[str, int] | None:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(
            "SELECT language, language_chosen FROM participants WHERE telegram_user_id = ?",
            (user_id,),
        ).fetchone()
    finally:
        connection.close()
