"""Submitted screenings, the coordinators' decisions, and their copies of each screening."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.model.questionnaire import Run
from bot.model.screening import (
    TRANSITIONS,
    Decision,
    DecisionRecord,
    Screening,
    ScreeningStatus,
    Waiting,
)
from storage.db import Database, parse_time
from storage.questionnaires import mark_submitted

SCREENING_COLUMNS = "run_id, participant_id, status, course_done_at, submitted_at"
DECISION_COLUMNS = "id, run_id, decision, coordinator_id, coordinator_name, note, decided_at"


async def submit(db: Database, run: Run, now: datetime) -> Screening | None:
    """Close the run and file the screening for review, together; None if already submitted."""
    async with db.transaction() as conn:
        if not await mark_submitted(conn, run, now):
            return None
        await conn.execute(
            "INSERT INTO screenings (run_id, participant_id, status, submitted_at, updated_at) "
            "VALUES (?, ?, 'pending', ?, ?)",
            (run.id, run.participant_id, now, now),
        )
    return await get(db, run.id)


async def get(db: Database, run_id: int) -> Screening | None:
    row = await db.fetch_one(
        f"SELECT {SCREENING_COLUMNS} FROM screenings WHERE run_id = ?", (run_id,)
    )
    return _screening(row) if row else None


async def of_participant(db: Database, participant_id: int) -> Screening | None:
    """The person's latest screening."""
    row = await db.fetch_one(
        f"SELECT {SCREENING_COLUMNS} FROM screenings WHERE participant_id = ? "
        "ORDER BY run_id DESC LIMIT 1",
        (participant_id,),
    )
    return _screening(row) if row else None


async def decide(
    db: Database,
    run_id: int,
    decision: Decision,
    *,
    coordinator_id: int,
    coordinator_name: str,
    now: datetime,
) -> DecisionRecord | None:
    """Record a decision if the screening is still where it may be taken; None if it was not
    (another coordinator was first, or the button was stale)."""
    transition = TRANSITIONS[decision]
    allowed = [status.value for status in transition.allowed_from]
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE screenings SET status = ?, updated_at = ?, "
            "course_done_at = CASE WHEN ? THEN ? ELSE course_done_at END "
            f"WHERE run_id = ? AND course_done_at IS NULL "
            f"AND status IN ({', '.join('?' * len(allowed))})",
            (transition.status.value, now, transition.course_done, now, run_id, *allowed),
        )
        if cursor.rowcount != 1:
            return None
        cursor = await conn.execute(
            "INSERT INTO screening_decisions (run_id, decision, coordinator_id, "
            f"coordinator_name, decided_at) VALUES (?, ?, ?, ?, ?) RETURNING {DECISION_COLUMNS}",
            (run_id, decision.value, coordinator_id, coordinator_name, now),
        )
        row = await cursor.fetchone()
    assert row is not None
    return decision_record(row)


async def decisions(db: Database, run_id: int) -> list[DecisionRecord]:
    rows = await db.fetch_all(
        f"SELECT {DECISION_COLUMNS} FROM screening_decisions WHERE run_id = ? ORDER BY id",
        (run_id,),
    )
    return [decision_record(row) for row in rows]


async def set_note_prompt(db: Database, decision_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE screening_decisions SET note_prompt_message_id = ? WHERE id = ?",
            (message_id, decision_id),
        )


async def add_note(
    db: Database, coordinator_id: int, prompt_message_id: int, note: str
) -> DecisionRecord | None:
    """Attach a note to the decision whose prompt the coordinator replied to."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE screening_decisions SET note = ? "
            "WHERE coordinator_id = ? AND note_prompt_message_id = ? "
            f"RETURNING {DECISION_COLUMNS}",
            (note, coordinator_id, prompt_message_id),
        )
        row = await cursor.fetchone()
    return decision_record(row) if row else None


async def add_review_message(db: Database, run_id: int, chat_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO review_messages (run_id, chat_id, message_id) VALUES (?, ?, ?)",
            (run_id, chat_id, message_id),
        )


async def review_messages(db: Database, run_id: int) -> list[tuple[int, int]]:
    rows = await db.fetch_all(
        "SELECT chat_id, message_id FROM review_messages WHERE run_id = ?", (run_id,)
    )
    return [(row["chat_id"], row["message_id"]) for row in rows]


async def waiting(db: Database) -> list[Waiting]:
    """Screenings to decide on, and approved mentors still to do the course; oldest first."""
    rows = await db.fetch_all(
        "SELECT s.run_id, s.participant_id, s.status, s.course_done_at, s.submitted_at, "
        "  (SELECT value FROM answers WHERE run_id = s.run_id AND question_id = 'name') AS name, "
        "  (SELECT value FROM answers WHERE run_id = s.run_id AND question_id = 'field') AS field, "
        "  (SELECT value FROM answers WHERE run_id = s.run_id AND question_id = 'municipality') "
        "  AS municipality "
        "FROM screenings s "
        "WHERE s.status IN ('pending', 'interview') "
        "   OR (s.status = 'approved' AND s.course_done_at IS NULL) "
        "ORDER BY s.submitted_at, s.run_id"
    )
    return [
        Waiting(
            _screening(row),
            _json_text(row["name"]),
            _json_text(row["field"]),
            _json_text(row["municipality"]),  # text: not placed; a placed one is a code
        )
        for row in rows
    ]


def _json_text(value: str | None) -> str | None:
    decoded = json.loads(value) if value is not None else None
    return decoded if isinstance(decoded, str) else None


def _screening(row: aiosqlite.Row) -> Screening:
    return Screening(
        run_id=row["run_id"],
        participant_id=row["participant_id"],
        status=ScreeningStatus(row["status"]),
        course_done_at=parse_time(row["course_done_at"]),
        submitted_at=parse_time(row["submitted_at"]),
    )


def decision_record(row: aiosqlite.Row) -> DecisionRecord:
    return DecisionRecord(
        id=row["id"],
        run_id=row["run_id"],
        decision=Decision(row["decision"]),
        coordinator_id=row["coordinator_id"],
        coordinator_name=row["coordinator_name"],
        note=row["note"],
        decided_at=parse_time(row["decided_at"]),
    )


async def untold_submitted(db: Database, submitted_before: datetime) -> list[Screening]:
    """Screenings the coordinators have not been sent for review (a crash cut it off)."""
    rows = await db.fetch_all(
        f"SELECT {SCREENING_COLUMNS} FROM screenings "
        "WHERE coordinators_told_at IS NULL AND submitted_at < ? ORDER BY run_id",
        (submitted_before,),
    )
    return [_screening(row) for row in rows]


async def mark_coordinators_told(db: Database, run_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE screenings SET coordinators_told_at = ? "
            "WHERE run_id = ? AND coordinators_told_at IS NULL",
            (now, run_id),
        )


async def untold_decisions(db: Database, decided_before: datetime) -> list[DecisionRecord]:
    """Decisions the mentor has not been told of, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {DECISION_COLUMNS} FROM screening_decisions "
        "WHERE mentor_told_at IS NULL AND decided_at < ? ORDER BY id",
        (decided_before,),
    )
    return [decision_record(row) for row in rows]


async def mark_mentor_told(db: Database, decision_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE screening_decisions SET mentor_told_at = ? "
            "WHERE id = ? AND mentor_told_at IS NULL",
            (now, decision_id),
        )
