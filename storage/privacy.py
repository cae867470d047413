"""Consents, a participant's data for export, erasure and the retention period's candidates."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from bot.model.privacy import (
    Consent,
    ConsentVersion,
    Erasure,
    ExportedCourseSeat,
    ExportedDecision,
    ExportedEntry,
    ExportedFollowUp,
    ExportedPair,
    ExportedRun,
    StoppedPair,
)
from storage.db import Database, parse_time
from storage.effects import EFFECT_QUESTIONS, MENTOR_EFFECT_QUESTIONS
from storage.report_query import PROFILE_QUESTIONS

OPEN = "('proposed', 'active', 'paused')"
# A follow-up an erased person will never be asked: far in the future, so it never falls due
# (and a pair with a follow-up row is not given new ones). The report counts only sent ones.
NEVER = "9999-12-31T00:00:00+00:00"


async def add_consent(
    conn: aiosqlite.Connection,
    participant_id: int,
    questionnaire: str,
    version: ConsentVersion,
    now: datetime,
) -> None:
    """Within the caller's transaction (the one that stores the consent answer)."""
    await conn.execute(
        "INSERT OR IGNORE INTO consent_texts (text_version, text) VALUES (?, ?)",
        (version.id, version.text),
    )
    await conn.execute(
        "INSERT INTO consents (participant_id, questionnaire, text_version, given_at) "
        "VALUES (?, ?, ?, ?)",
        (participant_id, questionnaire, version.id, now),
    )


async def consents(db: Database, participant_id: int) -> list[Consent]:
    rows = await db.fetch_all(
        "SELECT c.questionnaire, c.text_version, t.text, c.given_at, c.withdrawn_at "
        "FROM consents c JOIN consent_texts t USING (text_version) "
        "WHERE c.participant_id = ? ORDER BY c.id",
        (participant_id,),
    )
    return [
        Consent(
            questionnaire=row["questionnaire"],
            version=row["text_version"],
            text=row["text"],
            given_at=parse_time(row["given_at"]),
            withdrawn_at=parse_time(row["withdrawn_at"]),
        )
        for row in rows
    ]


async def withdraw(db: Database, participant_id: int, now: datetime) -> list[StoppedPair] | None:
    """Withdraw every standing consent, close what is open and stop the person's pairs: an
    unfinished questionnaire and an unanswered check-in take no more answers, a proposal is
    declined, an active or paused pair paused without a date (no check-ins until a coordinator
    acts). None if no consent was standing."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE consents SET withdrawn_at = ? "
            "WHERE participant_id = ? AND withdrawn_at IS NULL",
            (now, participant_id),
        )
        if cursor.rowcount == 0:
            return None
        await conn.execute(
            "UPDATE questionnaire_runs SET closed_at = ?, updated_at = ? "
            "WHERE participant_id = ? AND status = 'in_progress' AND closed_at IS NULL",
            (now, now, participant_id),
        )
        await conn.execute(
            "UPDATE checkins SET status = 'missed' "
            "WHERE participant_id = ? AND status IN ('pending', 'sent')",
            (participant_id,),
        )
        return await _stop_pairs(conn, participant_id, "consent_withdrawn", now)


async def consent_again(
    db: Database, participant_id: int, questionnaire: str, version: ConsentVersion, now: datetime
) -> bool:
    """Record a new consent to this text, if none stands; False if one stands already."""
    async with db.transaction() as conn:
        row = await (
            await conn.execute(
                "SELECT 1 FROM consents WHERE participant_id = ? AND withdrawn_at IS NULL",
                (participant_id,),
            )
        ).fetchone()
        if row is not None:
            return False
        await add_consent(conn, participant_id, questionnaire, version, now)
        return True


async def erase(db: Database, participant_id: int, because: str, now: datetime) -> Erasure | None:
    """Erase what names or describes the person, in one transaction; None if already erased.

    Kept, without anything that identifies the person: the participant row's role, status,
    first contact and recruitment channel; the screening's and intake's state and dates; the
    intake's field, municipality and Danish level and the screening's field; pairs, check-in
    states and the journal's structured answers. These are the evaluation report's figures
    (storage/evaluation.py, storage/effects.py).
    """
    async with db.transaction() as conn:
        # What they wrote to the bot, kept for a replay: gone with the rest (their chat id is
        # cleared below, so first).
        await conn.execute(
            "DELETE FROM inbox WHERE chat_id IN "
            "(SELECT chat_id FROM participants WHERE id = ? AND erased_at IS NULL)",
            (participant_id,),
        )
        cursor = await conn.execute(
            # Telegram's ids are positive: -id can never be a real person, so a later /start
            # from the same account meets nobody and begins as a new participant.
            "UPDATE participants SET telegram_user_id = -id, chat_id = 0, erased_at = ?, "
            "erased_because = ?, updated_at = ? WHERE id = ? AND erased_at IS NULL "
            "RETURNING role",
            (now, because, now, participant_id),
        )
        row = await cursor.fetchone()
        if row is None:
            return None
        stopped = await _stop_pairs(conn, participant_id, "erased", now)
        await _erase_answers(conn, participant_id)
        await _erase_journal(conn, participant_id)
        for statement in _ERASE_ROWS:
            await conn.execute(statement, (participant_id,))
        await conn.execute(
            "UPDATE outcome_followups SET due_at = ? "
            "WHERE participant_id = ? AND status = 'scheduled'",
            (NEVER, participant_id),
        )
    return Erasure(participant_id=participant_id, role=row["role"], stopped_pairs=stopped)


_ERASE_ROWS = (
    "DELETE FROM consents WHERE participant_id = ?",
    "DELETE FROM introductions WHERE participant_id = ?",
    "DELETE FROM checkin_pauses WHERE participant_id = ?",
    "DELETE FROM mentor_capacity WHERE participant_id = ?",
    "DELETE FROM agreements WHERE participant_id = ?",
    "DELETE FROM meeting_drafts WHERE participant_id = ?",
    # A meeting's place may say where the person lives or works; nothing more goes out about it.
    "UPDATE meetings SET place = NULL WHERE pair_id IN "
    "(SELECT id FROM pairs WHERE mentor_id = ?1 OR mentee_id = ?1)",
    "UPDATE meeting_notices SET status = 'dropped' WHERE status IN ('due', 'pending') "
    "AND meeting_id IN (SELECT m.id FROM meetings m JOIN pairs p ON p.id = m.pair_id "
    "WHERE p.mentor_id = ?1 OR p.mentee_id = ?1)",
    # The coordinators' copies of the screening show the name: nothing edits them any more.
    "DELETE FROM review_messages WHERE run_id IN "
    "(SELECT run_id FROM screenings WHERE participant_id = ?)",
    "UPDATE screening_decisions SET note = NULL WHERE run_id IN "
    "(SELECT run_id FROM screenings WHERE participant_id = ?)",
    "DELETE FROM questionnaire_runs WHERE participant_id = ? AND status = 'in_progress'",
    # What they once typed as their municipality, and who placed it.
    "DELETE FROM municipality_changes WHERE run_id IN "
    "(SELECT id FROM questionnaire_runs WHERE participant_id = ?)",
    # Nothing is owed to anyone about an erased person: the notices scan must not send a
    # screening, a decision or an intake that a crash had cut off.
    "UPDATE screenings SET coordinators_told_at = COALESCE(coordinators_told_at, submitted_at) "
    "WHERE participant_id = ?",
    "UPDATE screening_decisions SET mentor_told_at = COALESCE(mentor_told_at, decided_at) "
    "WHERE run_id IN (SELECT run_id FROM screenings WHERE participant_id = ?)",
    "UPDATE intakes SET coordinators_told_at = COALESCE(coordinators_told_at, submitted_at) "
    "WHERE participant_id = ?",
    # The mentor course: no invitation, reminder or news for an erased mentor; an attended
    # seat stays for the report's figures.
    "DELETE FROM course_invitations WHERE participant_id = ?",
    "DELETE FROM course_no_fit WHERE participant_id = ?",
    "UPDATE course_seats SET status = CASE WHEN attended IS NULL THEN 'cancelled' ELSE status END, "
    "news_told_at = COALESCE(news_told_at, updated_at), "
    "reminded_at = COALESCE(reminded_at, updated_at) WHERE participant_id = ?",
    "UPDATE questionnaire_runs SET thanked_at = COALESCE(thanked_at, submitted_at) "
    "WHERE participant_id = ? AND status = 'submitted'",
)


async def _erase_answers(conn: aiosqlite.Connection, participant_id: int) -> None:
    """Every questionnaire answer but those the evaluation counts: the intake's field,
    municipality and Danish level, and the screening's field."""
    intake = ", ".join(f"'{question}'" for question in (*PROFILE_QUESTIONS, *EFFECT_QUESTIONS))
    screening = ", ".join(f"'{question}'" for question in MENTOR_EFFECT_QUESTIONS)
    await conn.execute(
        "DELETE FROM answers WHERE run_id IN "
        "(SELECT id FROM questionnaire_runs WHERE participant_id = ?1) "
        f"AND NOT (question_id IN ({intake}) "
        "AND run_id IN (SELECT run_id FROM intakes WHERE participant_id = ?1)) "
        f"AND NOT (question_id IN ({screening}) "
        "AND run_id IN (SELECT run_id FROM screenings WHERE participant_id = ?1))",
        (participant_id,),
    )


async def _erase_journal(conn: aiosqlite.Connection, participant_id: int) -> None:
    """Their own words and voice, and the coordinators' notes on their pairs; the buttons they
    pressed stay (the report counts them)."""
    await conn.execute(
        "UPDATE journal SET text = NULL, voice_file_id = NULL, "
        "answers = CASE WHEN answers IS NULL THEN NULL ELSE json_remove(answers, '$.note') END "
        "WHERE author_id = ?",
        (participant_id,),
    )
    await conn.execute(
        "UPDATE journal SET text = NULL WHERE role = 'coordinator' AND pair_id IN "
        "(SELECT id FROM pairs WHERE mentor_id = ?1 OR mentee_id = ?1)",
        (participant_id,),
    )
    await conn.execute(
        "UPDATE checkins SET answers = json_remove(answers, '$.note') WHERE participant_id = ?",
        (participant_id,),
    )


async def _stop_pairs(
    conn: aiosqlite.Connection, participant_id: int, event: str, now: datetime
) -> list[StoppedPair]:
    cursor = await conn.execute(
        f"SELECT id, mentor_id, mentee_id, status FROM pairs WHERE status IN {OPEN} "
        "AND (mentor_id = ?1 OR mentee_id = ?1) ORDER BY id",
        (participant_id,),
    )
    stopped = []
    for row in await cursor.fetchall():
        to = "declined" if row["status"] == "proposed" else "paused"
        await conn.execute(
            "UPDATE pairs SET status = ?, resume_on = NULL, updated_at = ? WHERE id = ?",
            (to, now, row["id"]),
        )
        await conn.execute(
            "INSERT INTO pair_events (pair_id, event, actor_id, detail, at) VALUES (?, ?, ?, ?, ?)",
            (row["id"], event, participant_id, to, now),
        )
        other = row["mentee_id"] if row["mentor_id"] == participant_id else row["mentor_id"]
        stopped.append(StoppedPair(row["id"], other, proposal=row["status"] == "proposed"))
    return stopped


async def retention_due(db: Database, ended_before: datetime) -> list[int]:
    """Mentors and mentees not yet erased, with no open proposal or pair, whose last pair ended
    before `ended_before`."""
    rows = await db.fetch_all(
        "SELECT p.id FROM participants p WHERE p.erased_at IS NULL "
        "AND p.role IN ('mentor', 'mentee') "
        "AND (SELECT MAX(COALESCE(x.ended_at, x.updated_at)) FROM pairs x "
        "     WHERE (x.mentor_id = p.id OR x.mentee_id = p.id)) < ?1 "
        "AND EXISTS (SELECT 1 FROM pairs x WHERE x.status = 'ended' "
        "            AND (x.mentor_id = p.id OR x.mentee_id = p.id)) "
        f"AND NOT EXISTS (SELECT 1 FROM pairs x WHERE x.status IN {OPEN} "
        "                AND (x.mentor_id = p.id OR x.mentee_id = p.id)) ORDER BY p.id",
        (ended_before,),
    )
    return [row["id"] for row in rows]


# -- what the programme holds about one person, for /mydata ------------------------------------


async def runs(db: Database, participant_id: int) -> list[ExportedRun]:
    rows = await db.fetch_all(
        "SELECT id, questionnaire, status, started_at, submitted_at FROM questionnaire_runs "
        "WHERE participant_id = ? ORDER BY id",
        (participant_id,),
    )
    found = []
    for row in rows:
        answers = await db.fetch_all(
            "SELECT question_id, value FROM answers WHERE run_id = ?", (row["id"],)
        )
        found.append(
            ExportedRun(
                questionnaire=row["questionnaire"],
                submitted=row["status"] == "submitted",
                started_at=parse_time(row["started_at"]),
                submitted_at=parse_time(row["submitted_at"]),
                answers={a["question_id"]: _answer(a["value"]) for a in answers},
            )
        )
    return found


async def decisions(db: Database, participant_id: int) -> list[ExportedDecision]:
    """The coordinators' decisions on the person's screenings, with their notes."""
    rows = await db.fetch_all(
        "SELECT d.decision, d.note, d.decided_at FROM screening_decisions d "
        "JOIN screenings s ON s.run_id = d.run_id WHERE s.participant_id = ? ORDER BY d.id",
        (participant_id,),
    )
    return [
        ExportedDecision(row["decision"], row["note"], parse_time(row["decided_at"]))
        for row in rows
    ]


async def pairs(db: Database, participant_id: int) -> list[ExportedPair]:
    rows = await db.fetch_all(
        "SELECT id, mentor_id = ?1 AS as_mentor, status, proposed_at, started_at, ended_at, "
        "outcome FROM pairs WHERE mentor_id = ?1 OR mentee_id = ?1 ORDER BY id",
        (participant_id,),
    )
    return [
        ExportedPair(
            id=row["id"],
            as_mentor=bool(row["as_mentor"]),
            status=row["status"],
            proposed_at=parse_time(row["proposed_at"]),
            started_at=parse_time(row["started_at"]),
            ended_at=parse_time(row["ended_at"]),
            outcome=row["outcome"],
        )
        for row in rows
    ]


async def journal(db: Database, participant_id: int) -> list[ExportedEntry]:
    """Their own entries, and the coordinators' notes on their pairs (see bot/privacy.py)."""
    rows = await db.fetch_all(
        "SELECT j.pair_id, j.role, j.kind, j.answers, j.text, j.voice_file_id IS NOT NULL "
        "AS voice, j.created_at FROM journal j JOIN pairs p ON p.id = j.pair_id "
        "WHERE (p.mentor_id = ?1 OR p.mentee_id = ?1) "
        "AND (j.author_id = ?1 OR (j.role = 'coordinator' AND j.kind = 'note')) "
        "ORDER BY j.pair_id, j.id",
        (participant_id,),
    )
    return [
        ExportedEntry(
            pair_id=row["pair_id"],
            by_coordinator=row["role"] == "coordinator",
            side=row["role"],
            kind=row["kind"],
            answers=json.loads(row["answers"]) if row["answers"] else {},
            text=row["text"],
            voice=bool(row["voice"]),
            at=parse_time(row["created_at"]),
        )
        for row in rows
    ]


async def follow_ups(db: Database, participant_id: int) -> list[ExportedFollowUp]:
    rows = await db.fetch_all(
        "SELECT months, answer, answered_at FROM outcome_followups "
        "WHERE participant_id = ? AND status = 'answered' ORDER BY months",
        (participant_id,),
    )
    return [
        ExportedFollowUp(row["months"], row["answer"], parse_time(row["answered_at"]))
        for row in rows
    ]


def _answer(stored: str) -> object:
    value = json.loads(stored)
    return tuple(value) if isinstance(value, list) else value


async def course_seats(db: Database, participant_id: int) -> list[ExportedCourseSeat]:
    rows = await db.fetch_all(
        "SELECT c.starts_at, c.place, cs.status, cs.attended FROM course_seats cs "
        "JOIN course_sessions c ON c.id = cs.session_id WHERE cs.participant_id = ? "
        "ORDER BY c.starts_at",
        (participant_id,),
    )
    return [
        ExportedCourseSeat(
            starts_at=parse_time(row["starts_at"]),
            place=row["place"],
            status=row["status"],
            attended=None if row["attended"] is None else bool(row["attended"]),
        )
        for row in rows
    ]
