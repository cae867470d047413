"""The evaluation report's queries: aggregates counted in SQL (storage/report_query.py says
what a query covers)."""

from __future__ import annotations

import json

import aiosqlite

from storage.db import Database
from storage.report_query import (
    ENDED_PAIRS,
    PROFILE,
    PROFILE_QUESTIONS,
    QUARTER,
    WORK,
    Params,
    ReportQuery,
    chosen,
    during,
    ended,
    mentor_chosen,
    period,
)
from storage.slices import converted

COUNTED_CHECKINS = "('answered', 'missed', 'sent')"


async def stored_answers(db: Database, question_id: str) -> dict[str, object]:
    """Every distinct stored answer (JSON text) to the field or municipality question, with
    its value."""
    if question_id not in PROFILE_QUESTIONS:
        raise ValueError(f"not a question the report filters by: {question_id!r}")
    # The question is written out, not bound: only then is its partial index used.
    rows = await db.fetch_all(
        f"SELECT DISTINCT value FROM answers WHERE question_id = '{question_id}'"
    )
    return {row["value"]: json.loads(row["value"]) for row in rows}


async def participant_counts(db: Database, query: ReportQuery) -> list[tuple[str | None, str, int]]:
    """(role, status, count) of participants who first wrote in the period. Only mentees are
    restricted by field and municipality."""
    q = Params()
    first, after = period(q, query)
    others = "1" if query.mentor_municipalities is None else "0"
    rows = await db.fetch_all(
        f"SELECT p.role, p.status, COUNT(*) AS n FROM participants p "
        f"WHERE {during('p.created_at', first, after)} "
        f"AND CASE p.role WHEN 'mentee' THEN {chosen(q, query, 'p.id')} "
        f"WHEN 'mentor' THEN {mentor_chosen(q, query, 'p.id')} ELSE {others} END "
        "GROUP BY p.role, p.status",
        q.values,
    )
    return [(row["role"], row["status"], row["n"]) for row in rows]


async def screening_counts(db: Database, query: ReportQuery) -> list[tuple[str, bool, int]]:
    """(status, mentor course done, count) of screenings submitted in the period."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        "SELECT status, course_done_at IS NOT NULL AS course_done, COUNT(*) AS n "
        f"FROM screenings WHERE {during('submitted_at', first, after)} "
        f"AND {mentor_chosen(q, query, 'participant_id')} GROUP BY status, course_done",
        q.values,
    )
    return [(row["status"], bool(row["course_done"]), row["n"]) for row in rows]


async def course_totals(db: Database, query: ReportQuery) -> dict[str, int]:
    """The mentor course sessions that began in the period (published, not deleted): how
    many, the seats taken on them and the mentors who came, of the query's mentors."""
    q = Params()
    first, after = period(q, query)
    mentor = mentor_chosen(q, query, "cs.participant_id")
    row = await db.fetch_one(
        "SELECT COUNT(DISTINCT c.id) AS sessions, "
        f"COUNT(cs.participant_id) FILTER (WHERE cs.status = 'booked' AND {mentor}) "
        "  AS seats_taken, "
        f"COUNT(cs.participant_id) FILTER (WHERE cs.attended = 1 AND {mentor}) AS attended "
        "FROM course_sessions c LEFT JOIN course_seats cs ON cs.session_id = c.id "
        "WHERE c.published_at IS NOT NULL AND c.deleted_at IS NULL "
        f"AND {during('c.starts_at', first, after)}",
        q.values,
    )
    assert row is not None
    return dict(row)


async def days_to_course(db: Database, query: ReportQuery) -> list[tuple[int, int]]:
    """(days, mentors): whole days from a screening's approval to its course done, for
    courses done in the period (at a session or elsewhere)."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        "SELECT CAST(julianday(s.course_done_at) - julianday(("
        "  SELECT MIN(decided_at) FROM screening_decisions "
        "  WHERE run_id = s.run_id AND decision = 'approved'"
        ")) AS INTEGER) AS days, COUNT(*) AS n FROM screenings s "
        f"WHERE {during('s.course_done_at', first, after)} "
        f"AND {mentor_chosen(q, query, 's.participant_id')} GROUP BY days "
        "HAVING days IS NOT NULL",
        q.values,
    )
    return [(row["days"], row["n"]) for row in rows]


async def pair_totals(db: Database, query: ReportQuery) -> dict[str, float]:
    """The pairs of the query's mentees, counted in one pass.

    proposed, declined, lapsed, waiting: proposals made in the period, and how they stand.
    started: pairs whose both sides accepted in the period. ended: ended in the period.
    running: started by the period's end and not ended by then (now, with no end).
    met_pairs, meetings, active_days: pairs that started and ran at some time in the period,
    the meetings their check-ins reported in their whole life, and the days they ran (until
    their end, or now).
    """
    q = Params()
    first, after = period(q, query)
    now = q.add(query.now)
    proposed = during("p.proposed_at", first, after)
    ran = f"(p.started_at < {after} AND (p.ended_at IS NULL OR p.ended_at >= {first}))"
    row = await db.fetch_one(
        f"SELECT COUNT(*) FILTER (WHERE {proposed}) AS proposed, "
        f"COUNT(*) FILTER (WHERE {proposed} AND p.status = 'declined') AS declined, "
        f"COUNT(*) FILTER (WHERE {proposed} AND p.status = 'lapsed') AS lapsed, "
        f"COUNT(*) FILTER (WHERE {proposed} AND p.status = 'proposed') AS waiting, "
        f"COUNT(*) FILTER (WHERE {during('p.started_at', first, after)}) AS started, "
        f"COUNT(*) FILTER (WHERE {ended(first, after)}) AS ended, "
        f"COUNT(*) FILTER (WHERE p.started_at < {after} "
        f"  AND (p.ended_at IS NULL OR p.ended_at >= {after})) AS running, "
        f"COUNT(*) FILTER (WHERE {ran}) AS met_pairs, "
        f"TOTAL(s.meetings) FILTER (WHERE {ran}) AS meetings, "
        f"TOTAL(julianday(COALESCE(p.ended_at, {now})) - julianday(p.started_at)) "
        f"  FILTER (WHERE {ran}) AS active_days "
        "FROM pairs p LEFT JOIN pair_signals s ON s.pair_id = p.id "
        f"WHERE {chosen(q, query, 'p.mentee_id')}",
        q.values,
    )
    assert row is not None
    return dict(row)


async def outcome_counts(db: Database, query: ReportQuery) -> list[tuple[str | None, int]]:
    """(outcome, count) of the pairs that ended in the period; None: no outcome recorded."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        f"SELECT p.outcome, COUNT(*) AS n FROM {ENDED_PAIRS} WHERE {ended(first, after)} "
        f"AND {chosen(q, query, 'p.mentee_id')} GROUP BY p.outcome",
        q.values,
    )
    return [(row["outcome"], row["n"]) for row in rows]


async def days_to_match(db: Database, query: ReportQuery) -> list[tuple[str, int, int]]:
    """(quarter of the start, days, pairs): whole days (of 24 hours) from the mentee's intake
    (the latest sent before the start) to the pair's start, for pairs started in the period."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        f"SELECT {QUARTER} AS quarter, CAST(julianday(p.started_at) - julianday(("
        "  SELECT MAX(submitted_at) FROM intakes "
        "  WHERE participant_id = p.mentee_id AND submitted_at <= p.started_at"
        ")) AS INTEGER) AS days, COUNT(*) AS n FROM pairs p "
        f"WHERE {during('p.started_at', first, after)} "
        f"AND {chosen(q, query, 'p.mentee_id')} GROUP BY quarter, days HAVING days IS NOT NULL",
        q.values,
    )
    return [(row["quarter"], row["days"], row["n"]) for row in rows]


async def days_to_job(db: Database, query: ReportQuery) -> list[tuple[str, int, int]]:
    """(quarter of the start, days, pairs): whole days from a pair's start to the job's start
    (its end, when the job's start is not known), for pairs that ended in the period with
    work."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        f"SELECT {QUARTER} AS quarter, CAST(julianday(COALESCE(p.job_start, date(p.ended_at))) "
        "- julianday(date(p.started_at)) AS INTEGER) AS days, COUNT(*) AS n "
        f"FROM {ENDED_PAIRS} "
        f"WHERE {ended(first, after)} AND p.outcome IN {WORK} "
        f"AND {chosen(q, query, 'p.mentee_id')} GROUP BY quarter, days",
        q.values,
    )
    return [(row["quarter"], row["days"], row["n"]) for row in rows]


async def checkin_counts(db: Database, query: ReportQuery) -> list[tuple[str, str, int]]:
    """(side, status, count) of the check-ins due in the period that were sent: answered,
    missed (the next one came first) or sent and still open. Counted from an index alone, in
    its order: status, side, due time."""
    q = Params()
    first, after = period(q, query)
    pairs = "1"
    if query.fields is not None or query.municipalities is not None:
        pairs = f"c.pair_id IN (SELECT p.id FROM pairs p WHERE {chosen(q, query, 'p.mentee_id')})"
    rows = await db.fetch_all(
        "SELECT c.side, c.status, COUNT(*) AS n FROM checkins c "
        f"WHERE c.status IN {COUNTED_CHECKINS} AND c.side IN ('mentor', 'mentee') "
        f"AND {during('c.due_at', first, after)} AND {pairs} GROUP BY c.status, c.side",
        q.values,
    )
    return [(row["side"], row["status"], row["n"]) for row in rows]


async def results_by_mentee(
    db: Database, query: ReportQuery
) -> list[tuple[str | None, int | str | None, int, int]]:
    """(field, municipality code or old answer as typed, ended, with work) of the pairs that
    ended in the period, by the mentee's answers."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        "SELECT fa.value AS field, ma.value AS municipality, COUNT(*) AS ended, "
        f"COUNT(*) FILTER (WHERE p.outcome IN {WORK}) AS work FROM {ENDED_PAIRS} {PROFILE}"
        f"WHERE {ended(first, after)} AND {chosen(q, query, 'p.mentee_id')} "
        "GROUP BY fa.value, ma.value",
        q.values,
    )
    return await converted(rows, _mentee_result)


def _mentee_result(row: aiosqlite.Row) -> tuple[str | None, int | str | None, int, int]:
    # Thousands of rows (a field and a municipality), each answer JSON to decode.
    return (_text(row["field"]), _place(row["municipality"]), row["ended"], row["work"])


def _place(stored: str | None) -> int | str | None:
    """A stored municipality: its code, or an old answer as typed; None if skipped or empty."""
    value = json.loads(stored) if stored is not None else None
    return value if isinstance(value, int) else _text(stored)


def _text(stored: str | None) -> str | None:
    """A stored text answer, with surrounding spaces taken away; None if skipped or empty."""
    value = json.loads(stored) if stored is not None else None
    if not isinstance(value, str):
        return None
    return value.strip() or None


async def results_by_channel(
    db: Database, query: ReportQuery
) -> list[tuple[int | None, str | None, int, int]]:
    """(channel id, channel name, ended, with work) of the pairs that ended in the period, by
    the recruitment channel the mentor came through (None: no link)."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        "SELECT c.id, c.name, SUM(x.ended) AS ended, SUM(x.work) AS work FROM ("
        "  SELECT p.mentor_id, COUNT(*) AS ended, "
        f"  COUNT(*) FILTER (WHERE p.outcome IN {WORK}) AS work FROM {ENDED_PAIRS} "
        f"  WHERE {ended(first, after)} AND {chosen(q, query, 'p.mentee_id')} "
        "  GROUP BY p.mentor_id"
        ") x JOIN participants m ON m.id = x.mentor_id "
        "LEFT JOIN recruitment_channels c ON c.id = m.recruitment_channel_id GROUP BY c.id",
        q.values,
    )
    return [(row["id"], row["name"], row["ended"], row["work"]) for row in rows]


async def followup_counts(
    db: Database, query: ReportQuery
) -> list[tuple[int, str, str | None, int]]:
    """(months, status, answer, count) of the follow-ups of the pairs that ended in the
    period: the same pairs as the outcomes, asked again later."""
    q = Params()
    first, after = period(q, query)
    rows = await db.fetch_all(
        f"SELECT f.months, f.status, f.answer, COUNT(*) AS n FROM {ENDED_PAIRS} "
        "JOIN outcome_followups f ON f.pair_id = p.id "
        f"WHERE {ended(first, after)} AND {chosen(q, query, 'p.mentee_id')} "
        "GROUP BY f.months, f.status, f.answer",
        q.values,
    )
    return [(row["months"], row["status"], row["answer"], row["n"]) for row in rows]
