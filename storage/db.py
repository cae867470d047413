"""One SQLite connection (aiosqlite) with the pragmas, the migrations and a write lock; how
times and days are stored."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, overload

import aiosqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000


Params = Iterable[Any] | Mapping[str, Any]  # positional (?) or named (:name) parameters


# Times and days are bound as ISO-8601 text, exactly as `isoformat()` writes them
# ('2026-01-02T03:04:05+00:00', '2026-01-02'); SQL compares them as text. sqlite3 (under
# aiosqlite) looks adapters up by exact type, for every connection of the process.
sqlite3.register_adapter(datetime, datetime.isoformat)
sqlite3.register_adapter(date, date.isoformat)


@overload
def parse_time(stored: str) -> datetime: ...
@overload
def parse_time(stored: str | None) -> datetime | None: ...
def parse_time(stored: str | None) -> datetime | None:
    """A stored time back as a datetime; a missing one (NULL) as None."""
    return datetime.fromisoformat(stored) if stored else None


def parse_day(stored: str | None) -> date | None:
    """A stored day back as a date; a missing one (NULL) as None."""
    return date.fromisoformat(stored) if stored else None


def _bound(params: Params) -> tuple[Any, ...] | Mapping[str, Any]:
    return params if isinstance(params, Mapping) else tuple(params)


class Database:
    """A connection in autocommit mode; every access is serialised by one asyncio lock.

    The bot runs handlers and jobs in one event loop over one connection. Without the lock a
    job's statement could land inside a handler's open transaction.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block in one IMMEDIATE transaction: all of it is written, or nothing."""
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
                # A failed COMMIT (a full disk) leaves the transaction open: roll it back too,
                # or every later BEGIN on this connection would fail.
                await self._connection.commit()
            except BaseException:
                await self._connection.rollback()
                raise

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._lock:
            cursor = await self._connection.execute(sql, _bound(params))
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._lock:
            cursor = await self._connection.execute(sql, _bound(params))
            return list(await cursor.fetchall())

    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    async def close(self) -> None:
        await self._connection.close()


async def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the database file, set the pragmas and apply migrations."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = await aiosqlite.connect(str(path), isolation_level=None)
    connection.row_factory = aiosqlite.Row
    try:
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _migrate(connection)
    except BaseException:
        await connection.close()
        raise
    return Database(connection)


def migrations() -> list[tuple[int, Path]]:
    """The numbered migration files, in order."""
    found = []
    for file in MIGRATIONS_DIR.glob("*.sql"):
        match = MIGRATION_NAME.match(file.name)
        if not match:
            raise RuntimeError(f"migration file name must look like 001_name.sql: {file.name}")
        found.append((int(match.group(1)), file))
    found.sort()
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3... without gaps: {numbers}")
    return found


async def _migrate(connection: aiosqlite.Connection) -> None:
    cursor = await connection.execute("PRAGMA user_version")
    row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for number, file in migrations():
        if number <= current:
            continue
        # Each migration and its version number commit together or not at all.
        script = (
            f"BEGIN;\n{file.read_text(encoding='utf-8')}\nPRAGMA user_version = {number};\nCOMMIT;"
        )
        try:
            await connection.executescript(script)
        except BaseException:
            await connection.rollback()
            raise
