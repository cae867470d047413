"""The evaluation report's queries: aggregates counted in SQL, and the exports' rows.

A pair is described by its mentee's latest submitted intake: the `field` answer (an option id)
and the `municipality` answer (as typed). Times are ISO 8601 text in UTC, so a period is
compared as text against UTC days. The exports' rows come one at a time from a cursor on a worker
process's own connection (`Database.read_in_process`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import aiosqlite

from bot.model.effects import FIRST_MEETING_DAYS, MEETINGS_HIGH, MEETINGS_LOW
from bot.model.evaluation import DAYS_PER_MONTH, FOLLOWUP_MONTHS
from bot.model.pairs import JOB_OUTCOMES
from storage.db import Database
from storage.slices import converted

WORK = "(" + ", ".join(f"'{outcome.value}'" for outcome in JOB_OUTCOMES) + ")"
COUNTED_CHECKINS = "('answered', 'missed', 'sent')"
# Most pairs end, so reading every pair in order costs less than the status index and a lookup
# for each pair, which SQLite picks for "status = 'ended'" when it has no statistics.
ENDED_PAIRS = "pairs p NOT INDEXED"
LATEST_INTAKE = "(SELECT MAX(run_id) FROM intakes WHERE participant_id = p.mentee_id)"
# The mentee's field (fa) and municipality (ma) answers, for grouping and the exports.
PROFILE = (
    f"LEFT JOIN answers fa ON fa.run_id = {LATEST_INTAKE} AND fa.question_id = 'field' "
    f"LEFT JOIN answers ma ON ma.run_id = {LATEST_INTAKE} AND ma.question_id = 'municipality' "
)
PROFILE_QUESTIONS = ("field", "municipality")
# The answers the effects' table reads beside those: the mentee's Danish level (intake) and
# the mentor's field (screening). Like the profile, they outlast an erasure.
EFFECT_QUESTIONS = ("danish",)
MENTOR_EFFECT_QUESTIONS = ("field",)
FIELD = "json_extract(fa.value, '$')"
# The quarter a pair started in, as "2026-3" (UTC).
QUARTER = (
    "substr(p.started_at, 1, 4) || '-' || ((CAST(substr(p.started_at, 6, 2) AS INTEGER) + 2) / 3)"
)
# A judged pair's mentee is in work: at the end, or at the 3- or 6-month follow-up.
IN_WORK = (
    f"(p.outcome IN {WORK} OR EXISTS (SELECT 1 FROM outcome_followups f "
    "WHERE f.pair_id = p.id AND f.answer IN ('work', 'both')))"
)
MUNICIPALITY = "trim(json_extract(ma.value, '$'))"


@dataclass(frozen=True)
class ReportQuery:
    """What a report covers, in the terms the SQL compares.

    The period runs from `first_day` (inclusive) to `after_day` (exclusive), ISO dates in UTC;
    the defaults leave it open. `fields` and `municipalities` are the stored intake answers
    (JSON text, see `stored_answers`) that count; None: any. `mentor_municipalities`, for a
    coordinator limited to some municipalities, are the screening answers that count; None:
    every mentor, screening and person without a role. `now` ends a running pair's time.
    """

    now: str
    first_day: str = "0000-01-01"
    after_day: str = "9999-12-31"
    fields: tuple[str, ...] | None = None
    municipalities: tuple[str, ...] | None = None
    mentor_municipalities: tuple[str, ...] | None = None


class _Params:
    """Numbered SQL parameters, so one value can appear in a query more than once."""

    def __init__(self) -> None:
        self.values: list[object] = []

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"?{len(self.values)}"

    def marks(self, values: tuple[object, ...]) -> str:
        return ", ".join(self.add(value) for value in values)


def _during(column: str, first: str, after: str) -> str:
    return f"({column} >= {first} AND {column} < {after})"


def _period(q: _Params, query: ReportQuery) -> tuple[str, str]:
    return q.add(query.first_day), q.add(query.after_day)


def _chosen(q: _Params, query: ReportQuery, person: str) -> str:
    """A condition on `person`: a mentee whose latest intake gave the query's municipality and
    field. The answers are found through their indexes (the municipality, usually the rarer,
    first), so only those mentees are read; "1" when the query takes any mentee."""
    wanted = [
        (alias, question, values)
        for alias, question, values in (
            ("ma", "municipality", query.municipalities),
            ("fa", "field", query.fields),
        )
        if values is not None
    ]
    if not wanted:
        return "1"
    if not all(values for _, _, values in wanted):
        return "0"  # an answer nobody gave
    (alias, question, values), *others = wanted
    joins = "".join(
        f"JOIN answers {other} ON {other}.run_id = i.run_id "
        f"AND {other}.question_id = '{other_question}' AND {other}.value IN ({q.marks(more)}) "
        for other, other_question, more in others
    )
    return (
        f"{person} IN (SELECT i.participant_id FROM answers {alias} "
        f"CROSS JOIN intakes i ON i.run_id = {alias}.run_id {joins}"
        f"WHERE {alias}.question_id = '{question}' AND {alias}.value IN ({q.marks(values)}) "
        "AND i.run_id = (SELECT MAX(run_id) FROM intakes WHERE participant_id = i.participant_id))"
    )


def _mentor_chosen(q: _Params, query: ReportQuery, person: str) -> str:
    """A condition on `person`: a mentor whose latest screening gave one of the query's mentor
    municipalities; "1" when the query takes any mentor."""
    if query.mentor_municipalities is None:
        return "1"
    if not query.mentor_municipalities:
        return "0"
    return (
        f"{person} IN (SELECT s.participant_id FROM answers ma "
        "CROSS JOIN screenings s ON s.run_id = ma.run_id "
        f"WHERE ma.question_id = 'municipality' AND ma.value IN "
        f"({q.marks(query.mentor_municipalities)}) "
        "AND s.run_id = "
        "(SELECT MAX(run_id) FROM screenings WHERE participant_id = s.participant_id))"
    )


def _ended(first: str, after: str) -> str:
    return f"p.status = 'ended' AND {_during('p.ended_at', first, after)}"


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
    q = _Params()
    first, after = _period(q, query)
    others = "1" if query.mentor_municipalities is None else "0"
    rows = await db.fetch_all(
        f"SELECT p.role, p.status, COUNT(*) AS n FROM participants p "
        f"WHERE {_during('p.created_at', first, after)} "
        f"AND CASE p.role WHEN 'mentee' THEN {_chosen(q, query, 'p.id')} "
        f"WHEN 'mentor' THEN {_mentor_chosen(q, query, 'p.id')} ELSE {others} END "
        "GROUP BY p.role, p.status",
        q.values,
    )
    return [(row["role"], row["status"], row["n"]) for row in rows]


async def screening_counts(db: Database, query: ReportQuery) -> list[tuple[str, bool, int]]:
    """(status, mentor course done, count) of screenings submitted in the period."""
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        "SELECT status, course_done_at IS NOT NULL AS course_done, COUNT(*) AS n "
        f"FROM screenings WHERE {_during('submitted_at', first, after)} "
        f"AND {_mentor_chosen(q, query, 'participant_id')} GROUP BY status, course_done",
        q.values,
    )
    return [(row["status"], bool(row["course_done"]), row["n"]) for row in rows]


async def course_totals(db: Database, query: ReportQuery) -> dict[str, int]:
    """The mentor course sessions that began in the period (published, not deleted): how
    many, the seats taken on them and the mentors who came, of the query's mentors."""
    q = _Params()
    first, after = _period(q, query)
    mentor = _mentor_chosen(q, query, "cs.participant_id")
    row = await db.fetch_one(
        "SELECT COUNT(DISTINCT c.id) AS sessions, "
        f"COUNT(cs.participant_id) FILTER (WHERE cs.status = 'booked' AND {mentor}) "
        "  AS seats_taken, "
        f"COUNT(cs.participant_id) FILTER (WHERE cs.attended = 1 AND {mentor}) AS attended "
        "FROM course_sessions c LEFT JOIN course_seats cs ON cs.session_id = c.id "
        "WHERE c.published_at IS NOT NULL AND c.deleted_at IS NULL "
        f"AND {_during('c.starts_at', first, after)}",
        q.values,
    )
    assert row is not None
    return dict(row)


async def days_to_course(db: Database, query: ReportQuery) -> list[tuple[int, int]]:
    """(days, mentors): whole days from a screening's approval to its course done, for
    courses done in the period (at a session or elsewhere)."""
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        "SELECT CAST(julianday(s.course_done_at) - julianday(("
        "  SELECT MIN(decided_at) FROM screening_decisions "
        "  WHERE run_id = s.run_id AND decision = 'approved'"
        ")) AS INTEGER) AS days, COUNT(*) AS n FROM screenings s "
        f"WHERE {_during('s.course_done_at', first, after)} "
        f"AND {_mentor_chosen(q, query, 's.participant_id')} GROUP BY days "
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
    q = _Params()
    first, after = _period(q, query)
    now = q.add(query.now)
    proposed = _during("p.proposed_at", first, after)
    ran = f"(p.started_at < {after} AND (p.ended_at IS NULL OR p.ended_at >= {first}))"
    row = await db.fetch_one(
        f"SELECT COUNT(*) FILTER (WHERE {proposed}) AS proposed, "
        f"COUNT(*) FILTER (WHERE {proposed} AND p.status = 'declined') AS declined, "
        f"COUNT(*) FILTER (WHERE {proposed} AND p.status = 'lapsed') AS lapsed, "
        f"COUNT(*) FILTER (WHERE {proposed} AND p.status = 'proposed') AS waiting, "
        f"COUNT(*) FILTER (WHERE {_during('p.started_at', first, after)}) AS started, "
        f"COUNT(*) FILTER (WHERE {_ended(first, after)}) AS ended, "
        f"COUNT(*) FILTER (WHERE p.started_at < {after} "
        f"  AND (p.ended_at IS NULL OR p.ended_at >= {after})) AS running, "
        f"COUNT(*) FILTER (WHERE {ran}) AS met_pairs, "
        f"TOTAL(s.meetings) FILTER (WHERE {ran}) AS meetings, "
        f"TOTAL(julianday(COALESCE(p.ended_at, {now})) - julianday(p.started_at)) "
        f"  FILTER (WHERE {ran}) AS active_days "
        "FROM pairs p LEFT JOIN pair_signals s ON s.pair_id = p.id "
        f"WHERE {_chosen(q, query, 'p.mentee_id')}",
        q.values,
    )
    assert row is not None
    return dict(row)


async def outcome_counts(db: Database, query: ReportQuery) -> list[tuple[str | None, int]]:
    """(outcome, count) of the pairs that ended in the period; None: no outcome recorded."""
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        f"SELECT p.outcome, COUNT(*) AS n FROM {ENDED_PAIRS} WHERE {_ended(first, after)} "
        f"AND {_chosen(q, query, 'p.mentee_id')} GROUP BY p.outcome",
        q.values,
    )
    return [(row["outcome"], row["n"]) for row in rows]


async def days_to_match(db: Database, query: ReportQuery) -> list[tuple[str, int, int]]:
    """(quarter of the start, days, pairs): whole days (of 24 hours) from the mentee's intake
    (the latest sent before the start) to the pair's start, for pairs started in the period."""
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        f"SELECT {QUARTER} AS quarter, CAST(julianday(p.started_at) - julianday(("
        "  SELECT MAX(submitted_at) FROM intakes "
        "  WHERE participant_id = p.mentee_id AND submitted_at <= p.started_at"
        ")) AS INTEGER) AS days, COUNT(*) AS n FROM pairs p "
        f"WHERE {_during('p.started_at', first, after)} "
        f"AND {_chosen(q, query, 'p.mentee_id')} GROUP BY quarter, days HAVING days IS NOT NULL",
        q.values,
    )
    return [(row["quarter"], row["days"], row["n"]) for row in rows]


async def days_to_job(db: Database, query: ReportQuery) -> list[tuple[str, int, int]]:
    """(quarter of the start, days, pairs): whole days from a pair's start to the job's start
    (its end, when the job's start is not known), for pairs that ended in the period with
    work."""
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        f"SELECT {QUARTER} AS quarter, CAST(julianday(COALESCE(p.job_start, date(p.ended_at))) "
        "- julianday(date(p.started_at)) AS INTEGER) AS days, COUNT(*) AS n "
        f"FROM {ENDED_PAIRS} "
        f"WHERE {_ended(first, after)} AND p.outcome IN {WORK} "
        f"AND {_chosen(q, query, 'p.mentee_id')} GROUP BY quarter, days",
        q.values,
    )
    return [(row["quarter"], row["days"], row["n"]) for row in rows]


async def checkin_counts(db: Database, query: ReportQuery) -> list[tuple[str, str, int]]:
    """(side, status, count) of the check-ins due in the period that were sent: answered,
    missed (the next one came first) or sent and still open. Counted from an index alone, in
    its order: status, side, due time."""
    q = _Params()
    first, after = _period(q, query)
    pairs = "1"
    if query.fields is not None or query.municipalities is not None:
        pairs = f"c.pair_id IN (SELECT p.id FROM pairs p WHERE {_chosen(q, query, 'p.mentee_id')})"
    rows = await db.fetch_all(
        "SELECT c.side, c.status, COUNT(*) AS n FROM checkins c "
        f"WHERE c.status IN {COUNTED_CHECKINS} AND c.side IN ('mentor', 'mentee') "
        f"AND {_during('c.due_at', first, after)} AND {pairs} GROUP BY c.status, c.side",
        q.values,
    )
    return [(row["side"], row["status"], row["n"]) for row in rows]


async def results_by_mentee(
    db: Database, query: ReportQuery
) -> list[tuple[str | None, int | str | None, int, int]]:
    """(field, municipality code or old answer as typed, ended, with work) of the pairs that
    ended in the period, by the mentee's answers."""
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        "SELECT fa.value AS field, ma.value AS municipality, COUNT(*) AS ended, "
        f"COUNT(*) FILTER (WHERE p.outcome IN {WORK}) AS work FROM {ENDED_PAIRS} {PROFILE}"
        f"WHERE {_ended(first, after)} AND {_chosen(q, query, 'p.mentee_id')} "
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
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        "SELECT c.id, c.name, SUM(x.ended) AS ended, SUM(x.work) AS work FROM ("
        "  SELECT p.mentor_id, COUNT(*) AS ended, "
        f"  COUNT(*) FILTER (WHERE p.outcome IN {WORK}) AS work FROM {ENDED_PAIRS} "
        f"  WHERE {_ended(first, after)} AND {_chosen(q, query, 'p.mentee_id')} "
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
    q = _Params()
    first, after = _period(q, query)
    rows = await db.fetch_all(
        f"SELECT f.months, f.status, f.answer, COUNT(*) AS n FROM {ENDED_PAIRS} "
        "JOIN outcome_followups f ON f.pair_id = p.id "
        f"WHERE {_ended(first, after)} AND {_chosen(q, query, 'p.mentee_id')} "
        "GROUP BY f.months, f.status, f.answer",
        q.values,
    )
    return [(row["months"], row["status"], row["answer"], row["n"]) for row in rows]


# -- the effects: pairs judged three months after their end (bot/model/effects.py) ----------


def _judged(q: _Params, query: ReportQuery, before: str) -> str:
    """Pairs that ended in the period, before `before` (three months before now)."""
    first, after = _period(q, query)
    return (
        f"{_ended(first, after)} AND p.ended_at < {q.add(before)} "
        f"AND p.started_at IS NOT NULL AND {_chosen(q, query, 'p.mentee_id')}"
    )


async def judged_by_quarter(
    db: Database, query: ReportQuery, before: str
) -> list[tuple[str, int, int]]:
    """(quarter of the start, pairs, in work) of the judged pairs."""
    q = _Params()
    rows = await db.fetch_all(
        f"SELECT {QUARTER} AS quarter, COUNT(*) AS n, COUNT(*) FILTER (WHERE {IN_WORK}) AS work "
        f"FROM {ENDED_PAIRS} WHERE {_judged(q, query, before)} GROUP BY quarter",
        q.values,
    )
    return [(row["quarter"], row["n"], row["work"]) for row in rows]


# The factors of bot/model/effects.py's table, in its Factor order, as levels worked out in SQL.
_MONTHS = f"((julianday(p.ended_at) - julianday(p.started_at)) / {DAYS_PER_MONTH})"
_PER_MONTH = f"(COALESCE(s.meetings, 0) / {_MONTHS})"
FACTORS = (
    "CASE WHEN mf.value IS NULL OR fa.value IS NULL OR json_extract(fa.value, '$') IS NULL "
    "THEN NULL WHEN mf.value = fa.value THEN 'same' ELSE 'different' END",
    f"CASE WHEN {_MONTHS} <= 0 THEN NULL WHEN {_PER_MONTH} < {MEETINGS_LOW} THEN 'under_1' "
    f"WHEN {_PER_MONTH} <= {MEETINGS_HIGH} THEN '1_to_2' ELSE 'over_2' END",
    "CASE WHEN fm.met_at IS NULL THEN NULL "
    "WHEN julianday(fm.met_at) - julianday(p.started_at) "
    f"<= {FIRST_MEETING_DAYS} THEN 'within' ELSE 'later' END",
    "json_extract(da.value, '$')",
    "CASE WHEN p.id IN (SELECT pair_id FROM stall_episodes "
    "WHERE reasons LIKE '%\"divergence\"%') THEN 'alerted' ELSE 'none' END",
)
LATEST_SCREENING = "(SELECT MAX(run_id) FROM screenings WHERE participant_id = p.mentor_id)"


async def judged_by_factors(
    db: Database, query: ReportQuery, before: str
) -> list[tuple[tuple[str | None, ...], int, int]]:
    """((level of each factor), pairs, in work) of the judged pairs."""
    q = _Params()
    levels = ", ".join(f"{factor} AS f{n}" for n, factor in enumerate(FACTORS))
    names = ", ".join(f"f{n}" for n in range(len(FACTORS)))
    rows = await db.fetch_all(
        f"SELECT {levels}, COUNT(*) AS n, COUNT(*) FILTER (WHERE {IN_WORK}) AS work "
        f"FROM {ENDED_PAIRS} "
        f"LEFT JOIN answers fa ON fa.run_id = {LATEST_INTAKE} AND fa.question_id = 'field' "
        # The same intake as the field answer, which every submitted intake holds (null when
        # skipped): one lookup of the latest intake instead of two.
        "LEFT JOIN answers da ON da.run_id = fa.run_id AND da.question_id = 'danish' "
        f"LEFT JOIN answers mf ON mf.run_id = {LATEST_SCREENING} AND mf.question_id = 'field' "
        "LEFT JOIN pair_signals s ON s.pair_id = p.id "
        "LEFT JOIN first_meetings fm ON fm.pair_id = p.id "
        f"WHERE {_judged(q, query, before)} GROUP BY {names}",
        q.values,
    )
    return [
        (tuple(row[f"f{n}"] for n in range(len(FACTORS))), row["n"], row["work"]) for row in rows
    ]


# -- the exports, row by row from a cursor, in worker processes ------------------------------
# Each row comes as the file's cells (days cut from times in SQL), so a csv.writer takes the
# cursor as it is; the journal's lines are even written whole by SQLite.

LINES_PER_WRITE = 5_000
NO_PAIR_ID = 1 << 62  # above any pair's id: a range open at its end
# The check-in answers that journal.answer_cells holds, in its order ((question id, a multiple
# choice?) each): the check-in questions but free text (migration 019 defines the cells).
ANSWER_CELLS = (
    ("met", False),
    ("going", False),
    ("coordinator", False),
    ("useful", False),
    ("progress", True),
    ("applications", False),
)


def _in_report(q: _Params, query: ReportQuery) -> str:
    """A pair is in the report when its proposal, start or end falls in the period."""
    first, after = _period(q, query)
    dates = " OR ".join(
        _during(column, first, after) for column in ("p.proposed_at", "p.started_at", "p.ended_at")
    )
    return f"({dates}) AND {_chosen(q, query, 'p.mentee_id')}"


def _cells(connection: sqlite3.Connection, sql: str, params: list[object]) -> sqlite3.Cursor:
    cursor = connection.cursor()
    cursor.row_factory = None  # plain tuples, which the csv writer takes fastest
    return cursor.execute(sql, params)


def _day(column: str) -> str:
    return f"substr({column}, 1, 10)"


def pair_rows(connection: sqlite3.Connection, query: ReportQuery) -> sqlite3.Cursor:
    """The report's pairs in id order: ids, the mentee's field and municipality, the mentor's
    recruitment channel, the pair's state, days, outcome and meetings."""
    q = _Params()
    return _cells(
        connection,
        "SELECT p.id, p.mentor_id, p.mentee_id, "
        f"{FIELD} AS field, {MUNICIPALITY} AS municipality, c.name AS channel, p.status, "
        f"{_day('p.proposed_at')}, {_day('p.started_at')}, {_day('p.ended_at')}, p.outcome, "
        "p.meetings_per_month, COALESCE(s.meetings, 0) "
        f"FROM pairs p {PROFILE}"
        "JOIN participants m ON m.id = p.mentor_id "
        "LEFT JOIN recruitment_channels c ON c.id = m.recruitment_channel_id "
        "LEFT JOIN pair_signals s ON s.pair_id = p.id "
        f"WHERE {_in_report(q, query)} ORDER BY p.id",
        q.values,
    )


async def journal_split(db: Database) -> int | None:
    """A pair id that splits the journal into about halves, so that two processes can write
    one each: the pair of the entry halfway between the first and the last (entries and pairs
    are numbered in time); None for an empty journal. Two lookups, however long the journal."""
    row = await db.fetch_one(
        # MIN and MAX each alone in their query: so each is one lookup, not a scan.
        "SELECT pair_id FROM journal WHERE id >= "
        "((SELECT MIN(id) FROM journal) + (SELECT MAX(id) FROM journal)) / 2 ORDER BY id LIMIT 1"
    )
    return None if row is None else int(row[0])


def journal_lines(
    connection: sqlite3.Connection, query: ReportQuery, pairs: tuple[int, int] = (0, NO_PAIR_ID)
) -> Iterator[str]:
    """The journal of the report's pairs with ids in the range `pairs` (first, after), written
    in the period, by pair and time, as CSV lines a few thousand at a time: id; pair id;
    written (UTC, to the minute); role; kind; check-in id; private; and the check-in answers
    of ANSWER_CELLS, never the free text or voice messages. The answers are option ids and
    numbers, which need no quotes in a CSV file."""
    q = _Params()
    first, after = _period(q, query)
    no_answers = ";" * len(ANSWER_CELLS)
    # The pairs in id order, each pair's entries through journal_by_pair (pair_id, id and every
    # column read here, migration 019): already in the file's order, so nothing is sorted, and
    # no entry is looked up in the table.
    cursor = _cells(
        connection,
        "SELECT printf('%d;%d;%.10s %.5s;%s;%s;%s;%d%s\r\n', j.id, j.pair_id, j.created_at, "
        "substr(j.created_at, 12), j.role, j.kind, j.checkin_id, j.private, "
        f"ifnull(j.answer_cells, '{no_answers}')) "
        "FROM pairs p CROSS JOIN journal j ON j.pair_id = p.id "
        f"WHERE p.id >= {q.add(pairs[0])} AND p.id < {q.add(pairs[1])} "
        f"AND {_in_report(q, query)} AND {_during('j.created_at', first, after)} "
        "ORDER BY p.id, j.id",
        q.values,
    )
    while lines := cursor.fetchmany(LINES_PER_WRITE):
        yield "".join([cell for (cell,) in lines])


def outcome_rows(connection: sqlite3.Connection, query: ReportQuery) -> sqlite3.Cursor:
    """The pairs that ended in the period, in id order: the mentee's field and municipality,
    days, outcome, the job, and the follow-ups after 3 and 6 months."""
    q = _Params()
    first, after = _period(q, query)
    followups = ", ".join(
        f"f{months}.status, f{months}.answer, {_day(f'f{months}.answered_at')}"
        for months in FOLLOWUP_MONTHS
    )
    joins = "".join(
        f"LEFT JOIN outcome_followups f{months} ON f{months}.pair_id = p.id "
        f"AND f{months}.months = {months} "
        for months in FOLLOWUP_MONTHS
    )
    return _cells(
        connection,
        "SELECT p.id, p.mentee_id, "
        f"{FIELD} AS field, {MUNICIPALITY} AS municipality, "
        f"{_day('p.started_at')}, {_day('p.ended_at')}, p.outcome, p.job_start, p.job_hours, "
        f"p.job_matches_qualifications, {followups} "
        f"FROM {ENDED_PAIRS} {PROFILE}{joins}"
        f"WHERE {_ended(first, after)} AND {_chosen(q, query, 'p.mentee_id')} ORDER BY p.id",
        q.values,
    )
