"""Meeting planning in progress: a person's draft, one row stepped on as they choose a day, a
time and in person or online. Finishing a draft (planning or moving the meeting) uses it up in
the same transaction as the meeting's change (storage/meetings.py)."""

from __future__ import annotations

from datetime import date, datetime, time

import aiosqlite

from bot.model.meetings import Draft, Mode, Step
from storage.db import Database, parse_day

DRAFT_COLUMNS = "id, participant_id, pair_id, meeting_id, day, at, mode, step"


async def start_draft(
    db: Database, participant_id: int, pair_id: int, meeting_id: int | None, now: datetime
) -> Draft:
    """A new draft for this person (any older one is gone, and its buttons with it)."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM meeting_drafts WHERE participant_id = ?", (participant_id,))
        cursor = await conn.execute(
            "INSERT INTO meeting_drafts (participant_id, pair_id, meeting_id, step, updated_at) "
            f"VALUES (?, ?, ?, 'day', ?) RETURNING {DRAFT_COLUMNS}",
            (participant_id, pair_id, meeting_id, now),
        )
        row = await cursor.fetchone()
    assert row is not None
    return _draft(row)


async def draft(db: Database, draft_id: int) -> Draft | None:
    row = await db.fetch_one(
        f"SELECT {DRAFT_COLUMNS} FROM meeting_drafts WHERE id = ?", (draft_id,)
    )
    return _draft(row) if row else None


async def draft_of(db: Database, participant_id: int, since: datetime) -> Draft | None:
    """The person's draft, if they worked on it since `since`."""
    row = await db.fetch_one(
        f"SELECT {DRAFT_COLUMNS} FROM meeting_drafts WHERE participant_id = ? AND updated_at >= ?",
        (participant_id, since),
    )
    return _draft(row) if row else None


async def step_draft(
    db: Database,
    current: Draft,
    step: Step,
    now: datetime,
    *,
    day: date | None = None,
    at: time | None = None,
    mode: Mode | None = None,
) -> Draft | None:
    """The draft one step on, if it was still where `current` was; None otherwise."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE meeting_drafts SET day = COALESCE(?, day), at = COALESCE(?, at), "
            "mode = COALESCE(?, mode), step = ?, updated_at = ? WHERE id = ? AND step = ? "
            f"RETURNING {DRAFT_COLUMNS}",
            (
                day,
                at.strftime("%H:%M") if at else None,
                mode.value if mode else None,
                step.value,
                now,
                current.id,
                current.step.value,
            ),
        )
        row = await cursor.fetchone()
    return _draft(row) if row else None


async def forget_draft(db: Database, draft_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM meeting_drafts WHERE id = ?", (draft_id,))


def _draft(row: aiosqlite.Row) -> Draft:
    return Draft(
        id=row["id"],
        participant_id=row["participant_id"],
        pair_id=row["pair_id"],
        meeting_id=row["meeting_id"],
        day=parse_day(row["day"]),
        at=time.fromisoformat(row["at"]) if row["at"] else None,
        mode=Mode(row["mode"]) if row["mode"] else None,
        step=Step(row["step"]),
    )
