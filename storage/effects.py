"""The effects' queries: pairs judged three months after their end (bot/model/effects.py)."""

from __future__ import annotations

from bot.model.effects import FIRST_MEETING_DAYS, MEETINGS_HIGH, MEETINGS_LOW
from bot.model.evaluation import DAYS_PER_MONTH
from storage.db import Database
from storage.report_query import (
    ENDED_PAIRS,
    LATEST_INTAKE,
    QUARTER,
    WORK,
    Params,
    ReportQuery,
    chosen,
    ended,
    period,
)

# The answers the effects' table reads beside the profile's (PROFILE_QUESTIONS): the mentee's
# Danish level (intake) and the mentor's field (screening). Like the profile, they outlast an
# erasure.
EFFECT_QUESTIONS = ("danish",)
MENTOR_EFFECT_QUESTIONS = ("field",)
# A judged pair's mentee is in work: at the end, or at the 3- or 6-month follow-up.
IN_WORK = (
    f"(p.outcome IN {WORK} OR EXISTS (SELECT 1 FROM outcome_followups f "
    "WHERE f.pair_id = p.id AND f.answer IN ('work', 'both')))"
)


def _judged(q: Params, query: ReportQuery, before: str) -> str:
    """Pairs that ended in the period, before `before` (three months before now)."""
    first, after = period(q, query)
    return (
        f"{ended(first, after)} AND p.ended_at < {q.add(before)} "
        f"AND p.started_at IS NOT NULL AND {chosen(q, query, 'p.mentee_id')}"
    )


async def judged_by_quarter(
    db: Database, query: ReportQuery, before: str
) -> list[tuple[str, int, int]]:
    """(quarter of the start, pairs, in work) of the judged pairs."""
    q = Params()
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
    q = Params()
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
