"""Benchmark the check-in wave: its send rate under Telegram's limits, a crash in the middle of
it, and how fast answers to it are taken, against a bare python-telegram-bot echo bot.

The real bot runs as a subprocess (`python -m bot`) against the local Bot API emulator.

Run from the repository root: .venv/bin/python bench/checkin_wave.py
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_chat import checkin_prompts, running_emulator
from bot.i18n import SUPPORTED_LANGUAGES
from bot.model.pairs import Side
from bot.model.participants import Role
from sandbox import BotApiEmulator, RateLimits, SimulatedUser
from storage import Database, open_database
from storage import checkins as checkin_store
from storage import pairs as pair_store
from storage import participants as participant_store

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:BenchCheckinWaveToken_0123456789"
ECHO_FLAG = "--echo-bot"
WAVE_PARTICIPANTS = 10_000
# The crash run sends at 30 a second as well; 3,000 people keep it under two minutes while
# the kill still lands in the middle of a long wave.
KILL_PARTICIPANTS = 3_000
ANSWER_ROUNDS = 5  # each a round of our bot, then one of the echo bot on the same presses
PRESSES_PER_ROUND = 1_800  # each round presses for different people of the wave
TELEGRAM_LIMITS = RateLimits(global_per_second=30, per_chat_per_second=1, per_chat_burst=3)
TELEGRAM_RATE = 30  # the emulator's overall limit; the bot keeps its default, just under
PAID_BROADCAST_RATE = 1000
LANGUAGES = SUPPORTED_LANGUAGES
FIRST_USER_ID = 700_000_000
COORDINATOR_ID = 1
FIRST_WAVE_DELAY_S = 10  # bot/app.py: the first check-in wave runs 10 s after the start
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
IDLE_TIMEOUT_S = 300
ROUND_TIMEOUT_S = 300
LATE_COPIES_S = 3  # after the wave: time for a last duplicate to arrive before counting


def wave_timeout(participants: int) -> float:
    """Three times the ideal duration at 30 a second, plus the start."""
    return 3 * participants / TELEGRAM_RATE + 120


# -- seeding, through storage/ -----------------------------------------------------------------


def telegram_id(index: int) -> int:
    return FIRST_USER_ID + index


def language(index: int) -> str:
    return LANGUAGES[index % len(LANGUAGES)]


async def enrol(db: Database, index: int, role: Role, now: datetime) -> int:
    """A participant who wrote to the bot, chose a language and a role; their own id."""
    user_id = telegram_id(index)
    await participant_store.record_contact(
        db,
        telegram_user_id=user_id,
        chat_id=user_id,
        language_guess=language(index),
        coordinator=False,
        now=now,
    )
    await participant_store.set_language(db, user_id, language(index), now)
    chosen = await participant_store.set_role(db, user_id, role, now)
    assert chosen is not None
    return chosen.id


async def pair_up(
    db: Database, mentor_id: int, mentee_id: int, due: datetime, now: datetime
) -> None:
    """An active pair (both accepted, both told long ago) with a check-in due for each side."""
    proposal = await pair_store.propose(
        db,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        score=80,
        reasons=[],
        coordinator_id=COORDINATOR_ID,
        actor_id=COORDINATOR_ID,
        now=now,
    )
    assert proposal is not None
    for side, actor in ((Side.MENTOR, mentor_id), (Side.MENTEE, mentee_id)):
        await pair_store.answer(db, proposal.id, side, True, actor_id=actor, reason=None, now=now)
    await pair_store.mark_announced(db, proposal.id, now)
    await checkin_store.schedule(db, proposal.id, mentor_id, Side.MENTOR, due, now)
    await checkin_store.schedule(db, proposal.id, mentee_id, Side.MENTEE, due, now)


async def seed(path: Path, participants: int) -> float:
    """Pairs of mentor and mentee, each with a check-in due; returns the seconds it took."""
    start = time.perf_counter()
    now = datetime.now(UTC)
    due = now - timedelta(minutes=5)
    db = await open_database(path)
    try:
        for pair in range(participants // 2):
            mentor_id = await enrol(db, 2 * pair, Role.MENTOR, now)
            mentee_id = await enrol(db, 2 * pair + 1, Role.MENTEE, now)
            await pair_up(db, mentor_id, mentee_id, due, now)
    finally:
        await db.close()
    return time.perf_counter() - start


def simulated_users(emulator: BotApiEmulator, participants: int) -> list[SimulatedUser]:
    """The seeded people in the emulator; they wrote to the bot before, so it may write back."""
    users = [
        emulator.user(telegram_id(i), f"Person {i}", language_code=language(i))
        for i in range(participants)
    ]
    for user in users:
        user.chat.started = True
    return users


# -- the bot processes -------------------------------------------------------------------------


def bot_env(emulator: BotApiEmulator, database: Path, rate: int | None) -> dict[str, str]:
    """The bot's settings; `rate` None keeps its own default send rate."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "RATE_LIMIT_PER_SECOND"},
        "BOT_TOKEN": TOKEN,
        "BOT_API_BASE_URL": emulator.base_url,
        "DATABASE_PATH": str(database),
        "COORDINATOR_IDS": "",
        "CHECKIN_WINDOW": "00:00-23:59",
        "CHECKIN_WEEKENDS": "true",
        "LOG_LEVEL": "WARNING",
    }
    if rate is not None:
        env["RATE_LIMIT_PER_SECOND"] = str(rate)
    return env


@dataclass
class Processes:
    """Every subprocess the bench starts, with its log; all are stopped when the bench ends."""

    logs: Path
    running: list[asyncio.subprocess.Process]

    async def start(self, name: str, env: dict[str, str], *args: str) -> Running:
        log = (self.logs / f"{name}.log").open("ab")
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=ROOT, env=env, stdout=log, stderr=log
        )
        log.close()
        self.running.append(process)
        return Running(name, process, self.logs / f"{name}.log")

    async def stop_all(self) -> None:
        for process in self.running:
            await stop(process)


@dataclass
class Running:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    def died(self) -> str:
        tail = self.log.read_text(errors="replace").splitlines()[-20:]
        return f"{self.name} exited with {self.process.returncode}:\n" + "\n".join(tail)


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (the bot shuts down cleanly), SIGKILL if it takes too long."""
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()


async def kill(process: asyncio.subprocess.Process) -> None:
    process.kill()
    await process.wait()


async def alongside(running: Running, work: Awaitable[T]) -> T:
    """Await ``work``; fail at once, with the log's end, if the process exits meanwhile."""
    task = asyncio.ensure_future(work)
    exited = asyncio.ensure_future(running.process.wait())
    try:
        await asyncio.wait({task, exited}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        exited.cancel()
    if not task.done():
        task.cancel()
        raise RuntimeError(running.died())
    return task.result()


async def polling_bot(
    emulator: BotApiEmulator, processes: Processes, name: str, env: dict[str, str], *args: str
) -> Running:
    """Start a bot and wait until it asks for updates (it is initialised and polling)."""
    seen = emulator.stats.by_method.get("getUpdates", 0)
    running = await processes.start(name, env, *args)
    await alongside(running, emulator.wait_for_call("getUpdates", START_TIMEOUT_S, count=seen + 1))
    return running


# -- what the users see ------------------------------------------------------------------------


async def arrival(user: SimulatedUser, count: int, seconds: float) -> float | None:
    """When she has ``count`` bot messages in all (perf_counter), or None after ``seconds``."""
    try:
        await user.wait_for_messages(count, seconds)
    except AssertionError:
        return None
    return time.perf_counter()


def arrivals(users: list[SimulatedUser], seconds: float) -> list[asyncio.Task[float | None]]:
    """One waiter per user for the next bot message after those she has now."""
    return [
        asyncio.create_task(arrival(u, len(u.chat.bot_message_ids) + 1, seconds)) for u in users
    ]


async def until_count(tasks: list[asyncio.Task[float | None]], done: int) -> None:
    """Until ``done`` of the waiters have finished."""
    for finished, task in enumerate(asyncio.as_completed(tasks), start=1):
        await task
        if finished >= done:
            return


# -- 1. the wave under Telegram's limits -------------------------------------------------------


async def wave_rate(
    emulator: BotApiEmulator, users: list[SimulatedUser], processes: Processes, database: Path
) -> tuple[float, int]:
    """Messages a second from the first check-in delivered to the last, and the 429s."""
    emulator.rate_limits = TELEGRAM_LIMITS
    limited_before = emulator.stats.rate_limited
    waiters = arrivals(users, wave_timeout(len(users)))
    env = bot_env(emulator, database, None)
    bot = await processes.start("wave", env, "-m", "bot")
    delivered = sorted(t for t in await alongside(bot, asyncio.gather(*waiters)) if t is not None)
    if len(delivered) < 2:
        raise RuntimeError(f"wave: {len(delivered)} check-ins delivered")
    if len(delivered) < len(users):
        print(f"wave: only {len(delivered)} of {len(users)} delivered", file=sys.stderr)
    await alongside(bot, wave_finished(database))
    await stop(bot.process)
    emulator.rate_limits = None
    rate = (len(delivered) - 1) / (delivered[-1] - delivered[0])
    return rate, emulator.stats.rate_limited - limited_before


async def wave_finished(database: Path) -> None:
    """Until the bot has scheduled everyone's next check-in: the wave job is over."""
    db = await open_database(database)
    try:
        deadline = time.monotonic() + IDLE_TIMEOUT_S
        while await checkin_store.unscheduled_sides(db):
            if time.monotonic() > deadline:
                raise TimeoutError("the wave did not schedule the next check-ins")
            await asyncio.sleep(1)
    finally:
        await db.close()


# -- 2. a crash in the middle of the wave ------------------------------------------------------


async def killed_wave(processes: Processes, database: Path) -> tuple[int, int]:
    """SIGKILL the bot half-way through a wave, start it again; (lost, duplicates)."""
    await seed(database, KILL_PARTICIPANTS)
    async with running_emulator(TOKEN) as emulator:
        emulator.rate_limits = TELEGRAM_LIMITS
        users = simulated_users(emulator, KILL_PARTICIPANTS)
        waiters = arrivals(users, wave_timeout(KILL_PARTICIPANTS))
        env = bot_env(emulator, database, None)
        first = await processes.start("kill-first", env, "-m", "bot")
        await alongside(first, until_count(waiters, KILL_PARTICIPANTS // 2))
        await kill(first.process)
        second = await processes.start("kill-second", env, "-m", "bot")
        await alongside(second, asyncio.gather(*waiters))
        await asyncio.sleep(LATE_COPIES_S)
        await stop(second.process)
        copies = [len(checkin_prompts(user)) for user in users]
    lost = sum(1 for n in copies if n == 0)
    return lost, sum(n - 1 for n in copies if n > 1)


# -- 3. answers, against a bare echo bot -------------------------------------------------------


Press = tuple[SimulatedUser, int, str]  # who presses, on which message, which callback data


def first_buttons(users: list[SimulatedUser]) -> list[list[Press]]:
    """Per round, the people who press the first button of the check-in they were sent."""
    prompts = [(user, checkin_prompts(user)) for user in users]
    presses = [(user, *found[0]) for user, found in prompts if found]
    need = ANSWER_ROUNDS * PRESSES_PER_ROUND
    if len(presses) < need:
        raise RuntimeError(f"{len(presses)} people have a check-in; the rounds need {need}")
    return [
        presses[r * PRESSES_PER_ROUND : (r + 1) * PRESSES_PER_ROUND] for r in range(ANSWER_ROUNDS)
    ]


async def answer_arrival(user: SimulatedUser, message_id: int, seconds: float) -> float | None:
    """When the bot answered her press (perf_counter): a new message, or the pressed one
    changed (the next question in its place); None after ``seconds``."""
    chat = user.chat
    messages, edits = len(chat.bot_message_ids), chat.messages[message_id].edit_count

    def answered_now(_: SimulatedUser) -> bool:
        return len(chat.bot_message_ids) > messages or chat.messages[message_id].edit_count > edits

    try:
        await user.wait_for(answered_now, seconds, "the answer to her press")
    except AssertionError:
        return None
    return time.perf_counter()


async def answer_round(running: Running, presses: list[Press]) -> float:
    """Press in, as fast as they go; done when each presser got the bot's answer."""
    waiters = [
        asyncio.create_task(answer_arrival(user, message_id, ROUND_TIMEOUT_S))
        for user, message_id, _ in presses
    ]
    start = time.perf_counter()
    for user, message_id, data in presses:
        await user.press_data(message_id, data)
    answered = [t for t in await alongside(running, asyncio.gather(*waiters)) if t is not None]
    if len(answered) < len(presses):
        print(f"{running.name}: {len(answered)} of {len(presses)} answered", file=sys.stderr)
    return len(answered) / (max(answered) - start)


async def answer_rate(running: Running, presses: list[Press], settle_s: float) -> float:
    """Answers a second over one round, once the bot has settled; then stop it."""
    await asyncio.sleep(settle_s)
    rate = await answer_round(running, presses)
    await stop(running.process)
    return rate


def asked_next(user: SimulatedUser, pressed: str) -> bool:
    """She now sees a check-in question other than the one she answered."""
    prompts = checkin_prompts(user)
    return bool(prompts) and prompts[-1][1] != pressed


def next_questions(presses: list[Press]) -> int:
    """How many pressers got the check-in's next question (so their answer was stored)."""
    return sum(1 for user, _, pressed in presses if asked_next(user, pressed))


# -- the echo bot (run as a subprocess of this file) -------------------------------------------


def run_echo_bot() -> None:
    from telegram import Update
    from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, ContextTypes

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        assert query is not None and chat is not None
        await query.answer()
        await context.bot.send_message(chat.id, "Got it")

    application = (
        ApplicationBuilder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_BASE_URL"])
        .rate_limiter(AIORateLimiter(overall_max_rate=PAID_BROADCAST_RATE))
        .build()
    )
    application.add_handler(CallbackQueryHandler(echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


# -- the bench ---------------------------------------------------------------------------------


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM to the bench cancels it, so its subprocesses are stopped on the way out."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def report(name: str, value: float, digits: int = 1) -> None:
    print(f"{name}: {value:.{digits}f}", flush=True)


async def bench(work: Path, processes: Processes) -> None:
    async with running_emulator(TOKEN) as emulator:
        seconds = await seed(work / "wave.sqlite3", WAVE_PARTICIPANTS)
        report("seed_s", seconds)
        users = simulated_users(emulator, WAVE_PARTICIPANTS)
        rate, limited = await wave_rate(emulator, users, processes, work / "wave.sqlite3")
        report("wave_msgs_per_s", rate)
        report("wave_429", limited, 0)

        lost, duplicates = await killed_wave(processes, work / "kill.sqlite3")
        report("wave_lost", lost, 0)
        report("wave_duplicates", duplicates, 0)

        rounds = first_buttons(users)
        env = bot_env(emulator, work / "wave.sqlite3", PAID_BROADCAST_RATE)
        ours, echo = await answers_beside_echo(emulator, processes, env, rounds)
        report("answers_per_s", statistics.median(ours))
        report("echo_answers_per_s", statistics.median(echo))
        ratios = [a / b for a, b in zip(ours, echo, strict=True)]
        report("answers_vs_echo", statistics.median(ratios), 2)


async def answers_beside_echo(
    emulator: BotApiEmulator, processes: Processes, env: dict[str, str], rounds: list[list[Press]]
) -> tuple[list[float], list[float]]:
    """Each round's answers a second, our bot's and the echo bot's, the two taking turns round
    by round: on a shared machine the load of the moment moves both alike, where all of ours
    then all of the echo's compared two different moments."""
    ours, echo = [], []
    for number, presses in enumerate(rounds):
        ours_bot = await polling_bot(emulator, processes, f"answers{number}", env, "-m", "bot")
        # Past the bot's first check-in wave (nothing is due: it only looks).
        ours.append(await answer_rate(ours_bot, presses, FIRST_WAVE_DELAY_S + 3))
        stored = next_questions(presses)
        if stored < len(presses):
            print(f"answers: only {stored} next questions sent", file=sys.stderr)
        echo_bot = await polling_bot(emulator, processes, f"echo{number}", env, __file__, ECHO_FLAG)
        echo.append(await answer_rate(echo_bot, presses, 2))
        rates = f"answers {ours[-1]:.1f}/s, echo {echo[-1]:.1f}/s, {ours[-1] / echo[-1]:.2f}"
        print(f"round {number + 1}: {rates}", file=sys.stderr)
    return ours, echo


async def main() -> None:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="checkin-wave-") as folder:
        processes = Processes(Path(folder), [])
        try:
            with stopped_by_sigterm():
                await bench(Path(folder), processes)
        finally:
            await processes.stop_all()
    print(f"bench_total_s: {time.perf_counter() - start:.0f}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] == [ECHO_FLAG]:
        run_echo_bot()
    else:
        asyncio.run(main())
