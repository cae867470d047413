"""Outcome follow-ups: one row per ended pair and month, scheduled, pending, sent, answered."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite

from bot.model.outcomes import FollowUp
from storage.db import Database, parse_time

COLUMNS = "id, pair_id, participant_id, months, due_at, status"


async def ended_without_follow_ups(db: Database) -> list[tuple[int, int, datetime]]:
    """(pair, mentee, end) of each ended pair with no follow-up scheduled yet."""
    rows = await db.fetch_all(
        "SELECT p.id, p.mentee_id, p.ended_at FROM pairs p WHERE p.status = 'ended' "
        "AND p.ended_at IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM outcome_followups f WHERE f.pair_id = p.id)"
    )
    return [(r["id"], r["mentee_id"], parse_time(r["ended_at"])) for r in rows]


async def schedule(
    db: Database, pair_id: int, participant_id: int, months: int, due: datetime
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO outcome_followups (pair_id, participant_id, months, due_at) "
            "VALUES (?, ?, ?, ?)",
            (pair_id, participant_id, months, due.astimezone(UTC)),
        )


async def due(db: Database, now: datetime) -> list[FollowUp]:
    rows = await db.fetch_all(
        f"SELECT {COLUMNS} FROM outcome_followups WHERE status = 'pending' "
        "OR (status = 'scheduled' AND due_at <= ?) ORDER BY due_at, id",
        (now.astimezone(UTC),),
    )
    return [_follow_up(r) for r in rows]


async def begin_sending(db: Database, follow_up_id: int) -> bool:
    """Scheduled -> pending before the send (a pending one is resent after a crash)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE outcome_followups SET status = 'pending' WHERE id = ? "
            "AND status IN ('scheduled', 'pending')",
            (follow_up_id,),
        )
        return cursor.rowcount == 1


async def mark_sent(db: Database, follow_up_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outcome_followups SET status = 'sent', sent_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (now, follow_up_id),
        )


async def answer(
    db: Database, follow_up_id: int, participant_id: int, answer: str, now: datetime
) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE outcome_followups SET status = 'answered', answer = ?, answered_at = ? "
            "WHERE id = ? AND participant_id = ? AND status IN ('pending', 'sent')",
            (answer, now, follow_up_id, participant_id),
        )
        return cursor.rowcount == 1


def _follow_up(row: aiosqlite.Row) -> FollowUp:
    return FollowUp(
        id=row["id"],
        pair_id=row["pair_id"],
        participant_id=row["participant_id"],
        months=row["months"],
        due_at=parse_time(row["due_at"]),
        status=row["status"],
    )
