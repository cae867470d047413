"""What handlers and jobs share: the configuration, the database and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import Config
from storage import Database

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    config: Config
    db: Database
    clock: Clock

    def is_coordinator(self, telegram_user_id: int) -> bool:
        """Coordinators are named in the configuration; that list is checked at every use."""
        return telegram_user_id in self.config.coordinator_ids
