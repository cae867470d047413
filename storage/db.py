"""The SQLite connections (aiosqlite): a writer with its lock and read-only readers beside it,
the pragmas and the migrations; how times and days are stored."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, overload

import aiosqlite

from storage.municipality_codes import place_typed
from storage.worker import in_process

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000
LOOKUP_BUSY_TIMEOUT_MS = 100
# A lookup by key takes tens of microseconds; one that holds the event loop longer than this is
# logged, as a query that should run on a reader (fetch_one).
SLOW_LOOKUP_MS = 20
# A long read maps the file instead of copying its pages through a small cache, a read call
# each: most of the journal's export was spent there.
READ_MAP_BYTES = 1 << 30
# A report and a stall scan can each hold a reader for seconds. The chats' short reads need
# several more: 50 presses a second, each a few reads, queued for one reader waited up to
# 0.8 s for it on a busy machine. A reader is a thread and a connection.
READERS = 8


T = TypeVar("T")
# The update (its Telegram id) whose handler runs in this task, if any: every transaction made
# for it notes in the inbox that its changes are stored, so a replay of it changes nothing.
HANDLING_UPDATE: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "handling_update", default=None
)
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


def _refuse_while_handling_an_update() -> None:
    """A statement outside a transaction would not note the update in the inbox, so a replay
    of the update after a crash would make the change again."""
    if HANDLING_UPDATE.get() is not None:
        raise RuntimeError("a change made for an update is written in a transaction")


@dataclass
class _Group:
    """The rows of one statement waiting together for the writer (Database.write_grouped)."""

    rows: list[tuple[Any, ...] | Mapping[str, Any]] = field(default_factory=list)
    written: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    task: asyncio.Task[None] | None = None  # held here: the loop keeps only a weak reference


class Database:
    """One writer connection and a few read-only ones, all in autocommit mode.

    Writes are serialised by one asyncio lock, each in one BEGIN IMMEDIATE transaction: without
    the lock a job's statement could land inside a handler's open transaction. Reads take a
    reader from the pool instead (WAL lets them run beside the writer), so a long report never
    waits for the write lock, nor holds it. An in-memory database cannot be shared between
    connections: there, without readers, reads go to the writer under its lock.
    """

    def __init__(
        self,
        writer: aiosqlite.Connection,
        readers: Sequence[aiosqlite.Connection] = (),
        path: Path | None = None,
        looker: sqlite3.Connection | None = None,
    ) -> None:
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._readers = tuple(readers)
        self._looker = looker  # the lookups' read-only connection, on the event loop
        self._idle_readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in self._readers:
            self._idle_readers.put_nowait(reader)
        self._path = path  # None in memory
        self._groups: dict[str, _Group] = {}  # by statement: the rows not written yet

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block in one IMMEDIATE transaction: all of it is written, or nothing."""
        async with self._write_lock:
            await self._begin()
            try:
                yield self._writer
                # A failed COMMIT (a full disk) leaves the transaction open: roll it back too,
                # or every later BEGIN on this connection would fail.
                await self._writer.commit()
            except BaseException:
                await self._writer.rollback()
                raise

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE. For an update's handler, the transaction also notes in the inbox
        that the update's changes are stored, in the same trip to the writer's thread: under a
        burst of answers each trip made with the write lock held is a turn of the event loop
        that every other write waits. A script takes no parameters; the id is an int."""
        update_id = HANDLING_UPDATE.get()
        if update_id is None:
            await self._writer.execute("BEGIN IMMEDIATE")
            return
        try:
            await self._writer.executescript(
                "BEGIN IMMEDIATE; UPDATE inbox SET committed = 1 "
                f"WHERE update_id = {int(update_id)} AND committed = 0;"
            )
        except BaseException:
            if self._writer.in_transaction:  # begun, and the note failed
                await self._writer.rollback()
            raise

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement that stands alone, atomic by itself (autocommit): one trip to the
        writer's thread where a transaction takes three. How many rows it changed. Not for a
        handler's changes, which a transaction notes in the inbox (see `transaction`)."""
        _refuse_while_handling_an_update()
        async with self._write_lock:
            cursor = await self._writer.execute(sql, _bound(params))
            return cursor.rowcount

    async def write_grouped(self, sql: str, params: Params = ()) -> None:
        """One statement that stands alone (as `write`), written with the same statement of
        every other task that waits for the writer meanwhile: one trip to the writer's thread
        for all of them (executemany), where each would take its own while holding the write
        lock, and under load the lock is what the chats wait for. Returns once its row is
        written. A failure fails the whole group, some of whose rows may be written before
        it: only for statements that may safely run again (the inbox's marks)."""
        _refuse_while_handling_an_update()
        group = self._groups.get(sql)
        if group is None:
            group = self._groups[sql] = _Group()
            group.task = asyncio.create_task(self._write_group(sql, group))
        group.rows.append(_bound(params))
        await asyncio.shield(group.written)

    async def _write_group(self, sql: str, group: _Group) -> None:
        try:
            async with self._write_lock:
                del self._groups[sql]  # a row that comes now waits for the next group
                await self._writer.executemany(sql, group.rows)
        except asyncio.CancelledError:
            if self._groups.get(sql) is group:  # cancelled before its turn
                del self._groups[sql]
            group.written.cancel()
            raise
        except Exception as error:
            group.written.set_exception(error)
        else:
            group.written.set_result(None)

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection to read on, for this task alone until the block ends."""
        if not self._readers:
            async with self._write_lock:
                yield self._writer
            return
        reader = await self._idle_readers.get()
        try:
            yield reader
        finally:
            self._idle_readers.put_nowait(reader)

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a query of one row (by key, an aggregate, or LIMIT 1). Read whole
        in one trip to the reader's thread: a trip costs many times a lookup's own work, and a
        cursor fetched from, then closed, would take three."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._reader() as reader:
            return list(await reader.execute_fetchall(sql, _bound(params)))

    async def lookup(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The first row of a read by key (a primary key or a unique index: a few pages), run
        on the event loop itself: a trip to a reader's thread costs about twenty times such a
        read, and a reader may be busy with a report. Anything that scans uses fetch_one."""
        if self._looker is None:  # in memory: the one connection
            return await self.fetch_one(sql, params)
        start = time.perf_counter()
        cursor = self._looker.execute(sql, _bound(params))
        try:
            row: aiosqlite.Row | None = cursor.fetchone()
        finally:
            cursor.close()  # ends its read: an open one would keep an old snapshot
        taken_ms = (time.perf_counter() - start) * 1000
        if taken_ms > SLOW_LOOKUP_MS:  # the statement only: parameters may be personal data
            log.warning("a lookup held the event loop %.0f ms: %s", taken_ms, sql[:80])
        return row

    async def read_in_process(self, work: Callable[..., T], *args: object) -> T:
        """`work(connection, *args)` run in a niced process of its own (storage/worker.py) on a
        read-only connection, for reads too long for the event loop (the exports, the stall
        scan). `work` and `args` must pickle (a module-level function, data)."""
        if self._path is None:
            raise RuntimeError("an in-memory database cannot be read on another connection")
        return await in_process(_read_with, self._path, work, *args)

    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    async def close(self) -> None:
        # Readers first: the last connection to close checkpoints the WAL into the file.
        if self._looker is not None:
            self._looker.close()
        for reader in self._readers:
            await reader.close()
        await self._writer.close()


async def open_database(path: Path | str) -> Database:
    """Open (creating if needed) the database file, set the pragmas, apply migrations and open
    the readers."""
    if str(path) == ":memory:":
        return Database(await _open_writer(":memory:"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = await _open_writer(path)
    readers: list[aiosqlite.Connection] = []
    try:
        for _ in range(READERS):
            readers.append(await _open_reader(path))
        looker = _open_looker(path)
    except BaseException:
        for reader in readers:
            await reader.close()
        await writer.close()
        raise
    return Database(writer, readers, path, looker)


async def _open_writer(path: Path | str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(str(path), isolation_level=None)
    connection.row_factory = aiosqlite.Row
    try:
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await _configure(connection)
        await _migrate(connection)
        await place_typed(connection)  # a data migration in Python, see its module
    except BaseException:
        await connection.close()
        raise
    return connection


async def _open_reader(path: Path) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(read_only_uri(path), uri=True, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    try:
        await _configure(connection)
    except BaseException:
        await connection.close()
        raise
    return connection


def _open_looker(path: Path) -> sqlite3.Connection:
    """The lookups' read-only connection, used on the event loop's thread only. It waits
    briefly for a lock (only WAL recovery after a crash takes one a reader waits for): the
    wait would hold the whole loop."""
    connection = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {LOOKUP_BUSY_TIMEOUT_MS}")
    return connection


async def _configure(connection: aiosqlite.Connection) -> None:
    """The settings every connection shares."""
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _read_with(path: Path, work: Callable[..., T], *args: object) -> T:
    connection = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute(f"PRAGMA mmap_size = {READ_MAP_BYTES}")
        return work(connection, *args)
    finally:
        connection.close()


def read_only_uri(path: Path) -> str:
    """The database file opened for reading only: a write through it fails."""
    return f"{path.resolve().as_uri()}?mode=ro"


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
    # Off while migrating, so a migration can rebuild a table the way SQLite documents it
    # (create new, copy, drop old, rename) without the drop deleting the rows that refer to it;
    # each migration is checked for broken references before it commits.
    await connection.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, file in migrations():
            if number > current:
                await _apply(connection, number, file.name, file.read_text(encoding="utf-8"))
    finally:
        await connection.execute("PRAGMA foreign_keys = ON")


async def _apply(connection: aiosqlite.Connection, number: int, name: str, sql: str) -> None:
    """One migration and its version number, committed together or not at all."""
    script = f"BEGIN;\n{sql}\nPRAGMA user_version = {number};"
    try:
        await connection.executescript(script)
        broken = await (await connection.execute("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"migration {name} leaves {len(broken)} broken references")
        await connection.execute("COMMIT")
    except BaseException:
        await connection.rollback()
        raise
