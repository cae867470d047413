"""What the mentor course owes, and its marks once given: invitations to mentors awaiting the
course, the news of a seat (moved up from the waiting list, the session deleted), the reminders
of booked seats, and "none of these dates fit" for the coordinators. The sessions and seats
themselves are storage/courses.py."""

from __future__ import annotations

from datetime import datetime

from bot.model.course import News, Seat
from storage.courses import AWAITING_COURSE, OPEN, SEAT_COLUMNS, insert_returning_id, seat_from_row
from storage.db import Database


async def invitations_due(db: Database, now: datetime) -> list[int]:
    """Mentors owed an invitation and still awaiting the course."""
    rows = await db.fetch_all(
        "SELECT DISTINCT i.participant_id FROM course_invitations i "
        "JOIN course_sessions c ON c.id = i.session_id "
        f"WHERE i.sent_at IS NULL AND {OPEN} "
        f"AND i.participant_id IN ({AWAITING_COURSE}) ORDER BY i.participant_id",
        {"now": now},
    )
    return [row["participant_id"] for row in rows]


async def mark_invited(db: Database, participant_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE course_invitations SET sent_at = ? "
            "WHERE participant_id = ? AND sent_at IS NULL",
            (now, participant_id),
        )


async def untold_news(db: Database, settled_before: datetime) -> list[tuple[Seat, News]]:
    """Seats whose mentor has not heard they moved up, or that the session was deleted."""
    rows = await db.fetch_all(
        f"SELECT {SEAT_COLUMNS}, NULL AS name, cs.news FROM course_seats cs "
        "WHERE cs.news IS NOT NULL AND cs.news_told_at IS NULL AND cs.updated_at <= ? "
        "ORDER BY cs.updated_at",
        (settled_before,),
    )
    return [(seat_from_row(row), News(row["news"])) for row in rows]


async def mark_news_told(db: Database, session_id: int, participant_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE course_seats SET news_told_at = ? "
            "WHERE session_id = ? AND participant_id = ? AND news_told_at IS NULL",
            (now, session_id, participant_id),
        )


async def unreminded(db: Database, now: datetime) -> list[Seat]:
    """Booked seats of sessions to come whose mentor has no reminder yet."""
    rows = await db.fetch_all(
        f"SELECT {SEAT_COLUMNS}, NULL AS name FROM course_seats cs "
        "JOIN course_sessions c ON c.id = cs.session_id "
        f"WHERE cs.status = 'booked' AND cs.reminded_at IS NULL AND {OPEN} "
        "ORDER BY c.starts_at, cs.participant_id",
        {"now": now},
    )
    return [seat_from_row(row) for row in rows]


async def mark_reminded(db: Database, session_id: int, participant_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE course_seats SET reminded_at = ? WHERE session_id = ? AND participant_id = ?",
            (now, session_id, participant_id),
        )


async def add_no_fit(db: Database, participant_id: int, now: datetime) -> int:
    return await insert_returning_id(
        db,
        "INSERT INTO course_no_fit (participant_id, said_at) VALUES (?, ?) RETURNING id",
        (participant_id, now),
    )


async def untold_no_fit(db: Database, settled_before: datetime) -> list[tuple[int, int]]:
    """(id, mentor) of "none of these dates fit" the coordinators have not heard."""
    rows = await db.fetch_all(
        "SELECT id, participant_id FROM course_no_fit "
        "WHERE coordinators_told_at IS NULL AND said_at < ? ORDER BY id",
        (settled_before,),
    )
    return [(row["id"], row["participant_id"]) for row in rows]


async def mark_no_fit_told(db: Database, no_fit_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE course_no_fit SET coordinators_told_at = ? "
            "WHERE id = ? AND coordinators_told_at IS NULL",
            (now, no_fit_id),
        )
