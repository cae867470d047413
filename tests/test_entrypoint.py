"""How a person starts it: `python -m bot` runs the bot and refuses to start without a token
(never a sandbox in production); `python -m sandbox` is the sandbox; `make run` picks one."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from pathlib import Path

from aiohttp import ClientSession

from sandbox import BotApiEmulator
from tests.conftest import TOKEN, environment, run_bot


async def test_the_bot_without_a_token_says_so_and_exits_2(tmp_path: Path) -> None:
    env = environment(SANDBOX_PORT="0", SANDBOX_DATA_DIR=str(tmp_path / "play"))
    process = await run_bot(env, tmp_path)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stdout == b""
    assert stderr.decode().strip().splitlines() == [
        "mentorbro: BOT_TOKEN is not set: open Telegram, talk to @BotFather, send /newbot, and "
        "put the token it gives you in .env as BOT_TOKEN=..."
    ]
    assert not (tmp_path / "play").exists()  # no sandbox was started


async def test_make_run_opens_the_sandbox_only_without_a_token(tmp_path: Path) -> None:
    without = await run_bot(environment(), tmp_path, "bot.token_set")
    with_token = await run_bot(environment(BOT_TOKEN=TOKEN), tmp_path, "bot.token_set")
    assert await without.wait() == 1
    assert await with_token.wait() == 0


async def printed_address(process: asyncio.subprocess.Process) -> str:
    """The sandbox's address, from the first line it prints."""
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
    address = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert address is not None, line
    return address.group()


async def test_the_sandbox_serves_its_page_and_prints_its_address(tmp_path: Path) -> None:
    env = environment(SANDBOX_PORT="0", SANDBOX_DATA_DIR=str(tmp_path / "play"), LOG_LEVEL="ERROR")
    process = await run_bot(env, tmp_path, "sandbox")
    try:
        address = await printed_address(process)
        english = {"Accept-Language": "en-GB,en;q=0.9"}  # the page speaks the browser's language
        async with (
            ClientSession() as session,
            session.get(address, headers=english) as page,
        ):
            assert page.status == 200
            assert "<title>Mentorbro sandbox</title>" in await page.text()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert (tmp_path / "play" / "sandbox.sqlite3").exists()
    assert not (tmp_path / "data").exists()  # the configured database is never touched


async def test_the_sandbox_writes_json_logs_when_asked(tmp_path: Path) -> None:
    env = environment(
        SANDBOX_PORT="0",
        SANDBOX_DATA_DIR=str(tmp_path / "play"),
        SANDBOX_COORDINATOR_LANGUAGE="en",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
    )
    typed = "Zindabrook marmalade 4471"
    process = await run_bot(env, tmp_path, "sandbox")
    try:
        async with ClientSession(await printed_address(process)) as session:
            sent = await session.post("/api/people/1000/messages", json={"text": typed})
            assert sent.status == 200
            for _ in range(100):  # until the bot has answered the coordinator
                chats = (await (await session.get("/api/state")).json())["chats"]
                if any(message["from_bot"] for message in chats["1000"]["messages"]):
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the bot did not answer in the sandbox")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    entries = [json.loads(line) for line in stderr.decode().strip().splitlines()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    handled = [entry for entry in entries if entry["message"] == "message handled"]
    assert len(handled) == 1
    assert handled[0]["update_id"] and handled[0]["participant_id"]
    assert typed not in stderr.decode()


async def test_a_malformed_token_is_named_like_a_missing_one(tmp_path: Path) -> None:
    process = await run_bot(environment(BOT_TOKEN="not-a-token"), tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().startswith("mentorbro: BOT_TOKEN does not look like a bot token")


async def test_a_malformed_setting_is_named(tmp_path: Path) -> None:
    process = await run_bot(environment(BOT_TOKEN=TOKEN, TIMEZONE="Nowhere/Land"), tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().strip().startswith("mentorbro: TIMEZONE")


async def test_with_a_token_it_answers_start_and_stops_cleanly(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    env = environment(
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=emulator.base_url,
        DATABASE_PATH=str(tmp_path / "data" / "bot.sqlite3"),
        LOG_LEVEL="WARNING",
    )
    process = await run_bot(env, tmp_path)
    try:
        await emulator.wait_for_call("getUpdates", timeout=30)
        user = emulator.user(4001, language_code="en")
        await user.send("/start")
        greeting = await user.next_message(timeout=1.0)
        assert "Which language do you want to use?" in greeting.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert (tmp_path / "data" / "bot.sqlite3").exists()
    assert TOKEN not in stderr.decode()
