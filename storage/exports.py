"""The CSV exports' rows, row by row from a cursor on a worker process's own connection
(`Database.read_in_process`). Each row comes as the file's cells (days cut from times in SQL), so
a csv.writer takes the cursor as it is; the journal's lines are even written whole by SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from bot.model.evaluation import FOLLOWUP_MONTHS
from storage.db import Database
from storage.report_query import (
    ENDED_PAIRS,
    PROFILE,
    Params,
    ReportQuery,
    chosen,
    during,
    ended,
    period,
)

# The mentee's field and municipality as the files show them (the PROFILE joins' answers).
FIELD = "json_extract(fa.value, '$')"
MUNICIPALITY = "trim(json_extract(ma.value, '$'))"
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


def _in_report(q: Params, query: ReportQuery) -> str:
    """A pair is in the report when its proposal, start or end falls in the period."""
    first, after = period(q, query)
    dates = " OR ".join(
        during(column, first, after) for column in ("p.proposed_at", "p.started_at", "p.ended_at")
    )
    return f"({dates}) AND {chosen(q, query, 'p.mentee_id')}"


def _cells(connection: sqlite3.Connection, sql: str, params: list[object]) -> sqlite3.Cursor:
    cursor = connection.cursor()
    cursor.row_factory = None  # plain tuples, which the csv writer takes fastest
    return cursor.execute(sql, params)


def _day(column: str) -> str:
    return f"substr({column}, 1, 10)"


def pair_rows(connection: sqlite3.Connection, query: ReportQuery) -> sqlite3.Cursor:
    """The report's pairs in id order: ids, the mentee's field and municipality, the mentor's
    recruitment channel, the pair's state, days, outcome and meetings."""
    q = Params()
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
    q = Params()
    first, after = period(q, query)
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
        f"AND {_in_report(q, query)} AND {during('j.created_at', first, after)} "
        "ORDER BY p.id, j.id",
        q.values,
    )
    while lines := cursor.fetchmany(LINES_PER_WRITE):
        yield "".join([cell for (cell,) in lines])


def outcome_rows(connection: sqlite3.Connection, query: ReportQuery) -> sqlite3.Cursor:
    """The pairs that ended in the period, in id order: the mentee's field and municipality,
    days, outcome, the job, and the follow-ups after 3 and 6 months."""
    q = Params()
    first, after = period(q, query)
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
        f"WHERE {ended(first, after)} AND {chosen(q, query, 'p.mentee_id')} ORDER BY p.id",
        q.values,
    )
