"""The evaluation report as a Telegram HTML message in the coordinator's language.

The figures and the small-group rule are bot/model/evaluation.py's; this module only words
and formats them.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from babel.numbers import format_percent

from bot.handlers.questions import municipality_name, region_label
from bot.handlers.texts import outcome_labels
from bot.i18n import Translator
from bot.model.evaluation import OTHER, WORK, Days, GroupResult, Report, ReportFilter, share, shown
from bot.model.municipalities import named
from bot.model.pairs import Outcome, Side
from bot.model.participants import Role
from bot.model.questionnaire import load_fields

GROUPS_SHOWN = 10  # per table in the message; every group is in the CSV files


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
        names = (municipality_name(t, code) for code in chosen.within)
        lines.append(within.format(names=_name(t, ", ".join(names))))
    lines.append(escape(t.gettext("Made on {date}.")).format(date=t.date(report.made_at.date())))
    return "\n".join(lines)


def _municipality_filter(typed: str) -> str:
    known = named(typed)
    return known.name if known else " ".join(typed.split())


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
