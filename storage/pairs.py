"""Proposals, pairs, their events and agreements; and the answers that matching reads."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

import aiosqlite

from bot.model.pairs import Outcome, Pair, PairEvent, PairStatus, Side
from bot.model.questionnaire import Answer
from storage.db import Database, parse_day, parse_time
from storage.slices import converted

PAIR_COLUMNS = (
    "id, mentor_id, mentee_id, status, score, reasons, proposed_at, mentor_answer, "
    "mentee_answer, decline_reason, reminded_at, started_at, resume_on, ended_at, outcome, "
    "meetings_per_month, agreed_until, updated_at, checkin_every_days"
)
OPEN = "('proposed', 'active', 'paused')"


async def propose(
    db: Database,
    *,
    mentor_id: int,
    mentee_id: int,
    score: int,
    reasons: list[tuple[str, str]],
    coordinator_id: int,
    actor_id: int,
    now: datetime,
) -> Pair | None:
    """A new proposal; None when the mentee is already in a proposal or a pair."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO pairs (mentor_id, mentee_id, status, score, reasons, "
            "proposed_by, proposed_at, updated_at) VALUES (?, ?, 'proposed', ?, ?, ?, ?, ?) "
            f"RETURNING {PAIR_COLUMNS}",
            (mentor_id, mentee_id, score, json.dumps(reasons), coordinator_id, now, now),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        await _event(conn, row["id"], "proposed", actor_id, None, now)
    return _pair(row)


async def answer(
    db: Database,
    pair_id: int,
    side: Side,
    accepted: bool,
    *,
    actor_id: int,
    reason: str | None,
    now: datetime,
) -> Pair | None:
    """One side's answer to a proposal, once; the pair is active when both said yes and
    declined when either said no. None if the proposal was no longer open for this answer."""
    column = f"{side.value}_answer"
    other = f"{(Side.MENTEE if side is Side.MENTOR else Side.MENTOR).value}_answer"
    verdict = "accepted" if accepted else "declined"
    async with db.transaction() as conn:
        cursor = await conn.execute(
            f"UPDATE pairs SET {column} = ?, updated_at = ?, "
            "status = CASE WHEN ? = 'declined' THEN 'declined' "
            f"  WHEN {other} = 'accepted' THEN 'active' ELSE status END, "
            f"started_at = CASE WHEN ? = 'accepted' AND {other} = 'accepted' "
            "  THEN ? ELSE started_at END, "
            "decline_reason = CASE WHEN ? = 'declined' THEN ? ELSE decline_reason END "
            f"WHERE id = ? AND status = 'proposed' AND {column} IS NULL "
            f"RETURNING {PAIR_COLUMNS}",
            (verdict, now, verdict, verdict, now, verdict, reason, pair_id),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        await _event(conn, pair_id, verdict, actor_id, reason, now)
        if row["status"] == PairStatus.ACTIVE:
            await _event(conn, pair_id, "active", None, None, now)
            await conn.execute(
                "UPDATE intakes SET status = 'matched' WHERE participant_id = ?",
                (row["mentee_id"],),
            )
    return _pair(row)


async def move(
    db: Database,
    pair_id: int,
    *,
    allowed_from: tuple[PairStatus, ...],
    to: PairStatus,
    event: str,
    actor_id: int | None,
    detail: str | None,
    now: datetime,
    resume_on: date | None = None,
    outcome: Outcome | None = None,
    job: tuple[str | None, int | None, bool | None] = (None, None, None),
) -> Pair | None:
    """Change a pair's state if it is in one of `allowed_from`; recorded as an event."""
    froms = ", ".join(f"'{status.value}'" for status in allowed_from)
    ending = to in (PairStatus.ENDED, PairStatus.LAPSED)
    job_start, job_hours, job_matches = job
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE pairs SET status = ?, updated_at = ?, resume_on = ?, "
            # The first end counts: recording an ended pair's job later keeps its end time.
            "ended_at = CASE WHEN ? THEN COALESCE(ended_at, ?) ELSE ended_at END, "
            "outcome = COALESCE(?, outcome), job_start = COALESCE(?, job_start), "
            "job_hours = COALESCE(?, job_hours), "
            "job_matches_qualifications = COALESCE(?, job_matches_qualifications) "
            f"WHERE id = ? AND status IN ({froms}) RETURNING {PAIR_COLUMNS}",
            (
                to.value,
                now,
                resume_on,
                ending,
                now,
                outcome.value if outcome else None,
                job_start,
                job_hours,
                None if job_matches is None else int(job_matches),
                pair_id,
            ),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        await _event(conn, pair_id, event, actor_id, detail, now)
    return _pair(row)


async def mark_reminded(db: Database, pair_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE pairs SET reminded_at = ? WHERE id = ?", (now, pair_id))


async def get(db: Database, pair_id: int) -> Pair | None:
    row = await db.lookup(f"SELECT {PAIR_COLUMNS} FROM pairs WHERE id = ?", (pair_id,))
    return _pair(row) if row else None


async def open_pairs_of(db: Database, participant_id: int) -> list[Pair]:
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status IN {OPEN} "
        "AND (mentor_id = ? OR mentee_id = ?) ORDER BY id",
        (participant_id, participant_id),
    )
    return [_pair(row) for row in rows]


async def with_status(db: Database, *statuses: PairStatus) -> list[Pair]:
    marks = ", ".join("?" * len(statuses))
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status IN ({marks}) ORDER BY proposed_at, id",
        tuple(status.value for status in statuses),
    )
    return await converted(rows, _pair)


async def events(db: Database, pair_id: int) -> list[PairEvent]:
    rows = await db.fetch_all(
        "SELECT pair_id, event, actor_id, detail, at FROM pair_events WHERE pair_id = ? "
        "ORDER BY id",
        (pair_id,),
    )
    return [
        PairEvent(r["pair_id"], r["event"], r["actor_id"], r["detail"], parse_time(r["at"]))
        for r in rows
    ]


async def last_activity(db: Database, pair_ids: list[int]) -> dict[int, datetime]:
    if not pair_ids:
        return {}
    marks = ", ".join("?" * len(pair_ids))
    rows = await db.fetch_all(
        f"SELECT pair_id, MAX(at) AS at FROM pair_events WHERE pair_id IN ({marks}) "
        "GROUP BY pair_id",
        tuple(pair_ids),
    )
    return {row["pair_id"]: parse_time(row["at"]) for row in rows}


async def state_agreement(
    db: Database, pair_id: int, participant_id: int, per_month: int, months: int, now: datetime
) -> dict[int, tuple[int, int]]:
    """Record one side's account of the agreement; returns both sides' accounts so far."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO agreements (pair_id, participant_id, meetings_per_month, months, "
            "stated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (pair_id, participant_id) DO UPDATE "
            "SET meetings_per_month = excluded.meetings_per_month, months = excluded.months, "
            "stated_at = excluded.stated_at",
            (pair_id, participant_id, per_month, months, now),
        )
        cursor = await conn.execute(
            "SELECT participant_id, meetings_per_month, months FROM agreements WHERE pair_id = ?",
            (pair_id,),
        )
        rows = await cursor.fetchall()
    return {row["participant_id"]: (row["meetings_per_month"], row["months"]) for row in rows}


async def set_agreement(
    db: Database, pair_id: int, per_month: int, until: date, now: datetime
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE pairs SET meetings_per_month = ?, agreed_until = ?, updated_at = ? "
            "WHERE id = ?",
            (per_month, until, now, pair_id),
        )
        await _event(conn, pair_id, "agreed", None, f"{per_month}/{until}", now)


async def ready_mentors(db: Database) -> list[tuple[int, dict[str, Answer], int, int | None]]:
    """(participant id, screening answers, open pairs, the coordinator's capacity if set) of
    every mentor ready for matching."""
    rows = await db.fetch_all(
        "SELECT s.participant_id, s.run_id, c.capacity, "
        f"  (SELECT COUNT(*) FROM pairs p WHERE p.mentor_id = s.participant_id "
        f"   AND p.status IN {OPEN}) AS open_pairs "
        "FROM screenings s JOIN participants m ON m.id = s.participant_id "
        "LEFT JOIN mentor_capacity c ON c.participant_id = s.participant_id "
        "WHERE s.status = 'approved' AND s.course_done_at IS NOT NULL AND m.status = 'active' "
        "AND m.erased_at IS NULL "
        "ORDER BY s.participant_id"
    )
    answers = await _answers(db, [row["run_id"] for row in rows])
    return [
        (r["participant_id"], answers[r["run_id"]], r["open_pairs"], r["capacity"]) for r in rows
    ]


async def set_capacity(
    db: Database, participant_id: int, capacity: int, set_by: int, now: datetime
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO mentor_capacity (participant_id, capacity, set_by, set_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (participant_id) DO UPDATE SET "
            "capacity = excluded.capacity, set_by = excluded.set_by, set_at = excluded.set_at",
            (participant_id, capacity, set_by, now),
        )


async def waiting_mentees(db: Database) -> list[tuple[int, datetime, dict[str, Answer]]]:
    """(participant id, intake time, intake answers) of mentees with no proposal or pair, oldest
    first."""
    rows = await db.fetch_all(
        "SELECT i.participant_id, i.run_id, i.submitted_at FROM intakes i "
        "WHERE i.status = 'waiting' AND NOT EXISTS (SELECT 1 FROM pairs p "
        f"  WHERE p.mentee_id = i.participant_id AND p.status IN {OPEN}) "
        "AND i.participant_id NOT IN (SELECT id FROM participants WHERE erased_at IS NOT NULL) "
        "ORDER BY i.submitted_at, i.run_id"
    )
    answers = await _answers(db, [row["run_id"] for row in rows])
    return [
        (r["participant_id"], parse_time(r["submitted_at"]), answers[r["run_id"]]) for r in rows
    ]


async def answers_of(db: Database, participant_id: int, questionnaire: str) -> dict[str, Answer]:
    """The answers of the person's latest submitted run of a questionnaire."""
    row = await db.fetch_one(
        "SELECT id FROM questionnaire_runs WHERE participant_id = ? AND questionnaire = ? "
        "AND status = 'submitted' ORDER BY id DESC LIMIT 1",
        (participant_id, questionnaire),
    )
    if row is None:
        return {}
    return (await _answers(db, [row["id"]]))[row["id"]]


async def _answers(db: Database, run_ids: list[int]) -> dict[int, dict[str, Answer]]:
    found: dict[int, dict[str, Answer]] = defaultdict(dict)
    for start in range(0, len(run_ids), 500):
        chunk = run_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = await db.fetch_all(
            f"SELECT run_id, question_id, value FROM answers WHERE run_id IN ({marks})",
            tuple(chunk),
        )
        for row in rows:
            value = json.loads(row["value"])
            found[row["run_id"]][row["question_id"]] = (
                tuple(value) if isinstance(value, list) else value
            )
    return found


async def _event(
    conn: aiosqlite.Connection,
    pair_id: int,
    event: str,
    actor_id: int | None,
    detail: str | None,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO pair_events (pair_id, event, actor_id, detail, at) VALUES (?, ?, ?, ?, ?)",
        (pair_id, event, actor_id, detail, now),
    )


def _pair(row: aiosqlite.Row) -> Pair:
    return Pair(
        id=row["id"],
        mentor_id=row["mentor_id"],
        mentee_id=row["mentee_id"],
        status=PairStatus(row["status"]),
        score=row["score"],
        reasons=tuple(tuple(reason) for reason in json.loads(row["reasons"])),
        proposed_at=parse_time(row["proposed_at"]),
        mentor_answer=row["mentor_answer"],
        mentee_answer=row["mentee_answer"],
        decline_reason=row["decline_reason"],
        reminded_at=parse_time(row["reminded_at"]),
        started_at=parse_time(row["started_at"]),
        resume_on=parse_day(row["resume_on"]),
        ended_at=parse_time(row["ended_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        meetings_per_month=row["meetings_per_month"],
        agreed_until=parse_day(row["agreed_until"]),
        updated_at=parse_time(row["updated_at"]),
        checkin_every_days=row["checkin_every_days"],
    )


async def record_event(
    db: Database, pair_id: int, event: str, actor_id: int | None, detail: str | None, now: datetime
) -> None:
    async with db.transaction() as conn:
        await _event(conn, pair_id, event, actor_id, detail, now)


async def add_prompt(
    db: Database, chat_id: int, message_id: int, kind: str, subject_id: int, now: datetime
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO reply_prompts (chat_id, message_id, kind, subject_id, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (chat_id, message_id, kind, subject_id, now),
        )


async def prompt(db: Database, chat_id: int, message_id: int) -> tuple[str, int] | None:
    """(kind, subject id) of the message a reply answers, if the bot asked for one."""
    row = await db.fetch_one(
        "SELECT kind, subject_id FROM reply_prompts WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return (row["kind"], row["subject_id"]) if row else None


async def unannounced(db: Database, started_before: datetime) -> list[Pair]:
    """Active pairs whose announcement to both sides and the coordinators is not marked sent."""
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE announced_at IS NULL AND status = 'active' "
        "AND started_at < ? ORDER BY id",
        (started_before,),
    )
    return [_pair(row) for row in rows]


async def mark_announced(db: Database, pair_id: int, now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE pairs SET announced_at = ? WHERE id = ? AND announced_at IS NULL",
            (now, pair_id),
        )
