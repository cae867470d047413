"""The evaluation report as a Telegram HTML message in the coordinator's language.

The figures and the small-group rule are bot/model/evaluation.py's; this module only words
and formats them.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.handlers.effects_view import effects_sections
from bot.handlers.questions import municipality_name, scope_text
from bot.handlers.texts import outcome_labels
from bot.i18n import Translator
from bot.model.evaluation import OTHER, WORK, GroupResult, Report
from bot.model.intervals import Proportion, protect, protect_counts
from bot.model.municipalities import named
from bot.model.pairs import Outcome, Side
from bot.model.participants import Role
from bot.report_words import (
    CONFIDENCE,
    count_text,
    days_text,
    escape,
    field_names,
    percent,
    period_text,
    region_label,
    share_text,
)

GROUPS_SHOWN = 10  # per table in the message; every group is in the CSV files


def render(report: Report, t: Translator) -> str:
    """The report as a Telegram HTML message in the coordinator's language."""
    sections = [
        _heading(report, t),
        _headline(report, t),
        _participants(report, t),
        _screenings(report, t),
        _course(report, t),
        _matching(report, t),
        _outcomes(report, t),
        _followups(report, t),
        _checkins(report, t),
        *_groups(report, t),
        *effects_sections(report, t),
        _footer(t),
    ]
    return "\n\n".join(section for section in sections if section)


def _footer(t: Translator) -> str:
    return escape(
        t.gettext(
            "Shares come with their {level} interval: the range the true share most likely lies "
            "in. Groups of fewer than 5 are not shown, nor is the next-smallest group where a "
            "small one could be worked out from a total. The CSV files have one row per pair "
            "or entry: they are for coordinators only; do not pass them on."
        ).format(level=percent(t, CONFIDENCE))
    )


def _line(t: Translator, label: str, count: int | None) -> str:
    return label.format(count=count_text(t, count))


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _name(t: Translator, name: str) -> str:
    return escape(t.isolate(name))


def _heading(report: Report, t: Translator) -> str:
    chosen = report.report_filter
    lines = [_bold(escape(t.gettext("Evaluation report"))), escape(period_text(chosen, t))]
    if chosen.municipality:
        lines.append(
            escape(t.gettext("Municipality: {name}")).format(
                name=_name(t, _municipality_filter(chosen.municipality))
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
        lines.append(within.format(names=scope_text(t, chosen.within)))
    lines.append(escape(t.gettext("Made on {date}.")).format(date=t.date(report.made_at.date())))
    return "\n".join(lines)


def _municipality_filter(typed: str) -> str:
    known = named(typed)
    return known.name if known else " ".join(typed.split())


def _headline(report: Report, t: Translator) -> str:
    if report.outcomes.ended == 0:
        return ""
    o = report.outcomes
    found = t.gettext("Found work: {share} of the mentees whose pair ended")
    return _bold(escape(found.format(share=share_text(t, Proportion(o.work, o.ended)))))


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
    # Waiting, interview, approved and rejected add up to those sent in.
    waiting, interview, approved, rejected = protect_counts(
        [s.waiting, s.interview, s.approved, s.rejected]
    )
    rows = [
        (t.gettext("Sent in: {count}"), s.submitted),
        (t.gettext("Waiting for a decision: {count}"), waiting),
        (t.gettext("Called for interview: {count}"), interview),
        (t.gettext("Approved: {count}"), approved),
        (t.gettext("Approved and mentor course done: {count}"), s.course_done),
        (t.gettext("Rejected: {count}"), rejected),
    ]
    heading = _bold(escape(t.gettext("Mentor screenings")))
    return "\n".join([heading] + [escape(_line(t, label, n)) for label, n in rows])


def _course(report: Report, t: Translator) -> str:
    c = report.course
    lines = [
        _bold(escape(t.gettext("Mentor course"))),
        escape(t.gettext("Sessions held: {count}").format(count=t.number(c.sessions))),
        escape(_line(t, t.gettext("Seats taken: {count}"), c.seats_taken)),
        escape(_line(t, t.gettext("Came to the course: {count}"), c.attended)),
        escape(
            t.gettext("From approval to the course done: {time}").format(
                time=days_text(
                    t, c.approval_to_course, t.gettext("not shown: fewer than 5 mentors")
                )
            )
        ),
    ]
    return "\n".join(lines)


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


def _outcomes(report: Report, t: Translator) -> str:
    o = report.outcomes
    heading = _bold(escape(t.gettext("Outcomes of the pairs that ended")))
    if o.ended == 0:
        return "\n".join([heading, escape(t.gettext("No pairs ended."))])
    labels = outcome_labels(t)
    groups = [
        (t.gettext("In work: {count}, {share}"), o.work, WORK),
        (t.gettext("In education: {count}, {share}"), o.education, (Outcome.EDUCATION,)),
        (t.gettext("In an internship: {count}, {share}"), o.internship, (Outcome.INTERNSHIP,)),
        (t.gettext("Other: {count}, {share}"), o.other, OTHER),
    ]
    # The four add up to the pairs ended: hidden together where one could be worked out.
    shares = protect([Proportion(count, o.ended) for _, count, _ in groups])
    lines = [heading, escape(_line(t, t.gettext("Pairs ended: {count}"), o.ended))]
    for (label, count, members), proportion in zip(groups, shares, strict=True):
        lines.append(
            escape(
                label.format(
                    count=count_text(t, None if proportion.part_masked else count),
                    share=share_text(t, proportion),
                )
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
        escape(
            labels[rate.side].format(
                share=share_text(t, Proportion(rate.answered, rate.asked)),
                count=count_text(t, rate.asked),
            )
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
        (
            t.gettext("By municipality"),
            report.by_municipality,
            lambda g: municipality_name(t, g.key) if g.key is not None else not_given,
        ),
        (
            t.gettext("By region"),
            report.by_region,
            lambda g: region_label(t, g.key) if isinstance(g.key, str) else not_given,
        ),
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
    row = escape(t.gettext("{name}: {ended} ended, found work: {share}"))
    hidden = escape(t.gettext("{name}: not shown, so that a smaller group cannot be worked out"))
    # The groups add up to the pairs ended: a small one must not follow from the others.
    shares = protect([Proportion(group.work, group.ended) for group in groups])
    lines = [_bold(escape(title))]
    lines += [
        hidden.format(name=_name(t, name(group)))
        if proportion.masked
        else row.format(
            name=_name(t, name(group)),
            ended=count_text(t, group.ended),
            share=escape(share_text(t, proportion)),
        )
        for group, proportion in list(zip(groups, shares, strict=True))[:GROUPS_SHOWN]
    ]
    if len(groups) > GROUPS_SHOWN:
        more = len(groups) - GROUPS_SHOWN
        lines.append(
            escape(t.gettext("{count} more in the CSV files.")).format(count=t.number(more))
        )
    return "\n".join(lines)
