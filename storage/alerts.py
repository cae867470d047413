"""Pair signals, stall episodes and their alert messages, and the coordinators' alert choice."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.model.pairs import Side
from bot.model.stalls import (
    Episode,
    Finding,
    Met,
    PairState,
    Rating,
    Reason,
    SideSignals,
    Signals,
    StallRules,
    Wish,
)
from storage.db import Database, parse_time

SignalsChange = Callable[[Signals], Signals]
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
        OR julianday(:now) - julianday(COALESCE(s.last_meeting_at, p.started_at)) >= CASE
            WHEN p.meetings_per_month > 0
            THEN (:agreed * 30 + p.meetings_per_month - 1) / p.meetings_per_month
            ELSE :no_meeting END))
"""
SIGNAL_COLUMNS = "pair_id AS s_pair, last_meeting_at, divergent_at, meetings, mentor, mentee"


# -- signals -----------------------------------------------------------------------------------


async def change_signals(db: Database, pair_id: int, change: SignalsChange, now: datetime) -> None:
    async with db.transaction() as conn:
        await apply_change(conn, pair_id, change, now)


async def apply_change(
    conn: aiosqlite.Connection, pair_id: int, change: SignalsChange, now: datetime
) -> None:
    """Read, change and write a pair's signals inside the caller's transaction."""
    cursor = await conn.execute(
        f"SELECT {SIGNAL_COLUMNS} FROM pair_signals WHERE pair_id = ?",
        (pair_id,),
    )
    row = await cursor.fetchone()
    changed = change(_signals(row) if row else Signals(pair_id))
    await conn.execute(
        "INSERT INTO pair_signals (pair_id, last_meeting_at, divergent_at, meetings, mentor, "
        "mentee, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pair_id) DO UPDATE SET "
        "last_meeting_at = excluded.last_meeting_at, divergent_at = excluded.divergent_at, "
        "meetings = excluded.meetings, mentor = excluded.mentor, mentee = excluded.mentee, "
        "updated_at = excluded.updated_at",
        (
            pair_id,
            changed.last_meeting_at,
            changed.divergent_at,
            changed.meetings,
            _encode_side(changed.mentor),
            _encode_side(changed.mentee),
            now,
        ),
    )


# -- the scan ----------------------------------------------------------------------------------


async def scan_rows(
    db: Database, rules: StallRules, now: datetime, pair_id: int | None = None
) -> list[tuple[PairState, Signals, Episode | None]]:
    """The open pairs (or one) that may stall now, with their signals and open episode.

    SQL leaves out pairs that cannot stall under `rules` at `now` (no open episode, no flag,
    a meeting recently enough), so a scan decodes only the few that may: a superset of what
    bot/model/stalls.py finds, which decides.
    """
    where = f"p.status IN {SCANNED} AND ({MAY_STALL})"
    params: dict[str, object] = {
        "now": now,
        "proposal_cutoff": now - timedelta(days=rules.proposal_days),
        "missed": rules.missed_in_a_row,
        "difficult": rules.difficult_in_a_row,
        "agreed": rules.agreed_meetings_missed,
        "no_meeting": rules.no_meeting_days,
    }
    if pair_id is not None:
        where += " AND p.id = :pair"
        params["pair"] = pair_id
    rows = await db.fetch_all(
        "SELECT p.id, p.status, p.proposed_at, p.started_at, p.meetings_per_month, "
        "p.mentor_answer, p.mentee_answer, "
        "s.pair_id AS s_pair, s.last_meeting_at, s.divergent_at, s.meetings, s.mentor, s.mentee, "
        "e.id AS e_id, e.reasons, e.opened_at, e.alerted_at, e.taken_by, e.snoozed_until "
        "FROM pairs p LEFT JOIN pair_signals s ON s.pair_id = p.id "
        "LEFT JOIN stall_episodes e ON e.pair_id = p.id AND e.closed_at IS NULL "
        f"WHERE {where}",
        params,
    )
    return [(_state(r), _signals(r) if r["s_pair"] else Signals(r["id"]), _open(r)) for r in rows]


async def open_episode(
    db: Database, pair_id: int, findings: list[Finding], now: datetime
) -> Episode | None:
    """A new episode, its alert still to send; None if the pair has an open one already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO stall_episodes (pair_id, reasons, opened_at) "
            "VALUES (?, ?, ?) RETURNING id",
            (pair_id, _encode_findings(findings), now),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        await _journal_event(conn, pair_id, "stalled", _reason_list(findings), now)
    return await episode_by_id(db, row["id"])


async def update_findings(db: Database, episode_id: int, findings: list[Finding]) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE stall_episodes SET reasons = ? WHERE id = ? AND closed_at IS NULL",
            (_encode_findings(findings), episode_id),
        )


async def realert(db: Database, episode: Episode, findings: list[Finding]) -> Episode | None:
    """Alert about the episode again (its snooze is over, or something urgent is new): no one
    has it any more, it is not snoozed, its alert is still to send. None if another scan did so
    meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE stall_episodes SET reasons = ?, snoozed_until = NULL, alerted_at = NULL, "
            "taken_by = NULL, taken_at = NULL "
            "WHERE id = ? AND closed_at IS NULL AND alerted_at IS ?",
            (_encode_findings(findings), episode.id, episode.alerted_at),
        )
        if cursor.rowcount != 1:
            return None
    return await episode_by_id(db, episode.id)


async def mark_alerted(db: Database, episode_id: int, now: datetime) -> None:
    """The episode's alert is out (an open episode without it was cut off while sending)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE stall_episodes SET alerted_at = ? WHERE id = ? AND alerted_at IS NULL",
            (now, episode_id),
        )


async def close(db: Database, episode_id: int, because: str, now: datetime) -> bool:
    """Close an open episode; the pair's journal says why. False if it was closed already."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE stall_episodes SET closed_at = ?, closed_because = ? "
            "WHERE id = ? AND closed_at IS NULL RETURNING pair_id",
            (now, because, episode_id),
        )
        row = await cursor.fetchone()
        if row is None:
            return False
        await _journal_event(conn, row["pair_id"], because, None, now)
    return True


async def close_for_ended_pairs(db: Database, now: datetime) -> None:
    """Episodes of pairs that ended, lapsed or were declined meanwhile are over too."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE stall_episodes SET closed_at = ?, closed_because = 'ended' "
            f"WHERE closed_at IS NULL AND pair_id IN (SELECT id FROM pairs "
            f"WHERE status NOT IN {SCANNED})",
            (now,),
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
        "SELECT id AS e_id, pair_id, reasons, opened_at, alerted_at, taken_by, snoozed_until, "
        "closed_at FROM stall_episodes WHERE id = ?",
        (episode_id,),
    )
    return _episode(row) if row else None


async def open_episodes(db: Database) -> list[Episode]:
    rows = await db.fetch_all(
        "SELECT id AS e_id, pair_id, reasons, opened_at, alerted_at, taken_by, snoozed_until, "
        "closed_at FROM stall_episodes WHERE closed_at IS NULL ORDER BY opened_at"
    )
    return [_episode(row) for row in rows]


# -- alert messages and the coordinators' choice -----------------------------------------------


async def remember_message(
    db: Database, episode_id: int, chat_id: int, message_id: int, language: str
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO alert_messages (chat_id, message_id, episode_id, language) "
            "VALUES (?, ?, ?, ?)",
            (chat_id, message_id, episode_id, language),
        )


async def messages_of(db: Database, episode_id: int) -> list[tuple[int, int, str]]:
    """(chat, message, language) of each alert sent about the episode."""
    rows = await db.fetch_all(
        "SELECT chat_id, message_id, language FROM alert_messages WHERE episode_id = ?",
        (episode_id,),
    )
    return [(r["chat_id"], r["message_id"], r["language"]) for r in rows]


async def alert_choice(db: Database, participant_id: int) -> str:
    row = await db.fetch_one(
        "SELECT alerts FROM coordinator_settings WHERE participant_id = ?", (participant_id,)
    )
    return row["alerts"] if row else "single"


async def set_alert_choice(db: Database, participant_id: int, choice: str, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO coordinator_settings (participant_id, alerts, updated_at) "
            "VALUES (?, ?, ?) ON CONFLICT (participant_id) DO UPDATE SET "
            "alerts = excluded.alerts, updated_at = excluded.updated_at",
            (participant_id, choice, now),
        )


async def digest_due(db: Database, participant_id: int, sent_before: datetime) -> bool:
    """Whether a digest coordinator's weekly digest is due (never sent, or long enough ago)."""
    row = await db.fetch_one(
        "SELECT 1 FROM coordinator_settings WHERE participant_id = ? AND alerts = 'digest' "
        "AND COALESCE(digest_sent_at, '') <= ?",
        (participant_id, sent_before),
    )
    return row is not None


async def mark_digest_sent(db: Database, participant_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE coordinator_settings SET digest_sent_at = ? WHERE participant_id = ?",
            (now, participant_id),
        )


# -- rows to data ------------------------------------------------------------------------------


async def _journal_event(
    conn: aiosqlite.Connection, pair_id: int, kind: str, text: str | None, now: datetime
) -> None:
    await conn.execute(
        "INSERT INTO journal (pair_id, author_id, role, kind, text, created_at) "
        "VALUES (?, NULL, 'bot', ?, ?, ?)",
        (pair_id, kind, text, now),
    )


def _reason_list(findings: list[Finding]) -> str:
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


def _signals(row: aiosqlite.Row) -> Signals:
    return Signals(
        pair_id=row["s_pair"],
        last_meeting_at=parse_time(row["last_meeting_at"]),
        divergent_at=parse_time(row["divergent_at"]),
        meetings=row["meetings"],
        mentor=_decode_side(row["mentor"]),
        mentee=_decode_side(row["mentee"]),
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


SIDE_TYPES: dict[str, Callable[[Any], Any]] = {
    "last_rating": Rating,
    "previous_rating": Rating,
    "round_rating": Rating,
    "round_met": Met,
    "wish": Wish,
}


def _encode_side(side: SideSignals) -> str:
    values = {k: v for k, v in asdict(side).items() if v not in (None, 0)}
    return json.dumps(
        {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
    )


def _decode_side(text: str) -> SideSignals:
    values: dict[str, Any] = {}
    for key, value in json.loads(text).items():
        if key in SIDE_TYPES:
            values[key] = SIDE_TYPES[key](value)
        elif isinstance(value, str):
            values[key] = parse_time(value)
        else:
            values[key] = value
    return SideSignals(**values)


def _encode_findings(findings: list[Finding]) -> str:
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
