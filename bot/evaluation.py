"""The evaluation report's service: a coordinator's filter turned into storage's query, and
every figure of the report gathered from it. What the figures mean: bot/model/evaluation.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.model.effects import JUDGED_AFTER_DAYS, REFERENCE_WORK_SHARE, effects
from bot.model.evaluation import (
    CourseFigures,
    Report,
    ReportFilter,
    answer_rates,
    by_channel,
    by_field,
    by_municipality,
    by_region,
    followups,
    meetings,
    outcomes,
    pair_counts,
    participant_rows,
    screening_counts,
)
from bot.model.intervals import days
from bot.model.municipalities import covers, named, normalise, place
from bot.services import Services
from storage import Database
from storage import effects as effect_store
from storage import evaluation as store
from storage.report_query import ReportQuery


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
    if report_filter.municipality is not None:
        wanted = _wanted(report_filter.municipality)
        query = replace(query, municipalities=tuple(t for t, v in stored.items() if wanted(v)))
    if report_filter.within is not None:
        within = report_filter.within
        inside = tuple(text for text, value in stored.items() if covers(within, value))
        query = replace(query, municipalities=inside, mentor_municipalities=inside)
    return query


def _code(stored: object) -> int | None:
    known = place(stored)
    return known.code if known else None


def _wanted(typed: str) -> Callable[[object], bool]:
    """Which stored answers a municipality typed in /report means: a municipality's code, or
    (when the list does not know it) old answers as typed, compared normalised."""
    known = named(typed)
    if known is not None:
        return lambda stored: _code(stored) == known.code
    name = normalise(typed)
    return lambda stored: isinstance(stored, str) and normalise(stored) == name


async def report(services: Services, report_filter: ReportFilter) -> Report:
    """The report for `/report`, as of now."""
    return await build_report(
        services.db, report_filter, services.clock(), services.config.reference_work_share
    )


async def build_report(
    db: Database,
    report_filter: ReportFilter,
    now: datetime,
    reference: float = REFERENCE_WORK_SHARE,
) -> Report:
    """Every figure of the report, each counted by one query (storage/evaluation.py,
    storage/effects.py)."""
    query = await query_of(db, report_filter, now)
    totals = await store.pair_totals(db, query)
    by_mentee = await store.results_by_mentee(db, query)
    to_match = await store.days_to_match(db, query)
    to_job = await store.days_to_job(db, query)
    judged_before = (now - timedelta(days=JUDGED_AFTER_DAYS)).isoformat()
    return Report(
        report_filter=report_filter,
        made_at=now,
        participants=tuple(participant_rows(await store.participant_counts(db, query))),
        screenings=screening_counts(await store.screening_counts(db, query)),
        course=CourseFigures(
            **await store.course_totals(db, query),
            approval_to_course=days(await store.days_to_course(db, query)),
        ),
        pairs=pair_counts(totals),
        intake_to_match=days((value, n) for _, value, n in to_match),
        outcomes=outcomes(await store.outcome_counts(db, query)),
        match_to_job=days((value, n) for _, value, n in to_job),
        answer_rates=answer_rates(await store.checkin_counts(db, query)),
        meetings=meetings(totals),
        by_field=by_field(by_mentee),
        by_municipality=by_municipality(by_mentee),
        by_region=by_region(by_mentee),
        by_channel=by_channel(await store.results_by_channel(db, query)),
        followups=followups(await store.followup_counts(db, query)),
        effects=effects(
            await effect_store.judged_by_quarter(db, query, judged_before),
            to_match,
            to_job,
            await effect_store.judged_by_factors(db, query, judged_before),
            reference,
        ),
    )
