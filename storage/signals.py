"""A pair's signals: the running summary of its check-ins that the stall rules read
(bot/model/stalls.py Signals), changed in the same transaction as what changed them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from typing import Any

import aiosqlite

from bot.model.stalls import Met, Rating, SideSignals, Signals, Wish
from storage.db import Database, parse_time

SignalsChange = Callable[[Signals], Signals]
SIGNAL_COLUMNS = (
    "pair_id AS s_pair, last_meeting_at, divergent_at, meetings, mentor, mentee, "
    "meeting_unconfirmed_at"
)


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
    changed = change(signals_of(row) if row else Signals(pair_id))
    await conn.execute(
        "INSERT INTO pair_signals (pair_id, last_meeting_at, divergent_at, meetings, mentor, "
        "mentee, meeting_unconfirmed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (pair_id) DO UPDATE SET "
        "last_meeting_at = excluded.last_meeting_at, divergent_at = excluded.divergent_at, "
        "meetings = excluded.meetings, mentor = excluded.mentor, mentee = excluded.mentee, "
        "meeting_unconfirmed_at = excluded.meeting_unconfirmed_at, "
        "updated_at = excluded.updated_at",
        (
            pair_id,
            changed.last_meeting_at,
            changed.divergent_at,
            changed.meetings,
            _encode_side(changed.mentor),
            _encode_side(changed.mentee),
            changed.meeting_unconfirmed_at,
            now,
        ),
    )
    if changed.last_meeting_at is not None:
        # The evaluation's first meeting: the first time one was reported, kept from then on.
        await conn.execute(
            "INSERT OR IGNORE INTO first_meetings (pair_id, met_at) VALUES (?, ?)",
            (pair_id, changed.last_meeting_at),
        )


def signals_of(row: aiosqlite.Row) -> Signals:
    return Signals(
        pair_id=row["s_pair"],
        last_meeting_at=parse_time(row["last_meeting_at"]),
        divergent_at=parse_time(row["divergent_at"]),
        meetings=row["meetings"],
        mentor=_decode_side(row["mentor"]),
        mentee=_decode_side(row["mentee"]),
        meeting_unconfirmed_at=parse_time(row["meeting_unconfirmed_at"]),
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


# SideSignals are immutable, so one decoding serves every pair whose side reads the same: in a
# scan, mostly the many with no check-in signals yet ('{}').
@lru_cache(maxsize=4096)
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
