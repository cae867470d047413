"""Consistent copies of the live database with SQLite's online backup API, and their pruning."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

BACKUP_NAME = re.compile(r"^mentorbro-\d{8}T\d{6}Z\.sqlite3$")
PARTIAL_NAME = re.compile(r"^\.mentorbro-\d{8}T\d{6}Z\.sqlite3\.\d+\.partial$")
# A copy takes seconds to minutes: a partial file this old was left by a backup that crashed.
STALE_PARTIAL_S = 12 * 3600


class NoDatabaseError(FileNotFoundError):
    """There is no database at the given path: nothing to back up."""


def newest_backup(directory: Path) -> tuple[datetime, int] | None:
    """The time (from its name) and size of the newest backup in `directory`, if any."""
    if not directory.is_dir():
        return None
    names = sorted(path.name for path in directory.iterdir() if BACKUP_NAME.match(path.name))
    if not names:
        return None
    moment = datetime.strptime(names[-1], "mentorbro-%Y%m%dT%H%M%SZ.sqlite3").replace(tzinfo=UTC)
    return moment, (directory / names[-1]).stat().st_size


def backup_name(moment: datetime) -> str:
    """`mentorbro-20261123T030000Z.sqlite3`: sorting the names sorts the backups by time."""
    return f"mentorbro-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}.sqlite3"


def write_backup(database: Path, directory: Path, moment: datetime) -> Path:
    """Copy the database to `directory`, named for `moment`; the path written.

    A separate read connection copies in one step, inside one read transaction: the copy is the
    database as of one commit, while the bot goes on writing (WAL readers do not block writers).
    The copy is complete under a temporary name before it is renamed to a backup's name.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / backup_name(moment)
    partial = directory / f".{target.name}.{os.getpid()}.partial"
    partial.touch(mode=0o600)  # personal data: for the bot's user alone
    try:
        _copy(database, partial)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    _sync_directory(directory)
    return target


def back_up(database: Path, directory: Path, moment: datetime, keep: int) -> Path:
    """Write a backup, then keep the newest `keep` (0: keep all); blocking, for a thread."""
    target = write_backup(database, directory, moment)
    remove_stale_partials(directory)
    if keep:
        prune(directory, keep)
    return target


def prune(directory: Path, keep: int) -> None:
    """Delete all but the newest `keep` backups; files not named like a backup stay."""
    backups = sorted(path for path in directory.iterdir() if BACKUP_NAME.match(path.name))
    stale = backups[: max(len(backups) - keep, 0)]
    for path in stale:
        path.unlink()


def remove_stale_partials(directory: Path) -> None:
    """Delete the half-written copies that crashed backups left; a running one's stays."""
    oldest = time.time() - STALE_PARTIAL_S
    for path in directory.iterdir():
        if PARTIAL_NAME.match(path.name) and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)


def _copy(database: Path, target: Path) -> None:
    # mode=rw: a missing database is an error, not a new empty file.
    try:
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.OperationalError as error:
        raise NoDatabaseError(f"no database at {database}") from error
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # pages=-1: all in one step
            # One self-contained file, without -wal and -shm beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    with target.open("rb") as file:
        os.fsync(file.fileno())


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
