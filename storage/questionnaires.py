"""Questionnaire runs and their answers.

Every move is a compare-and-set on the run's current question, so an answer to a question the
run has already left (a stale button, a duplicate update) changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.model.questionnaire import Answer, Run
from storage import privacy
from storage.db import Database

RUN_COLUMNS = (
    "id, participant_id, questionnaire, status, current_question, selection, prompt_message_id, "
    "closed_at"
)


async def open_run(db: Database, participant_id: int) -> Run | None:
    """The questionnaire this person is in the middle of, if any."""
    row = await db.fetch_one(
        f"SELECT {RUN_COLUMNS} FROM questionnaire_runs "
        "WHERE participant_id = ? AND status = 'in_progress' AND closed_at IS NULL "
        "ORDER BY id DESC LIMIT 1",
        (participant_id,),
    )
    return await _with_answers(db, row) if row else None


async def get_run(db: Database, run_id: int) -> Run | None:
    row = await db.fetch_one(
        f"SELECT {RUN_COLUMNS} FROM questionnaire_runs WHERE id = ?", (run_id,)
    )
    return await _with_answers(db, row) if row else None


async def start_run(
    db: Database,
    *,
    participant_id: int,
    questionnaire: str,
    version: int,
    first_question: str,
    now: datetime,
) -> Run:
    """Begin a questionnaire, or return the run already open for it."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO questionnaire_runs (participant_id, questionnaire, version, "
            "status, current_question, started_at, updated_at) "
            "VALUES (?, ?, ?, 'in_progress', ?, ?, ?)",
            (participant_id, questionnaire, version, first_question, now, now),
        )
    run = await open_run(db, participant_id)
    assert run is not None
    return run


async def record_answer(
    db: Database,
    run: Run,
    question_id: str,
    value: Answer,
    next_question: str | None,
    now: datetime,
    consent: privacy.ConsentVersion | None = None,
) -> bool:
    """Store an answer and move on, in one transaction; False if the run had moved already.
    With `consent`, the answer gives consent to that text, recorded in the same transaction."""
    async with db.transaction() as conn:
        if not await _move(conn, run, next_question, now):
            return False
        await conn.execute(
            "INSERT INTO answers (run_id, question_id, value, answered_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (run_id, question_id) DO UPDATE SET "
            "value = excluded.value, answered_at = excluded.answered_at",
            (run.id, question_id, json.dumps(_to_json(value), ensure_ascii=False), now),
        )
        if consent is not None:
            await privacy.add_consent(conn, run.participant_id, run.questionnaire, consent, now)
    return True


async def move(db: Database, run: Run, to_question: str | None, now: datetime) -> bool:
    """Go to another question (Back, Change) without answering; False if the run had moved."""
    async with db.transaction() as conn:
        return await _move(conn, run, to_question, now)


async def save_selection(db: Database, run: Run, selection: tuple[str, ...], now: datetime) -> bool:
    """Keep the ticked options of a multiple-choice question until Done."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE questionnaire_runs SET selection = ?, updated_at = ?, reminded_at = NULL "
            "WHERE id = ? AND status = 'in_progress' AND closed_at IS NULL "
            "AND current_question IS ?",
            (json.dumps(list(selection)), now, run.id, run.current),
        )
        return cursor.rowcount == 1


async def set_prompt_message(db: Database, run_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE questionnaire_runs SET prompt_message_id = ? WHERE id = ?",
            (message_id, run_id),
        )


async def idle_runs(db: Database, idle_since: datetime) -> list[Run]:
    """Open runs untouched since `idle_since` and not yet reminded since the last answer."""
    rows = await db.fetch_all(
        f"SELECT {RUN_COLUMNS} FROM questionnaire_runs "
        "WHERE status = 'in_progress' AND closed_at IS NULL AND reminded_at IS NULL "
        "AND updated_at < ? ORDER BY id",
        (idle_since,),
    )
    return [await _with_answers(db, row) for row in rows]


async def mark_reminded(db: Database, run_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE questionnaire_runs SET reminded_at = ? WHERE id = ?",
            (now, run_id),
        )


async def unthanked(db: Database, submitted_before: datetime) -> list[Run]:
    """Sent questionnaires whose thanks never reached the person (a crash cut it off)."""
    rows = await db.fetch_all(
        f"SELECT {RUN_COLUMNS} FROM questionnaire_runs "
        "WHERE status = 'submitted' AND thanked_at IS NULL AND submitted_at < ? ORDER BY id",
        (submitted_before,),
    )
    return [await _with_answers(db, row) for row in rows]


async def mark_thanked(db: Database, run_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE questionnaire_runs SET thanked_at = ? WHERE id = ? AND thanked_at IS NULL",
            (now, run_id),
        )


async def mark_submitted(conn: aiosqlite.Connection, run: Run, now: datetime) -> bool:
    """Within a caller's transaction: close the run, if it is still open at the summary."""
    cursor = await conn.execute(
        "UPDATE questionnaire_runs SET status = 'submitted', submitted_at = ?, updated_at = ? "
        "WHERE id = ? AND status = 'in_progress' AND closed_at IS NULL "
        "AND current_question IS NULL",
        (now, now, run.id),
    )
    return cursor.rowcount == 1


async def _move(
    conn: aiosqlite.Connection, run: Run, to_question: str | None, now: datetime
) -> bool:
    cursor = await conn.execute(
        "UPDATE questionnaire_runs SET current_question = ?, selection = '[]', updated_at = ?, "
        "reminded_at = NULL WHERE id = ? AND status = 'in_progress' AND closed_at IS NULL "
        "AND current_question IS ?",
        (to_question, now, run.id, run.current),
    )
    return cursor.rowcount == 1


async def _with_answers(db: Database, row: aiosqlite.Row) -> Run:
    answer_rows = await db.fetch_all(
        "SELECT question_id, value FROM answers WHERE run_id = ?", (row["id"],)
    )
    return Run(
        id=row["id"],
        participant_id=row["participant_id"],
        questionnaire=row["questionnaire"],
        submitted=row["status"] == "submitted",
        current=row["current_question"],
        selection=tuple(json.loads(row["selection"])),
        answers={r["question_id"]: _from_json(json.loads(r["value"])) for r in answer_rows},
        prompt_message_id=row["prompt_message_id"],
        closed=row["closed_at"] is not None,
    )


def _to_json(value: Answer) -> object:
    return list(value) if isinstance(value, tuple) else value


def _from_json(value: object) -> Answer:
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]
