"""The evaluation report's charts: outcomes at the end and at the follow-ups, and the share in
work by quarter against the national programme, as PNGs (the trend also on the summary's page)."""

from __future__ import annotations

import io

import arabic_reshaper
import matplotlib
from bidi.algorithm import get_display
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.i18n import Translator, translator
from bot.model.evaluation import Report
from bot.model.intervals import SMALL_GROUP, shown
from bot.report_words import CONFIDENCE, percent, quarter_text
from storage.worker import in_process

# No display: the chart is drawn into bytes. The Figure API keeps no global figures to close.
matplotlib.use("Agg")

WIDTH_IN, HEIGHT_IN, DPI = 8, 5, 100  # 800 x 500 pixels
# From 3.11 matplotlib joins letters and orders right-to-left text itself (libraqm); shaping
# the text before would turn it around a second time.
LAYS_OUT_TEXT = matplotlib.__version_info__ >= (3, 11)
BAR_COLOURS = ("#2a7f62", "#3d6fb6", "#c58b2b", "#8c8c8c")


async def draw_outcomes_chart(report: Report, t: Translator) -> bytes:
    """The outcomes chart, drawn in a process of its own (storage/worker.py): it takes a few
    hundred milliseconds of CPU, which a thread would take from the chats' interpreter lock
    (and matplotlib is not thread-safe)."""
    return await in_process(_draw_outcomes, report, t.language)


def _draw_outcomes(report: Report, language: str) -> bytes:
    return outcomes_chart(report, translator(language))


def has_trend(report: Report) -> bool:
    """Whether any quarter's share in work may be shown."""
    return any(figures.work.value is not None for figures in report.effects.quarters)


async def draw_trend_chart(report: Report, t: Translator) -> bytes:
    """The trend chart as a PNG, drawn in a process of its own like the outcomes chart."""
    return await in_process(_draw_trend, report, t.language)


def _draw_trend(report: Report, language: str) -> bytes:
    return trend_chart(report, translator(language))


def trend_chart(report: Report, t: Translator) -> bytes:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN * 0.8), dpi=DPI, layout="constrained")
    draw_trend(figure.subplots(), report, t)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def draw_trend(axes: Axes, report: Report, t: Translator) -> None:
    """Points with their 95% interval as error bars, one per quarter the pairs started (those
    with fewer than 5 pairs left out), and the national programme's share as a line."""
    quarters = report.effects.quarters
    reference = report.effects.benchmark.reference
    positions, values, below, above = [], [], [], []
    for position, figures in enumerate(quarters):
        interval = figures.work.interval
        if figures.work.value is None or interval is None:
            continue
        positions.append(position)
        values.append(figures.work.value * 100)
        below.append((figures.work.value - interval.low) * 100)
        above.append((interval.high - figures.work.value) * 100)
    axes.errorbar(positions, values, yerr=[below, above], fmt="o", color=BAR_COLOURS[0], capsize=4)
    label = t.gettext("National programme: {share}").format(share=percent(t, reference))
    axes.axhline(reference * 100, color=BAR_COLOURS[2], linestyle="--", label=_shaped(t, label))
    axes.set_xticks(
        range(len(quarters)),
        [_shaped(t, quarter_text(t, figures.quarter)) for figures in quarters],
        fontsize=7,
        rotation=45 if len(quarters) > 8 else 0,
    )
    axes.set_xlim(-0.5, max(len(quarters), 1) - 0.5)
    axes.set_ylim(0, 100)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(t, value / 100)))
    axes.tick_params(axis="y", labelsize=7)
    title = t.gettext("In work, by the quarter the pairs started ({level} interval)").format(
        level=percent(t, CONFIDENCE)
    )
    axes.set_title(_shaped(t, title), fontsize=9, loc="right" if t.right_to_left else "left")
    axes.legend(fontsize=7, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)


def outcomes_chart(report: Report, t: Translator) -> bytes:
    """Horizontal bars: the outcomes of the pairs that ended, and the mentees' answers 3 and 6
    months later. A bar for fewer than 5 people is left out, and a note says so."""
    o = report.outcomes
    panels = [
        (
            t.gettext("When the pair ended"),
            [
                (t.gettext("Work"), o.work),
                (t.pgettext("outcome", "Education"), o.education),
                (t.gettext("Internship"), o.internship),
                (t.gettext("Other"), o.other),
            ],
        )
    ]
    for follow in report.followups:
        title = t.ngettext("After {months} month", "After {months} months", follow.months)
        panels.append(
            (
                title.format(months=t.number(follow.months)),
                [
                    (t.gettext("Work"), follow.work),
                    (t.pgettext("outcome", "Education"), follow.education),
                    (t.gettext("Work and education"), follow.both),
                    (t.gettext("Neither"), follow.neither),
                ],
            )
        )
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    left_out = False
    for axes, (title, bars) in zip(figure.subplots(len(panels), 1), panels, strict=True):
        left_out |= _bars(axes, t, title, bars)
    heading = t.gettext("Outcomes of the pairs that ended")
    if left_out:
        heading += "\n" + t.gettext("Groups of fewer than 5 are not shown.")
    figure.suptitle(_shaped(t, heading), fontsize=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(axes: Axes, t: Translator, title: str, bars: list[tuple[str, int]]) -> bool:
    """Draw one panel; True if a bar was left out for being too small."""
    values = [shown(count) for _, count in bars]
    positions = list(range(len(bars)))
    axes.barh(positions, [value or 0 for value in values], color=BAR_COLOURS[: len(bars)])
    for position, value in zip(positions, values, strict=True):
        if value is not None:  # a 0 is written, so it is not taken for a left-out bar
            axes.annotate(
                t.number(value),
                (value, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    axes.set_yticks(positions, [_shaped(t, label) for label, _ in bars], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, max([SMALL_GROUP, *(value or 0 for value in values)]) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(_shaped(t, title), fontsize=9, loc="right" if t.right_to_left else "left")
    axes.tick_params(axis="x", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return any(value is None for value in values)


def _shaped(t: Translator, text: str) -> str:
    """Arabic letters joined and put in display order, where matplotlib would otherwise draw
    them apart and left to right."""
    if not t.right_to_left or LAYS_OUT_TEXT:
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))
