"""Mentor course sessions, their seats and waiting lists, invitations owed and attendance.
What is owed to mentors and coordinators, and marked once given, is storage/course_owed.py."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.model.course import Seat, SeatStatus, Session, SignUp
from bot.model.screening import DecisionRecord
from storage.db import Database, Params, parse_time
from storage.screenings import DECISION_COLUMNS, decision_record

SESSION_COLUMNS = (
    "c.id, c.starts_at, c.place, c.seats, c.language, c.created_by, c.published_at, "
    "c.deleted_at, "
    "(SELECT COUNT(*) FROM course_seats WHERE session_id = c.id AND status = 'booked') "
    "AS booked, "
    "(SELECT COUNT(*) FROM course_seats WHERE session_id = c.id AND status = 'waiting') "
    "AS waiting"
)
SEAT_COLUMNS = "cs.session_id, cs.participant_id, cs.status, cs.queued_at, cs.attended"


def _name_of(participant: str) -> str:
    """The SQL of the name a mentor gave in their latest screening: `participant` is the
    column or placeholder that says whose."""
    return (
        "SELECT a.value FROM screenings s JOIN answers a ON a.run_id = s.run_id "
        f"AND a.question_id = 'name' WHERE s.participant_id = {participant} "
        "ORDER BY s.run_id DESC LIMIT 1"
    )


# The mentor's name, as a column of a row of their seat.
MENTOR_NAME = f"({_name_of('cs.participant_id')}) AS name"
# Approved mentors, reachable and not erased, whose latest screening has no course done and
# who hold no seat (nor a place on a waiting list) for a session still to come.
AWAITING_COURSE = (
    "SELECT p.id FROM participants p JOIN screenings s ON s.participant_id = p.id "
    "WHERE p.role = 'mentor' AND p.status = 'active' AND p.erased_at IS NULL "
    "AND s.status = 'approved' AND s.course_done_at IS NULL "
    "AND s.run_id = (SELECT MAX(run_id) FROM screenings WHERE participant_id = p.id) "
    "AND NOT EXISTS (SELECT 1 FROM course_seats cs JOIN course_sessions c ON c.id = cs.session_id "
    "  WHERE cs.participant_id = p.id AND cs.status IN ('booked', 'waiting') "
    "  AND c.deleted_at IS NULL AND c.starts_at > :now)"
)
OPEN = "c.published_at IS NOT NULL AND c.deleted_at IS NULL AND c.starts_at > :now"


# -- a coordinator writes a session ----------------------------------------------------------


async def create_draft(db: Database, coordinator_id: int, now: datetime) -> Session:
    session_id = await insert_returning_id(
        db,
        "INSERT INTO course_sessions (created_by, created_at) VALUES (?, ?) RETURNING id",
        (coordinator_id, now),
    )
    session = await get(db, session_id)
    assert session is not None
    return session


async def set_prompt(db: Database, session_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE course_sessions SET prompt_message_id = ? WHERE id = ?",
            (message_id, session_id),
        )


async def prompted_draft(db: Database, coordinator_id: int, message_id: int) -> Session | None:
    """The draft whose question this coordinator replied to."""
    row = await db.fetch_one(
        f"SELECT {SESSION_COLUMNS} FROM course_sessions c WHERE c.created_by = ? "
        "AND c.prompt_message_id = ? AND c.published_at IS NULL AND c.deleted_at IS NULL",
        (coordinator_id, message_id),
    )
    return _session(row) if row else None


async def fill(db: Database, session_id: int, column: str, value: object) -> None:
    """One detail of a draft: starts_at, place or seats."""
    if column not in ("starts_at", "place", "seats"):
        raise ValueError(column)
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE course_sessions SET {column} = ? WHERE id = ? AND published_at IS NULL",
            (value, session_id),
        )


async def publish(db: Database, session_id: int, language: str, now: datetime) -> bool:
    """The last detail, the language: the session is open, and every mentor awaiting the
    course is owed an invitation, together. False when it was published or deleted already,
    or has begun meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE course_sessions SET language = ?, published_at = ?, prompt_message_id = NULL "
            "WHERE id = ? AND published_at IS NULL AND deleted_at IS NULL "
            "AND starts_at > ? AND place IS NOT NULL AND seats IS NOT NULL",
            (language, now, session_id, now),
        )
        if cursor.rowcount != 1:
            return False
        await _owe_invitations(conn, now)
    return True


async def delete(db: Database, session_id: int, now: datetime) -> list[int] | None:
    """Delete a session not yet begun; its mentors are owed the news. The mentors who held a
    seat or a place on its list; None when it is gone already or has begun."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE course_sessions SET deleted_at = ? "
            "WHERE id = ? AND deleted_at IS NULL AND (starts_at IS NULL OR starts_at > ?)",
            (now, session_id, now),
        )
        if cursor.rowcount != 1:
            return None
        cursor = await conn.execute(
            "UPDATE course_seats SET status = 'cancelled', news = 'session_deleted', "
            "news_told_at = NULL, updated_at = ? "
            "WHERE session_id = ? AND status IN ('booked', 'waiting') RETURNING participant_id",
            (now, session_id),
        )
        return [row["participant_id"] for row in await cursor.fetchall()]


# -- reading sessions ------------------------------------------------------------------------


async def get(db: Database, session_id: int) -> Session | None:
    row = await db.fetch_one(
        f"SELECT {SESSION_COLUMNS} FROM course_sessions c WHERE c.id = ?", (session_id,)
    )
    return _session(row) if row else None


async def open_sessions(db: Database, now: datetime) -> list[Session]:
    """Sessions mentors can still choose, soonest first."""
    rows = await db.fetch_all(
        f"SELECT {SESSION_COLUMNS} FROM course_sessions c WHERE {OPEN} ORDER BY c.starts_at, c.id",
        {"now": now},
    )
    return [_session(row) for row in rows]


async def listed(db: Database, since: datetime) -> list[Session]:
    """Published sessions from `since` on (recent ones, for attendance), soonest first."""
    rows = await db.fetch_all(
        f"SELECT {SESSION_COLUMNS} FROM course_sessions c WHERE c.published_at IS NOT NULL "
        "AND c.deleted_at IS NULL AND c.starts_at >= ? ORDER BY c.starts_at, c.id",
        (since,),
    )
    return [_session(row) for row in rows]


async def seats(db: Database, session_id: int) -> list[Seat]:
    """Who said yes to the session: seats, then the waiting list in its order."""
    rows = await db.fetch_all(
        f"SELECT {SEAT_COLUMNS}, {MENTOR_NAME} FROM course_seats cs "
        "WHERE cs.session_id = ? AND cs.status IN ('booked', 'waiting') "
        "ORDER BY cs.status = 'waiting', cs.queued_at, cs.participant_id",
        (session_id,),
    )
    return [seat_from_row(row) for row in rows]


async def seat(db: Database, session_id: int, participant_id: int) -> Seat | None:
    row = await db.fetch_one(
        f"SELECT {SEAT_COLUMNS}, {MENTOR_NAME} FROM course_seats cs "
        "WHERE cs.session_id = ? AND cs.participant_id = ?",
        (session_id, participant_id),
    )
    return seat_from_row(row) if row else None


async def awaiting_course(db: Database, participant_id: int, now: datetime) -> bool:
    """Whether this mentor may take a seat: approved, no course done, no seat to come."""
    row = await db.fetch_one(
        f"SELECT 1 FROM ({AWAITING_COURSE}) WHERE id = :participant",
        {"now": now, "participant": participant_id},
    )
    return row is not None


# -- a mentor's seat -------------------------------------------------------------------------


async def sign_up(
    db: Database, session_id: int, participant_id: int, now: datetime
) -> SignUp | None:
    """Take a seat, or a place on the waiting list when the seats are gone, in one write
    transaction: of two mentors pressing for the last seat, one gets it. A seat the mentor
    holds in another session to come is given up (and moves its waiting list up). None when
    the session is not open or the mentor not approved, or already through the course."""
    async with db.transaction() as conn:
        session = await _open_session(conn, session_id, now)
        if session is None or not await _approved_without_course(conn, participant_id):
            return None
        held = await _seat_in(conn, session_id, participant_id)
        if held is not None and held.status is not SeatStatus.CANCELLED:
            return SignUp(held, await _position(conn, held), moved_up=None)
        moved_up = await _leave_other_sessions(conn, participant_id, now, keep=session_id)
        status = SeatStatus.WAITING if session.full else SeatStatus.BOOKED
        await conn.execute(
            "INSERT INTO course_seats (session_id, participant_id, status, queued_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, participant_id) DO UPDATE SET "
            "status = excluded.status, queued_at = excluded.queued_at, "
            "updated_at = excluded.updated_at, news = NULL, news_told_at = NULL, "
            "reminded_at = NULL",
            (session_id, participant_id, status.value, now, now),
        )
        seat = await _seat_in(conn, session_id, participant_id)
        assert seat is not None
        return SignUp(seat, await _position(conn, seat), moved_up=moved_up)


async def cancel(
    db: Database, session_id: int, participant_id: int, now: datetime
) -> tuple[bool, int | None]:
    """Give up a seat (or a place on the list) of a session to come: (done, the mentor who
    moved up into the freed seat, if any)."""
    async with db.transaction() as conn:
        if await _open_session(conn, session_id, now) is None:
            return False, None
        return await _give_up(conn, session_id, participant_id, now)


async def _give_up(
    conn: aiosqlite.Connection, session_id: int, participant_id: int, now: datetime
) -> tuple[bool, int | None]:
    """Cancel the seat; the first on the waiting list takes a freed seat and is owed the news.
    (whether there was one to cancel, the mentor who moved up)."""
    held = await _seat_in(conn, session_id, participant_id)
    if held is None or held.status is SeatStatus.CANCELLED:
        return False, None
    await conn.execute(
        "UPDATE course_seats SET status = 'cancelled', updated_at = ? "
        "WHERE session_id = ? AND participant_id = ?",
        (now, session_id, participant_id),
    )
    if held.status is not SeatStatus.BOOKED:
        return True, None
    cursor = await conn.execute(
        "UPDATE course_seats SET status = 'booked', news = 'moved_up', news_told_at = NULL, "
        "updated_at = ? WHERE session_id = ? AND participant_id = ("
        "  SELECT participant_id FROM course_seats WHERE session_id = ? AND status = 'waiting' "
        "  ORDER BY queued_at, participant_id LIMIT 1) RETURNING participant_id",
        (now, session_id, session_id),
    )
    moved = await cursor.fetchone()
    return True, moved["participant_id"] if moved else None


async def _leave_other_sessions(
    conn: aiosqlite.Connection, participant_id: int, now: datetime, keep: int | None = None
) -> int | None:
    """Give up the seats held in sessions to come (but `keep`); the mentor who moved up."""
    cursor = await conn.execute(
        "SELECT cs.session_id FROM course_seats cs JOIN course_sessions c ON c.id = cs.session_id "
        "WHERE cs.participant_id = ? AND cs.session_id IS NOT ? "
        "AND cs.status IN ('booked', 'waiting') AND c.starts_at > ?",
        (participant_id, keep, now),
    )
    moved_up = None
    for row in await cursor.fetchall():
        _, moved = await _give_up(conn, row["session_id"], participant_id, now)
        moved_up = moved or moved_up
    return moved_up


async def release_seats(db: Database, participant_id: int, now: datetime) -> int | None:
    """A mentor who did the course elsewhere needs no seat: given up; the one who moved up."""
    async with db.transaction() as conn:
        return await _leave_other_sessions(conn, participant_id, now)


async def _open_session(
    conn: aiosqlite.Connection, session_id: int, now: datetime
) -> Session | None:
    cursor = await conn.execute(
        f"SELECT {SESSION_COLUMNS} FROM course_sessions c WHERE c.id = :id AND {OPEN}",
        {"id": session_id, "now": now},
    )
    row = await cursor.fetchone()
    return _session(row) if row else None


async def _approved_without_course(conn: aiosqlite.Connection, participant_id: int) -> bool:
    cursor = await conn.execute(
        "SELECT 1 FROM screenings WHERE participant_id = ? AND status = 'approved' "
        "AND course_done_at IS NULL "
        "AND run_id = (SELECT MAX(run_id) FROM screenings WHERE participant_id = ?)",
        (participant_id, participant_id),
    )
    return await cursor.fetchone() is not None


async def _seat_in(conn: aiosqlite.Connection, session_id: int, participant_id: int) -> Seat | None:
    cursor = await conn.execute(
        f"SELECT {SEAT_COLUMNS}, NULL AS name FROM course_seats cs "
        "WHERE cs.session_id = ? AND cs.participant_id = ?",
        (session_id, participant_id),
    )
    row = await cursor.fetchone()
    return seat_from_row(row) if row else None


async def _position(conn: aiosqlite.Connection, seat: Seat) -> int:
    """1 for the first on the waiting list; 0 for a seat."""
    if seat.status is not SeatStatus.WAITING:
        return 0
    cursor = await conn.execute(
        "SELECT COUNT(*) AS ahead FROM course_seats WHERE session_id = ? AND status = 'waiting' "
        "AND (queued_at < ? OR (queued_at = ? AND participant_id < ?))",
        (seat.session_id, seat.queued_at, seat.queued_at, seat.participant_id),
    )
    row = await cursor.fetchone()
    assert row is not None
    return row["ahead"] + 1


# -- attendance ------------------------------------------------------------------------------


async def mark_attendance(
    db: Database,
    session_id: int,
    participant_id: int,
    attended: bool,
    *,
    coordinator_id: int,
    coordinator_name: str,
    now: datetime,
) -> tuple[bool, DecisionRecord | None]:
    """Mark a booked mentor of a begun session; attending is the course done with this
    session, recorded as the "course done" decision, together. (changed, that decision)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE course_seats SET attended = ?, updated_at = ? "
            "WHERE session_id = ? AND participant_id = ? AND status = 'booked' "
            "AND attended IS NOT 1 AND attended IS NOT ? "
            "AND session_id IN (SELECT id FROM course_sessions WHERE starts_at <= ? "
            "  AND deleted_at IS NULL)",
            (attended, now, session_id, participant_id, attended, now),
        )
        if cursor.rowcount != 1:
            return False, None
        if not attended:
            return True, None
        cursor = await conn.execute(
            "UPDATE screenings SET course_done_at = ?, course_session_id = ?, updated_at = ? "
            "WHERE participant_id = ? AND status = 'approved' AND course_done_at IS NULL "
            "RETURNING run_id",
            (now, session_id, now, participant_id),
        )
        screening = await cursor.fetchone()
        if screening is None:  # done elsewhere meanwhile: the seat's mark is all there is
            return True, None
        cursor = await conn.execute(
            "INSERT INTO screening_decisions (run_id, decision, coordinator_id, "
            "coordinator_name, decided_at) VALUES (?, 'course_done', ?, ?, ?) "
            f"RETURNING {DECISION_COLUMNS}",
            (screening["run_id"], coordinator_id, coordinator_name, now),
        )
        row = await cursor.fetchone()
    assert row is not None
    return True, decision_record(row)


# -- what is owed: invitations (the rest is storage/course_owed.py) --------------------------


async def owe_invitations(db: Database, now: datetime) -> None:
    """Every mentor awaiting the course is owed an invitation for each open session."""
    async with db.transaction() as conn:
        await _owe_invitations(conn, now)


async def _owe_invitations(conn: aiosqlite.Connection, now: datetime) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO course_invitations (participant_id, session_id, created_at) "
        f"SELECT m.id, c.id, :now FROM ({AWAITING_COURSE}) m CROSS JOIN course_sessions c "
        f"WHERE {OPEN}",
        {"now": now},
    )


async def mentor_name(db: Database, participant_id: int) -> str | None:
    """The name the mentor gave in their latest screening."""
    row = await db.fetch_one(_name_of("?"), (participant_id,))
    return _text(row["value"]) if row else None


async def insert_returning_id(db: Database, sql: str, params: Params) -> int:
    """The id of the row an INSERT ... RETURNING id added."""
    async with db.transaction() as conn:
        cursor = await conn.execute(sql, params)
        row = await cursor.fetchone()
    assert row is not None
    return row["id"]


def _text(value: str | None) -> str | None:
    decoded = json.loads(value) if value is not None else None
    return decoded if isinstance(decoded, str) else None


def _session(row: aiosqlite.Row) -> Session:
    return Session(
        id=row["id"],
        starts_at=parse_time(row["starts_at"]),
        place=row["place"],
        seats=row["seats"],
        language=row["language"],
        created_by=row["created_by"],
        published_at=parse_time(row["published_at"]),
        deleted_at=parse_time(row["deleted_at"]),
        booked=row["booked"],
        waiting=row["waiting"],
    )


def seat_from_row(row: aiosqlite.Row) -> Seat:
    return Seat(
        session_id=row["session_id"],
        participant_id=row["participant_id"],
        status=SeatStatus(row["status"]),
        queued_at=parse_time(row["queued_at"]),
        attended=None if row["attended"] is None else bool(row["attended"]),
        name=_text(row["name"]),
    )
