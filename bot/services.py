"""What handlers and jobs share: the configuration, the database and the clock."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Config
from bot.monitor import Monitor
from storage import Database

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    config: Config
    db: Database
    clock: Clock
    # One stall scan with its alerts at a time: an alert left unsent is then one a crash cut off.
    alert_lock: asyncio.Lock = field(default_factory=asyncio.Lock, compare=False)
    # The bot's health and metrics (bot/monitor.py), fed by the transport, updates and scans.
    monitor: Monitor = field(default_factory=Monitor, compare=False)
    # This run of the bot: a message another run left being sent is one a crash cut off, while
    # one this run is sending is on its way (bot/meetings.py).
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)

    def is_coordinator(self, telegram_user_id: int) -> bool:
        """Coordinators are named in the configuration; that list is checked at every use."""
        return telegram_user_id in self.config.coordinator_ids
