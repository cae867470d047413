"""Queries on the participants table."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.model.participants import Participant, Role, Status
from storage.db import Database, parse_time

COLUMNS = (
    "id, telegram_user_id, chat_id, role, language, language_chosen, status, created_at, "
    "updated_at, recruitment_channel_id"
)


def _participant(row: aiosqlite.Row) -> Participant:
    return Participant(
        id=row["id"],
        telegram_user_id=row["telegram_user_id"],
        chat_id=row["chat_id"],
        role=Role(row["role"]) if row["role"] else None,
        language=row["language"],
        language_chosen=bool(row["language_chosen"]),
        status=Status(row["status"]),
        created_at=parse_time(row["created_at"]),
        updated_at=parse_time(row["updated_at"]),
        recruitment_channel_id=row["recruitment_channel_id"],
    )


async def get(db: Database, telegram_user_id: int) -> Participant | None:
    row = await db.lookup(
        f"SELECT {COLUMNS} FROM participants WHERE telegram_user_id = ?", (telegram_user_id,)
    )
    return _participant(row) if row else None


async def record_contact(
    db: Database,
    *,
    telegram_user_id: int,
    chat_id: int,
    language_guess: str,
    coordinator: bool,
    now: datetime,
) -> Participant:
    """Create the participant on first contact, or note that they are reachable again.

    A coordinator named in the configuration always has the coordinator role; someone whose
    id was removed from it loses the role and chooses again.
    """
    async with db.transaction() as conn:
        cursor = await conn.execute(
            f"""
            INSERT INTO participants
                (telegram_user_id, chat_id, role, language, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'active', ?, ?)
            ON CONFLICT (telegram_user_id) DO UPDATE SET
                chat_id = excluded.chat_id,
                status = 'active',
                role = CASE
                    WHEN excluded.role = 'coordinator' THEN 'coordinator'
                    WHEN participants.role = 'coordinator' THEN NULL
                    ELSE participants.role END,
                updated_at = excluded.updated_at
            RETURNING {COLUMNS}
            """,
            (
                telegram_user_id,
                chat_id,
                Role.COORDINATOR.value if coordinator else None,
                language_guess,
                now,
                now,
            ),
        )
        row = await cursor.fetchone()
    assert row is not None
    return _participant(row)


async def set_language(
    db: Database, telegram_user_id: int, language: str, now: datetime
) -> Participant | None:
    return await _update(
        db,
        telegram_user_id,
        "language = ?, language_chosen = 1",
        (language,),
        now,
    )


async def set_role(
    db: Database, telegram_user_id: int, role: Role, now: datetime
) -> Participant | None:
    return await _update(db, telegram_user_id, "role = ?", (role.value,), now)


async def set_recruitment_channel(
    db: Database, telegram_user_id: int, channel_id: int, now: datetime
) -> Participant | None:
    """Record the channel someone first came through; a later link does not replace it."""
    return await _update(
        db,
        telegram_user_id,
        "recruitment_channel_id = COALESCE(recruitment_channel_id, ?)",
        (channel_id,),
        now,
    )


async def by_id(db: Database, participant_id: int) -> Participant | None:
    row = await db.lookup(f"SELECT {COLUMNS} FROM participants WHERE id = ?", (participant_id,))
    return _participant(row) if row else None


async def mark_unreachable(
    db: Database, telegram_user_id: int, now: datetime
) -> Participant | None:
    return await _update(db, telegram_user_id, "status = 'unreachable'", (), now)


async def count_by_role_and_status(db: Database) -> dict[tuple[Role | None, Status], int]:
    rows = await db.fetch_all(
        "SELECT role, status, COUNT(*) AS n FROM participants GROUP BY role, status"
    )
    return {
        (Role(row["role"]) if row["role"] else None, Status(row["status"])): row["n"]
        for row in rows
    }


async def _update(
    db: Database,
    telegram_user_id: int,
    assignments: str,
    params: tuple[object, ...],
    now: datetime,
) -> Participant | None:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            f"UPDATE participants SET {assignments}, updated_at = ? "
            f"WHERE telegram_user_id = ? RETURNING {COLUMNS}",
            (*params, now, telegram_user_id),
        )
        row = await cursor.fetchone()
    return _participant(row) if row else None
