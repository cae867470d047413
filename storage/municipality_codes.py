"""Municipalities as codes: old answers as typed placed at the start, and a coordinator's fix.

An answer to a municipality question is a code (JSON 751) or, from before the list, the text a
person typed (JSON "Århus"). At every start, after the SQL migrations, `place_typed` gives each
text the list can place (exactly, or clearly enough: bot/model/municipalities.py) its code,
and records the text it was; the rest stays as typed, for a coordinator to place with
`place_answer`. Invitations and scopes get codes the same way. It is idempotent: only text is
ever looked at, and a start with a longer list places more.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import aiosqlite

from bot.model.municipalities import exact_place, named

if TYPE_CHECKING:  # storage.db runs place_typed when it opens the database
    from storage.db import Database

TYPED_ANSWERS = (
    "SELECT run_id, value FROM answers "
    "WHERE question_id = 'municipality' AND json_type(value) = 'text'"
)


async def place_typed(connection: aiosqlite.Connection) -> None:
    """Place what the list can place of the answers, invitations and scopes still as typed."""
    answers = await _placed_answers(connection)
    referrals = await _placed_referrals(connection)
    scopes = await _placed_scopes(connection)
    if not (answers or referrals or scopes):
        return
    now = datetime.now(UTC)
    await connection.execute("BEGIN IMMEDIATE")
    try:
        for run_id, stored, typed, code in answers:
            await _set_answer(connection, run_id, stored, typed, code, None, now)
        await connection.executemany(
            "UPDATE referrals SET municipality = ? WHERE id = ? AND municipality = ?", referrals
        )
        await connection.executemany(
            "UPDATE coordinator_scopes SET municipalities = ? "
            "WHERE telegram_user_id = ? AND municipalities = ?",
            scopes,
        )
        await connection.commit()
    except BaseException:
        await connection.rollback()
        raise


async def _placed_answers(
    connection: aiosqlite.Connection,
) -> list[tuple[int, str, str, int]]:
    """(run, stored JSON, text, code) of each typed answer the list places."""
    placed = []
    async with connection.execute(TYPED_ANSWERS) as cursor:
        async for run_id, stored in cursor:
            typed = json.loads(stored)
            known = named(typed)
            if known is not None:
                placed.append((run_id, stored, typed, known.code))
    return placed


async def _placed_referrals(connection: aiosqlite.Connection) -> list[tuple[str, int, str]]:
    placed = []
    async with connection.execute(
        "SELECT id, municipality FROM referrals "
        "WHERE municipality IS NOT NULL AND municipality NOT GLOB '[0-9]*'"
    ) as cursor:
        async for referral_id, typed in cursor:
            known = named(typed)
            if known is not None:
                placed.append((str(known.code), referral_id, typed))
    return placed


async def _placed_scopes(connection: aiosqlite.Connection) -> list[tuple[str, int, str]]:
    """A scope's names become codes; a name the list does not know exactly stays (and then
    matches no one, so the coordinator sees less, never more)."""
    placed = []
    async with connection.execute(
        "SELECT telegram_user_id, municipalities FROM coordinator_scopes "
        "WHERE municipalities IS NOT NULL"
    ) as cursor:
        async for user_id, stored in cursor:
            entries = json.loads(stored)
            codes = [_code_of(entry) for entry in entries]
            if codes != entries:
                placed.append((json.dumps(codes, ensure_ascii=False), user_id, stored))
    return placed


def _code_of(entry: int | str) -> int | str:
    known = exact_place(entry) if isinstance(entry, str) else None
    return known.code if known else entry


async def _set_answer(
    connection: aiosqlite.Connection,
    run_id: int,
    stored: str,
    typed: str,
    code: int,
    by: int | None,
    now: datetime,
) -> bool:
    """Compare and set: the answer is still this text. Records the change."""
    cursor = await connection.execute(
        "UPDATE answers SET value = ? "
        "WHERE run_id = ? AND question_id = 'municipality' AND value = ?",
        (json.dumps(code), run_id, stored),
    )
    if cursor.rowcount != 1:
        return False
    await connection.execute(
        "INSERT INTO municipality_changes (run_id, typed, code, changed_by, changed_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (run_id, typed, code, by, now),
    )
    return True


async def typed_answer(db: Database, participant_id: int) -> tuple[int, str] | None:
    """(run, text) when the municipality of a person's latest sent questionnaire is an old
    answer as typed, which the list could not place."""
    row = await db.fetch_one(
        "SELECT a.run_id, a.value FROM answers a "
        "JOIN questionnaire_runs r ON r.id = a.run_id "
        "WHERE r.participant_id = ? AND r.status = 'submitted' "
        "AND a.question_id = 'municipality' ORDER BY r.id DESC LIMIT 1",
        (participant_id,),
    )
    if row is None:
        return None
    value = json.loads(row["value"])
    return (row["run_id"], value) if isinstance(value, str) else None


async def place_answer(
    db: Database, participant_id: int, run_id: int, code: int, by: int, now: datetime
) -> bool:
    """A coordinator places a person's typed answer in a municipality; False when it is no
    longer a typed answer of theirs (placed already, or erased)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "SELECT a.value FROM answers a JOIN questionnaire_runs r ON r.id = a.run_id "
            "WHERE a.run_id = ? AND r.participant_id = ? AND a.question_id = 'municipality' "
            "AND json_type(a.value) = 'text'",
            (run_id, participant_id),
        )
        row = await cursor.fetchone()
        if row is None:
            return False
        stored = row[0]
        return await _set_answer(conn, run_id, stored, json.loads(stored), code, by, now)


async def changes(db: Database, run_id: int) -> list[tuple[str, int, int | None]]:
    """(typed, code, changed by) of a run's placed municipality, oldest first."""
    rows = await db.fetch_all(
        "SELECT typed, code, changed_by FROM municipality_changes WHERE run_id = ? ORDER BY id",
        (run_id,),
    )
    return [(row["typed"], row["code"], row["changed_by"]) for row in rows]
