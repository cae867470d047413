"""The scheduled daily backup."""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.backup import daily_backup
from bot.handlers.common import services_of

JOB_NAME = "daily-backup"


async def backup_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back the database up while the bot goes on working."""
    await daily_backup(services_of(context.application))
