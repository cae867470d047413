"""Planned meetings and the messages about them. Each move is a compare-and-set on the row's
state, in one transaction with its journal entry and signals. The planning in progress (the
drafts) is storage/meeting_drafts.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.model.meetings import (
    Meeting,
    MeetingStatus,
    Mode,
    NotHeld,
    Notice,
    NoticeKind,
    NoticeStatus,
)
from bot.model.pairs import Side
from storage.db import Database, Params, parse_time
from storage.signals import SignalsChange, apply_change

MEETING_COLUMNS = "id, pair_id, uid, sequence, starts_at, mode, place, status, planned_by"
NOTICE_COLUMNS = (
    "id, meeting_id, participant_id, side, kind, sequence, due_at, status, answer, reason"
)
# What a move or a cancellation leaves unsent: the reminder and question of the old time.
LATER_KINDS = "('reminder', 'ask')"


@dataclass(frozen=True)
class NewNotice:
    """A message about a meeting to write: to whom, what, when."""

    participant_id: int
    side: Side
    kind: NoticeKind
    due_at: datetime


@dataclass(frozen=True)
class Entry:
    """The journal entry of a change: whose, what kind, its text."""

    author_id: int | None
    role: str
    kind: str
    text: str | None


# -- meetings ----------------------------------------------------------------------------------


async def get(db: Database, meeting_id: int) -> Meeting | None:
    row = await db.fetch_one(f"SELECT {MEETING_COLUMNS} FROM meetings WHERE id = ?", (meeting_id,))
    return _meeting(row) if row else None


async def upcoming(db: Database, pair_ids: Sequence[int], now: datetime) -> dict[int, Meeting]:
    """The next planned meeting of each of these pairs that has one still ahead (or going on)."""
    if not pair_ids:
        return {}
    marks = ", ".join("?" for _ in pair_ids)
    rows = await db.fetch_all(
        f"SELECT {MEETING_COLUMNS} FROM meetings WHERE status = 'planned' "
        f"AND pair_id IN ({marks}) AND starts_at > ? ORDER BY starts_at DESC",
        (*pair_ids, _utc(now)),
    )
    return {row["pair_id"]: _meeting(row) for row in rows}  # the earliest wins: it comes last


async def plan(
    db: Database,
    pair_id: int,
    draft_id: int,
    uid: str,
    starts_at: datetime,
    mode: Mode,
    place: str | None,
    notices: Iterable[NewNotice],
    entry: Entry,
    now: datetime,
) -> Meeting | None:
    """A new meeting with its messages, if the pair has none planned ahead and the draft is
    still there; the draft is used up."""
    return await _from_draft(
        db,
        draft_id,
        "INSERT INTO meetings (pair_id, uid, starts_at, mode, place, planned_by, created_at, "
        "updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM meetings "
        "WHERE pair_id = ? AND status = 'planned' AND starts_at > ?) "
        f"RETURNING {MEETING_COLUMNS}",
        (
            pair_id,
            uid,
            _utc(starts_at),
            mode.value,
            place,
            entry.author_id,
            now,
            now,
            pair_id,
            _utc(now),
        ),
        notices,
        entry,
        now,
    )


async def move(
    db: Database,
    meeting: Meeting,
    draft_id: int,
    starts_at: datetime,
    mode: Mode,
    place: str | None,
    notices: Iterable[NewNotice],
    entry: Entry,
    now: datetime,
) -> Meeting | None:
    """The meeting at another time (the same UID, the next SEQUENCE), if it was not changed
    meanwhile; the old time's reminder and question are dropped."""
    return await _from_draft(
        db,
        draft_id,
        "UPDATE meetings SET starts_at = ?, mode = ?, place = ?, sequence = sequence + 1, "
        "updated_at = ? WHERE id = ? AND sequence = ? AND status = 'planned' "
        f"RETURNING {MEETING_COLUMNS}",
        (_utc(starts_at), mode.value, place, now, meeting.id, meeting.sequence),
        notices,
        entry,
        now,
    )


async def cancel(
    db: Database, meeting: Meeting, notices: Iterable[NewNotice], entry: Entry, now: datetime
) -> Meeting | None:
    """The meeting cancelled (the next SEQUENCE), if it was not changed meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE meetings SET status = 'cancelled', sequence = sequence + 1, updated_at = ? "
            "WHERE id = ? AND sequence = ? AND status = 'planned' "
            f"RETURNING {MEETING_COLUMNS}",
            (now, meeting.id, meeting.sequence),
        )
        cancelled = await _changed(conn, cursor, notices, entry, now)
        if cancelled is not None:
            await conn.execute("DELETE FROM meeting_drafts WHERE meeting_id = ?", (meeting.id,))
    return cancelled


async def starts_after(db: Database, pair_id: int, after: datetime) -> list[datetime]:
    """The starts of the pair's planned meetings that start after `after`, earliest first."""
    rows = await db.fetch_all(
        "SELECT starts_at FROM meetings WHERE pair_id = ? AND status = 'planned' "
        "AND starts_at > ? ORDER BY starts_at",
        (pair_id, _utc(after)),
    )
    return [parse_time(row["starts_at"]) for row in rows]


# -- the messages about meetings ---------------------------------------------------------------


async def notices_due(
    db: Database, now: datetime, run_id: str, limit: int
) -> list[tuple[Notice, str]]:
    """Messages a crash cut off (being sent by another run of the bot: one this run is sending
    is on its way, from a chat's handler) and those due now, oldest first, each with its
    pair's status."""
    rows = await db.fetch_all(
        f"SELECT {', '.join('n.' + c.strip() for c in NOTICE_COLUMNS.split(','))}, "
        "p.status AS pair_status FROM meeting_notices n "
        "JOIN meetings m ON m.id = n.meeting_id JOIN pairs p ON p.id = m.pair_id "
        "WHERE (n.status = 'pending' AND n.pending_by IS NOT ?) "
        "OR (n.status = 'due' AND n.due_at <= ?) ORDER BY n.due_at, n.id LIMIT ?",
        (run_id, _utc(now), limit),
    )
    return [(_notice(row), row["pair_status"]) for row in rows]


async def notices_of(db: Database, meeting_id: int) -> list[Notice]:
    rows = await db.fetch_all(
        f"SELECT {NOTICE_COLUMNS} FROM meeting_notices WHERE meeting_id = ? ORDER BY id",
        (meeting_id,),
    )
    return [_notice(row) for row in rows]


async def get_notice(db: Database, notice_id: int) -> Notice | None:
    row = await db.fetch_one(
        f"SELECT {NOTICE_COLUMNS} FROM meeting_notices WHERE id = ?", (notice_id,)
    )
    return _notice(row) if row else None


async def begin_notice(db: Database, notice: Notice, run_id: str) -> bool:
    """Mark a due message as being sent (by this run) before it is sent; a message a crash cut
    off becomes this run's. False if another handler or job took it meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE meeting_notices SET status = 'pending', pending_by = ? WHERE id = ? "
            "AND (status = 'due' OR (status = 'pending' AND pending_by IS NOT ?))",
            (run_id, notice.id, run_id),
        )
    return cursor.rowcount == 1


async def release_notice(db: Database, notice: Notice) -> None:
    """A send that failed for now (the network, a 400): due again, for the next wave."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE meeting_notices SET status = 'due' WHERE id = ? AND status = 'pending'",
            (notice.id,),
        )


async def mark_notice_sent(
    db: Database, notice: Notice, pair_id: int, now: datetime, change: SignalsChange | None
) -> None:
    """The message went out; `change` applied to the pair's signals once, with it (unless
    someone answered the meeting's day-after question already)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE meeting_notices SET status = 'sent', sent_at = COALESCE(sent_at, ?) "
            "WHERE id = ? AND status = 'pending'",
            (now, notice.id),
        )
        if cursor.rowcount == 1 and change is not None and not await _answered(conn, notice):
            await apply_change(conn, pair_id, change, now)


async def drop_notice(db: Database, notice_id: int) -> None:
    """A message no longer worth sending (the meeting is over, or it changed)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE meeting_notices SET status = 'dropped' "
            "WHERE id = ? AND status IN ('due', 'pending')",
            (notice_id,),
        )


async def answer(
    db: Database,
    notice: Notice,
    pair_id: int,
    said: str,
    change: SignalsChange,
    entry: Entry,
    now: datetime,
) -> bool:
    """The day-after answer (yes/no), once: the signals and the journal with it."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE meeting_notices SET answer = ?, answered_at = ? WHERE id = ? "
            "AND kind = 'ask' AND status = 'sent' AND answer IS NULL",
            (said, now, notice.id),
        )
        if cursor.rowcount != 1:
            return False
        await apply_change(conn, pair_id, change, now)
        await _journal(conn, pair_id, entry, now)
    return True


async def give_reason(
    db: Database, notice: Notice, pair_id: int, reason: NotHeld, entry: Entry, now: datetime
) -> bool:
    """Why the meeting did not happen, once, after a No."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE meeting_notices SET reason = ? WHERE id = ? AND answer = 'no' "
            "AND reason IS NULL",
            (reason.value, notice.id),
        )
        if cursor.rowcount != 1:
            return False
        await _journal(conn, pair_id, entry, now)
    return True


# -- inside a transaction ----------------------------------------------------------------------


async def _from_draft(
    db: Database,
    draft_id: int,
    sql: str,
    params: Params,
    notices: Iterable[NewNotice],
    entry: Entry,
    now: datetime,
) -> Meeting | None:
    """The meeting `sql` plans or moves, if the draft is still there (it is used up) and the
    statement changed a row: a planning finished twice, or raced, changes nothing."""
    async with db.transaction() as conn:
        cursor = await conn.execute("DELETE FROM meeting_drafts WHERE id = ?", (draft_id,))
        if cursor.rowcount != 1:
            return None
        cursor = await conn.execute(sql, params)
        return await _changed(conn, cursor, notices, entry, now)


async def _changed(
    conn: aiosqlite.Connection,
    cursor: aiosqlite.Cursor,
    notices: Iterable[NewNotice],
    entry: Entry,
    now: datetime,
) -> Meeting | None:
    """The meeting as the statement in `cursor` left it (None: it changed nothing): the
    reminder and question of an earlier version dropped, its messages and journal entry added."""
    row = await cursor.fetchone()
    if row is None:
        return None
    meeting = _meeting(row)
    await _drop_later(conn, meeting.id)
    await _add_notices(conn, meeting, notices)
    await _journal(conn, meeting.pair_id, entry, now)
    return meeting


async def _answered(conn: aiosqlite.Connection, notice: Notice) -> bool:
    """Whether someone answered the day-after question of this notice's meeting already."""
    cursor = await conn.execute(
        "SELECT 1 FROM meeting_notices WHERE meeting_id = ? AND kind = 'ask' "
        "AND answer IS NOT NULL",
        (notice.meeting_id,),
    )
    return await cursor.fetchone() is not None


async def _drop_later(conn: aiosqlite.Connection, meeting_id: int) -> None:
    await conn.execute(
        "UPDATE meeting_notices SET status = 'dropped' WHERE meeting_id = ? "
        f"AND kind IN {LATER_KINDS} AND status = 'due'",
        (meeting_id,),
    )


async def _add_notices(
    conn: aiosqlite.Connection, meeting: Meeting, notices: Iterable[NewNotice]
) -> None:
    await conn.executemany(
        "INSERT OR IGNORE INTO meeting_notices (meeting_id, participant_id, side, kind, "
        "sequence, due_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                meeting.id,
                notice.participant_id,
                notice.side.value,
                notice.kind.value,
                meeting.sequence,
                _utc(notice.due_at),
            )
            for notice in notices
        ],
    )


async def _journal(conn: aiosqlite.Connection, pair_id: int, entry: Entry, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO journal (pair_id, author_id, role, kind, text, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (pair_id, entry.author_id, entry.role, entry.kind, entry.text, now),
    )


def _utc(moment: datetime) -> datetime:
    """Times are compared as text in SQL, so they are all written in UTC."""
    return moment.astimezone(UTC)


def _meeting(row: aiosqlite.Row) -> Meeting:
    return Meeting(
        id=row["id"],
        pair_id=row["pair_id"],
        uid=row["uid"],
        sequence=row["sequence"],
        starts_at=parse_time(row["starts_at"]),
        mode=Mode(row["mode"]),
        place=row["place"],
        status=MeetingStatus(row["status"]),
        planned_by=row["planned_by"],
    )


def _notice(row: aiosqlite.Row) -> Notice:
    return Notice(
        id=row["id"],
        meeting_id=row["meeting_id"],
        participant_id=row["participant_id"],
        side=Side(row["side"]),
        kind=NoticeKind(row["kind"]),
        sequence=row["sequence"],
        due_at=parse_time(row["due_at"]),
        status=NoticeStatus(row["status"]),
        answer=row["answer"],
        reason=NotHeld(row["reason"]) if row["reason"] else None,
    )
