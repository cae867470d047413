"""Backups of the live database: the daily one the bot makes, and `python -m bot.backup`.

The command reads the same settings as the bot (the environment and `.env`): DATABASE_PATH,
BACKUP_DIR and BACKUP_KEEP. It needs no bot token, and it runs while the bot runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
from datetime import UTC, datetime

from dotenv import load_dotenv

from bot.config import ConfigError, database_path, load_backup_settings
from bot.services import Services
from storage.backup import NoDatabaseError, back_up

log = logging.getLogger(__name__)
JOB_NAME = "daily-backup"


async def daily_backup(services: Services) -> None:
    """Write today's backup and keep the newest BACKUP_KEEP; a failure is logged and raised,
    so the scan's record (/status, /metrics) says it failed."""
    settings = services.config.backup
    try:
        path = await asyncio.to_thread(
            back_up,
            services.config.database_path,
            settings.directory,
            services.clock(),
            settings.keep,
        )
    except (OSError, sqlite3.Error) as error:
        log.error("daily backup failed: %s: %s", type(error).__name__, error)
        raise
    log.info("backup written: %s", path)


def main() -> int:
    """Write a backup now and print its path; exit 2 on a bad setting, 1 if it failed."""
    load_dotenv()
    try:
        settings = load_backup_settings(os.environ)
    except ConfigError as error:
        print(f"mentorbro: {error}", file=sys.stderr)
        return 2
    database = database_path(os.environ)
    try:
        path = back_up(database, settings.directory, datetime.now(UTC), settings.keep)
    except NoDatabaseError:
        print(f"mentorbro: no database at {database}; check DATABASE_PATH", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as error:
        print(f"mentorbro: backup failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
