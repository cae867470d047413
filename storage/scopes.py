"""Coordinators' stored scopes, and the municipalities that place participants and pairs in one.

Municipalities come back as stored: a code, or an old answer as typed; bot/scopes.py compares them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from bot.model.scopes import StoredScope
from storage.db import Database

OPEN_PAIR = "('proposed', 'active', 'paused')"


def own_place(person: str) -> str:
    """SQL for the municipality of the participant in column `person`: a mentee's latest intake
    answer, else their invitation's municipality, else a mentor's latest screening answer."""

    def answer(table: str) -> str:
        return (
            "NULLIF(trim(json_extract((SELECT a.value FROM answers a "
            "WHERE a.question_id = 'municipality' AND a.run_id = "
            f"(SELECT MAX(run_id) FROM {table} WHERE participant_id = {person})), '$')), '')"
        )

    referral = (
        "NULLIF(trim((SELECT r.municipality FROM referrals r "
        f"WHERE r.participant_id = {person})), '')"
    )
    return f"COALESCE({answer('intakes')}, {referral}, {answer('screenings')})"


async def get(db: Database, telegram_user_id: int) -> StoredScope | None:
    row = await db.fetch_one(
        "SELECT municipalities FROM coordinator_scopes WHERE telegram_user_id = ?",
        (telegram_user_id,),
    )
    if row is None:
        return None
    names = row["municipalities"]
    return StoredScope(telegram_user_id, None if names is None else tuple(json.loads(names)))


async def put(
    db: Database,
    telegram_user_id: int,
    municipalities: tuple[int, ...] | None,
    set_by: int,
    now: datetime,
) -> None:
    names = None if municipalities is None else json.dumps(list(municipalities))
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO coordinator_scopes (telegram_user_id, municipalities, set_by, set_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (telegram_user_id) DO UPDATE SET "
            "municipalities = excluded.municipalities, set_by = excluded.set_by, "
            "set_at = excluded.set_at",
            (telegram_user_id, names, set_by, now),
        )


async def participant_places(
    db: Database, participant_ids: Iterable[int]
) -> dict[int, tuple[str | None, ...]]:
    """Per participant: their own municipality, and for a mentor those of the mentees of their
    open pairs."""
    rows = await db.fetch_all(
        "WITH ids (id) AS (SELECT value FROM json_each(?1)) "
        f"SELECT ids.id AS id, {own_place('ids.id')} AS place FROM ids "
        "UNION ALL "
        f"SELECT p.mentor_id AS id, {own_place('p.mentee_id')} AS place "
        f"FROM pairs p JOIN ids ON p.mentor_id = ids.id WHERE p.status IN {OPEN_PAIR}",
        (json.dumps(sorted(participant_ids)),),
    )
    places: dict[int, list[str | None]] = defaultdict(list)
    for row in rows:
        places[row["id"]].append(row["place"])
    return {pid: tuple(found) for pid, found in places.items()}


async def pair_places(db: Database, pair_ids: Iterable[int]) -> dict[int, str | None]:
    """Per pair: its mentee's municipality."""
    rows = await db.fetch_all(
        f"SELECT p.id AS id, {own_place('p.mentee_id')} AS place FROM pairs p "
        "WHERE p.id IN (SELECT value FROM json_each(?1))",
        (json.dumps(sorted(pair_ids)),),
    )
    return {row["id"]: row["place"] for row in rows}


async def mentors_and_mentees(db: Database) -> list[tuple[int, str, str]]:
    """(participant id, role, status) of every mentor and mentee."""
    rows = await db.fetch_all(
        "SELECT id, role, status FROM participants WHERE role IN ('mentor', 'mentee')"
    )
    return [(row["id"], row["role"], row["status"]) for row in rows]


async def pair_of_entry(db: Database, entry_id: int) -> int | None:
    row = await db.fetch_one("SELECT pair_id FROM journal WHERE id = ?", (entry_id,))
    return row["pair_id"] if row else None
