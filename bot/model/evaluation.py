"""The evaluation report's figures and the rules they follow: plain data, no I/O.

bot/evaluation.py gathers them from storage; bot/handlers/report_view.py renders them.

Definitions, the same in the message, the chart and the CSV files:

- The filter's period is a range of UTC days, both ends included; no start or no end leaves it
  open. Municipality and field are the mentee's, from their latest intake (the municipality
  compared without regard to case and spaces); they restrict mentees, pairs and outcomes, not
  mentors or screenings.
- Participants and screenings count when they first wrote to the bot or were submitted in the
  period. Proposals count when made in the period, pairs as started or ended when that
  happened in the period, and as running when they had started and not ended by its end.
- Outcomes are those of the pairs that ended in the period. Work is an ordinary job, a job
  with wage subsidy or IGU. The headline is the share of those pairs' mentees in work.
- Time from intake to match: the median whole days from the mentee's intake to the start of
  the pair (both said yes), for pairs started in the period. Time from match to job: from the
  start to the job's start (the pair's end when not known), for ended pairs with work.
- Check-in answer rate by side: answered / (answered + missed + still open) of the check-ins
  due in the period that were sent.
- Meetings per pair per month: the meetings the check-ins of the pairs that ran in the period
  reported, over the months those pairs ran (start to end, or now).
- Results by field, municipality and the mentor's recruitment channel: ended pairs and their
  work share, per group.
- Follow-ups: the answers, 3 and 6 months after the end, of the mentees of the same ended
  pairs, and how many were asked and have not answered.
- A coordinator limited to some municipalities (bot/scopes.py) gets a report `within` them:
  mentees, pairs and outcomes by the mentee's intake as above, mentors and screenings by the
  mentor's screening answer; people with neither role are left out.
- Small groups: a count from 1 to 4 is shown as "fewer than 5"; a share only when its
  denominator is at least 5 and its numerator 0 or at least 5; a median or a rate only when
  it rests on at least 5 pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from bot.model.effects import Effects
from bot.model.intervals import SMALL_GROUP, Days, share
from bot.model.municipalities import place
from bot.model.pairs import JOB_OUTCOMES, Outcome, Side
from bot.model.participants import Role, RoleCount, Status, participants_by_role

WORK = JOB_OUTCOMES
OTHER = (Outcome.OTHER_PROGRESS, Outcome.DROPPED_OUT, Outcome.MOVED_AWAY, None)
DAYS_PER_MONTH = 365.25 / 12
FOLLOWUP_MONTHS = (3, 6)


@dataclass(frozen=True)
class ReportFilter:
    """What `/report` covers; None leaves that part open. `municipality` is as the coordinator
    typed it, `field` a field id; `within` the municipality and region codes of the coordinator
    who asks (None: the whole programme)."""

    start: date | None = None
    end: date | None = None
    municipality: str | None = None
    field: str | None = None
    within: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Screenings:
    submitted: int
    waiting: int
    interview: int
    approved: int
    course_done: int  # approved and through the mentor course
    rejected: int


@dataclass(frozen=True)
class CourseFigures:
    """The mentor course in the period: sessions held, their seats taken (mentors booked),
    the mentors who came, and the days from approval to the course done."""

    sessions: int
    seats_taken: int
    attended: int
    approval_to_course: Days


@dataclass(frozen=True)
class PairCounts:
    proposed: int
    declined: int  # of the proposals
    lapsed: int
    waiting: int
    started: int
    running: int  # at the period's end (now, without an end)
    ended: int


@dataclass(frozen=True)
class Outcomes:
    """The pairs that ended, by outcome; None: the end was recorded without an outcome."""

    counts: Mapping[Outcome | None, int]

    def of(self, *outcomes: Outcome | None) -> int:
        return sum(self.counts.get(outcome, 0) for outcome in outcomes)

    @property
    def ended(self) -> int:
        return sum(self.counts.values())

    @property
    def work(self) -> int:
        return self.of(*WORK)

    @property
    def education(self) -> int:
        return self.of(Outcome.EDUCATION)

    @property
    def internship(self) -> int:
        return self.of(Outcome.INTERNSHIP)

    @property
    def other(self) -> int:
        return self.of(*OTHER)

    @property
    def work_share(self) -> float | None:
        """The headline: the share of the ended pairs' mentees who are in work."""
        return share(self.work, self.ended)


@dataclass(frozen=True)
class AnswerRate:
    side: Side
    answered: int
    missed: int
    open: int  # sent, not answered, the next one not yet due

    @property
    def asked(self) -> int:
        return self.answered + self.missed + self.open

    @property
    def rate(self) -> float | None:
        return share(self.answered, self.asked)


@dataclass(frozen=True)
class Meetings:
    pairs: int
    meetings: int
    months: float

    @property
    def per_pair_month(self) -> float | None:
        if self.pairs < SMALL_GROUP or self.months <= 0:
            return None
        return self.meetings / self.months


@dataclass(frozen=True)
class GroupResult:
    """One field, municipality, region or channel: `key` identifies it (a municipality's code,
    or for an old answer the list could not place its text), `name` is what to show (None: not
    given, or for channels no link)."""

    key: str | int | None
    name: str | None
    ended: int
    work: int

    @property
    def work_share(self) -> float | None:
        return share(self.work, self.ended)


@dataclass(frozen=True)
class FollowUps:
    months: int
    work: int
    education: int
    both: int
    neither: int
    unanswered: int  # asked, no answer yet


@dataclass(frozen=True)
class Report:
    """Every figure of one report, as of `made_at`."""

    report_filter: ReportFilter
    made_at: datetime
    participants: tuple[RoleCount, ...]
    screenings: Screenings
    course: CourseFigures
    pairs: PairCounts
    intake_to_match: Days
    outcomes: Outcomes
    match_to_job: Days
    answer_rates: tuple[AnswerRate, ...]
    meetings: Meetings
    by_field: tuple[GroupResult, ...]
    by_municipality: tuple[GroupResult, ...]
    by_region: tuple[GroupResult, ...]
    by_channel: tuple[GroupResult, ...]
    followups: tuple[FollowUps, ...]
    effects: Effects


# -- from rows to figures ----------------------------------------------------------------------


def participant_rows(rows: Iterable[tuple[str | None, str, int]]) -> list[RoleCount]:
    return participants_by_role(
        {(Role(role) if role else None, Status(status)): n for role, status, n in rows}
    )


def screening_counts(rows: Iterable[tuple[str, bool, int]]) -> Screenings:
    by_status: Counter[str] = Counter()
    course_done = 0
    for status, done, n in rows:
        by_status[status] += n
        course_done += n if done else 0
    return Screenings(
        submitted=by_status.total(),
        waiting=by_status["pending"],
        interview=by_status["interview"],
        approved=by_status["approved"],
        course_done=course_done,
        rejected=by_status["rejected"],
    )


def pair_counts(totals: Mapping[str, float]) -> PairCounts:
    return PairCounts(**{field.name: int(totals[field.name]) for field in fields(PairCounts)})


def outcomes(rows: Iterable[tuple[str | None, int]]) -> Outcomes:
    return Outcomes({Outcome(outcome) if outcome else None: n for outcome, n in rows})


def answer_rates(rows: Iterable[tuple[str, str, int]]) -> tuple[AnswerRate, ...]:
    counts: dict[tuple[str, str], int] = {(side, status): n for side, status, n in rows}
    return tuple(
        AnswerRate(
            side=side,
            answered=counts.get((side.value, "answered"), 0),
            missed=counts.get((side.value, "missed"), 0),
            open=counts.get((side.value, "sent"), 0),
        )
        for side in (Side.MENTOR, Side.MENTEE)
    )


def meetings(totals: Mapping[str, float]) -> Meetings:
    return Meetings(
        pairs=int(totals["met_pairs"]),
        meetings=int(totals["meetings"]),
        months=totals["active_days"] / DAYS_PER_MONTH,
    )


def by_field(rows: Iterable[tuple[str | None, str | None, int, int]]) -> tuple[GroupResult, ...]:
    ended: Counter[str | None] = Counter()
    work: Counter[str | None] = Counter()
    for field_id, _, n, with_work in rows:
        ended[field_id] += n
        work[field_id] += with_work
    return _ordered(GroupResult(key, key, ended[key], work[key]) for key in ended)


def by_municipality(
    rows: Iterable[tuple[str | None, int | str | None, int, int]],
) -> tuple[GroupResult, ...]:
    """One group a municipality, named in Danish; an old answer the list could not place is a
    group of its own, keyed and named by its text (the report marks it unknown)."""
    ended: Counter[int | str | None] = Counter()
    work: Counter[int | str | None] = Counter()
    for _, stored, n, with_work in rows:
        known = place(stored)
        key = known.code if known else stored
        ended[key] += n
        work[key] += with_work
    return _ordered(
        GroupResult(key, _municipality_name(key), ended[key], work[key]) for key in ended
    )


def by_region(
    rows: Iterable[tuple[str | None, int | str | None, int, int]],
) -> tuple[GroupResult, ...]:
    """One group a region (its id), by the municipality; None where that is not known."""
    ended: Counter[str | None] = Counter()
    work: Counter[str | None] = Counter()
    for _, stored, n, with_work in rows:
        known = place(stored)
        key = known.region if known else None
        ended[key] += n
        work[key] += with_work
    return _ordered(GroupResult(key, key, ended[key], work[key]) for key in ended)


def _municipality_name(key: int | str | None) -> str | None:
    known = place(key)
    return known.name if known else (key if isinstance(key, str) else None)


def by_channel(rows: Iterable[tuple[int | None, str | None, int, int]]) -> tuple[GroupResult, ...]:
    return _ordered(GroupResult(key, name, n, work) for key, name, n, work in rows)


def followups(rows: Iterable[tuple[int, str, str | None, int]]) -> tuple[FollowUps, ...]:
    answers: dict[int, Counter[str]] = defaultdict(Counter)
    for months, status, answer, n in rows:
        if status == "answered" and answer:
            answers[months][answer] += n
        elif status in ("sent", "pending"):
            answers[months]["unanswered"] += n
    return tuple(
        FollowUps(
            months=months,
            work=answers[months]["work"],
            education=answers[months]["education"],
            both=answers[months]["both"],
            neither=answers[months]["neither"],
            unanswered=answers[months]["unanswered"],
        )
        for months in FOLLOWUP_MONTHS
    )


def _ordered(groups: Iterable[GroupResult]) -> tuple[GroupResult, ...]:
    """Largest first; ties by name, the groups without one last."""
    return tuple(
        sorted(groups, key=lambda g: (-g.ended, g.name is None, str(g.name or "").casefold()))
    )
