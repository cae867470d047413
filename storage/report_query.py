"""A report's query and how it becomes SQL: the period, the mentees and mentors it covers, and
the SQL fragments the report's, the effects' and the exports' queries share.

A pair is described by its mentee's latest submitted intake: the `field` answer (an option id)
and the `municipality` answer (as typed). Times are ISO 8601 text in UTC, so a period is
compared as text against UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.model.pairs import JOB_OUTCOMES

WORK = "(" + ", ".join(f"'{outcome.value}'" for outcome in JOB_OUTCOMES) + ")"
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
# The quarter a pair started in, as "2026-3" (UTC).
QUARTER = (
    "substr(p.started_at, 1, 4) || '-' || ((CAST(substr(p.started_at, 6, 2) AS INTEGER) + 2) / 3)"
)


@dataclass(frozen=True)
class ReportQuery:
    """What a report covers, in the terms the SQL compares.

    The period runs from `first_day` (inclusive) to `after_day` (exclusive), ISO dates in UTC;
    the defaults leave it open. `fields` and `municipalities` are the stored intake answers
    (JSON text, see `stored_answers` in storage/evaluation.py) that count; None: any.
    `mentor_municipalities`, for a coordinator limited to some municipalities, are the
    screening answers that count; None: every mentor, screening and person without a role.
    `now` ends a running pair's time.
    """

    now: str
    first_day: str = "0000-01-01"
    after_day: str = "9999-12-31"
    fields: tuple[str, ...] | None = None
    municipalities: tuple[str, ...] | None = None
    mentor_municipalities: tuple[str, ...] | None = None


class Params:
    """Numbered SQL parameters, so one value can appear in a query more than once."""

    def __init__(self) -> None:
        self.values: list[object] = []

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"?{len(self.values)}"

    def marks(self, values: tuple[object, ...]) -> str:
        return ", ".join(self.add(value) for value in values)


def during(column: str, first: str, after: str) -> str:
    """A condition: `column` falls from `first` to before `after` (parameter marks)."""
    return f"({column} >= {first} AND {column} < {after})"


def period(q: Params, query: ReportQuery) -> tuple[str, str]:
    """The marks of the query's first day and the day after its period."""
    return q.add(query.first_day), q.add(query.after_day)


def chosen(q: Params, query: ReportQuery, person: str) -> str:
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


def mentor_chosen(q: Params, query: ReportQuery, person: str) -> str:
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


def ended(first: str, after: str) -> str:
    """A condition on the pair `p`: ended from `first` to before `after`."""
    return f"p.status = 'ended' AND {during('p.ended_at', first, after)}"
