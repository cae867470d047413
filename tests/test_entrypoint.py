"""As a person starts it: `python -m sandbox` without a token (as `make run` does), `python -m
bot` with one."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from aiohttp import ClientSession

from sandbox import BotApiEmulator
from tests.conftest import TOKEN

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = (
    "BOT_TOKEN",
    "COORDINATOR_IDS",
    "DATABASE_PATH",
    "TIMEZONE",
    "DEFAULT_LANGUAGE",
    "BOT_API_BASE_URL",
    "LOG_LEVEL",
)


def environment(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS}
    env["BOT_TOKEN"] = ""  # set, so that a developer's .env cannot fill it in
    env["PYTHONPATH"] = str(ROOT)
    env.update(variables)
    return env


async def run_bot(
    env: dict[str, str], cwd: Path, module: str = "bot"
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_without_a_token_it_serves_the_sandbox_and_prints_its_address(
    tmp_path: Path,
) -> None:
    env = environment(SANDBOX_PORT="0", SANDBOX_DATA_DIR=str(tmp_path / "play"), LOG_LEVEL="ERROR")
    process = await run_bot(env, tmp_path, "sandbox")  # `make run` without a token
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
        address = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert address is not None, line
        english = {"Accept-Language": "en-GB,en;q=0.9"}  # the page speaks the browser's language
        async with (
            ClientSession() as session,
            session.get(address.group(), headers=english) as page,
        ):
            assert page.status == 200
            assert "<title>Mentorbro sandbox</title>" in await page.text()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert (tmp_path / "play" / "sandbox.sqlite3").exists()
    assert not (tmp_path / "data").exists()  # the configured database is never touched


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
