"""The scheduled scans' runs, and the counts the bot's status and metrics show."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.model.operations import CheckInCounts, ProgrammeHealth, ScanRun
from storage.db import Database, parse_time


async def record_scan(
    db: Database, name: str, started_at: datetime, failed_at: datetime | None, error: str | None
) -> None:
    """A scan ended: it succeeded (no failed_at) or failed with `error` (a class name)."""
    async with db.transaction() as connection:
        await connection.execute(
            """
            INSERT INTO scan_runs (name, last_started_at, last_succeeded_at, last_failed_at,
                                   last_error)
            VALUES (:name, :started, :succeeded, :failed, :error)
            ON CONFLICT (name) DO UPDATE SET
                last_started_at = excluded.last_started_at,
                last_succeeded_at = COALESCE(excluded.last_succeeded_at, last_succeeded_at),
                last_failed_at = COALESCE(excluded.last_failed_at, last_failed_at),
                last_error = COALESCE(excluded.last_error, last_error)
            """,
            {
                "name": name,
                "started": started_at,
                "succeeded": started_at if failed_at is None else None,
                "failed": failed_at,
                "error": error,
            },
        )


async def scan_runs(db: Database) -> list[ScanRun]:
    rows = await db.fetch_all(
        "SELECT name, last_started_at, last_succeeded_at, last_failed_at, last_error "
        "FROM scan_runs ORDER BY name"
    )
    return [_scan_run(row) for row in rows]


def _scan_run(row: aiosqlite.Row) -> ScanRun:
    return ScanRun(
        name=row["name"],
        last_started_at=parse_time(row["last_started_at"]),
        last_succeeded_at=parse_time(row["last_succeeded_at"]),
        last_failed_at=parse_time(row["last_failed_at"]),
        last_error=row["last_error"],
    )


async def checkin_counts(
    db: Database, now: datetime, since: datetime | None = None
) -> CheckInCounts:
    """Due now and not yet sent; sent and answered (since `since`, or ever)."""
    row = await db.fetch_one(
        """
        SELECT
            (SELECT COUNT(*) FROM checkins
              WHERE status IN ('scheduled', 'pending') AND due_at <= :now) AS due,
            (SELECT COUNT(*) FROM checkins
              WHERE sent_at IS NOT NULL AND (:since IS NULL OR sent_at >= :since)) AS sent,
            (SELECT COUNT(*) FROM checkins
              WHERE answered_at IS NOT NULL AND (:since IS NULL OR answered_at >= :since))
              AS answered
        """,
        {"now": now, "since": since},
    )
    assert row is not None
    return CheckInCounts(due=row["due"], sent=row["sent"], answered=row["answered"])


async def checkin_counts_by_pair(
    db: Database, now: datetime, since: datetime | None = None
) -> dict[int, CheckInCounts]:
    """checkin_counts for each pair that has any (for a coordinator's municipalities)."""
    rows = await db.fetch_all(
        """
        SELECT pair_id,
               SUM(status IN ('scheduled', 'pending') AND due_at <= :now) AS due,
               SUM(sent_at IS NOT NULL AND (:since IS NULL OR sent_at >= :since)) AS sent,
               SUM(answered_at IS NOT NULL AND (:since IS NULL OR answered_at >= :since))
                   AS answered
        FROM checkins
        GROUP BY pair_id
        """,
        {"now": now, "since": since},
    )
    return {
        row["pair_id"]: CheckInCounts(due=row["due"], sent=row["sent"], answered=row["answered"])
        for row in rows
    }


async def pairs_with_open_alerts(db: Database) -> list[int]:
    """The pairs with an open stall episode (one each at most)."""
    rows = await db.fetch_all("SELECT pair_id FROM stall_episodes WHERE closed_at IS NULL")
    return [row["pair_id"] for row in rows]


async def unreachable_participants(db: Database) -> list[int]:
    """The participants (ids) who blocked the bot."""
    rows = await db.fetch_all("SELECT id FROM participants WHERE status = 'unreachable'")
    return [row["id"] for row in rows]


async def programme_health(db: Database) -> ProgrammeHealth:
    row = await db.fetch_one(
        """
        SELECT
            (SELECT COUNT(*) FROM stall_episodes WHERE closed_at IS NULL) AS open_alerts,
            (SELECT COUNT(*) FROM participants WHERE status = 'unreachable') AS unreachable
        """
    )
    assert row is not None
    return ProgrammeHealth(
        open_alerts=row["open_alerts"], unreachable_participants=row["unreachable"]
    )


async def answers(db: Database) -> bool:
    """Whether the database answers a trivial read."""
    return await db.fetch_one("SELECT 1") is not None
