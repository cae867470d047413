"""The bot's own operation: the scans' runs, the figures for /metrics and /status, whether the
database answers."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.backup import JOB_NAME as BACKUP_JOB
from bot.model.operations import CheckInCounts, ProgrammeHealth, ScanRun
from bot.scopes import PROGRAMME_WIDE, Scope, pairs_in, people_in
from bot.services import Services
from storage import operations as store
from storage.backup import newest_backup

log = logging.getLogger(__name__)

DATABASE_PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Status:
    """What /status shows a coordinator."""

    uptime: timedelta
    version: str
    last_backup: tuple[datetime, int] | None  # its time and size in bytes
    backup_run: ScanRun | None  # the daily backup's last run
    this_week: CheckInCounts  # since Monday 00:00 in the programme's time zone
    programme: ProgrammeHealth
    # The municipalities and regions (codes) the two counts above are limited to (None: the
    # whole programme); the rest is the bot's own, the same for every coordinator.
    within: tuple[int, ...] | None
    failed_scans: list[ScanRun]  # scans that ever failed, with their last failure


async def record_scan(
    services: Services, name: str, started_at: datetime, error: BaseException | None
) -> None:
    """Store a scan's run; a database that cannot take it now is logged, not raised."""
    failed_at = services.clock() if error is not None else None
    try:
        await store.record_scan(
            services.db, name, started_at, failed_at, type(error).__name__ if error else None
        )
    except Exception as failure:
        log.warning("the run of scan %s was not recorded: %s", name, type(failure).__name__)


async def refresh_figures(services: Services) -> None:
    """The metrics that come from the database and the disk, read once for every scrape."""
    figures = services.monitor.figures
    counts = await store.checkin_counts(services.db, services.clock())
    programme = await store.programme_health(services.db)
    figures.checkins = {"due": counts.due, "sent": counts.sent, "answered": counts.answered}
    figures.open_stall_episodes = programme.open_alerts
    figures.unreachable_participants = programme.unreachable_participants
    figures.database_bytes = await asyncio.to_thread(_database_bytes, services)
    newest = await asyncio.to_thread(newest_backup, services.config.backup.directory)
    figures.last_backup_at, figures.last_backup_bytes = newest or (None, None)


def _database_bytes(services: Services) -> int:
    """The database file with its write-ahead log."""
    path = services.config.database_path
    files = (path, path.with_name(path.name + "-wal"))
    return sum(file.stat().st_size for file in files if file.exists())


async def database_problem(services: Services) -> str | None:
    """None when the database answers a trivial read in time; else what is wrong."""
    try:
        await asyncio.wait_for(store.answers(services.db), DATABASE_PROBE_TIMEOUT_S)
    except TimeoutError:
        return f"no answer within {DATABASE_PROBE_TIMEOUT_S:.0f} s"
    except Exception as error:
        return f"failed: {type(error).__name__}"
    return None


async def status(services: Services, scope: Scope = PROGRAMME_WIDE) -> Status:
    """What /status shows: the people and pairs counted within `scope`, as /pending and /match
    see them; uptime, backups and the scans are the bot's own."""
    now = services.clock()
    local = now.astimezone(services.config.timezone)
    monday = (
        (local - timedelta(days=local.weekday()))
        .replace(hour=0, minute=0, second=0, microsecond=0)
        .astimezone(UTC)
    )
    runs = await store.scan_runs(services.db)
    this_week, programme = await _counts_within(services, scope, now, monday)
    return Status(
        uptime=timedelta(seconds=int(services.monitor.uptime_s())),
        version=services.monitor.version,
        last_backup=await asyncio.to_thread(newest_backup, services.config.backup.directory),
        backup_run=next((run for run in runs if run.name == BACKUP_JOB), None),
        this_week=this_week,
        programme=programme,
        within=scope.codes,
        failed_scans=[run for run in runs if run.last_failed_at is not None],
    )


async def _counts_within(
    services: Services, scope: Scope, now: datetime, since: datetime
) -> tuple[CheckInCounts, ProgrammeHealth]:
    """The week's check-ins and the programme's health, of the pairs and people in `scope`."""
    db = services.db
    if scope.programme_wide:
        return await store.checkin_counts(db, now, since=since), await store.programme_health(db)
    by_pair = await store.checkin_counts_by_pair(db, now, since=since)
    counted = [by_pair[pair_id] for pair_id in await pairs_in(services, scope, by_pair)]
    alerted = await pairs_in(services, scope, await store.pairs_with_open_alerts(db))
    blocked = await people_in(services, scope, await store.unreachable_participants(db))
    this_week = CheckInCounts(
        due=sum(counts.due for counts in counted),
        sent=sum(counts.sent for counts in counted),
        answered=sum(counts.answered for counts in counted),
    )
    return this_week, ProgrammeHealth(
        open_alerts=len(alerted), unreachable_participants=len(blocked)
    )
