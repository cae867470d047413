"""A database that is locked or full: nothing half-saved, nothing lost.

While another program holds the write lock, an update cannot be put into the inbox, so Telegram
is not told it arrived: it waits there and is handled once the lock is gone. A handler whose own
transaction fails (a full disk) asks the person to send it again."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.handlers.context import services_of
from bot.i18n import translator
from sandbox import SimulatedUser
from storage import Database, open_database, participants
from tests.conftest import RunningBot, rows
from tests.seeds import FIRST_SEEDED_ID, seed_pair

WAVE = "checkin-wave"
SHORT_BUSY_MS = 100  # instead of storage/db.py's 5 s: how long a write waits for a lock
NO_PAGE_LIMIT = 1_073_741_823


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another program holds the database's write lock (in WAL mode reading still works)."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


async def on_the_writer(db: Database, pragma: str) -> None:
    """Set a pragma of the connection that writes (reads run on connections of their own)."""
    async with db.transaction() as connection:
        await connection.execute(pragma)


async def checked_in(bot: RunningBot, emulator) -> tuple[SimulatedUser, SimulatedUser]:
    """A pair (mentor in Danish, mentee in Arabic), each with their check-in just received."""
    await seed_pair(bot, emulator, 0, ("da", "ar"))
    mentor, mentee = emulator.user(FIRST_SEEDED_ID), emulator.user(FIRST_SEEDED_ID + 1)
    bot.clock.advance(days=14)
    await bot.run_job(WAVE)
    await mentor.next_message()
    await mentee.next_message()
    await on_the_writer(services_of(bot.application).db, f"PRAGMA busy_timeout = {SHORT_BUSY_MS}")
    return mentor, mentee


async def state_of(bot: RunningBot, user: SimulatedUser) -> tuple[str, str, int]:
    """The person's check-in (current question, answers) and their journal entries."""
    (row,) = await rows(
        bot,
        "SELECT c.current_question, c.answers, (SELECT COUNT(*) FROM journal j "
        "WHERE j.author_id = c.participant_id) AS entries FROM checkins c "
        "JOIN participants p ON p.id = c.participant_id "
        "WHERE p.telegram_user_id = ? AND c.status != 'scheduled'",
        user.id,
    )
    return row["current_question"], row["answers"], row["entries"]


async def press_until_note(user: SimulatedUser, language: str, labels: tuple[str, ...]) -> None:
    t = translator(language)
    for label in labels:
        await user.press_and_wait_for_edit(t.gettext(label))


async def settled(bot: RunningBot) -> None:
    """Until the bot has handled every update it took: a lock taken by this (blocking) test
    while the bot's writer is mid-transaction would hold them both until the busy timeout."""
    for _ in range(400):
        if not await rows(bot, "SELECT update_id FROM inbox WHERE status = 'open'"):
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the bot did not finish its updates")


async def until_refused_by_the_inbox(caplog: pytest.LogCaptureFixture) -> None:
    """Until the bot has tried to store an update and could not (it fetches it again later)."""
    for _ in range(400):
        if "not stored: OperationalError" in caplog.text:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the bot never tried to store the update")


async def test_while_locked_a_press_and_a_note_wait_then_are_taken_once(
    emulator, bot, caplog: pytest.LogCaptureFixture
) -> None:
    mentor, _ = await checked_in(bot, emulator)
    t = translator("da")
    before = await state_of(bot, mentor)

    await settled(bot)
    question = mentor.last
    assert question is not None
    with caplog.at_level(logging.INFO):
        with locked(bot.config.database_path):
            await mentor.press(t.gettext("Yes, in person"))
            await until_refused_by_the_inbox(caplog)
            assert await state_of(bot, mentor) == before
            assert mentor.chat.callback_answers == []
        asked = await mentor.wait_for_edit(question, timeout=30)  # not pressed again
    assert t.gettext("How is the mentorship going?") in asked.text

    await press_until_note(mentor, "da", ("Good", "No, all is fine"))
    note = "Vi mødtes på biblioteket og skrev en ansøgning."
    before = await state_of(bot, mentor)
    assert before[0] == "note"
    caplog.clear()
    await settled(bot)
    with caplog.at_level(logging.INFO):
        with locked(bot.config.database_path):
            await mentor.send(note)
            await until_refused_by_the_inbox(caplog)
            assert await state_of(bot, mentor) == before  # nothing of it stored
        thanks = await mentor.next_message(timeout=30)  # not sent again
    assert note not in caplog.text
    assert thanks.text == t.gettext("Thank you! Your answers are saved for the coordinator.")
    entries = await rows(bot, "SELECT text FROM journal WHERE kind = 'checkin'")
    assert [e["text"] for e in entries] == [note]


async def test_when_the_disk_is_full_the_answer_waits_then_is_taken_once(
    emulator, bot, caplog: pytest.LogCaptureFixture
) -> None:
    _, mentee = await checked_in(bot, emulator)
    await press_until_note(mentee, "ar", ("No", "A little useful", "Done", "No, all is fine"))
    db = services_of(bot.application).db
    note = "التقينا في المكتبة وكتبنا طلب عمل. " * 40  # needs new pages, beyond the limit
    before = await state_of(bot, mentee)
    await settled(bot)
    (pages,) = await db.fetch_one("PRAGMA page_count")
    await on_the_writer(db, f"PRAGMA max_page_count = {pages}")

    with caplog.at_level(logging.INFO):
        await mentee.send(note)
        await until_refused_by_the_inbox(caplog)
        assert await state_of(bot, mentee) == before
        assert note.strip() not in caplog.text

    await on_the_writer(db, f"PRAGMA max_page_count = {NO_PAGE_LIMIT}")
    thanks = await mentee.next_message(timeout=30)  # not sent again
    assert thanks.text == translator("ar").gettext(
        "Thank you! Your answers are saved for the coordinator."
    )
    entries = await rows(bot, "SELECT text FROM journal WHERE kind = 'checkin'")
    assert [e["text"] for e in entries] == [note.strip()]


async def test_a_newcomer_who_writes_while_the_database_is_locked_is_answered_after(
    emulator, bot, caplog: pytest.LogCaptureFixture
) -> None:
    await on_the_writer(services_of(bot.application).db, f"PRAGMA busy_timeout = {SHORT_BUSY_MS}")
    newcomer = emulator.user(4711, "Nour", language_code="ar")
    await settled(bot)
    with caplog.at_level(logging.INFO):
        with locked(bot.config.database_path):
            await newcomer.send("/start")
            await until_refused_by_the_inbox(caplog)
            assert newcomer.messages == []
        greeting = await newcomer.next_message(timeout=30)
    assert translator("ar").gettext("Which language do you want to use?") in greeting.text
    assert len(await rows(bot, "SELECT id FROM participants WHERE telegram_user_id = 4711")) == 1


async def test_a_failed_commit_leaves_nothing_and_the_connection_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await open_database(tmp_path / "full.sqlite3")
    real_commit = aiosqlite.Connection.commit

    async def full_once(connection: aiosqlite.Connection) -> None:
        monkeypatch.setattr(aiosqlite.Connection, "commit", real_commit)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(aiosqlite.Connection, "commit", full_once)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    contact = {"telegram_user_id": 1, "chat_id": 1, "language_guess": "da", "coordinator": False}
    try:
        with pytest.raises(sqlite3.OperationalError):
            await participants.record_contact(db, **contact, now=now)
        assert await participants.get(db, 1) is None
        await participants.record_contact(db, **contact, now=now)
        assert await participants.get(db, 1) is not None
    finally:
        await db.close()
