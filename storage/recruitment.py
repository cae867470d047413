"""Recruitment channels and how many people came through each."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.model.recruitment import Channel, ChannelCount
from storage.db import Database, parse_time

COLUMNS = "id, code, name, created_at"


async def create_channel(
    db: Database, *, code: str, name: str, created_by: int, now: datetime
) -> Channel:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO recruitment_channels (code, name, created_by, created_at) "
            f"VALUES (?, ?, ?, ?) RETURNING {COLUMNS}",
            (code, name, created_by, now),
        )
        row = await cursor.fetchone()
    assert row is not None
    return _channel(row)


async def by_code(db: Database, code: str) -> Channel | None:
    row = await db.fetch_one(f"SELECT {COLUMNS} FROM recruitment_channels WHERE code = ?", (code,))
    return _channel(row) if row else None


async def by_id(db: Database, channel_id: int) -> Channel | None:
    row = await db.fetch_one(
        f"SELECT {COLUMNS} FROM recruitment_channels WHERE id = ?", (channel_id,)
    )
    return _channel(row) if row else None


async def counts(db: Database) -> list[ChannelCount]:
    """Every channel, newest first, with the people who came through it by role."""
    rows = await db.fetch_all(
        "SELECT c.id, c.code, c.name, c.created_at, "
        "  SUM(p.role = 'mentor') AS mentors, SUM(p.role = 'mentee') AS mentees, "
        "  SUM(p.id IS NOT NULL AND p.role IS NULL) AS others "
        "FROM recruitment_channels c "
        "LEFT JOIN participants p ON p.recruitment_channel_id = c.id "
        "GROUP BY c.id ORDER BY c.id DESC"
    )
    return [
        ChannelCount(_channel(row), row["mentors"] or 0, row["mentees"] or 0, row["others"] or 0)
        for row in rows
    ]


def _channel(row: aiosqlite.Row) -> Channel:
    return Channel(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        created_at=parse_time(row["created_at"]),
    )
