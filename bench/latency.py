"""Press-to-answer latency of the real bot on a seeded database, as bench/evaluation.py runs it.

The Application runs in this event loop (sandbox.runner.InLoopBot, as in the tests) against the
emulator, its scheduled jobs paused so that nothing runs unless the bench starts it. 200 mentors
of active pairs each get a check-in, sent by the wave's own send path, and press the first
button of its current question (met, going, coordinator, then Skip) at a steady 50 presses a
second in all. A press is timed until the bot answers its callback query, which the bot does
once the answer is stored. A mentor who finished her check-in gets the next one at once.

The idle phase is this alone; the busy phase runs while a coordinator's /report (figures, the
charts and the four CSV files) and the stall scan job run at the same time. Both phases run
three times in turn, and each figure is the median of the three rounds' (busy_max_ms is the
longest wait of all): on a shared machine one round can be slowed by others' work.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from telegram.ext import Application

from bench.checkin_chat import checkin_prompts, running_emulator
from bot import alerts
from bot.app import build_application
from bot.config import Config, load_config
from bot.handlers.checkins import CheckInButton
from bot.handlers.context import OUTBOX_KEY, services_of
from bot.jobs.checkin_wave import send_due
from bot.model.pairs import Side
from bot.outbox import Outbox
from bot.services import Clock, Services
from sandbox import BotApiEmulator, SimulatedUser
from sandbox.runner import InLoopBot
from sandbox.state import wait_until
from storage import Database
from storage import checkins as checkin_store
from storage import participants as participant_store

TOKEN = "424242:BenchLatencyToken_0123456789"
PEOPLE = 200
PRESSES_PER_S = 50
MIN_PRESSES = 1_000  # a phase: 20 s at 50 a second, five check-ins' questions a mentor
ROUNDS = 3  # of both phases; each figure is the median of the rounds' (busy_max_ms: the most)
COORDINATOR_ID = 900_001
LAST_QUESTION = "note"  # the mentor's check-in ends with it: Skip finishes the check-in
WAIT_S = 120  # for one answer or prompt; far beyond any latency the bench reports
BUSY_TIMEOUT_S = 1_800
SCAN_JOB = "stall-scan"
CSV_FILES = 4  # pairs, journal, outcomes and the shares


@dataclass
class Mentor:
    """A mentor of an active pair, her chat, and the last prompt she pressed (message id,
    data): a question she answered turns into the next in the same message."""

    user: SimulatedUser
    pair_id: int
    participant_id: int
    pressed: tuple[int, str] = (0, "")


Prompt = tuple[Mentor, int, str]  # who presses, on which message, which callback data


@dataclass
class Presses:
    """The steady stream of presses: mentors wait in `ready` with the prompt they will press;
    those who finished a check-in wait in `finished` for the next one."""

    emulator: BotApiEmulator
    ready: asyncio.Queue[Prompt] = field(default_factory=asyncio.Queue)
    finished: asyncio.Queue[Mentor] = field(default_factory=asyncio.Queue)
    pending: set[asyncio.Task[None]] = field(default_factory=set)
    completed: int = 0  # check-ins finished with Skip


async def measure(database: Path, now: datetime) -> dict[str, float]:
    """Seed the people the phases need, run both phases; the figures by name."""
    async with running_emulator(TOKEN) as emulator:
        config = bot_config(emulator, database)
        runner = InLoopBot(build_application(config, clock=moving_clock(now)))
        await runner.start()
        try:
            return await phases(emulator, runner)
        finally:
            await runner.stop()


def moving_clock(start: datetime) -> Clock:
    """The bot's clock: from the seeded programme's now on, at the real pace."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def bot_config(emulator: BotApiEmulator, database: Path) -> Config:
    return load_config(
        {
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": emulator.base_url,
            "DATABASE_PATH": str(database),
            "COORDINATOR_IDS": str(COORDINATOR_ID),
            "BACKUP_KEEP": "0",
            # As bench/checkin_wave.py's answer rounds: the paid broadcast rate, so that the
            # bot's own limiter does not queue the answers of 50 presses a second.
            "RATE_LIMIT_PER_SECOND": "1000",
        }
    )


async def phases(emulator: BotApiEmulator, runner: InLoopBot) -> dict[str, float]:
    application = runner.application
    pause_jobs(application)
    services, outbox = services_of(application), application.bot_data[OUTBOX_KEY]
    coordinator = await enrol_coordinator(emulator, services)
    # The scan as it runs every hour from now on: the episodes of the seeded programme are
    # opened and alerted once before anything is timed.
    await runner.run_job(SCAN_JOB)
    mentors = await chosen_mentors(emulator, services.db)
    before = await last_checkin(services.db)
    presses = Presses(emulator)
    arming = asyncio.create_task(keep_armed(services, outbox, presses))
    rounds = []
    try:
        await arm(services, outbox, mentors)
        for mentor in mentors:
            follow(presses, mentor)
        for number in range(1, ROUNDS + 1):
            rounds.append(await idle_and_busy(presses, runner, coordinator))
            shown = ", ".join(f"{name} {value:.1f}" for name, value in rounds[-1].items())
            print(f"latency: round {number}: {shown}", file=sys.stderr, flush=True)
    finally:
        arming.cancel()
    await all_stored(services.db, before, presses.completed)
    figures = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    figures["busy_max_ms"] = max(r["busy_max_ms"] for r in rounds)
    return figures


async def idle_and_busy(
    presses: Presses, runner: InLoopBot, coordinator: SimulatedUser
) -> dict[str, float]:
    """One round: presses with nothing else running, then while the busy work runs."""
    idle = await press_steadily(presses, lambda count: count >= MIN_PRESSES)
    busy_work = asyncio.create_task(busy(runner, coordinator))
    busy_ms = await press_steadily(presses, lambda count: busy_work.done() and count >= MIN_PRESSES)
    busy_s = await busy_work
    return {
        "idle_p50_ms": statistics.median(idle),
        "idle_p95_ms": p95(idle),
        "busy_p50_ms": statistics.median(busy_ms),
        "busy_p95_ms": p95(busy_ms),
        "busy_max_ms": max(busy_ms),
        "busy_work_s": busy_s,
    }


async def last_checkin(db: Database) -> int:
    row = await db.fetch_one("SELECT COALESCE(MAX(id), 0) FROM checkins")
    assert row is not None
    return int(row[0])


async def all_stored(db: Database, after: int, completed: int) -> None:
    """The presses were answers: each check-in finished with Skip is stored as answered."""
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM checkins WHERE id > ? AND status = 'answered'", (after,)
    )
    assert row is not None
    if row[0] != completed:
        raise RuntimeError(f"latency: {completed} check-ins finished, {row[0]} stored")


def pause_jobs(application: Application) -> None:
    """Nothing scheduled runs by itself (the first would start 5 s after the start)."""
    assert application.job_queue is not None
    application.job_queue.scheduler.pause()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


# -- the people --------------------------------------------------------------------------------


async def enrol_coordinator(emulator: BotApiEmulator, services: Services) -> SimulatedUser:
    """The coordinator, on the weekly digest as one of a programme this size would be."""
    person = await participant_store.record_contact(
        services.db,
        telegram_user_id=COORDINATOR_ID,
        chat_id=COORDINATOR_ID,
        language_guess="en",
        coordinator=True,
        now=services.clock(),
    )
    await alerts.choose_alerts(services, person.id, digest=True)
    user = emulator.user(COORDINATOR_ID, "Coordinator", language_code="en")
    user.chat.started = True
    return user


async def chosen_mentors(emulator: BotApiEmulator, db: Database) -> list[Mentor]:
    """PEOPLE mentors, each of one of her active pairs, the newest pairs first."""
    rows = await db.fetch_all(
        "SELECT MAX(p.id) AS pair_id, p.mentor_id, m.telegram_user_id FROM pairs p "
        "JOIN participants m ON m.id = p.mentor_id AND m.status = 'active' "
        "WHERE p.status = 'active' GROUP BY p.mentor_id ORDER BY pair_id DESC LIMIT ?",
        (PEOPLE,),
    )
    if len(rows) < PEOPLE:
        raise RuntimeError(f"{len(rows)} mentors of active pairs; the bench needs {PEOPLE}")
    mentors = []
    for pair_id, mentor_id, telegram_user_id in rows:
        user = emulator.user(telegram_user_id, f"Mentor {mentor_id}", language_code="da")
        user.chat.started = True  # she wrote to the bot before, so it may write to her
        mentors.append(Mentor(user, pair_id, mentor_id))
    return mentors


async def arm(services: Services, outbox: Outbox, mentors: Iterable[Mentor]) -> None:
    """A check-in due now for each, sent as the wave sends it."""
    now = services.clock()
    for mentor in mentors:
        await checkin_store.schedule(
            services.db, mentor.pair_id, mentor.participant_id, Side.MENTOR, now, now
        )
    await send_due(outbox)


async def keep_armed(services: Services, outbox: Outbox, presses: Presses) -> None:
    """The next check-in for whoever finished one, a batch at a time."""
    while True:
        batch = [await presses.finished.get()]
        while not presses.finished.empty():
            batch.append(presses.finished.get_nowait())
        await arm(services, outbox, batch)


# -- the presses -------------------------------------------------------------------------------


def fresh_prompt(mentor: Mentor) -> tuple[int, str] | None:
    """Her newest check-in question that she has not pressed yet."""
    prompts = [
        p for p in checkin_prompts(mentor.user) if p[0] >= mentor.pressed[0] and p != mentor.pressed
    ]
    return prompts[-1] if prompts else None


def follow(presses: Presses, mentor: Mentor) -> None:
    """Queue her to press her next question when it comes."""
    task = asyncio.create_task(queue_next(presses, mentor))
    presses.pending.add(task)
    task.add_done_callback(presses.pending.discard)


async def queue_next(presses: Presses, mentor: Mentor) -> None:
    """Wait for her next question and queue her to press it."""
    await wait_until(mentor.user.chat.signal, lambda: fresh_prompt(mentor) is not None, WAIT_S)
    prompt = fresh_prompt(mentor)
    if prompt is None:
        print(f"latency: {mentor.user!r} got no next question", file=sys.stderr)
        return
    presses.ready.put_nowait((mentor, *prompt))


async def settled(presses: Presses) -> None:
    """Until every press is answered and every mentor waits with her next question."""
    while presses.pending:
        await asyncio.gather(*presses.pending)


async def press_steadily(presses: Presses, enough: Callable[[int], bool]) -> list[float]:
    """Press at PRESSES_PER_S, each time for the mentor who waited longest, until `enough`
    presses; each press's milliseconds to its answer. A tick when nobody waits is skipped
    (and counted), so a slow bot cannot slow the presses down."""
    await settled(presses)
    times: list[float] = []
    start, ticks, skipped = time.perf_counter(), 0, 0
    while not enough(ticks - skipped):
        ticks += 1
        await asyncio.sleep(max(0.0, start + ticks / PRESSES_PER_S - time.perf_counter()))
        if presses.ready.empty():
            skipped += 1
            continue
        task = asyncio.create_task(press(presses, *presses.ready.get_nowait(), times))
        presses.pending.add(task)
        task.add_done_callback(presses.pending.discard)
    await settled(presses)
    if skipped:
        print(f"latency: {skipped} of {ticks} ticks found nobody to press", file=sys.stderr)
    return times


async def press(
    presses: Presses, mentor: Mentor, message_id: int, data: str, times: list[float]
) -> None:
    """Press, time the answer; then wait for her next question (or check-in)."""
    mentor.pressed = (message_id, data)
    start = time.perf_counter()
    query_id = await mentor.user.press_data(message_id, data)
    query = presses.emulator.callback_queries[query_id]
    if not await wait_until(mentor.user.chat.signal, lambda: query.answered, WAIT_S):
        raise RuntimeError(f"latency: no answer to {mentor.user!r}'s press in {WAIT_S} s")
    times.append((time.perf_counter() - start) * 1000)
    pressed = CheckInButton.parse(data)
    if pressed is not None and pressed.question_id == LAST_QUESTION:
        presses.completed += 1
        presses.finished.put_nowait(mentor)
    await queue_next(presses, mentor)


# -- the busy work -----------------------------------------------------------------------------


async def busy(runner: InLoopBot, coordinator: SimulatedUser) -> float:
    """The coordinator's /report and the stall scan at the same time; the seconds until both
    are done."""
    start = time.perf_counter()
    await asyncio.gather(report(coordinator), runner.run_job(SCAN_JOB))
    return time.perf_counter() - start


async def report(coordinator: SimulatedUser) -> None:
    """/report, until its last message: the hint after the figures, charts and CSV files."""
    seen = len(coordinator.chat.bot_message_ids)
    await coordinator.send("/report")
    await coordinator.wait_for(lambda user: report_done(user, seen), BUSY_TIMEOUT_S, "the report")
    files = sum(1 for message in coordinator.messages[seen:] if message.document)
    if files != CSV_FILES:
        print(f"latency: the report came with {files} CSV files", file=sys.stderr)


def report_done(coordinator: SimulatedUser, seen: int) -> bool:
    """A text after the chart: the hint after the CSV files (or the error a failed one ends
    with)."""
    sent = coordinator.messages[seen:]
    chart = next((n for n, message in enumerate(sent) if message.photo), None)
    return chart is not None and any(
        not message.document and not message.photo for message in sent[chart + 1 :]
    )
