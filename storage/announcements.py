"""Announcements: the draft a coordinator writes, who it goes to, whether it arrived."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.model.announcements import Announcement, Recipient
from storage.db import Database
from storage.slices import converted

AUDIENCES = {
    # An erased participant keeps role and status (for the report) but is nobody to write to.
    "mentors": "SELECT id FROM participants WHERE role = 'mentor' AND status = 'active' "
    "AND erased_at IS NULL",
    "mentees": "SELECT id FROM participants WHERE role = 'mentee' AND status = 'active' "
    "AND erased_at IS NULL",
    "mentors_without_course": (
        "SELECT DISTINCT p.id FROM participants p JOIN screenings s ON s.participant_id = p.id "
        "WHERE p.role = 'mentor' AND p.status = 'active' AND p.erased_at IS NULL "
        "AND s.status = 'approved' "
        "AND s.course_done_at IS NULL"
    ),
    "active_pairs": (
        "SELECT p.id FROM participants p WHERE p.status = 'active' AND p.id IN "
        "(SELECT mentor_id FROM pairs WHERE status = 'active' "
        " UNION SELECT mentee_id FROM pairs WHERE status = 'active')"
    ),
}
COLUMNS = "id, coordinator_id, audience, texts, per_language, status"


async def create(
    db: Database, coordinator_id: int, audience: str, per_language: bool, now: datetime
) -> int:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO announcements (coordinator_id, audience, per_language, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (coordinator_id, audience, int(per_language), now),
        )
        row = await cursor.fetchone()
        assert row is not None
        return int(row["id"])


async def get(db: Database, announcement_id: int) -> Announcement | None:
    row = await db.fetch_one(
        f"SELECT {COLUMNS} FROM announcements WHERE id = ?", (announcement_id,)
    )
    return _announcement(row) if row else None


async def set_text(db: Database, announcement_id: int, language: str, text: str) -> bool:
    """Add one language's text to a draft; False if it is no longer a draft."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET texts = json_set(texts, '$.' || ?, ?) "
            "WHERE id = ? AND status = 'draft'",
            (json.dumps(language), text, announcement_id),
        )
        return cursor.rowcount == 1


def _only(only: list[int] | None) -> tuple[str, tuple[str, ...]]:
    """A condition that keeps only these participant ids (None: all), and its parameter."""
    if only is None:
        return "1", ()
    return "id IN (SELECT value FROM json_each(?))", (json.dumps(only),)


async def audience_ids(db: Database, audience: str) -> list[int]:
    rows = await db.fetch_all(AUDIENCES[audience])
    return [row["id"] for row in rows]


async def audience_size(db: Database, audience: str, only: list[int] | None = None) -> int:
    condition, params = _only(only)
    row = await db.fetch_one(
        f"SELECT COUNT(*) AS n FROM ({AUDIENCES[audience]}) WHERE {condition}", params
    )
    return int(row["n"]) if row else 0


async def start_sending(
    db: Database, announcement_id: int, now: datetime, only: list[int] | None = None
) -> int | None:
    """Draft -> sending, with one pending delivery per person of the audience now (only those
    in `only`, if given); how many. None if it was not a draft any more (sent or cancelled
    meanwhile)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET status = 'sending', sent_at = ? "
            "WHERE id = ? AND status = 'draft' RETURNING audience",
            (now, announcement_id),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        condition, params = _only(only)
        cursor = await conn.execute(
            "INSERT INTO announcement_deliveries (announcement_id, participant_id) "
            f"SELECT ?, id FROM ({AUDIENCES[row['audience']]}) WHERE {condition}",
            (announcement_id, *params),
        )
        return cursor.rowcount


async def cancel(db: Database, announcement_id: int) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET status = 'cancelled' WHERE id = ? AND status = 'draft'",
            (announcement_id,),
        )
        return cursor.rowcount == 1


async def pending(db: Database, announcement_id: int) -> list[Recipient]:
    rows = await db.fetch_all(
        "SELECT p.id, p.chat_id, p.language FROM announcement_deliveries d "
        "JOIN participants p ON p.id = d.participant_id "
        "WHERE d.announcement_id = ? AND d.status = 'pending' ORDER BY p.id",
        (announcement_id,),
    )
    return await converted(rows, lambda r: Recipient(r["id"], r["chat_id"], r["language"]))


async def mark_delivery(
    db: Database, announcement_id: int, participant_id: int, delivered: bool
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE announcement_deliveries SET status = ? "
            "WHERE announcement_id = ? AND participant_id = ? AND status = 'pending'",
            ("sent" if delivered else "failed", announcement_id, participant_id),
        )


async def finish(db: Database, announcement_id: int) -> tuple[int, int] | None:
    """Sending -> sent; (reached, in all). None if it had been finished already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET status = 'sent' WHERE id = ? AND status = 'sending'",
            (announcement_id,),
        )
        if cursor.rowcount != 1:
            return None
        cursor = await conn.execute(
            "SELECT SUM(status = 'sent') AS reached, COUNT(*) AS total "
            "FROM announcement_deliveries WHERE announcement_id = ?",
            (announcement_id,),
        )
        row = await cursor.fetchone()
        assert row is not None
        return int(row["reached"] or 0), int(row["total"])


async def sending(db: Database) -> list[Announcement]:
    """Announcements a restart interrupted while sending."""
    rows = await db.fetch_all(
        f"SELECT {COLUMNS} FROM announcements WHERE status = 'sending' ORDER BY id"
    )
    return [_announcement(row) for row in rows]


def _announcement(row: aiosqlite.Row) -> Announcement:
    return Announcement(
        id=row["id"],
        coordinator_id=row["coordinator_id"],
        audience=row["audience"],
        texts=json.loads(row["texts"]),
        per_language=bool(row["per_language"]),
        status=row["status"],
    )
