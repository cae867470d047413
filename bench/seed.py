"""Bulk loading for benchmarks and tests: many rows in one transaction each, without the
events, journal entries and checks the bot's own writes make. Times and days are bound as the
bot stores them (storage/db.py adapts them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from bot.model.questionnaire import Answer, load
from storage import Database

PAIR_COLUMNS = (
    "mentor_id",
    "mentee_id",
    "status",
    "score",
    "proposed_by",
    "proposed_at",
    "mentor_answer",
    "mentee_answer",
    "started_at",
    "ended_at",
    "outcome",
    "job_start",
    "job_hours",
    "job_matches_qualifications",
    "meetings_per_month",
    "updated_at",
)


async def add_participants(
    db: Database,
    rows: Iterable[tuple[int, str | None, str, str, int | None, datetime]],
) -> int:
    """(Telegram user id, role, language, status, recruitment channel id, first contact) each;
    the chat is the user's. They get consecutive ids; returns the first."""
    async with db.transaction() as conn:
        cursor = await conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM participants")
        first = await cursor.fetchone()
        await conn.executemany(
            "INSERT INTO participants (telegram_user_id, chat_id, role, language, "
            "language_chosen, status, recruitment_channel_id, created_at, updated_at) "
            "VALUES (?1, ?1, ?2, ?3, 1, ?4, ?5, ?6, ?6)",
            rows,
        )
    assert first is not None
    return int(first[0])


async def add_pairs(db: Database, rows: Iterable[Mapping[str, object]]) -> int:
    """Each a mapping of PAIR_COLUMNS (times as datetimes, days as dates); no events are
    recorded. They get consecutive ids; returns the first."""
    names = ", ".join(PAIR_COLUMNS)
    marks = ", ".join(f":{name}" for name in PAIR_COLUMNS)
    async with db.transaction() as conn:
        cursor = await conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM pairs")
        first = await cursor.fetchone()
        await conn.executemany(
            # Loaded as history: an active pair's announcement went out when it started.
            f"INSERT INTO pairs (reasons, announced_at, {names}) "
            f"VALUES ('[]', :started_at, {marks})",
            ({name: row[name] for name in PAIR_COLUMNS} for row in rows),
        )
    assert first is not None
    return int(first[0])


async def add_submitted_intakes(
    db: Database, rows: Sequence[tuple[int, datetime, Mapping[str, Answer], bool]]
) -> None:
    """(mentee id, submitted at, answers, already matched) each, as if the mentee had answered
    them all at that time."""
    intake = load("intake")
    async with db.transaction() as conn:
        cursor = await conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM questionnaire_runs")
        found = await cursor.fetchone()
        assert found is not None
        runs = [(int(found[0]) + index, *row) for index, row in enumerate(rows)]
        await conn.executemany(
            "INSERT INTO questionnaire_runs (id, participant_id, questionnaire, version, "
            "status, started_at, updated_at, submitted_at) "
            "VALUES (?1, ?2, ?3, ?4, 'submitted', ?5, ?5, ?5)",
            ((run_id, mentee, intake.id, intake.version, at) for run_id, mentee, at, _, _ in runs),
        )
        await conn.executemany(
            "INSERT INTO answers (run_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)",
            (
                (run_id, question, _json_text(value), at)
                for run_id, _, at, answers, _ in runs
                for question, value in answers.items()
            ),
        )
        await conn.executemany(
            "INSERT INTO intakes (run_id, participant_id, status, submitted_at, "
            "coordinators_told_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            (
                (run_id, mentee, "matched" if matched else "waiting", at)
                for run_id, mentee, at, _, matched in runs
            ),
        )


async def add_meeting_counts(
    db: Database, rows: Iterable[tuple[int, int, datetime | None, datetime | None, datetime]]
) -> None:
    """Pairs' signals: (pair id, meetings reported, first meeting, last meeting, updated)
    each; a pair without a first meeting reported none."""
    rows = list(rows)
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO pair_signals (pair_id, meetings, last_meeting_at, updated_at) "
            "VALUES (?, ?, ?, ?)",
            ((pair, meetings, last, updated) for pair, meetings, _, last, updated in rows),
        )
        await conn.executemany(
            "INSERT INTO first_meetings (pair_id, met_at) VALUES (?, ?)",
            ((pair, first) for pair, _, first, _, _ in rows if first is not None),
        )


async def add_stall_episodes(db: Database, rows: Iterable[tuple[int, str, datetime]]) -> None:
    """Closed stall episodes: (pair id, the one reason, opened at) each, closed a week later."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO stall_episodes (pair_id, reasons, opened_at, alerted_at, closed_at, "
            "closed_because) VALUES (?1, json_array(json_object('reason', ?2, 'side', NULL, "
            "'since', ?3, 'count', 0)), ?3, ?3, datetime(?3, '+7 days'), 'recovered')",
            rows,
        )


async def add_followups(
    db: Database,
    rows: Iterable[tuple[int, int, int, datetime, str, str | None, datetime | None]],
) -> None:
    """Outcome follow-ups: (pair id, mentee id, months, due at, status, answer, answered at)
    each; those sent were sent when due."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO outcome_followups (pair_id, participant_id, months, due_at, status, "
            "sent_at, answer, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, "
            "CASE WHEN ?5 IN ('sent', 'answered') THEN ?4 END, ?6, ?7)",
            rows,
        )


async def add_checkins(
    db: Database,
    rows: Iterable[tuple[int, int, str, datetime, str, datetime | None, str | None]],
) -> int:
    """(pair id, person id, side, due at, status, answered at, answers as JSON text) each;
    those sent were sent when due. They get consecutive ids; returns the first."""
    async with db.transaction() as conn:
        cursor = await conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM checkins")
        first = await cursor.fetchone()
        await conn.executemany(
            "INSERT INTO checkins (pair_id, participant_id, side, due_at, status, sent_at, "
            "answered_at, answers, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
            "CASE WHEN ?5 IN ('sent', 'answered', 'missed') THEN ?4 END, ?6, ?7, ?4)",
            (
                (
                    pair_id,
                    person,
                    side,
                    # In UTC like the bot's own: SQL compares due times as text.
                    due.astimezone(UTC),
                    status,
                    answered.astimezone(UTC) if answered else None,
                    answers or "{}",
                )
                for pair_id, person, side, due, status, answered, answers in rows
            ),
        )
    assert first is not None
    return int(first[0])


async def add_journal_entries(
    db: Database,
    rows: Iterable[tuple[int, int | None, str, str, int | None, str | None, bool, datetime]],
) -> None:
    """(pair id, author id, role, kind, check-in id, answers as JSON text, private, written at)
    each."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO journal (pair_id, author_id, role, kind, checkin_id, answers, private, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (pair_id, author, role, kind, checkin_id, answers, int(private), at)
                for pair_id, author, role, kind, checkin_id, answers, private, at in rows
            ),
        )


def _json_text(value: Answer) -> str:
    """An answer as the answers table keeps it: JSON, a multiple choice as a list."""
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
