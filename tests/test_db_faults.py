"""A database that is locked or full: the person is asked to send it again, nothing half-saved."""

from __future__ import annotations

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
NOT_SAVED = "I could not save that just now. Please send it again in a moment."
PRESS_AGAIN = "I could not save that just now. Please press the button again in a moment."
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
        await user.press(t.gettext(label))
        await user.next_message()


async def test_while_locked_a_press_and_a_note_are_refused_whole_then_taken_once(
    emulator, bot, caplog: pytest.LogCaptureFixture
) -> None:
    mentor, _ = await checked_in(bot, emulator)
    t = translator("da")
    before = await state_of(bot, mentor)

    with locked(bot.config.database_path):
        await mentor.press(t.gettext("Yes, in person"))
        refused = await mentor.next_callback_answer()
        assert (refused.text, refused.show_alert) == (t.gettext(PRESS_AGAIN), True)
        assert await state_of(bot, mentor) == before
    await mentor.press(t.gettext("Yes, in person"))  # the buttons are still there
    assert t.gettext("How is the mentorship going?") in (await mentor.next_message()).text

    await press_until_note(mentor, "da", ("Good", "No, all is fine"))
    note = "Vi mødtes på biblioteket og skrev en ansøgning."
    before = await state_of(bot, mentor)
    assert before[0] == "note"
    caplog.clear()
    with locked(bot.config.database_path), caplog.at_level(logging.INFO):
        await mentor.send(note)
        assert (await mentor.next_message()).text == t.gettext(NOT_SAVED)
        assert await state_of(bot, mentor) == before  # nothing of it stored
    assert "update" in caplog.text and "the database is locked" in caplog.text
    assert note not in caplog.text

    await mentor.send(note)
    thanks = await mentor.next_message()
    assert thanks.text == t.gettext("Thank you! Your answers are saved for the coordinator.")
    entries = await rows(bot, "SELECT text FROM journal WHERE kind = 'checkin'")
    assert [e["text"] for e in entries] == [note]


async def test_when_the_disk_is_full_the_answer_is_refused_whole_then_taken_once(
    emulator, bot
) -> None:
    _, mentee = await checked_in(bot, emulator)
    await press_until_note(mentee, "ar", ("No", "A little useful", "Done", "No, all is fine"))
    db = services_of(bot.application).db
    note = "التقينا في المكتبة وكتبنا طلب عمل. " * 40  # needs new pages, beyond the limit
    before = await state_of(bot, mentee)
    (pages,) = await db.fetch_one("PRAGMA page_count")
    await on_the_writer(db, f"PRAGMA max_page_count = {pages}")

    await mentee.send(note)
    assert (await mentee.next_message()).text == translator("ar").gettext(NOT_SAVED)
    assert await state_of(bot, mentee) == before

    await on_the_writer(db, f"PRAGMA max_page_count = {NO_PAGE_LIMIT}")
    await mentee.send(note)
    assert (await mentee.next_message()).text == translator("ar").gettext(
        "Thank you! Your answers are saved for the coordinator."
    )
    entries = await rows(bot, "SELECT text FROM journal WHERE kind = 'checkin'")
    assert [e["text"] for e in entries] == [note.strip()]


async def test_a_newcomer_hears_it_in_their_telegram_language_when_nothing_can_be_read(
    emulator, bot
) -> None:
    await on_the_writer(services_of(bot.application).db, f"PRAGMA busy_timeout = {SHORT_BUSY_MS}")
    newcomer = emulator.user(4711, "Nour", language_code="ar")
    with locked(bot.config.database_path):
        await newcomer.send("/start")
        assert (await newcomer.next_message()).text == translator("ar").gettext(NOT_SAVED)
    assert await rows(bot, "SELECT id FROM participants WHERE telegram_user_id = 4711") == []
    await newcomer.send("/start")
    await newcomer.next_message()
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
