"""Backups of the live database: taken while the bot works, pruned, by command and daily."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, load_backup_settings
from bot.jobs.backup import JOB_NAME
from sandbox import BotApiEmulator
from storage import open_database
from storage.backup import BACKUP_NAME, back_up, backup_name, prune
from tests.conftest import RunningBot

ROOT = Path(__file__).resolve().parent.parent
FIRST_USER = 6100
GREETING = "Which language do you want to use?"


async def greet(emulator: BotApiEmulator, user_ids: range) -> None:
    """Each of these people sends /start (the bot stores them) and waits for the greeting."""
    users = [emulator.user(user_id, language_code="en") for user_id in user_ids]
    for user in users:
        await user.send("/start")
    for user in users:
        assert GREETING in (await user.next_message(timeout=10)).text


def open_copy(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows]


def stored_users(connection: sqlite3.Connection) -> set[int]:
    return {
        user_id for (user_id,) in connection.execute("SELECT telegram_user_id FROM participants")
    }


def permissions(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backups_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


async def test_a_backup_taken_while_the_bot_writes_is_whole_and_consistent(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    await greet(emulator, range(FIRST_USER, FIRST_USER + 10))
    # Forty more people write while the daily backup runs.
    await asyncio.gather(
        greet(emulator, range(FIRST_USER + 10, FIRST_USER + 50)), bot.run_job(JOB_NAME)
    )

    directory = bot.config.backup.directory
    assert backups_in(directory) == ["mentorbro-20261123T090000Z.sqlite3"]
    live = sqlite3.connect(bot.config.database_path)
    copy = open_copy(directory / "mentorbro-20261123T090000Z.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert tables(copy) == tables(live)
        assert (
            copy.execute("PRAGMA user_version").fetchone()
            == live.execute("PRAGMA user_version").fetchone()
        )
        in_copy = stored_users(copy)
        assert set(range(FIRST_USER, FIRST_USER + 10)) <= in_copy <= stored_users(live)
    finally:
        copy.close()
        live.close()
    # The copy is one file: nothing else beside it, no half-written one.
    assert backups_in(directory) == ["mentorbro-20261123T090000Z.sqlite3"]


async def test_the_daily_job_keeps_the_newest_backups(make_config) -> None:
    bot = RunningBot(make_config(backup_keep="2"))
    await bot.start()
    try:
        for _ in range(3):
            await bot.run_job(JOB_NAME)
            bot.clock.advance(days=1)
    finally:
        await bot.stop()
    assert backups_in(bot.config.backup.directory) == [
        "mentorbro-20261124T090000Z.sqlite3",
        "mentorbro-20261125T090000Z.sqlite3",
    ]


async def test_the_daily_backup_runs_at_the_hour_in_the_programme_time_zone(make_config) -> None:
    bot = RunningBot(make_config(backup_hour="4", timezone="Europe/Copenhagen"))
    await bot.start()
    try:
        assert bot.application is not None and bot.application.job_queue is not None
        (job,) = bot.application.job_queue.get_jobs_by_name(JOB_NAME)
        assert job.next_t is not None
        local = job.next_t.astimezone(ZoneInfo("Europe/Copenhagen"))
        assert (local.hour, local.minute) == (4, 0)
    finally:
        await bot.stop()


async def test_backup_keep_0_turns_the_daily_backup_off(make_config) -> None:
    bot = RunningBot(make_config(backup_keep="0"))
    await bot.start()
    try:
        assert bot.application is not None and bot.application.job_queue is not None
        assert bot.application.job_queue.get_jobs_by_name(JOB_NAME) == ()
    finally:
        await bot.stop()


def test_pruning_deletes_only_old_backups_and_no_other_files(tmp_path: Path) -> None:
    start = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    for day in range(5):
        (tmp_path / backup_name(start + timedelta(days=day))).write_bytes(b"")
    others = ["notes.txt", "mentorbro.sqlite3", "mentorbro-before-upgrade.sqlite3"]
    for name in others:
        (tmp_path / name).write_bytes(b"")

    prune(tmp_path, keep=2)

    kept = [name for name in backups_in(tmp_path) if BACKUP_NAME.match(name)]
    assert kept == ["mentorbro-20260104T030000Z.sqlite3", "mentorbro-20260105T030000Z.sqlite3"]
    assert sorted(set(backups_in(tmp_path)) - set(kept)) == sorted(others)


def test_a_crashed_backups_partial_file_is_removed_by_the_next_backup(tmp_path: Path) -> None:
    database = tmp_path / "mentorbro.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE t (x)")
    folder = tmp_path / "backups"
    folder.mkdir()
    crashed = folder / ".mentorbro-20260101T030000Z.sqlite3.4242.partial"
    running = folder / ".mentorbro-20260102T030000Z.sqlite3.4343.partial"
    for path in (crashed, running):
        path.write_bytes(b"half")
    day_ago = datetime.now(UTC).timestamp() - 24 * 3600
    os.utime(crashed, (day_ago, day_ago))

    back_up(database, folder, datetime(2026, 1, 3, 3, 0, tzinfo=UTC), keep=14)

    assert sorted(backups_in(folder)) == [running.name, "mentorbro-20260103T030000Z.sqlite3"]


def test_backup_settings_need_no_token_and_name_a_bad_value() -> None:
    settings = load_backup_settings({})
    assert (settings.directory, settings.keep, settings.hour) == (Path("data/backups"), 14, 3)
    with pytest.raises(ConfigError, match="BACKUP_HOUR must be a whole number from 0 to 23"):
        load_backup_settings({"BACKUP_HOUR": "3:00"})
    with pytest.raises(ConfigError, match="BACKUP_KEEP"):
        load_backup_settings({"BACKUP_KEEP": "-1"})


async def run_backup_command(cwd: Path, **variables: str) -> tuple[int, str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("BACKUP_")}
    env.update(PYTHONPATH=str(ROOT), BOT_TOKEN="", BACKUP_KEEP="14", **variables)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.backup",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_the_backup_command_writes_a_copy_and_prints_its_path(tmp_path: Path) -> None:
    database = tmp_path / "data" / "mentorbro.sqlite3"
    db = await open_database(database)
    try:  # the bot's connection stays open while the command runs
        async with db.transaction() as connection:
            await connection.execute(
                "INSERT INTO participants (telegram_user_id, chat_id, language, created_at, "
                "updated_at) VALUES (7001, 7001, 'ar', '2026-11-23', '2026-11-23')"
            )
        status, stdout, stderr = await run_backup_command(
            tmp_path, DATABASE_PATH=str(database), BACKUP_DIR=str(tmp_path / "copies")
        )
    finally:
        await db.close()

    assert status == 0, stderr
    written = Path(stdout.strip())
    assert written.parent == tmp_path / "copies"
    assert BACKUP_NAME.match(written.name)
    assert permissions(written) == 0o600  # personal data: for the bot's user alone
    copy = open_copy(written)
    try:
        assert stored_users(copy) == {7001}
    finally:
        copy.close()


async def test_the_backup_command_without_a_database_says_so_and_creates_none(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    status, stdout, stderr = await run_backup_command(
        tmp_path, DATABASE_PATH=str(missing), BACKUP_DIR=str(tmp_path / "copies")
    )
    assert status == 2
    assert stdout == ""
    assert stderr.strip() == f"mentorbro: no database at {missing}; check DATABASE_PATH"
    assert not missing.exists()
