"""The evaluation report: what the programme achieved, for a period, a municipality or a field.

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

import html
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta

from babel.numbers import format_percent

from bot.i18n import Translator
from bot.model.matching import normalise_municipality
from bot.model.pairs import JOB_OUTCOMES, Outcome, Side
from bot.model.participants import Role, RoleCount, Status, participants_by_role
from bot.model.questionnaire import load_fields
from bot.services import Services
from storage import Database
from storage import evaluation as store
from storage.evaluation import ReportQuery

SMALL_GROUP = 5
WORK = JOB_OUTCOMES
OTHER = (Outcome.OTHER_PROGRESS, Outcome.DROPPED_OUT, Outcome.MOVED_AWAY, None)
DAYS_PER_MONTH = 365.25 / 12
FOLLOWUP_MONTHS = (3, 6)
GROUPS_SHOWN = 10  # per table in the message; every group is in the CSV files


@dataclass(frozen=True)
class ReportFilter:
    """What `/report` covers; None leaves that part open. `field` is a field id; `within` the
    municipalities of the coordinator who asks, as typed (None: the whole programme)."""

    start: date | None = None
    end: date | None = None
    municipality: str | None = None
    field: str | None = None
    within: tuple[str, ...] | None = None


def shown(count: int) -> int | None:
    """A count of people as it may be shown: None (say "fewer than 5") from 1 to 4."""
    return None if 0 < count < SMALL_GROUP else count


def share(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when a small group could be recognised in it."""
    if denominator < SMALL_GROUP or 0 < numerator < SMALL_GROUP:
        return None
    return numerator / denominator


def median(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times); None when there are none."""
    counts = sorted((value, n) for value, n in histogram if n > 0)
    total = sum(n for _, n in counts)
    if total == 0:
        return None

    def at(position: int) -> int:
        seen = 0
        for value, n in counts:
            seen += n
            if position < seen:
                return value
        raise IndexError(position)

    return (at((total - 1) // 2) + at(total // 2)) / 2


@dataclass(frozen=True)
class Days:
    """A median number of days, and how many pairs it rests on."""

    median: float | None
    pairs: int

    @property
    def shown(self) -> float | None:
        return self.median if self.pairs >= SMALL_GROUP else None


@dataclass(frozen=True)
class Screenings:
    submitted: int
    waiting: int
    interview: int
    approved: int
    course_done: int  # approved and through the mentor course
    rejected: int


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
    """One field, municipality or channel: `key` identifies it, `name` is what to show (None:
    not given, or for channels no link)."""

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
    report_filter: ReportFilter
    made_at: datetime
    participants: tuple[RoleCount, ...]
    screenings: Screenings
    pairs: PairCounts
    intake_to_match: Days
    outcomes: Outcomes
    match_to_job: Days
    answer_rates: tuple[AnswerRate, ...]
    meetings: Meetings
    by_field: tuple[GroupResult, ...]
    by_municipality: tuple[GroupResult, ...]
    by_channel: tuple[GroupResult, ...]
    followups: tuple[FollowUps, ...]


# -- from rows to figures ----------------------------------------------------------------------


async def query_of(db: Database, report_filter: ReportFilter, now: datetime) -> ReportQuery:
    """The filter in the terms the queries compare: days, and the stored answers that count."""
    query = ReportQuery(now=now.isoformat())
    if report_filter.start:
        query = replace(query, first_day=report_filter.start.isoformat())
    if report_filter.end:
        query = replace(query, after_day=(report_filter.end + timedelta(days=1)).isoformat())
    if report_filter.field is not None:
        stored = await store.stored_answers(db, "field")
        chosen = tuple(text for text, value in stored.items() if value == report_filter.field)
        query = replace(query, fields=chosen)
    if report_filter.municipality is None and report_filter.within is None:
        return query
    stored = await store.stored_answers(db, "municipality")
    named = {
        text: normalise_municipality(value)
        for text, value in stored.items()
        if isinstance(value, str)
    }
    if report_filter.municipality is not None:
        wanted = normalise_municipality(report_filter.municipality)
        named = {text: value for text, value in named.items() if value == wanted}
        query = replace(query, municipalities=tuple(named))
    if report_filter.within is not None:
        within = {normalise_municipality(name) for name in report_filter.within}
        inside = tuple(text for text, value in named.items() if value in within)
        query = replace(query, municipalities=inside, mentor_municipalities=inside)
    return query


async def report(services: Services, report_filter: ReportFilter) -> Report:
    """The report for `/report`, as of now."""
    return await build_report(services.db, report_filter, services.clock())


async def build_report(db: Database, report_filter: ReportFilter, now: datetime) -> Report:
    """Every figure of the report, each counted by one query (storage/evaluation.py)."""
    query = await query_of(db, report_filter, now)
    totals = await store.pair_totals(db, query)
    by_mentee = await store.results_by_mentee(db, query)
    return Report(
        report_filter=report_filter,
        made_at=now,
        participants=tuple(participant_rows(await store.participant_counts(db, query))),
        screenings=screening_counts(await store.screening_counts(db, query)),
        pairs=pair_counts(totals),
        intake_to_match=days(await store.days_to_match(db, query)),
        outcomes=outcomes(await store.outcome_counts(db, query)),
        match_to_job=days(await store.days_to_job(db, query)),
        answer_rates=answer_rates(await store.checkin_counts(db, query)),
        meetings=Meetings(
            pairs=int(totals["met_pairs"]),
            meetings=int(totals["meetings"]),
            months=totals["active_days"] / DAYS_PER_MONTH,
        ),
        by_field=by_field(by_mentee),
        by_municipality=by_municipality(by_mentee),
        by_channel=by_channel(await store.results_by_channel(db, query)),
        followups=followups(await store.followup_counts(db, query)),
    )


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


def days(histogram: Iterable[tuple[int, int]]) -> Days:
    rows = list(histogram)
    return Days(median=median(rows), pairs=sum(n for _, n in rows))


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


def by_field(rows: Iterable[tuple[str | None, str | None, int, int]]) -> tuple[GroupResult, ...]:
    ended: Counter[str | None] = Counter()
    work: Counter[str | None] = Counter()
    for field_id, _, n, with_work in rows:
        ended[field_id] += n
        work[field_id] += with_work
    return _ordered(GroupResult(key, key, ended[key], work[key]) for key in ended)


def by_municipality(
    rows: Iterable[tuple[str | None, str | None, int, int]],
) -> tuple[GroupResult, ...]:
    """Spellings of one municipality are one group, named as most of its mentees wrote it."""
    ended: Counter[str | None] = Counter()
    work: Counter[str | None] = Counter()
    spellings: dict[str | None, Counter[str]] = defaultdict(Counter)
    for _, name, n, with_work in rows:
        key = normalise_municipality(name) if name else None
        ended[key] += n
        work[key] += with_work
        if name:
            spellings[key][name] += n
    return _ordered(
        GroupResult(key, _most_common(spellings[key]), ended[key], work[key]) for key in ended
    )


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


def _most_common(spellings: Counter[str]) -> str | None:
    if not spellings:
        return None
    return min(spellings, key=lambda name: (-spellings[name], name))


# -- the message ------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text for Telegram's HTML: outside tags only <, > and & are special."""
    return html.escape(text, quote=False)


def count_text(t: Translator, count: int) -> str:
    n = shown(count)
    return t.gettext("fewer than 5") if n is None else t.number(n)


def share_text(t: Translator, value: float | None) -> str:
    return t.gettext("fewer than 5") if value is None else format_percent(value, locale=t.locale)


def days_text(t: Translator, value: Days) -> str:
    if value.shown is None:
        return t.gettext("not shown: fewer than 5 pairs")
    whole = int(value.shown + 0.5)
    return t.ngettext("{count} day", "{count} days", whole).format(count=t.number(whole))


def field_names(t: Translator) -> dict[str, str]:
    return {field.id: t.gettext(field.label) for field in load_fields()}


def render(report: Report, t: Translator) -> str:
    """The report as a Telegram HTML message in the coordinator's language."""
    sections = [
        _heading(report, t),
        _headline(report, t),
        _participants(report, t),
        _screenings(report, t),
        _matching(report, t),
        _outcomes(report, t),
        _followups(report, t),
        _checkins(report, t),
        *_groups(report, t),
    ]
    return "\n\n".join(section for section in sections if section)


def _line(t: Translator, label: str, count: int) -> str:
    return label.format(count=count_text(t, count))


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _name(t: Translator, name: str) -> str:
    return escape(t.isolate(name))


def _heading(report: Report, t: Translator) -> str:
    chosen = report.report_filter
    lines = [_bold(escape(t.gettext("Evaluation report"))), _period(chosen, t)]
    if chosen.municipality:
        lines.append(
            escape(t.gettext("Municipality: {name}")).format(
                name=_name(t, chosen.municipality.strip())
            )
        )
    if chosen.field:
        label = field_names(t).get(chosen.field, chosen.field)
        lines.append(escape(t.gettext("Field: {name}")).format(name=_name(t, label)))
    if chosen.municipality or chosen.field:
        lines.append(
            escape(t.gettext("Municipality and field limit the mentees, pairs and outcomes."))
        )
    if chosen.within is not None:
        within = escape(t.gettext("Only the mentors and mentees of your municipalities: {names}"))
        lines.append(within.format(names=_name(t, ", ".join(chosen.within))))
    lines.append(escape(t.gettext("Made on {date}.")).format(date=t.date(report.made_at.date())))
    return "\n".join(lines)


def _period(chosen: ReportFilter, t: Translator) -> str:
    if chosen.start and chosen.end:
        text = t.gettext("Period: {start} to {end}")
    elif chosen.start:
        text = t.gettext("Period: from {start}")
    elif chosen.end:
        text = t.gettext("Period: until {end}")
    else:
        text = t.gettext("Period: all time")
    return escape(text).format(
        start=t.date(chosen.start) if chosen.start else "",
        end=t.date(chosen.end) if chosen.end else "",
    )


def _headline(report: Report, t: Translator) -> str:
    if report.outcomes.ended == 0:
        return ""
    found = t.gettext("Found work: {share} of the mentees whose pair ended")
    return _bold(escape(found).format(share=share_text(t, report.outcomes.work_share)))


def _participants(report: Report, t: Translator) -> str:
    labels = {
        Role.MENTOR: t.gettext("Mentors: {count}"),
        Role.MENTEE: t.gettext("Mentees: {count}"),
        None: t.gettext("No role chosen yet: {count}"),
        Role.COORDINATOR: t.gettext("Coordinators: {count}"),
    }
    lines = [_bold(escape(t.gettext("Participants")))]
    for row in report.participants:
        line = _line(t, labels[row.role], row.total)
        if row.unreachable:
            line += " " + _line(t, t.gettext("(blocked the bot: {count})"), row.unreachable)
        lines.append(escape(line))
    return "\n".join(lines)


def _screenings(report: Report, t: Translator) -> str:
    s = report.screenings
    rows = [
        (t.gettext("Sent in: {count}"), s.submitted),
        (t.gettext("Waiting for a decision: {count}"), s.waiting),
        (t.gettext("Called for interview: {count}"), s.interview),
        (t.gettext("Approved: {count}"), s.approved),
        (t.gettext("Approved and mentor course done: {count}"), s.course_done),
        (t.gettext("Rejected: {count}"), s.rejected),
    ]
    heading = _bold(escape(t.gettext("Mentor screenings")))
    return "\n".join([heading] + [escape(_line(t, label, n)) for label, n in rows])


def _matching(report: Report, t: Translator) -> str:
    p = report.pairs
    running = (
        t.gettext("Active or paused at the end of the period: {count}")
        if report.report_filter.end
        else t.gettext("Active or paused now: {count}")
    )
    rows = [
        (t.gettext("Proposals: {count}"), p.proposed),
        (t.gettext("Proposals declined: {count}"), p.declined),
        (t.gettext("Proposals without an answer in time: {count}"), p.lapsed),
        (t.gettext("Proposals waiting for answers: {count}"), p.waiting),
        (t.gettext("Pairs started: {count}"), p.started),
        (running, p.running),
        (t.gettext("Pairs ended: {count}"), p.ended),
    ]
    lines = [_bold(escape(t.gettext("Matching")))]
    lines += [escape(_line(t, label, n)) for label, n in rows]
    lines.append(
        escape(t.gettext("Median time from intake to match: {days}")).format(
            days=days_text(t, report.intake_to_match)
        )
    )
    return "\n".join(lines)


def outcome_labels(t: Translator) -> dict[Outcome | None, str]:
    return {
        Outcome.JOB: t.gettext("Ordinary job"),
        Outcome.SUBSIDISED_JOB: t.gettext("Job with wage subsidy (løntilskud)"),
        Outcome.IGU: t.gettext("Integration basic education (IGU)"),
        Outcome.INTERNSHIP: t.gettext("Company internship (virksomhedspraktik)"),
        Outcome.EDUCATION: t.pgettext("outcome", "Education"),
        Outcome.OTHER_PROGRESS: t.gettext("Other progress"),
        Outcome.DROPPED_OUT: t.gettext("Dropped out"),
        Outcome.MOVED_AWAY: t.gettext("Moved away"),
        None: t.gettext("No outcome recorded"),
    }


def _outcomes(report: Report, t: Translator) -> str:
    o = report.outcomes
    heading = _bold(escape(t.gettext("Outcomes of the pairs that ended")))
    if o.ended == 0:
        return "\n".join([heading, escape(t.gettext("No pairs ended."))])
    labels = outcome_labels(t)
    groups = [
        (t.gettext("In work: {count} ({share})"), o.work, WORK),
        (t.gettext("In education: {count} ({share})"), o.education, (Outcome.EDUCATION,)),
        (t.gettext("In an internship: {count} ({share})"), o.internship, (Outcome.INTERNSHIP,)),
        (t.gettext("Other: {count} ({share})"), o.other, OTHER),
    ]
    lines = [heading, escape(_line(t, t.gettext("Pairs ended: {count}"), o.ended))]
    for label, count, members in groups:
        lines.append(
            escape(label).format(
                count=count_text(t, count), share=share_text(t, share(count, o.ended))
            )
        )
        if len(members) > 1:
            lines += [
                f"  – {escape(labels[member])}: {count_text(t, o.of(member))}"
                for member in members
                if o.of(member)
            ]
    lines.append(
        escape(t.gettext("Median time from match to job: {days}")).format(
            days=days_text(t, report.match_to_job)
        )
    )
    return "\n".join(lines)


def _followups(report: Report, t: Translator) -> str:
    lines = [_bold(escape(t.gettext("Asked again after the end")))]
    for follow in report.followups:
        title = t.ngettext("After {months} month", "After {months} months", follow.months)
        rows = [
            (t.gettext("In work: {count}"), follow.work),
            (t.gettext("In education: {count}"), follow.education),
            (t.gettext("In work and education: {count}"), follow.both),
            (t.gettext("Neither: {count}"), follow.neither),
            (t.gettext("Asked, no answer yet: {count}"), follow.unanswered),
        ]
        lines.append(escape(title).format(months=t.number(follow.months)))
        lines += ["  " + escape(_line(t, label, n)) for label, n in rows]
    return "\n".join(lines)


def _checkins(report: Report, t: Translator) -> str:
    labels = {
        Side.MENTOR: t.gettext("Mentors answered: {share} of {count} check-ins"),
        Side.MENTEE: t.gettext("Mentees answered: {share} of {count} check-ins"),
    }
    none_sent = {
        Side.MENTOR: t.gettext("Mentors: no check-ins were sent."),
        Side.MENTEE: t.gettext("Mentees: no check-ins were sent."),
    }
    lines = [_bold(escape(t.gettext("Check-ins")))]
    lines += [
        escape(labels[rate.side]).format(
            share=share_text(t, rate.rate), count=count_text(t, rate.asked)
        )
        if rate.asked
        else escape(none_sent[rate.side])
        for rate in report.answer_rates
    ]
    per_month = report.meetings.per_pair_month
    lines.append(
        escape(t.gettext("Meetings per pair per month: {rate}")).format(
            rate=t.gettext("not shown: fewer than 5 pairs")
            if per_month is None
            else t.number(round(per_month, 1))
        )
    )
    return "\n".join(lines)


def _groups(report: Report, t: Translator) -> list[str]:
    if report.outcomes.ended == 0:
        return []
    field_labels = field_names(t)
    not_given = t.gettext("Not given")
    tables = [
        (
            t.gettext("By field"),
            report.by_field,
            lambda g: field_labels.get(g.name, g.name) if g.name else not_given,
        ),
        (t.gettext("By municipality"), report.by_municipality, lambda g: g.name or not_given),
        (
            t.gettext("By the mentor's recruitment channel"),
            report.by_channel,
            lambda g: g.name or t.gettext("Direct, no link"),
        ),
    ]
    return [_table(t, title, groups, name) for title, groups, name in tables]


def _table(
    t: Translator, title: str, groups: tuple[GroupResult, ...], name: Callable[[GroupResult], str]
) -> str:
    row = escape(t.gettext("{name}: {ended} ended, {share} found work"))
    lines = [_bold(escape(title))]
    lines += [
        row.format(
            name=_name(t, name(group)),
            ended=count_text(t, group.ended),
            share=share_text(t, group.work_share),
        )
        for group in groups[:GROUPS_SHOWN]
    ]
    if len(groups) > GROUPS_SHOWN:
        more = len(groups) - GROUPS_SHOWN
        lines.append(
            escape(t.gettext("{count} more in the CSV files.")).format(count=t.number(more))
        )
    return "\n".join(lines)
