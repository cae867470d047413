"""Queries on the inbox: every update, stored before Telegram is told it arrived."""

from __future__ import annotations

from datetime import datetime

from bot.model.inbox import InboxEntry
from storage.db import Database


async def store(db: Database, update_id: int, chat_id: int | None, raw: str, now: datetime) -> bool:
    """Keep an update that arrived; False if it was here already (Telegram sent it again)."""
    stored = await db.write(
        "INSERT INTO inbox (update_id, chat_id, raw, received_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (update_id) DO NOTHING",
        (update_id, chat_id, raw, now),
    )
    return stored == 1


async def open_entries(db: Database) -> list[InboxEntry]:
    """Updates not handled yet, in the order they arrived."""
    rows = await db.fetch_all(
        "SELECT update_id, chat_id, raw, committed, replays FROM inbox "
        "WHERE status = 'open' ORDER BY update_id"
    )
    return [
        InboxEntry(
            update_id=row["update_id"],
            chat_id=row["chat_id"],
            raw=row["raw"],
            committed=bool(row["committed"]),
            replays=row["replays"],
        )
        for row in rows
    ]


async def count_replay(db: Database, update_id: int) -> None:
    await db.write("UPDATE inbox SET replays = replays + 1 WHERE update_id = ?", (update_id,))


async def mark_handled(db: Database, update_id: int, now: datetime) -> None:
    """With the marks of the other updates done meanwhile: many end at once under load."""
    await db.write_grouped(
        "UPDATE inbox SET status = 'handled', done_at = ? WHERE update_id = ? AND status = 'open'",
        (now, update_id),
    )


async def mark_failed(db: Database, update_id: int, now: datetime) -> None:
    await db.write(
        "UPDATE inbox SET status = 'failed', done_at = ? WHERE update_id = ?", (now, update_id)
    )


async def delete_done(db: Database, before: datetime) -> int:
    """Delete handled and failed updates done before `before`; how many."""
    return await db.write("DELETE FROM inbox WHERE status != 'open' AND done_at < ?", (before,))
