"""Operations: /healthz and /metrics for the IT department's monitoring, JSON logs for their log
system, and /status for the coordinators."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import time
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.ext import ExtBot

from bot import delivery
from bot.delivery import RetryingRateLimiter
from bot.monitor import Monitor, Outcome
from bot.transport import AiohttpTransport
from sandbox import BotApiEmulator
from sandbox.faults import Fault, FaultInjector
from tests.conftest import (
    COORDINATOR_ID,
    SECOND_COORDINATOR,
    TOKEN,
    RunningBot,
    environment,
    run_bot,
)
from tests.scenarios import coordinator_ready, onboard, visible

# What people write in the conversation below; none of it may reach the log.
TEXTS = ("Quorvex pelican harbour", "Zindabrook marmalade 4471")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get(url: str) -> tuple[int, str]:
    """GET `url`: the status and the body. Retries while the bot starts listening."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(url) as response:
                    return response.status, await response.text()
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on {url}")


async def healthz_turns_503(base: str, within: float) -> tuple[int, str]:
    """/healthz asked until it says 503 or `within` seconds are over: its last answer."""
    deadline = time.monotonic() + within
    while True:
        status, body = await get(f"{base}/healthz")
        if status == 503 or time.monotonic() >= deadline:
            return status, body
        await asyncio.sleep(0.2)


async def samples(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample /metrics shows, by name and labels."""
    status, text = await get(f"{base}/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    return sum(value for (sample, _), value in found.items() if sample == name)


def bot_env(tmp_path: Path, emulator: BotApiEmulator, **variables: str) -> dict[str, str]:
    return environment(
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=emulator.base_url,
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        BACKUP_DIR=str(tmp_path / "backups"),
        COORDINATOR_IDS=str(COORDINATOR_ID),
        **variables,
    )


async def healthcheck(env: dict[str, str], cwd: Path) -> int | None:
    """`python -m bot.healthcheck` with the bot's settings: its exit status."""
    check = await run_bot(env, cwd, "bot.healthcheck")
    await asyncio.wait_for(check.communicate(), timeout=30)
    return check.returncode


async def stopped(process: asyncio.subprocess.Process) -> str:
    """SIGTERM, then what the bot wrote to stderr; it must exit cleanly."""
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    return stderr.decode()


async def test_healthz_metrics_and_json_logs_of_a_running_bot(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    env = bot_env(
        tmp_path,
        emulator,
        METRICS_PORT=base.rsplit(":", 1)[1],
        HEALTH_UNREACHABLE_SECONDS="2",  # 60 by default; the test should not wait a minute
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
    )
    process = await run_bot(env, tmp_path)
    try:
        await emulator.wait_for_call("getUpdates", timeout=30)
        status, body = await get(f"{base}/healthz")
        assert status == 200, body
        assert json.loads(body)["status"] == "ok"
        assert await healthcheck(env, tmp_path) == 0
        assert (await get(f"{base}/nothing-here"))[0] == 404
        before = await samples(base)

        user = emulator.user(4301, language_code="en")
        await user.send("/start")
        await user.next_message()
        await user.press("English")
        await user.next_messages(2)
        for text in TEXTS:
            await user.send(text)
            await user.next_message()

        # An update counts as handled once it is marked so in the inbox, just after its answer.
        for _ in range(50):
            after = await samples(base)
            handled = total(after, "mentorbro_updates_total") - total(
                before, "mentorbro_updates_total"
            )
            if handled >= 4:
                break
            await asyncio.sleep(0.1)
        assert handled == 4
        answered = total(after, "mentorbro_update_first_answer_seconds_count") - total(
            before, "mentorbro_update_first_answer_seconds_count"
        )
        assert answered == 4
        assert after[("mentorbro_updates_total", (("kind", "callback_query"),))] >= 1
        assert (
            after[("mentorbro_bot_api_calls_total", (("method", "sendMessage"), ("outcome", "ok")))]
            >= 3
        )
        # The figures from the database, read by the periodic task a second after the start.
        for _ in range(100):
            if ("mentorbro_checkins", (("state", "due"),)) in after:
                break
            await asyncio.sleep(0.1)
            after = await samples(base)
        assert after[("mentorbro_checkins", (("state", "due"),))] == 0
        assert after[("mentorbro_participants_unreachable", ())] == 0
        assert after[("mentorbro_stall_episodes_open", ())] == 0
        assert after[("mentorbro_database_size_bytes", ())] > 0
        assert ("mentorbro_scan_last_run_age_seconds", (("scan", "stall-scan"),)) in after
        label_values = [value for (_, labels) in after for _, value in labels]
        assert not [value for value in label_values if str(user.id) in value]  # nobody's id

        await emulator.stop()  # the Bot API is gone
        status, body = await healthz_turns_503(base, within=90)
        assert status == 503, body
        assert "bot_api" in json.loads(body)["failing"]
        assert await healthcheck(env, tmp_path) == 1  # what systemd's timer runs
    finally:
        stderr = await stopped(process)

    lines = stderr.strip().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    handled = [entry for entry in entries if entry["message"] == "message handled"]
    assert len(handled) == 3  # /start and the two texts; the press is a callback_query
    assert all(entry["update_id"] and entry["participant_id"] for entry in handled)
    for text in TEXTS:
        assert text not in stderr
    assert TOKEN not in stderr


async def test_a_refused_token_turns_healthz_503(tmp_path: Path, emulator: BotApiEmulator) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    env = bot_env(tmp_path, emulator, METRICS_PORT=base.rsplit(":", 1)[1], LOG_LEVEL="CRITICAL")
    process = await run_bot(env, tmp_path)
    try:
        await emulator.wait_for_call("getUpdates", timeout=30)
        assert (await get(f"{base}/healthz"))[0] == 200
        emulator.token = "987654321:REVOKEDrevokedREVOKEDrevokedREVO"  # BotFather revoked it
        user = emulator.user(4303, language_code="en")
        await user.send("/start")  # ends the long poll: the next one is refused
        status, body = await healthz_turns_503(base, within=30)
        assert status == 503, body
        assert json.loads(body)["failing"]["token"] == "the Bot API refused the token"
    finally:
        await stopped(process)


async def test_a_port_in_use_stops_the_start_with_one_line(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await run_bot(bot_env(tmp_path, emulator, METRICS_PORT=str(port)), tmp_path)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    (line,) = stderr.decode().strip().splitlines()
    assert line.startswith(f"mentorbro: cannot listen on 127.0.0.1:{port}")
    assert "METRICS_PORT" in line


async def test_status_answers_coordinators_and_refuses_others(emulator, two_coordinators) -> None:
    coordinator = await coordinator_ready(emulator)
    await coordinator.send("/status")
    status = visible((await coordinator.next_message()).text)
    assert status.startswith("Bot status\nRunning for ")
    assert "version 0.1.0" in status
    assert "No backup yet." in status
    assert "Check-ins this week: 0 sent, 0 answered." in status
    assert "Open alerts about stalled pairs: 0" in status
    assert "People who blocked the bot: 0" in status
    assert "No scheduled task has failed." in status

    arabic = emulator.user(SECOND_COORDINATOR, first_name="Rania", language_code="ar")
    await arabic.send("/start")
    await arabic.next_message()
    await arabic.send("/status")
    status = visible((await arabic.next_message()).text)
    assert status.startswith("حالة البوت")
    assert "لا توجد نسخة احتياطية بعد." in status

    mentor = await onboard(emulator, 4302, "da", "mentor")
    await mentor.send("/status")
    refusal = (await mentor.next_message()).text
    assert refusal == "Beklager, kun programmets koordinatorer kan bruge denne kommando."


async def test_status_names_a_failed_backup(emulator, make_config, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the backups should go")
    running = RunningBot(make_config(backup_dir=str(blocked)))
    await running.start()
    try:
        await running.run_job("daily-backup")
        coordinator = await coordinator_ready(emulator)
        await coordinator.send("/status")
        status = (await coordinator.next_message()).text
    finally:
        await running.stop()
    assert "The last daily backup failed, at" in status
    assert "Daily backup:" in status


# -- the monitor's judgement, on its own clock --------------------------------------------------


class Seconds:
    """The monitor's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_bot_api_counts_as_unreachable_only_after_the_threshold() -> None:
    clock = Seconds()
    monitor = Monitor(unreachable_s=60, clock=clock)
    monitor.bot_api_call("getUpdates", Outcome.NETWORK_ERROR)
    clock.now += 59
    monitor.bot_api_call("getUpdates", Outcome.TIMEOUT)
    assert monitor.verdict(None).healthy
    clock.now += 1
    assert monitor.verdict(None).failing == {"bot_api": "unreachable for 60 s"}
    monitor.bot_api_call("getUpdates", Outcome.OK)
    assert monitor.verdict(None).healthy
    monitor.bot_api_call("getMe", Outcome.UNAUTHORIZED)
    assert monitor.verdict("no answer within 2 s").failing == {
        "database": "no answer within 2 s",
        "token": "the Bot API refused the token",
    }


def test_no_getupdates_for_long_fails_the_updates_part() -> None:
    clock = Seconds()
    monitor = Monitor(unreachable_s=60, clock=clock)
    clock.now += 89  # a long poll lasts up to 10 s: 60 s and 30 s of slack
    assert monitor.verdict(None).healthy
    clock.now += 1
    assert monitor.verdict(None).failing == {"updates": "no successful getUpdates for 90 s"}


def test_a_scan_that_missed_a_whole_run_is_late_unless_it_is_still_running() -> None:
    clock = Seconds()
    monitor = Monitor(unreachable_s=60, clock=clock)
    monitor.add_scan("stall-scan", interval_s=3600, first_s=180)
    clock.now += 180 + 3600  # its first run, and a whole interval more
    monitor.bot_api_call("getUpdates", Outcome.OK)
    assert monitor.verdict(None).healthy
    clock.now += 1
    assert monitor.verdict(None).failing == {"scans": "late: stall-scan"}
    monitor.scan_started("stall-scan")
    clock.now += 7200  # a long run is not a late one
    monitor.bot_api_call("getUpdates", Outcome.OK)
    assert monitor.verdict(None).healthy
    monitor.scan_finished("stall-scan", failed=True)
    assert monitor.verdict(None).healthy  # a failure shows in /status and the metrics
    assert (
        monitor.registry.get_sample_value("mentorbro_scan_failures_total", {"scan": "stall-scan"})
        == 1
    )


async def test_429s_failures_and_retries_are_counted_by_method(
    emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "RETRY_DELAYS_S", (0.05, 0.1, 0.2))
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    monitor = Monitor()
    limiter = RetryingRateLimiter(max_retries=3, monitor=monitor)
    user = emulator.user(4304, "Alice")
    user.chat.started = True
    async with ExtBot(
        TOKEN,
        base_url=emulator.base_url,
        request=AiohttpTransport(monitor=monitor),
        rate_limiter=limiter,
    ) as sender:
        FaultInjector(emulator, share=1.0, kinds=(Fault.RATE_LIMITED,), limit=1).install()
        FaultInjector(emulator, share=1.0, kinds=(Fault.SERVER_ERROR,), limit=1).install()
        await sender.send_message(user.id, "Hello")
    assert [message.text for message in user.messages] == ["Hello"]

    def calls(outcome: str) -> float | None:
        labels = {"method": "sendMessage", "outcome": outcome}
        return monitor.registry.get_sample_value("mentorbro_bot_api_calls_total", labels)

    assert (calls("rate_limited"), calls("server_error"), calls("ok")) == (1, 1, 1)
    retries = {"method": "sendMessage"}
    assert monitor.registry.get_sample_value("mentorbro_bot_api_retries_total", retries) == 2
