import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.seed import add_journal_entries
from bot.exports import write_exports
from bot.i18n import translator
from bot.model.evaluation import ReportFilter
from bot.model.participants import Role, Status
from storage import Database, inbox, open_database, participants
from storage.db import HANDLING_UPDATE, migrations

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path):
    database = await open_database(tmp_path / "test.sqlite3")
    yield database
    await database.close()


async def test_migrations_are_applied_and_recorded(db) -> None:
    assert await db.schema_version() == len(migrations())
    mode = await db.fetch_one("PRAGMA journal_mode")
    keys = await db.fetch_one("PRAGMA foreign_keys")
    assert mode[0] == "wal"
    assert keys[0] == 1


async def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite3"
    first = await open_database(path)
    await participants.record_contact(
        first, telegram_user_id=1, chat_id=1, language_guess="en", coordinator=False, now=NOW
    )
    await first.close()
    second = await open_database(path)
    assert (await participants.get(second, 1)).language == "en"
    await second.close()


async def test_contact_is_recorded_once_and_keeps_choices(db) -> None:
    await participants.record_contact(
        db, telegram_user_id=7, chat_id=7, language_guess="en", coordinator=False, now=NOW
    )
    await participants.set_language(db, 7, "ar", NOW)
    await participants.set_role(db, 7, Role.MENTEE, NOW)
    later = NOW + timedelta(days=1)
    again = await participants.record_contact(
        db, telegram_user_id=7, chat_id=7, language_guess="da", coordinator=False, now=later
    )
    assert (again.language, again.language_chosen, again.role) == ("ar", True, Role.MENTEE)
    assert again.created_at == NOW
    assert again.updated_at == later
    rows = await db.fetch_all("SELECT * FROM participants")
    assert len(rows) == 1


async def test_unreachable_participant_is_reachable_again_when_they_write(db) -> None:
    await participants.record_contact(
        db, telegram_user_id=8, chat_id=8, language_guess="da", coordinator=False, now=NOW
    )
    assert (await participants.mark_unreachable(db, 8, NOW)).status is Status.UNREACHABLE
    back = await participants.record_contact(
        db, telegram_user_id=8, chat_id=8, language_guess="da", coordinator=False, now=NOW
    )
    assert back.status is Status.ACTIVE


async def test_coordinator_role_follows_the_configuration(db) -> None:
    made = await participants.record_contact(
        db, telegram_user_id=9, chat_id=9, language_guess="da", coordinator=True, now=NOW
    )
    assert made.role is Role.COORDINATOR
    removed = await participants.record_contact(
        db, telegram_user_id=9, chat_id=9, language_guess="da", coordinator=False, now=NOW
    )
    assert removed.role is None


async def test_a_failed_transaction_writes_nothing(db) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO participants (telegram_user_id, chat_id, language, created_at, "
                "updated_at) VALUES (1, 1, 'da', 'x', 'x')"
            )
            raise RuntimeError("boom")
    assert await db.fetch_all("SELECT * FROM participants") == []


async def test_the_schema_refuses_unknown_roles_and_languages(db) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO participants (telegram_user_id, chat_id, language, role, "
                "created_at, updated_at) VALUES (2, 2, 'de', 'admin', 'x', 'x')"
            )


async def test_counts_by_role_and_status(db) -> None:
    for user_id, role in [(1, Role.MENTOR), (2, Role.MENTOR), (3, Role.MENTEE), (4, None)]:
        await contact(db, user_id)
        if role:
            await participants.set_role(db, user_id, role, NOW)
    await participants.mark_unreachable(db, 2, NOW)
    counts = await participants.count_by_role_and_status(db)
    assert counts == {
        (Role.MENTOR, Status.ACTIVE): 1,
        (Role.MENTOR, Status.UNREACHABLE): 1,
        (Role.MENTEE, Status.ACTIVE): 1,
        (None, Status.ACTIVE): 1,
    }


async def contact(db: Database, user_id: int) -> None:
    await participants.record_contact(
        db,
        telegram_user_id=user_id,
        chat_id=user_id,
        language_guess="da",
        coordinator=False,
        now=NOW,
    )


async def user_ids(db: Database) -> list[int]:
    rows = await db.fetch_all("SELECT telegram_user_id FROM participants ORDER BY id")
    return [row[0] for row in rows]


async def test_a_read_runs_while_a_write_is_open_and_sees_it_once_committed(db) -> None:
    await contact(db, 1)
    written, commit = asyncio.Event(), asyncio.Event()

    async def write_and_wait() -> None:
        async with db.transaction() as connection:
            await connection.execute(
                "INSERT INTO participants (telegram_user_id, chat_id, language, created_at, "
                "updated_at) VALUES (2, 2, 'da', 'x', 'x')"
            )
            written.set()
            await commit.wait()

    writing = asyncio.create_task(write_and_wait())
    await written.wait()
    assert await asyncio.wait_for(user_ids(db), timeout=2) == [1]  # not behind the write lock
    commit.set()
    await writing
    assert await user_ids(db) == [1, 2]


async def test_a_write_commits_while_a_long_read_runs(db) -> None:
    reading, finish = threading.Event(), threading.Event()

    def hold() -> int:
        reading.set()
        finish.wait(timeout=5)
        return 1

    for reader in db._readers:
        await reader.create_function("hold", 0, hold)
    long_read = asyncio.create_task(db.fetch_one("SELECT hold()"))
    await asyncio.to_thread(reading.wait, 5)
    try:
        await asyncio.wait_for(contact(db, 3), timeout=2)
        assert not long_read.done()
        assert await user_ids(db) == [3]  # another reader answers meanwhile
    finally:
        finish.set()
    assert (await long_read)[0] == 1


async def test_marks_that_wait_for_the_writer_are_written_together(db, monkeypatch) -> None:
    for update_id in range(1, 21):
        await inbox.store(db, update_id, update_id, "{}", NOW)
    trips = []
    executemany = db._writer.executemany

    async def counted(sql, rows):
        trips.append(len(rows))
        return await executemany(sql, rows)

    monkeypatch.setattr(db._writer, "executemany", counted)
    async with db.transaction():  # the writer is busy: the marks wait for it together
        marks = [asyncio.create_task(inbox.mark_handled(db, i, NOW)) for i in range(1, 21)]
        await asyncio.sleep(0)
        assert not any(mark.done() for mark in marks)
    await asyncio.gather(*marks)
    assert trips == [20]
    assert await inbox.open_entries(db) == []
    await inbox.store(db, 21, 21, "{}", NOW)
    await inbox.mark_handled(db, 21, NOW)  # alone, it goes alone
    assert trips == [20, 1] and await inbox.open_entries(db) == []


async def test_a_failed_group_fails_each_of_its_writers_and_the_next_group_is_written(db) -> None:
    bad = "UPDATE no_such_table SET x = ?"
    async with db.transaction():
        failing = [asyncio.create_task(db.write_grouped(bad, (i,))) for i in range(3)]
        await asyncio.sleep(0)
    results = await asyncio.gather(*failing, return_exceptions=True)
    assert all(isinstance(result, sqlite3.OperationalError) for result in results)
    await inbox.store(db, 1, 1, "{}", NOW)
    await inbox.mark_handled(db, 1, NOW)
    assert await inbox.open_entries(db) == []


async def test_a_transaction_for_an_update_notes_its_changes_in_the_inbox_with_them(db) -> None:
    for update_id in (5, 6):
        await inbox.store(db, update_id, update_id, "{}", NOW)

    async def change_for(update_id: int, *, fail: bool) -> None:
        handling = HANDLING_UPDATE.set(update_id)
        try:
            async with db.transaction() as connection:
                await connection.execute(
                    "INSERT INTO participants (telegram_user_id, chat_id, language, created_at, "
                    "updated_at) VALUES (?, ?, 'da', 'x', 'x')",
                    (update_id, update_id),
                )
                if fail:
                    raise RuntimeError("the handler failed")
        finally:
            HANDLING_UPDATE.reset(handling)

    with pytest.raises(RuntimeError):
        await change_for(5, fail=True)
    await change_for(6, fail=False)
    async with db.transaction():  # not for an update: notes nothing
        pass
    committed = {entry.update_id: entry.committed for entry in await inbox.open_entries(db)}
    assert committed == {5: False, 6: True}
    assert await user_ids(db) == [6]


async def test_a_grouped_write_is_refused_while_an_update_is_handled(db) -> None:
    handling = HANDLING_UPDATE.set(7)
    try:
        with pytest.raises(RuntimeError, match="in a transaction"):
            await inbox.mark_handled(db, 7, NOW)
    finally:
        HANDLING_UPDATE.reset(handling)


async def test_a_lookup_sees_each_write_once_committed_and_never_an_open_one(db) -> None:
    await contact(db, 6)  # in Danish
    for language in ("ar", "uk", "da"):
        async with db.transaction() as connection:
            await connection.execute(
                "UPDATE participants SET language = ? WHERE telegram_user_id = 6", (language,)
            )
            assert (await participants.get(db, 6)).language != language  # not committed yet
        assert (await participants.get(db, 6)).language == language


async def test_a_slow_lookup_is_logged_without_its_parameters(
    db, caplog: pytest.LogCaptureFixture
) -> None:
    db._looker.create_function("slow", 1, lambda value: time.sleep(0.03) or value)
    with caplog.at_level("WARNING"):
        row = await db.lookup("SELECT slow(?) AS value", ("Amal Hassan",))
    assert row["value"] == "Amal Hassan"
    assert "a lookup held the event loop" in caplog.text and "SELECT slow(?)" in caplog.text
    assert "Amal" not in caplog.text


async def test_readers_cannot_write(db) -> None:
    import sqlite3

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.fetch_all("DELETE FROM participants")


async def test_a_read_in_a_process_of_its_own_cannot_write_and_its_error_comes_back(db) -> None:
    import sqlite3

    await contact(db, 5)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.read_in_process(sqlite3.Connection.execute, "DELETE FROM participants")
    assert await user_ids(db) == [5]


async def test_an_in_memory_database_reads_and_writes_on_one_connection() -> None:
    memory = await open_database(":memory:")
    try:
        await contact(memory, 4)
        assert await user_ids(memory) == [4]
    finally:
        await memory.close()


async def test_a_database_from_before_the_language_table_keeps_its_rows(tmp_path: Path) -> None:
    """The migration that lets any language of the table be stored rebuilds participants: the
    rows that refer to a participant stay, and a Ukrainian participant can be stored."""
    path = tmp_path / "old.sqlite3"
    rebuild = next(n for n, file in migrations() if file.name.endswith("_any_language.sql"))
    with sqlite3.connect(path, isolation_level=None) as old:
        for number, file in migrations():
            if number < rebuild:
                old.executescript(file.read_text(encoding="utf-8"))
        old.execute(f"PRAGMA user_version = {rebuild - 1}")
        old.execute(
            "INSERT INTO participants (id, telegram_user_id, chat_id, role, language, "
            "created_at, updated_at) VALUES (1, 11, 11, 'mentee', 'ar', ?, ?)",
            (NOW.isoformat(), NOW.isoformat()),
        )
        old.execute(
            "INSERT INTO questionnaire_runs (participant_id, questionnaire, version, status, "
            "started_at, updated_at) VALUES (1, 'intake', 1, 'in_progress', 'x', 'x')"
        )
    database = await open_database(path)
    try:
        assert (await participants.get(database, 11)).language == "ar"
        runs = await database.fetch_all("SELECT participant_id FROM questionnaire_runs")
        assert [row["participant_id"] for row in runs] == [1]
        await participants.record_contact(
            database,
            telegram_user_id=12,
            chat_id=12,
            language_guess="uk",
            coordinator=False,
            now=NOW,
        )
        assert (await participants.get(database, 12)).language == "uk"
        keys = await database.fetch_one("PRAGMA foreign_keys")
        assert keys[0] == 1
    finally:
        await database.close()


async def test_check_in_answers_written_before_their_cells_reach_the_journal_file(
    tmp_path: Path,
) -> None:
    """The migration that keeps check-in answers as the journal file's cells fills them for the
    entries already written: an old entry's answers are in the file like a new one's."""
    path = tmp_path / "old.sqlite3"
    cells = next(n for n, file in migrations() if file.name.endswith("_journal_answer_cells.sql"))
    answers = '{"met": "online", "useful": "very", "progress": ["applied", "interview"]}'
    with sqlite3.connect(path, isolation_level=None) as old:
        for number, file in migrations():
            if number < cells:
                old.executescript(file.read_text(encoding="utf-8"))
        old.execute(f"PRAGMA user_version = {cells - 1}")
        for person, role in ((1, "mentor"), (2, "mentee")):
            old.execute(
                "INSERT INTO participants (id, telegram_user_id, chat_id, role, language, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, 'da', ?, ?)",
                (person, person, person, role, NOW.isoformat(), NOW.isoformat()),
            )
        old.execute(
            "INSERT INTO pairs (id, mentor_id, mentee_id, status, score, reasons, proposed_by, "
            "proposed_at, updated_at) VALUES (1, 1, 2, 'active', 1, '[]', 9, ?, ?)",
            (NOW.isoformat(), NOW.isoformat()),
        )
        old.execute(
            "INSERT INTO journal (pair_id, role, kind, answers, created_at) "
            "VALUES (1, 'mentee', 'checkin', ?, ?)",
            (answers, NOW.isoformat()),
        )
    database = await open_database(path)
    try:
        later = NOW + timedelta(days=7)
        new_entry = (1, 2, "mentee", "checkin", None, answers, False, later)
        await add_journal_entries(database, [new_entry])
        files = await write_exports(database, ReportFilter(), translator("en"), tmp_path, later)
    finally:
        await database.close()
    lines = files[1].read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(";")[-6:] for line in lines] == [
        ["online", "", "", "very", "applied, interview", ""]
    ] * 2
