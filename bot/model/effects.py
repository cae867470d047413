"""The evaluation's answer to the programme's question: how many mentees find work, against the
national programme's figure, over time, and which pairs do best. Plain data, no I/O.

- Judged pairs: those that ended in the report's period and at least three months before the
  report is made, so that the 3-month follow-up has been due. A mentee is in work when the pair
  ended with work or a follow-up (3 or 6 months) answered work (or work and education).
- The benchmark: their share in work with its 95% interval against `REFERENCE_WORK_SHARE`,
  the Danish national mentor programme's 52% ("Voluntary career mentors", Foreningen Nydansker).
- The trend: the same share by the quarter the pairs started, and by that quarter the median
  days from intake to match (pairs started in the period) and from match to job (pairs ended
  in the period with work), as in the report.
- What goes with success: the judged pairs' share in work by same field or not, meetings per
  month, days to the first reported meeting, the mentee's Danish level, and divergence alerts.
  It describes; it does not say what causes what.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.model.intervals import Days, Proportion, Verdict, days, protect

REFERENCE_WORK_SHARE = 0.52
JUDGED_AFTER_DAYS = 91  # three months after the end, when the first follow-up is due
FIRST_MEETING_DAYS = 14
MEETINGS_LOW, MEETINGS_HIGH = 1, 2  # meetings a month: under 1, 1-2, over 2


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """From storage's "2026-3"."""
        year, number = text.split("-")
        return cls(int(year), int(number))


@dataclass(frozen=True)
class Benchmark:
    """The judged pairs' share in work, against the reference."""

    work: Proportion
    reference: float

    @property
    def pairs(self) -> int:
        return self.work.whole

    @property
    def verdict(self) -> Verdict | None:
        return self.work.against(self.reference)


@dataclass(frozen=True)
class QuarterFigures:
    quarter: Quarter
    work: Proportion  # of the judged pairs that started in the quarter
    intake_to_match: Days  # of the pairs that started in the quarter
    match_to_job: Days


class Factor(StrEnum):
    SAME_FIELD = "same_field"
    MEETINGS = "meetings"
    FIRST_MEETING = "first_meeting"
    DANISH = "danish"
    DIVERGENCE = "divergence"


# The levels of each factor, in the table's order; None (not known) comes last.
SAME, DIFFERENT = "same", "different"
UNDER_ONE, ONE_TO_TWO, OVER_TWO = "under_1", "1_to_2", "over_2"
WITHIN, LATER = "within", "later"
ALERTED, NO_ALERT = "alerted", "none"
LEVELS: dict[Factor, tuple[str, ...]] = {
    Factor.SAME_FIELD: (SAME, DIFFERENT),
    Factor.MEETINGS: (UNDER_ONE, ONE_TO_TWO, OVER_TWO),
    Factor.FIRST_MEETING: (WITHIN, LATER),
    Factor.DANISH: ("none", "beginner", "everyday", "good", "fluent"),
    Factor.DIVERGENCE: (ALERTED, NO_ALERT),
}


@dataclass(frozen=True)
class Association:
    """One row of the table: the judged pairs with this level of a factor (None: not known)."""

    factor: Factor
    level: str | None
    work: Proportion


@dataclass(frozen=True)
class Effects:
    benchmark: Benchmark
    quarters: tuple[QuarterFigures, ...]
    associations: tuple[Association, ...]


def effects(
    judged: Iterable[tuple[str, int, int]],
    to_match: Iterable[tuple[str, int, int]],
    to_job: Iterable[tuple[str, int, int]],
    factors: Iterable[tuple[tuple[str | None, ...], int, int]],
    reference: float,
) -> Effects:
    """From storage's rows: judged pairs (quarter, pairs, in work), the days to match and to a
    job (quarter, days, pairs), and the judged pairs by their factors' levels (in `Factor`'s
    order) with pairs and in work."""
    by_quarter = {Quarter.parse(quarter): (n, work) for quarter, n, work in judged}
    histograms: dict[str, dict[Quarter, list[tuple[int, int]]]] = {"match": {}, "job": {}}
    for name, rows in (("match", to_match), ("job", to_job)):
        for quarter, value, n in rows:
            histograms[name].setdefault(Quarter.parse(quarter), []).append((value, n))
    quarters = sorted(set(by_quarter) | set(histograms["match"]) | set(histograms["job"]))
    total = sum(n for n, _ in by_quarter.values())
    work = sum(in_work for _, in_work in by_quarter.values())
    # The quarters add up to the benchmark's pairs: protected as one breakdown.
    shares = protect([_proportion(by_quarter.get(quarter, (0, 0))) for quarter in quarters])
    return Effects(
        benchmark=Benchmark(Proportion(work, total), reference),
        quarters=tuple(
            QuarterFigures(
                quarter,
                quarter_share,
                days(histograms["match"].get(quarter, ())),
                days(histograms["job"].get(quarter, ())),
            )
            for quarter, quarter_share in zip(quarters, shares, strict=True)
        ),
        associations=associations(factors),
    )


def _proportion(counts: tuple[int, int]) -> Proportion:
    pairs, in_work = counts
    return Proportion(in_work, pairs)


def associations(
    rows: Iterable[tuple[tuple[str | None, ...], int, int]],
) -> tuple[Association, ...]:
    """Each factor's rows, summed over the others, with small groups and what subtraction
    would reveal hidden (each factor's levels add up to the judged pairs)."""
    pairs: dict[Factor, Counter[str | None]] = defaultdict(Counter)
    work: dict[Factor, Counter[str | None]] = defaultdict(Counter)
    for levels, n, in_work in rows:
        for factor, given in zip(Factor, levels, strict=True):
            level = given if given in LEVELS[factor] else None
            pairs[factor][level] += n
            work[factor][level] += in_work
    table: list[Association] = []
    for factor in Factor:
        order = [*LEVELS[factor], None]
        levels = [level for level in order if pairs[factor][level]]
        protected = protect([Proportion(work[factor][lv], pairs[factor][lv]) for lv in levels])
        table += [
            Association(factor, level, share)
            for level, share in zip(levels, protected, strict=True)
        ]
    return tuple(table)
