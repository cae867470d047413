"""Check-in rows and the journal. Each move is a compare-and-set on the row's state."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import aiosqlite

from bot.model.checkins import CheckIn, CheckInStatus
from bot.model.journal import JournalEntry
from bot.model.pairs import Side
from bot.model.questionnaire import Answer
from storage.db import Database, parse_day, parse_time
from storage.signals import SignalsChange, apply_change
from storage.slices import converted

JOURNAL_COLUMNS = (
    "id, pair_id, author_id, role, kind, answers, text, voice_file_id, private, created_at"
)
COLUMNS = (
    "id, pair_id, participant_id, side, due_at, status, sent_at, reminded_at, "
    "current_question, selection, answers"
)


async def unscheduled_sides(
    db: Database,
) -> list[tuple[int, int, Side, int | None, int | None, datetime, datetime | None]]:
    """Each person of an active pair without a check-in ahead: (pair, person, side, meetings a
    month, the coordinator's cadence, pair start, due time of their latest check-in)."""
    rows = await db.fetch_all(
        "SELECT p.id AS pair_id, s.participant_id, s.side, p.meetings_per_month, "
        "  p.checkin_every_days, p.started_at, "
        "  (SELECT MAX(c.due_at) FROM checkins c WHERE c.pair_id = p.id "
        "   AND c.participant_id = s.participant_id) AS last_due "
        "FROM pairs p JOIN (SELECT id, mentor_id AS participant_id, 'mentor' AS side FROM pairs "
        "  UNION ALL SELECT id, mentee_id, 'mentee' FROM pairs) s ON s.id = p.id "
        "WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM checkins c "
        "  WHERE c.pair_id = p.id AND c.participant_id = s.participant_id "
        "  AND c.status = 'scheduled')"
    )
    return await converted(rows, _unscheduled)


def _unscheduled(
    r: aiosqlite.Row,
) -> tuple[int, int, Side, int | None, int | None, datetime, datetime | None]:
    return (
        r["pair_id"],
        r["participant_id"],
        Side(r["side"]),
        r["meetings_per_month"],
        r["checkin_every_days"],
        parse_time(r["started_at"]),
        parse_time(r["last_due"]),
    )


async def schedule(
    db: Database, pair_id: int, participant_id: int, side: Side, due_at: datetime, now: datetime
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO checkins (pair_id, participant_id, side, due_at, status, "
            "created_at) VALUES (?, ?, ?, ?, 'scheduled', ?)",
            (pair_id, participant_id, side.value, _utc(due_at), now),
        )


async def set_cadence(db: Database, pair_id: int, days: int, actor_id: int, now: datetime) -> None:
    """A pair's own check-in cadence; its unsent check-ins are planned again from it."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE pairs SET checkin_every_days = ?, updated_at = ? WHERE id = ?",
            (days, now, pair_id),
        )
        await conn.execute(
            "DELETE FROM checkins WHERE pair_id = ? AND status = 'scheduled'", (pair_id,)
        )
        await conn.execute(
            "INSERT INTO pair_events (pair_id, event, actor_id, detail, at) "
            "VALUES (?, 'cadence', ?, ?, ?)",
            (pair_id, actor_id, str(days), now),
        )


async def to_send(db: Database, now: datetime, limit: int) -> list[CheckIn]:
    """Pending check-ins (a send a crash may have cut off) and scheduled ones now due, of
    active pairs, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {', '.join('c.' + c.strip() for c in COLUMNS.split(','))} FROM checkins c "
        "JOIN pairs p ON p.id = c.pair_id AND p.status = 'active' "
        "WHERE c.status = 'pending' OR (c.status = 'scheduled' AND c.due_at <= ?) "
        "ORDER BY c.due_at, c.id LIMIT ?",
        (now, limit),
    )
    return [_checkin(row) for row in rows]


async def begin_sending(
    db: Database,
    check_in: CheckIn,
    first_question: str,
    now: datetime,
    on_missed: Callable[[datetime], SignalsChange],
) -> bool:
    """Mark a due check-in pending, and the person's earlier unanswered one missed (journaled,
    and `on_missed(its due time)` applied to the pair's signals), in one transaction. False if
    it had already left `scheduled`."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE checkins SET status = 'pending', current_question = ? "
            "WHERE id = ? AND status = 'scheduled'",
            (first_question, check_in.id),
        )
        if cursor.rowcount != 1:
            return check_in.status is CheckInStatus.PENDING
        cursor = await conn.execute(
            "UPDATE checkins SET status = 'missed' WHERE pair_id = ? AND participant_id = ? "
            "AND status = 'sent' AND id != ? RETURNING id, due_at",
            (check_in.pair_id, check_in.participant_id, check_in.id),
        )
        for missed in await cursor.fetchall():
            due = parse_time(missed["due_at"])
            await apply_change(conn, check_in.pair_id, on_missed(due), now)
            await _journal(
                conn,
                check_in.pair_id,
                check_in.participant_id,
                check_in.side.value,
                "missed",
                now,
                checkin_id=missed["id"],
            )
    return True


async def mark_sent(db: Database, check_in_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE checkins SET status = 'sent', sent_at = COALESCE(sent_at, ?) "
            "WHERE id = ? AND status = 'pending'",
            (now, check_in_id),
        )


async def mark_unreachable(
    db: Database, check_in: CheckIn, now: datetime, on_unreachable: SignalsChange
) -> None:
    """The person blocked the bot: journaled, the pair's signals changed, the prompt sent."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE checkins SET status = 'sent', sent_at = COALESCE(sent_at, ?) "
            "WHERE id = ? AND status = 'pending'",
            (now, check_in.id),
        )
        if cursor.rowcount != 1:
            return
        await _journal(
            conn,
            check_in.pair_id,
            check_in.participant_id,
            check_in.side.value,
            "unreachable",
            now,
        )
        await apply_change(conn, check_in.pair_id, on_unreachable, now)


async def postpone(db: Database, check_in_id: int, due_at: datetime) -> None:
    """A scheduled check-in of someone who paused: due again when their pause is over."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE checkins SET due_at = ? WHERE id = ? AND status = 'scheduled'",
            (_utc(due_at), check_in_id),
        )


async def get(db: Database, check_in_id: int) -> CheckIn | None:
    row = await db.lookup(f"SELECT {COLUMNS} FROM checkins WHERE id = ?", (check_in_id,))
    return _checkin(row) if row else None


async def answerable(db: Database, check_in_id: int, participant_id: int) -> CheckIn | None:
    """The check-in, if it is this person's and their pair is active: one lookup by key."""
    row = await db.lookup(
        f"SELECT {COLUMNS} FROM checkins c WHERE id = ? AND participant_id = ? "
        "AND EXISTS (SELECT 1 FROM pairs p WHERE p.id = c.pair_id AND p.status = 'active')",
        (check_in_id, participant_id),
    )
    return _checkin(row) if row else None


async def awaiting_message(db: Database, participant_id: int) -> CheckIn | None:
    """The sent check-in whose current question this person answers by typing, if any."""
    row = await db.lookup(
        f"SELECT {COLUMNS} FROM checkins c WHERE participant_id = ? AND status = 'sent' "
        "AND current_question IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM pairs p WHERE p.id = c.pair_id AND p.status = 'active') "
        "ORDER BY sent_at DESC, id DESC LIMIT 1",
        (participant_id,),
    )
    return _checkin(row) if row else None


async def record_step(
    db: Database,
    check_in: CheckIn,
    answers: dict[str, Answer],
    next_question: str | None,
    now: datetime,
    voice_file_id: str | None = None,
    on_finish: SignalsChange | None = None,
) -> CheckIn | None:
    """Store the answers so far and move on; with no next question, file the journal entry
    and apply `on_finish` to the pair's signals too. The check-in as stored now; None if it
    had moved on already (a second copy, a stale button)."""
    encoded = json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()})
    finished = next_question is None
    async with db.transaction() as conn:
        moved = list(
            await conn.execute_fetchall(
                "UPDATE checkins SET answers = ?, current_question = ?, selection = '[]', "
                "status = CASE WHEN ? THEN 'answered' ELSE status END, "
                "answered_at = CASE WHEN ? THEN ? ELSE answered_at END "
                "WHERE id = ? AND status IN ('pending', 'sent') AND current_question IS ? "
                f"RETURNING {COLUMNS}",
                (encoded, next_question, finished, finished, now, check_in.id, check_in.current),
            )
        )
        if not moved:
            return None
        if finished:
            note = answers.get("note")
            await _journal(
                conn,
                check_in.pair_id,
                check_in.participant_id,
                check_in.side.value,
                "checkin",
                now,
                checkin_id=check_in.id,
                answers=encoded,
                text=note if isinstance(note, str) else None,
                voice_file_id=voice_file_id,
                private=answers.get("coordinator") == "unsure",
            )
            if on_finish is not None:
                await apply_change(conn, check_in.pair_id, on_finish, now)
    return _checkin(moved[0])


async def save_selection(
    db: Database, check_in: CheckIn, selection: tuple[str, ...]
) -> CheckIn | None:
    """The ticks under the current question; the check-in as stored now, or None if it had
    moved on already."""
    async with db.transaction() as conn:
        saved = list(
            await conn.execute_fetchall(
                "UPDATE checkins SET selection = ? WHERE id = ? AND status IN ('pending', 'sent') "
                f"AND current_question IS ? RETURNING {COLUMNS}",
                (json.dumps(list(selection)), check_in.id, check_in.current),
            )
        )
    return _checkin(saved[0]) if saved else None


async def reminders_due(db: Database, sent_before: datetime) -> list[CheckIn]:
    rows = await db.fetch_all(
        f"SELECT {COLUMNS} FROM checkins WHERE status = 'sent' AND reminded_at IS NULL "
        "AND sent_at <= ? AND pair_id IN (SELECT id FROM pairs WHERE status = 'active') "
        "ORDER BY sent_at",
        (sent_before,),
    )
    return [_checkin(row) for row in rows]


async def mark_reminded(db: Database, check_in_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE checkins SET reminded_at = ? WHERE id = ?", (now, check_in_id))


async def pause(
    db: Database, participant_id: int, until: date, pair_ids: list[int], side: Side, now: datetime
) -> None:
    """A person's own pause of their check-ins; each of their pairs' journals says so."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO checkin_pauses (participant_id, until, set_at) VALUES (?, ?, ?) "
            "ON CONFLICT (participant_id) DO UPDATE SET until = excluded.until, "
            "set_at = excluded.set_at",
            (participant_id, until, now),
        )
        for pair_id in pair_ids:
            await _journal(
                conn, pair_id, participant_id, side.value, "paused", now, text=until.isoformat()
            )


async def paused_until(db: Database, participant_id: int) -> date | None:
    row = await db.fetch_one(
        "SELECT until FROM checkin_pauses WHERE participant_id = ?", (participant_id,)
    )
    return parse_day(row["until"]) if row else None


async def add_journal(
    db: Database,
    pair_id: int,
    author_id: int | None,
    role: str,
    kind: str,
    now: datetime,
    text: str | None = None,
) -> None:
    async with db.transaction() as conn:
        await _journal(conn, pair_id, author_id, role, kind, now, text=text)


async def journal_page(
    db: Database, pair_id: int, offset: int, size: int
) -> tuple[list[JournalEntry], int]:
    """Entries of a pair's journal in time order, one page of them, and how many in all."""
    total_row = await db.fetch_one(
        "SELECT COUNT(*) AS n FROM journal WHERE pair_id = ?", (pair_id,)
    )
    rows = await db.fetch_all(
        f"SELECT {JOURNAL_COLUMNS} FROM journal WHERE pair_id = ? ORDER BY id LIMIT ? OFFSET ?",
        (pair_id, size, offset),
    )
    return [_entry(r) for r in rows], total_row["n"] if total_row else 0


async def latest_journal(db: Database, pair_id: int, count: int) -> list[JournalEntry]:
    """The newest `count` entries of a pair's journal by people (not the bot's own events),
    oldest of them first."""
    rows = await db.fetch_all(
        f"SELECT {JOURNAL_COLUMNS} FROM journal WHERE pair_id = ? AND role != 'bot' "
        "ORDER BY id DESC LIMIT ?",
        (pair_id, count),
    )
    return [_entry(r) for r in reversed(rows)]


async def voice_of(db: Database, entry_id: int) -> tuple[int, str] | None:
    """(pair id, voice file id) of a journal entry with a voice message."""
    row = await db.fetch_one(
        "SELECT pair_id, voice_file_id FROM journal WHERE id = ? AND voice_file_id IS NOT NULL",
        (entry_id,),
    )
    return (row["pair_id"], row["voice_file_id"]) if row else None


async def _journal(
    conn: aiosqlite.Connection,
    pair_id: int,
    author_id: int | None,
    role: str,
    kind: str,
    now: datetime,
    *,
    checkin_id: int | None = None,
    answers: str | None = None,
    text: str | None = None,
    voice_file_id: str | None = None,
    private: bool = False,
) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO journal (pair_id, author_id, role, kind, checkin_id, answers, "
        "text, voice_file_id, private, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            pair_id,
            author_id,
            role,
            kind,
            checkin_id,
            answers,
            text,
            voice_file_id,
            int(private),
            now,
        ),
    )


def _entry(row: aiosqlite.Row) -> JournalEntry:
    return JournalEntry(
        id=row["id"],
        pair_id=row["pair_id"],
        author_id=row["author_id"],
        role=row["role"],
        kind=row["kind"],
        answers=json.loads(row["answers"]) if row["answers"] else None,
        text=row["text"],
        voice_file_id=row["voice_file_id"],
        private=bool(row["private"]),
        created_at=parse_time(row["created_at"]),
    )


def _utc(moment: datetime) -> datetime:
    """Due times are compared as text in SQL, so they are all written in UTC."""
    return moment.astimezone(UTC)


def _checkin(row: aiosqlite.Row) -> CheckIn:
    answers = json.loads(row["answers"])
    return CheckIn(
        id=row["id"],
        pair_id=row["pair_id"],
        participant_id=row["participant_id"],
        side=Side(row["side"]),
        due_at=parse_time(row["due_at"]),
        status=CheckInStatus(row["status"]),
        sent_at=parse_time(row["sent_at"]),
        reminded_at=parse_time(row["reminded_at"]),
        current=row["current_question"],
        selection=tuple(json.loads(row["selection"])),
        answers={k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()},
    )
