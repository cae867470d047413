"""Daily at BACKUP_HOUR: a consistent copy of the database, while the bot goes on working."""

from __future__ import annotations

from bot.backup import JOB_NAME, daily_backup
from bot.handlers.context import BotContext

__all__ = ["JOB_NAME", "backup_job"]


async def backup_job(context: BotContext) -> None:
    """Back the database up (bot/backup.py keeps BACKUP_KEEP copies)."""
    await daily_backup(context.services)
