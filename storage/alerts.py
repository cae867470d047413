"""Stall episodes: the scan's reads and writes, and a coordinator taking or snoozing one. The
pairs' signals the scan reads: storage/signals.py; the alerts as sent and the coordinators'
choice of single alerts or a digest: storage/alert_messages.py."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, auto

import aiosqlite

from bot.model.pairs import Side
from bot.model.stalls import (
    Episode,
    Finding,
    PairState,
    Reason,
    Signals,
    StallRules,
)
from storage.db import Database, parse_time
from storage.signals import signals_of

SCANNED = "('proposed', 'active', 'paused')"
# Whether a pair may stall: keep in step with bot/model/stalls.py findings (a superset is fine).
MAY_STALL = """
    e.id IS NOT NULL
    OR s.divergent_at IS NOT NULL
    OR json_extract(s.mentor, '$.unreachable_since') IS NOT NULL
    OR json_extract(s.mentee, '$.unreachable_since') IS NOT NULL
    OR (p.status = 'proposed' AND p.proposed_at <= :proposal_cutoff)
    OR (p.status = 'active' AND (
        json_extract(s.mentor, '$.wish') IS NOT NULL
        OR json_extract(s.mentee, '$.wish') IS NOT NULL
        OR json_extract(s.mentor, '$.missed_streak') >= :missed
        OR json_extract(s.mentee, '$.missed_streak') >= :missed
        OR json_extract(s.mentor, '$.difficult_streak') >= :difficult
        OR json_extract(s.mentee, '$.difficult_streak') >= :difficult
        OR json_extract(s.mentor, '$.meeting_not_held_at') IS NOT NULL
        OR json_extract(s.mentee, '$.meeting_not_held_at') IS NOT NULL
        OR julianday(:now) - julianday(s.meeting_unconfirmed_at) >= :unconfirmed
        OR julianday(:now) - julianday(COALESCE(s.last_meeting_at, p.started_at)) >= CASE
            WHEN p.meetings_per_month > 0
            THEN (:agreed * 30 + p.meetings_per_month - 1) / p.meetings_per_month
            ELSE :no_meeting END))
"""


# -- the scan ----------------------------------------------------------------------------------


async def scan_rows(
    db: Database, rules: StallRules, now: datetime, pair_id: int
) -> list[tuple[PairState, Signals, Episode | None]]:
    """One pair, if it is open and may stall now, with its signals and open episode."""
    sql, params = _scan_query(rules, now, pair_id)
    return [_candidate(row) for row in await db.fetch_all(sql, params)]


def read_scan_rows(
    connection: sqlite3.Connection, rules: StallRules, now: datetime
) -> Iterator[tuple[PairState, Signals, Episode | None]]:
    """Every open pair that may stall now, with its signals and open episode, row by row from
    a read-only connection (a worker process's: Database.read_in_process)."""
    return map(_candidate, connection.execute(*_scan_query(rules, now)))


def _scan_query(
    rules: StallRules, now: datetime, pair_id: int | None = None
) -> tuple[str, dict[str, object]]:
    """SQL leaves out pairs that cannot stall under `rules` at `now` (no open episode, no flag,
    a meeting recently enough), so a scan decodes only the few that may: a superset of what
    bot/model/stalls.py finds, which decides."""
    where = f"p.status IN {SCANNED} AND ({MAY_STALL})"
    params: dict[str, object] = {
        "now": now,
        "proposal_cutoff": now - timedelta(days=rules.proposal_days),
        "missed": rules.missed_in_a_row,
        "difficult": rules.difficult_in_a_row,
        "agreed": rules.agreed_meetings_missed,
        "no_meeting": rules.no_meeting_days,
        "unconfirmed": rules.meeting_unconfirmed_days,
    }
    if pair_id is not None:
        where += " AND p.id = :pair"
        params["pair"] = pair_id
    sql = (
        "SELECT p.id, p.status, p.proposed_at, p.started_at, p.meetings_per_month, "
        "p.mentor_answer, p.mentee_answer, "
        "s.pair_id AS s_pair, s.last_meeting_at, s.divergent_at, s.meetings, s.mentor, s.mentee, "
        "s.meeting_unconfirmed_at, "
        "e.id AS e_id, e.reasons, e.opened_at, e.alerted_at, e.taken_by, e.snoozed_until "
        "FROM pairs p LEFT JOIN pair_signals s ON s.pair_id = p.id "
        "LEFT JOIN stall_episodes e ON e.pair_id = p.id AND e.closed_at IS NULL "
        f"WHERE {where}"
    )
    return sql, params


def _candidate(row: aiosqlite.Row) -> tuple[PairState, Signals, Episode | None]:
    signals = signals_of(row) if row["s_pair"] else Signals(row["id"])
    return _state(row), signals, _open(row)


class EpisodeOp(Enum):
    """What a scan does to one pair's episode (bot/alerts.py decides which)."""

    OPEN = auto()  # a new episode, its alert still to send; none if the pair has one open
    REALERT = auto()  # alert again: untaken, unsnoozed; none if another scan did so meanwhile
    RESEND = auto()  # its reasons now; its alert was cut off, so it goes out again
    UPDATE = auto()  # its reasons now, no alert
    CLOSE = auto()  # recovered; the pair's journal says so


@dataclass(frozen=True)
class EpisodeWrite:
    """One change a scan writes to one pair's episode: its findings as stored, and the open
    episode's id and alert time as read (for every op but OPEN). Plain values: a scan decided
    in a worker process sends thousands back, and as objects (the findings, the episode read)
    8,588 of them took 0.15 s to unpickle on the event loop (plain values: 0.01 s)."""

    op: EpisodeOp
    pair_id: int
    reasons: str  # the findings, encoded as stored
    episode_id: int | None = None
    alerted_at: str | None = None  # ISO text as stored, to compare in SQL

    @classmethod
    def of(
        cls, op: EpisodeOp, pair_id: int, findings: Iterable[Finding], episode: Episode | None
    ) -> EpisodeWrite:
        reasons = _encode_findings(findings)
        if episode is None:
            return cls(op, pair_id, reasons)
        alerted = episode.alerted_at.isoformat() if episode.alerted_at else None
        return cls(op, pair_id, reasons, episode.id, alerted)


WRITES_PER_TRANSACTION = 500  # a few milliseconds of the write lock each

EPISODE_COLUMNS = (
    "id AS e_id, pair_id, reasons, opened_at, alerted_at, taken_by, snoozed_until, closed_at"
)


async def write_scan(
    db: Database, writes: Sequence[EpisodeWrite], now: datetime, *, close_ended: bool
) -> list[Episode]:
    """One scan's changes, a statement for each kind over all the pairs of a chunk, one short
    transaction a chunk (closing the episodes of pairs that ended meanwhile too, if
    `close_ended`); the episodes to alert about, in the order of `writes`. Each pair's change
    is whole in one transaction; a first scan's thousands of them do not hold the write lock
    for a second, which every chat's answer waits for."""
    alert: dict[int, Episode] = {}
    for start in range(0, len(writes), WRITES_PER_TRANSACTION):
        async with db.transaction() as conn:
            alert |= await _write_chunk(conn, writes[start : start + WRITES_PER_TRANSACTION], now)
    if close_ended:
        async with db.transaction() as conn:
            await _close_for_ended_pairs(conn, now)
    return [alert[w.pair_id] for w in writes if w.pair_id in alert]


async def _write_chunk(
    conn: aiosqlite.Connection, writes: Sequence[EpisodeWrite], now: datetime
) -> dict[int, Episode]:
    by_op: dict[EpisodeOp, list[EpisodeWrite]] = {op: [] for op in EpisodeOp}
    for write in writes:
        by_op[write.op].append(write)
    opened = await _open_episodes(conn, by_op[EpisodeOp.OPEN], now)
    alert = opened | await _realert(conn, by_op[EpisodeOp.REALERT])
    alert |= await _set_reasons(conn, by_op[EpisodeOp.RESEND])
    await _set_reasons(conn, by_op[EpisodeOp.UPDATE])
    closed = await _close_recovered(conn, by_op[EpisodeOp.CLOSE], now)
    await _journal_events(
        conn,
        [
            (w.pair_id, "stalled", _reason_list(opened[w.pair_id].findings))
            if w.op is EpisodeOp.OPEN
            else (w.pair_id, "recovered", None)
            for w in writes
            if w.pair_id in opened or w.pair_id in closed
        ],
        now,
    )
    return alert


async def _open_episodes(
    conn: aiosqlite.Connection, writes: list[EpisodeWrite], now: datetime
) -> dict[int, Episode]:
    if not writes:
        return {}
    cursor = await conn.execute(
        f"{_batch('pair_id', 'reasons')} INSERT OR IGNORE INTO stall_episodes "
        "(pair_id, reasons, opened_at) SELECT pair_id, reasons, ? FROM batch "
        f"RETURNING {EPISODE_COLUMNS}",
        (_rows((w.pair_id, w.reasons) for w in writes), now),
    )
    return _by_pair(await cursor.fetchall())


async def _realert(conn: aiosqlite.Connection, writes: list[EpisodeWrite]) -> dict[int, Episode]:
    """Each only if its alert time is still the one the scan read: else another scan did it."""
    if not writes:
        return {}
    cursor = await conn.execute(
        f"{_batch('id', 'reasons', 'alerted_at')} "
        "UPDATE stall_episodes AS e SET reasons = batch.reasons, snoozed_until = NULL, "
        "alerted_at = NULL, taken_by = NULL, taken_at = NULL FROM batch "
        "WHERE e.id = batch.id AND e.closed_at IS NULL AND e.alerted_at IS batch.alerted_at "
        f"RETURNING {EPISODE_COLUMNS}",
        (_rows((_episode_id(w), w.reasons, w.alerted_at) for w in writes),),
    )
    return _by_pair(await cursor.fetchall())


async def _set_reasons(
    conn: aiosqlite.Connection, writes: list[EpisodeWrite]
) -> dict[int, Episode]:
    if not writes:
        return {}
    cursor = await conn.execute(
        f"{_batch('id', 'reasons')} "
        "UPDATE stall_episodes AS e SET reasons = batch.reasons FROM batch "
        f"WHERE e.id = batch.id AND e.closed_at IS NULL RETURNING {EPISODE_COLUMNS}",
        (_rows((_episode_id(w), w.reasons) for w in writes),),
    )
    return _by_pair(await cursor.fetchall())


async def _close_recovered(
    conn: aiosqlite.Connection, writes: list[EpisodeWrite], now: datetime
) -> set[int]:
    """Close the episodes of pairs that recovered; the pairs whose episode this closed."""
    if not writes:
        return set()
    cursor = await conn.execute(
        f"{_batch('id')} UPDATE stall_episodes SET closed_at = ?, closed_because = 'recovered' "
        "WHERE closed_at IS NULL AND id IN (SELECT id FROM batch) RETURNING pair_id",
        (_rows([_episode_id(w)] for w in writes), now),
    )
    return {row["pair_id"] for row in await cursor.fetchall()}


async def _close_for_ended_pairs(conn: aiosqlite.Connection, now: datetime) -> None:
    """Episodes of pairs that ended, lapsed or were declined meanwhile are over too."""
    # Correlated, so it reads the open episodes' pairs only, not every pair there ever was.
    await conn.execute(
        "UPDATE stall_episodes SET closed_at = ?, closed_because = 'ended' "
        "WHERE closed_at IS NULL AND EXISTS (SELECT 1 FROM pairs p "
        f"WHERE p.id = stall_episodes.pair_id AND p.status NOT IN {SCANNED})",
        (now,),
    )


async def mark_alerted(db: Database, episode_id: int, now: datetime) -> None:
    """The episode's alert is out (an open episode without it was cut off while sending)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE stall_episodes SET alerted_at = ? WHERE id = ? AND alerted_at IS NULL",
            (now, episode_id),
        )


async def take(db: Database, episode_id: int, coordinator_id: int, now: datetime) -> bool:
    """A coordinator will contact the pair; the first to say so keeps it."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE stall_episodes SET taken_by = ?, taken_at = ? "
            "WHERE id = ? AND closed_at IS NULL AND taken_by IS NULL",
            (coordinator_id, now, episode_id),
        )
        return cursor.rowcount == 1


async def snooze(db: Database, episode_id: int, until: datetime) -> bool:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE stall_episodes SET snoozed_until = ? WHERE id = ? AND closed_at IS NULL",
            (until, episode_id),
        )
        return cursor.rowcount == 1


async def episode_by_id(db: Database, episode_id: int) -> Episode | None:
    row = await db.fetch_one(
        f"SELECT {EPISODE_COLUMNS} FROM stall_episodes WHERE id = ?",
        (episode_id,),
    )
    return _episode(row) if row else None


async def open_episodes(db: Database) -> list[Episode]:
    rows = await db.fetch_all(
        f"SELECT {EPISODE_COLUMNS} FROM stall_episodes WHERE closed_at IS NULL ORDER BY opened_at"
    )
    return [_episode(row) for row in rows]


# -- rows to data ------------------------------------------------------------------------------


async def _journal_events(
    conn: aiosqlite.Connection, events: list[tuple[int, str, str | None]], now: datetime
) -> None:
    """The bot's entries in pairs' journals: (pair id, kind, text) each."""
    await conn.executemany(
        "INSERT INTO journal (pair_id, author_id, role, kind, text, created_at) "
        "VALUES (?, NULL, 'bot', ?, ?, ?)",
        [(pair_id, kind, text, now) for pair_id, kind, text in events],
    )


def _batch(*columns: str) -> str:
    """A `WITH batch (columns)` of the rows a JSON array parameter holds (see `_rows`): one
    statement writes them all. Materialised, so the planner walks the batch and finds each
    episode by its id, instead of reading the whole batch again for every open episode."""
    values = ", ".join(f"value ->> {index}" for index in range(len(columns)))
    return (
        f"WITH batch ({', '.join(columns)}) AS MATERIALIZED "
        f"(SELECT {values} FROM json_each(?) ORDER BY key)"
    )


def _rows(rows: Iterable[Sequence[object]]) -> str:
    """Rows, each a list of values, as one JSON array for `_batch`."""
    return json.dumps(list(rows))


def _by_pair(rows: Iterable[aiosqlite.Row]) -> dict[int, Episode]:
    """The episodes a statement returned, by pair."""
    return {row["pair_id"]: _episode(row) for row in rows}


def _episode_id(write: EpisodeWrite) -> int:
    assert write.episode_id is not None, write.op
    return write.episode_id


def _reason_list(findings: Iterable[Finding]) -> str:
    return ", ".join(dict.fromkeys(f.reason.value for f in findings))


def _state(row: aiosqlite.Row) -> PairState:
    return PairState(
        pair_id=row["id"],
        status=row["status"],
        proposed_at=parse_time(row["proposed_at"]),
        started_at=parse_time(row["started_at"]),
        meetings_per_month=row["meetings_per_month"],
        mentor_answered=row["mentor_answer"] is not None,
        mentee_answered=row["mentee_answer"] is not None,
    )


def _open(row: aiosqlite.Row) -> Episode | None:
    if row["e_id"] is None:
        return None
    return Episode(
        id=row["e_id"],
        pair_id=row["id"],
        findings=_decode_findings(row["reasons"]),
        opened_at=parse_time(row["opened_at"]),
        alerted_at=parse_time(row["alerted_at"]),
        taken_by=row["taken_by"],
        snoozed_until=parse_time(row["snoozed_until"]),
        closed_at=None,
    )


def _episode(row: aiosqlite.Row) -> Episode:
    return Episode(
        id=row["e_id"],
        pair_id=row["pair_id"],
        findings=_decode_findings(row["reasons"]),
        opened_at=parse_time(row["opened_at"]),
        alerted_at=parse_time(row["alerted_at"]),
        taken_by=row["taken_by"],
        snoozed_until=parse_time(row["snoozed_until"]),
        closed_at=parse_time(row["closed_at"]),
    )


def _encode_findings(findings: Iterable[Finding]) -> str:
    return json.dumps(
        [
            {
                "reason": f.reason.value,
                "side": f.side.value if f.side else None,
                "since": f.since.isoformat(),
                "count": f.count,
            }
            for f in findings
        ]
    )


def _decode_findings(text: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            reason=Reason(item["reason"]),
            side=Side(item["side"]) if item["side"] else None,
            since=parse_time(item["since"]),
            count=item["count"],
        )
        for item in json.loads(text)
    )
