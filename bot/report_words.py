"""How the evaluation's figures are worded in the coordinator's language: counts, shares with
their 95% interval, medians, periods and the groups' names. Shared by the report's message
(bot/handlers/report_view.py), its CSV summary (bot/exports.py) and the one-page summary
(bot/summary.py)."""

from __future__ import annotations

import html
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.i18n import Translator
from bot.model.effects import (
    ALERTED,
    DIFFERENT,
    LATER,
    NO_ALERT,
    ONE_TO_TWO,
    OVER_TWO,
    SAME,
    UNDER_ONE,
    WITHIN,
    Benchmark,
    Factor,
    Quarter,
)
from bot.model.evaluation import ReportFilter
from bot.model.intervals import Days, Proportion, Verdict, share, shown
from bot.model.questionnaire import load_fields, option_lists

CONFIDENCE = 0.95  # the intervals' level, written as Babel writes a percentage


def escape(text: str) -> str:
    """Text for Telegram's HTML: outside tags only <, > and & are special."""
    return html.escape(text, quote=False)


def count_text(t: Translator, count: int | None) -> str:
    """A count as it may be shown; None: hidden so that a small group cannot be worked out."""
    if count is None:
        return t.gettext("not shown")
    n = shown(count)
    return t.gettext("fewer than 5") if n is None else t.number(n)


def share_text(t: Translator, proportion: Proportion) -> str:
    """ "58% (95% interval 49–66%)", "fewer than 5", or "not shown" when a small group could be
    worked out from it."""
    interval = proportion.interval
    if proportion.value is None or interval is None:
        small = share(proportion.part, proportion.whole) is None
        return t.gettext("fewer than 5") if small else t.gettext("not shown")
    return t.gettext("{share} ({level} interval {low}–{high})").format(
        share=percent(t, proportion.value),
        level=percent(t, CONFIDENCE),
        low=format_decimal(round(interval.low * 100), locale=t.locale),
        high=percent(t, interval.high),
    )


def percent(t: Translator, value: float) -> str:
    return format_percent(value, locale=t.locale)


def days_text(t: Translator, value: Days, hidden: str | None = None) -> str:
    """The median days; `hidden` (default: fewer than 5 pairs) when too few to show."""
    if value.shown is None:
        return hidden or t.gettext("not shown: fewer than 5 pairs")
    whole = int(value.shown + 0.5)
    return t.ngettext("{count} day", "{count} days", whole).format(count=t.number(whole))


def period_text(chosen: ReportFilter, t: Translator) -> str:
    if chosen.start and chosen.end:
        text = t.gettext("Period: {start} to {end}")
    elif chosen.start:
        text = t.gettext("Period: from {start}")
    elif chosen.end:
        text = t.gettext("Period: until {end}")
    else:
        text = t.gettext("Period: all time")
    return text.format(
        start=t.date(chosen.start) if chosen.start else "",
        end=t.date(chosen.end) if chosen.end else "",
    )


def quarter_text(t: Translator, quarter: Quarter) -> str:
    """ "Q2 2026", "2. kvt. 2026": Babel's abbreviated quarter and the year."""
    first_day = date(quarter.year, 3 * quarter.number - 2, 1)
    return format_date(first_day, "QQQ y", locale=t.locale)


def benchmark_lines(benchmark: Benchmark, t: Translator) -> list[str]:
    """The comparison with the national programme in plain sentences (also on the summary)."""
    if benchmark.pairs == 0:
        return [t.gettext("No pair ended at least 3 months ago yet.")]
    reference = percent(t, benchmark.reference)
    lines = [
        t.gettext(
            "In work at the end or at the 3- or 6-month follow-up: {share} of {count} pairs "
            "that ended at least 3 months ago."
        ).format(share=share_text(t, benchmark.work), count=count_text(t, benchmark.pairs)),
        t.gettext("The national programme: {reference} found work.").format(reference=reference),
    ]
    verdicts = {
        Verdict.ABOVE: t.gettext(
            "The whole interval lies above {reference}: better than the national programme."
        ),
        Verdict.BELOW: t.gettext(
            "The whole interval lies below {reference}: not as good as the national programme."
        ),
        Verdict.ACROSS: t.gettext(
            "The interval includes {reference}: no clear difference from the national programme."
        ),
    }
    verdict = benchmark.verdict
    if verdict is None:
        lines.append(t.gettext("Too few pairs to compare."))
    else:
        lines.append(verdicts[verdict].format(reference=reference))
    return lines


def level_names(t: Translator) -> dict[Factor, dict[str | None, str]]:
    """Each factor's levels in words; None: not known."""
    danish = {option.id: t.gettext(option.label) for option in option_lists()["danish_levels"]}
    return {
        Factor.SAME_FIELD: {
            SAME: t.gettext("Mentor in the mentee's field"),
            DIFFERENT: t.gettext("Mentor in another field"),
            None: t.gettext("Not known"),
        },
        Factor.MEETINGS: {
            UNDER_ONE: t.gettext("Under 1 meeting a month"),
            ONE_TO_TWO: t.gettext("1–2 meetings a month"),
            OVER_TWO: t.gettext("Over 2 meetings a month"),
            None: t.gettext("Not known"),
        },
        Factor.FIRST_MEETING: {
            WITHIN: t.gettext("First meeting within 14 days"),
            LATER: t.gettext("First meeting later"),
            None: t.gettext("No meeting reported"),
        },
        Factor.DANISH: {
            **{
                level: t.gettext("Danish: {level}").format(level=name)
                for level, name in danish.items()
            },
            None: t.gettext("Danish: not known"),
        },
        Factor.DIVERGENCE: {
            ALERTED: t.gettext("Alert: mentor and mentee answered differently"),
            NO_ALERT: t.gettext("No such alert"),
            None: t.gettext("Not known"),
        },
    }


def region_label(t: Translator, region_id: str) -> str:
    """A region's name in the reader's language."""
    region = next((r for r in option_lists()["regions"] if r.id == region_id), None)
    return t.gettext(region.label) if region else region_id


def field_names(t: Translator) -> dict[str, str]:
    return {field.id: t.gettext(field.label) for field in load_fields()}
