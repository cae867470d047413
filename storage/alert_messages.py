"""Stall alerts as sent: the messages about each episode (to update them later), and each
coordinator's choice of single alerts or a weekly digest. The episodes: storage/alerts.py."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database


async def remember_message(
    db: Database, episode_id: int, chat_id: int, message_id: int, language: str
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO alert_messages (chat_id, message_id, episode_id, language) "
            "VALUES (?, ?, ?, ?)",
            (chat_id, message_id, episode_id, language),
        )


async def messages_of(db: Database, episode_id: int) -> list[tuple[int, int, str]]:
    """(chat, message, language) of each alert sent about the episode."""
    rows = await db.fetch_all(
        "SELECT chat_id, message_id, language FROM alert_messages WHERE episode_id = ?",
        (episode_id,),
    )
    return [(r["chat_id"], r["message_id"], r["language"]) for r in rows]


async def alert_choice(db: Database, participant_id: int) -> str:
    row = await db.fetch_one(
        "SELECT alerts FROM coordinator_settings WHERE participant_id = ?", (participant_id,)
    )
    return row["alerts"] if row else "single"


async def set_alert_choice(db: Database, participant_id: int, choice: str, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO coordinator_settings (participant_id, alerts, updated_at) "
            "VALUES (?, ?, ?) ON CONFLICT (participant_id) DO UPDATE SET "
            "alerts = excluded.alerts, updated_at = excluded.updated_at",
            (participant_id, choice, now),
        )


async def digest_due(db: Database, participant_id: int, sent_before: datetime) -> bool:
    """Whether a digest coordinator's weekly digest is due (never sent, or long enough ago)."""
    row = await db.fetch_one(
        "SELECT 1 FROM coordinator_settings WHERE participant_id = ? AND alerts = 'digest' "
        "AND COALESCE(digest_sent_at, '') <= ?",
        (participant_id, sent_before),
    )
    return row is not None


async def mark_digest_sent(db: Database, participant_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE coordinator_settings SET digest_sent_at = ? WHERE participant_id = ?",
            (now, participant_id),
        )
