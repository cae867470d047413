"""Shared fixtures: the Bot API emulator and the real bot polling it, on a fresh database."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.config import Config, load_config
from bot.handlers.context import services_of
from sandbox import BotApiEmulator
from sandbox.runner import InLoopBot
from storage import Database, open_database
from tests.seeds import seed_programme

TOKEN = "123456789:TESTtokenTESTtokenTESTtokenTESTtok"
COORDINATOR_ID = 900001
SECOND_COORDINATOR = 900002
ROOT = Path(__file__).resolve().parent.parent
# Settings a developer's shell may hold; a bot started by a test sees only those it is given.
SETTINGS = (
    "BOT_TOKEN",
    "COORDINATOR_IDS",
    "DATABASE_PATH",
    "TIMEZONE",
    "DEFAULT_LANGUAGE",
    "BOT_API_BASE_URL",
    "LOG_LEVEL",
)


class FakeClock:
    """The bot's clock, moved by the test: no test waits for real hours."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **duration: float) -> None:
        self.now += timedelta(**duration)


class RunningBot:
    """The real Application, started and stopped as run_polling does, but in the test's loop."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.clock = FakeClock()
        self.application: Application | None = None
        self._runner: InLoopBot | None = None

    async def start(self) -> None:
        runner = InLoopBot(build_application(self.config, clock=self.clock))
        await runner.start()
        self._runner, self.application = runner, runner.application

    async def stop(self) -> None:
        runner = self._runner
        if runner is None:
            return
        self._runner, self.application = None, None
        await runner.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def run_job(self, name: str) -> None:
        """Run a scheduled job now, as the JobQueue would when its time comes."""
        assert self._runner is not None
        await self._runner.run_job(name)


async def rows(bot: RunningBot, sql: str, *params: object) -> list:
    """What the running bot's database answers to `sql`."""
    return await services_of(bot.application).db.fetch_all(sql, params)


def environment(**variables: str) -> dict[str, str]:
    """The environment for `python -m bot`: this shell's, without the bot's settings, plus these."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS}
    env["BOT_TOKEN"] = ""  # set, so that a developer's .env cannot fill it in
    env["PYTHONPATH"] = str(ROOT)
    env.update(variables)
    return env


async def run_bot(
    env: dict[str, str], cwd: Path, module: str = "bot"
) -> asyncio.subprocess.Process:
    """`python -m bot` (or `module`) started as a person starts it, in `cwd`, output captured."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    server = BotApiEmulator(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def make_config(tmp_path: Path, emulator: BotApiEmulator) -> Callable[..., Config]:
    """A configuration pointing at the emulator; keyword arguments override variables."""

    def make(**variables: str) -> Config:
        env = {
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": emulator.base_url,
            "DATABASE_PATH": str(tmp_path / "mentorbro.sqlite3"),
            "BACKUP_DIR": str(tmp_path / "backups"),  # never the project's data/backups
            "COORDINATOR_IDS": str(COORDINATOR_ID),
        }
        env.update({name.upper(): value for name, value in variables.items()})
        return load_config(env)

    return make


@pytest.fixture
async def bot(make_config: Callable[..., Config]) -> AsyncIterator[RunningBot]:
    running = RunningBot(make_config())
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def two_coordinators(make_config: Callable[..., Config]) -> AsyncIterator[RunningBot]:
    """The bot with a second coordinator, SECOND_COORDINATOR, beside COORDINATOR_ID."""
    running = RunningBot(make_config(coordinator_ids=f"{COORDINATOR_ID},{SECOND_COORDINATOR}"))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def programme(tmp_path: Path) -> AsyncIterator[Database]:
    """A database holding tests/seeds.py's evaluation programme, the bot not running."""
    database = await open_database(tmp_path / "x.sqlite3")
    yield await seed_programme(database)
    await database.close()
