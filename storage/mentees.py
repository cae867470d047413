"""Referrals, introduction progress and intakes."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.model.mentees import Intake, Referral
from bot.model.questionnaire import Run
from storage.db import Database, parse_time
from storage.questionnaires import mark_submitted

REFERRAL_COLUMNS = "id, code, municipality, participant_id, created_at"
INTAKE_COLUMNS = "run_id, participant_id, status, submitted_at"


async def create_referral(
    db: Database, *, code: str, municipality: str | None, created_by: int, now: datetime
) -> Referral:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO referrals (code, municipality, created_by, created_at) "
            f"VALUES (?, ?, ?, ?) RETURNING {REFERRAL_COLUMNS}",
            (code, municipality, created_by, now),
        )
        row = await cursor.fetchone()
    assert row is not None
    return _referral(row)


async def claim_referral(
    db: Database, code: str, participant_id: int, now: datetime
) -> Referral | None:
    """Tie an unused invitation to the person who opened it; None if unknown or taken."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE referrals SET participant_id = ?, used_at = ? "
            "WHERE code = ? AND participant_id IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM referrals WHERE participant_id = ?) "
            f"RETURNING {REFERRAL_COLUMNS}",
            (participant_id, now, code, participant_id),
        )
        row = await cursor.fetchone()
    return _referral(row) if row else None


async def referral_of(db: Database, participant_id: int) -> Referral | None:
    row = await db.fetch_one(
        f"SELECT {REFERRAL_COLUMNS} FROM referrals WHERE participant_id = ?", (participant_id,)
    )
    return _referral(row) if row else None


async def introduction_step(db: Database, participant_id: int) -> int | None:
    """The introduction step the person is at; None if it has not begun."""
    row = await db.fetch_one(
        "SELECT step FROM introductions WHERE participant_id = ?", (participant_id,)
    )
    return row["step"] if row else None


async def begin_introduction(db: Database, participant_id: int, now: datetime) -> int:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO introductions (participant_id, step, updated_at) "
            "VALUES (?, 0, ?)",
            (participant_id, now),
        )
    step = await introduction_step(db, participant_id)
    assert step is not None
    return step


async def advance_introduction(
    db: Database, participant_id: int, from_step: int, steps: int, now: datetime
) -> bool:
    """Move from `from_step` to the next one; False if the person had moved already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE introductions SET step = step + 1, updated_at = ?, "
            "finished_at = CASE WHEN step + 1 >= ? THEN ? ELSE finished_at END "
            "WHERE participant_id = ? AND step = ?",
            (now, steps, now, participant_id, from_step),
        )
        return cursor.rowcount == 1


async def submit_intake(db: Database, run: Run, now: datetime) -> Intake | None:
    """Close the intake run and put the mentee on the list for matching, together."""
    async with db.transaction() as conn:
        if not await mark_submitted(conn, run, now):
            return None
        await conn.execute(
            "INSERT INTO intakes (run_id, participant_id, submitted_at) VALUES (?, ?, ?)",
            (run.id, run.participant_id, now),
        )
    return await intake_of(db, run.participant_id)


async def intake_of(db: Database, participant_id: int) -> Intake | None:
    row = await db.fetch_one(
        f"SELECT {INTAKE_COLUMNS} FROM intakes WHERE participant_id = ? "
        "ORDER BY run_id DESC LIMIT 1",
        (participant_id,),
    )
    return _intake(row) if row else None


def _referral(row: aiosqlite.Row) -> Referral:
    return Referral(
        id=row["id"],
        code=row["code"],
        municipality=row["municipality"],
        participant_id=row["participant_id"],
        created_at=parse_time(row["created_at"]),
    )


def _intake(row: aiosqlite.Row) -> Intake:
    return Intake(
        run_id=row["run_id"],
        participant_id=row["participant_id"],
        status=row["status"],
        submitted_at=parse_time(row["submitted_at"]),
    )


async def untold_intakes(db: Database, submitted_before: datetime) -> list[Intake]:
    """Intakes the coordinators have not been told of (a crash cut it off)."""
    rows = await db.fetch_all(
        f"SELECT {INTAKE_COLUMNS} FROM intakes "
        "WHERE coordinators_told_at IS NULL AND submitted_at < ? ORDER BY run_id",
        (submitted_before,),
    )
    return [_intake(row) for row in rows]


async def mark_coordinators_told(db: Database, run_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE intakes SET coordinators_told_at = ? "
            "WHERE run_id = ? AND coordinators_told_at IS NULL",
            (now, run_id),
        )
