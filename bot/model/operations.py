"""The bot's own operation, as plain data: the scheduled scans' runs and the week's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ScanRun:
    """The last run of one scheduled scan, and its last failure if it ever failed."""

    name: str
    last_started_at: datetime
    last_succeeded_at: datetime | None
    last_failed_at: datetime | None
    last_error: str | None  # the error's class name

    @property
    def last_run_failed(self) -> bool:
        if self.last_failed_at is None:
            return False
        return self.last_succeeded_at is None or self.last_failed_at > self.last_succeeded_at


@dataclass(frozen=True)
class CheckInCounts:
    """Check-ins in the database: due now but not sent, ever sent, answered."""

    due: int
    sent: int
    answered: int


@dataclass(frozen=True)
class ProgrammeHealth:
    """What /status and the metrics count in the database."""

    open_alerts: int
    unreachable_participants: int
