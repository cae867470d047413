"""/summary: the evaluation on one A4 page, a PDF to hand to a council or put in a newsletter.

In Danish or English (the coordinator's language; Danish for the others): the period and the
municipality, mentors recruited and trained, mentees and pairs, the share into work with its
interval against the national programme, the trend chart, three figures on how pairs meet and
what mentoring is. No names, and no group under 5: every figure is the report's own, under the
report's rules (bot/model/intervals.py).

The page is drawn by matplotlib's PDF backend with DejaVu Sans, the font matplotlib itself
ships: the same letters on every machine, embedded in the file as TrueType so the text can be
copied (and read back by the tests with pdftotext).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.charts import draw_trend
from bot.i18n import Translator, translator
from bot.model.effects import LATER, ONE_TO_TWO, OVER_TWO, WITHIN, Factor
from bot.model.evaluation import Report
from bot.model.intervals import Proportion
from bot.model.participants import Role
from bot.report_words import (
    CONFIDENCE,
    benchmark_lines,
    count_text,
    percent,
    period_text,
    share_text,
)
from storage.worker import in_process

LANGUAGES = ("da", "en")  # the summary's languages; Danish for every other
PAGE_INCHES = (8.27, 11.69)  # A4
FONT = "DejaVu Sans"
# TrueType fonts embedded as such (42), not as drawings of letters (Type 3): text stays text.
PDF_SETTINGS = {"font.family": FONT, "pdf.fonttype": 42}
LINE = 0.019  # a line of body text, as a share of the page's height
WRAP = 95  # characters a body line holds


def summary_language(language: str) -> str:
    return language if language in LANGUAGES else "da"


async def draw_summary(report: Report, t: Translator) -> bytes:
    """The page as PDF bytes, drawn in a process of its own like the charts."""
    return await in_process(_draw_summary, report, t.language)


def _draw_summary(report: Report, language: str) -> bytes:
    return summary_page(report, translator(language))


def summary_page(report: Report, t: Translator) -> bytes:
    with matplotlib.rc_context(PDF_SETTINGS):
        figure = Figure(figsize=PAGE_INCHES)
        page = _Page(figure)
        page.title(t.gettext("Mentorbro: the mentor programme in figures"))
        page.text(period_text(report.report_filter, t))
        municipality = report.report_filter.municipality
        page.text(
            t.gettext("Municipality: {name}").format(name=municipality.strip())
            if municipality
            else t.gettext("Municipality: all in the programme")
        )
        page.text(t.gettext("Made on {date}.").format(date=t.date(report.made_at.date())))
        page.heading(t.gettext("Mentors, mentees and pairs"))
        for line in _people(report, t):
            page.text(line)
        page.heading(t.gettext("Into work"))
        for line in benchmark_lines(report.effects.benchmark, t):
            page.text(line)
        page.chart(lambda axes: draw_trend(axes, report, t))
        page.heading(t.gettext("How the pairs meet"))
        for line in _meetings(report, t):
            page.text(line)
        page.heading(t.gettext("What mentoring is"))
        page.text(five_marks(t))
        page.small(
            t.gettext(
                "Shares with their {level} interval. Groups of fewer than 5 are not shown. The "
                '{reference} comes from the Danish national programme "Voluntary career mentors" '
                "(Foreningen Nydansker)."
            ).format(
                level=percent(t, CONFIDENCE),
                reference=percent(t, report.effects.benchmark.reference),
            )
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf", metadata={"Title": "Mentorbro", "Creator": None})
    return buffer.getvalue()


def five_marks(t: Translator) -> str:
    """What the programme is: the five marks of mentoring (De Cuyper et al. 2019)."""
    return t.gettext(
        "Mentoring, as research defines it, has five marks: mentor and mentee meet as equals; "
        "the aim is progress, above all a job; they meet regularly over months; both take "
        "part as volunteers; and a professional organisation matches the pairs, follows them "
        "up and supports them."
    )


def _people(report: Report, t: Translator) -> list[str]:
    by_role = {row.role: row.total for row in report.participants}
    pairs = report.pairs
    rows = [
        (t.gettext("Mentors recruited: {count}"), by_role.get(Role.MENTOR, 0)),
        (t.gettext("Mentors trained (mentor course done): {count}"), report.screenings.course_done),
        (t.gettext("Mentees: {count}"), by_role.get(Role.MENTEE, 0)),
        (t.gettext("Pairs started: {count}"), pairs.started),
        (t.gettext("Pairs ended: {count}"), pairs.ended),
    ]
    return [label.format(count=count_text(t, count)) for label, count in rows]


def _meetings(report: Report, t: Translator) -> list[str]:
    """Meetings per pair per month, and of the judged pairs: the first meeting within 14 days,
    and at least one meeting a month."""
    per_month = report.meetings.per_pair_month
    rate = (
        t.gettext("not shown: fewer than 5 pairs")
        if per_month is None
        else t.number(round(per_month, 1))
    )
    return [
        t.gettext("Meetings per pair per month: {rate}").format(rate=rate),
        t.gettext("First meeting within 14 days: {share}").format(
            share=share_text(t, _levels(report, Factor.FIRST_MEETING, (WITHIN,), (LATER,)))
        ),
        t.gettext("Met at least once a month: {share}").format(
            share=share_text(t, _levels(report, Factor.MEETINGS, (ONE_TO_TWO, OVER_TWO), None))
        ),
    ]


def _levels(
    report: Report, factor: Factor, chosen: tuple[str, ...], known: tuple[str, ...] | None
) -> Proportion:
    """The judged pairs at one of the `chosen` levels of a factor, of those at the `chosen` or
    `known` levels (None: of all). Hidden unless the report shows every level of the factor:
    a sum of levels must not give a hidden one away."""
    rows = [row for row in report.effects.associations if row.factor is factor]
    counted = [row for row in rows if known is None or row.level in chosen or row.level in known]
    return Proportion(
        sum(row.work.whole for row in counted if row.level in chosen),
        sum(row.work.whole for row in counted),
        whole_hidden=any(row.work.whole_hidden for row in rows),
    )


class _Page:
    """Lines of text from the top of the page down, and a chart between them."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure
        self.y = 0.95
        self.left = 0.08

    def title(self, text: str) -> None:
        self.figure.text(self.left, self.y, text, fontsize=17, weight="bold", va="top")
        self.y -= 0.04

    def heading(self, text: str) -> None:
        self.y -= 0.012
        self.figure.text(self.left, self.y, text, fontsize=12.5, weight="bold", va="top")
        self.y -= 0.026

    def text(self, text: str, size: float = 10, line: float = LINE, wrap: int = WRAP) -> None:
        for part in textwrap.wrap(text, wrap):
            self.figure.text(self.left, self.y, part, fontsize=size, va="top")
            self.y -= line

    def small(self, text: str) -> None:
        self.y = min(self.y, 0.07)
        self.text(text, size=7.5, line=0.014, wrap=130)

    def chart(self, draw: Callable[[Axes], None]) -> None:
        height = 0.24
        self.y -= 0.025
        axes = self.figure.add_axes((self.left + 0.02, self.y - height, 0.82, height))
        draw(axes)
        self.y -= height + 0.04
