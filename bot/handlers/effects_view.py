"""The evaluation's answer in the report's message: the benchmark, the trend by quarter and
what goes with success (bot/model/effects.py), worded in the coordinator's language."""

from __future__ import annotations

from bot.i18n import Translator
from bot.model.effects import Association, Benchmark
from bot.model.evaluation import Report
from bot.report_words import (
    benchmark_lines,
    count_text,
    days_text,
    escape,
    level_names,
    quarter_text,
    share_text,
)


def effects_sections(report: Report, t: Translator) -> list[str]:
    """The benchmark, the trend and the association table; nothing before any pair ended."""
    if report.effects.benchmark.pairs == 0 and not report.effects.quarters:
        return []
    return [
        _benchmark(report.effects.benchmark, t),
        _trend(report, t),
        _associations(report.effects.associations, t),
    ]


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _benchmark(benchmark: Benchmark, t: Translator) -> str:
    heading = _bold(escape(t.gettext("Compared with the national programme")))
    return "\n".join([heading, *(escape(line) for line in benchmark_lines(benchmark, t))])


def _trend(report: Report, t: Translator) -> str:
    lines = [_bold(escape(t.gettext("By the quarter the pairs started")))]
    row = t.gettext(
        "{quarter}: in work {share} of {count}; median from intake to match {match}, "
        "from match to job {job}"
    )
    unjudged = t.gettext(
        "{quarter}: no pair ended 3 months ago yet; median from intake to match {match}, "
        "from match to job {job}"
    )
    for figures in report.effects.quarters:
        lines.append(
            escape(
                (row if figures.work.whole else unjudged).format(
                    quarter=quarter_text(t, figures.quarter),
                    share=share_text(t, figures.work),
                    count=count_text(t, None if figures.work.masked else figures.work.whole),
                    match=days_text(t, figures.intake_to_match),
                    job=days_text(t, figures.match_to_job),
                )
            )
        )
    return "\n".join(lines)


def _associations(table: tuple[Association, ...], t: Translator) -> str:
    names = level_names(t)
    lines = [
        _bold(escape(t.gettext("What goes with finding work"))),
        escape(
            t.gettext(
                "Pairs that ended at least 3 months ago. This shows which pairs did well, not "
                "why: an association, not a cause."
            )
        ),
    ]
    row = t.gettext("{name}: in work {share} of {count}")
    hidden = t.gettext("{name}: not shown, so that a smaller group cannot be worked out")
    for association in table:
        name = names[association.factor][association.level]
        work = association.work
        lines.append(
            escape(
                hidden.format(name=name)
                if work.masked
                else row.format(
                    name=name, share=share_text(t, work), count=count_text(t, work.whole)
                )
            )
        )
    return "\n".join(lines)
