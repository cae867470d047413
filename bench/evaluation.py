"""Benchmark the evaluation report on a seeded programme: 100,000 pairs over four years, their
mentors, mentees and intakes, and 2,000,000 journal entries with their check-ins.

Prints the seconds to seed; to scan for stalled pairs the first time, then while every alert is
still to resend, then hourly with the alerts out (medians of three); to build and render the
report (median of three), to make the one-page summary (its figures and PDF), to draw the
report's chart and to write its three CSV files (and the CPU seconds of the processes writing
them), and the peak memory of this process and of the largest worker process (whose mapped
database file counts as its memory). Then the bot's latency (bench/latency.py): 200 mentors
press check-in buttons at 50 a second, each press timed to the bot's answer of its callback
query, first with nothing else running (idle_p95_ms), then while a coordinator's /report with
its CSV files and the stall scan run (busy_p95_ms, busy_max_ms); three rounds of both, the
medians of the rounds (busy_max_ms: the longest).

Run from the repository root: .venv/bin/python bench/evaluation.py
For development, a smaller programme and only the latency, or only the CSV files:
    BENCH_PAIRS=5000 .venv/bin/python bench/evaluation.py --latency
    BENCH_PAIRS=20000 .venv/bin/python bench/evaluation.py --csv
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import latency
from bench.matching import FIELD_WEIGHTS, municipalities, place
from bench.seed import (
    add_checkins,
    add_followups,
    add_journal_entries,
    add_meeting_counts,
    add_pairs,
    add_participants,
    add_submitted_intakes,
)
from bot.alerts import scan
from bot.charts import draw_outcomes_chart
from bot.config import load_config
from bot.evaluation import build_report
from bot.exports import write_exports
from bot.handlers.report_view import render
from bot.i18n import translator
from bot.model.evaluation import Report, ReportFilter
from bot.model.pairs import JOB_OUTCOMES, Outcome, Side
from bot.model.questionnaire import load_fields, option_lists
from bot.services import Services
from bot.summary import draw_summary, summary_language
from storage import Database, open_database, recruitment

SEED = 20261123
PAIRS = int(os.environ.get("BENCH_PAIRS", "100000"))  # the size unless told
JOURNAL_ENTRIES = 20 * PAIRS
MENTORS = 2 * PAIRS // 5
CHANNELS = 12
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIRST_PROPOSAL = NOW - timedelta(days=4 * 365)
COORDINATOR = 1
EVENTS_PER_CHUNK = 50_000  # check-ins and notes written in one transaction
ROWS_PER_CHUNK = 20_000
REPORT_RUNS = 3
LATENCY_FLAG = "--latency"
CSV_FLAG = "--csv"
# Ended pairs' outcomes, about as often as the programme sees them.
OUTCOME_WEIGHTS = {
    Outcome.JOB: 30,
    Outcome.SUBSIDISED_JOB: 10,
    Outcome.IGU: 5,
    Outcome.INTERNSHIP: 8,
    Outcome.EDUCATION: 12,
    Outcome.OTHER_PROGRESS: 15,
    Outcome.DROPPED_OUT: 15,
    Outcome.MOVED_AWAY: 5,
}
FOLLOWUP_ANSWERS = ("work", "education", "both", "neither")
MENTOR_ANSWERS = [
    json.dumps({"met": met, "going": going, "coordinator": "no"})
    for met in ("in_person", "online", "no")
    for going in ("good", "ok", "difficult")
]
MENTEE_ANSWERS = [
    json.dumps({"met": met, "useful": "some", "progress": progress, "coordinator": "no"})
    for met in ("in_person", "online", "no")
    for progress in ([], ["applied"], ["applied", "interview"])
]


class Plan(NamedTuple):
    """One pair's life, drawn once and used by every table that describes it."""

    mentor: int  # index among the mentors
    field: str
    municipality: int  # a code
    proposed: datetime
    status: str
    started: datetime | None
    ended: datetime | None
    outcome: Outcome | None


# -- seeding, through storage/ -----------------------------------------------------------------


def plan_pairs(rng: random.Random) -> list[Plan]:
    fields = [field.id for field in load_fields()]
    towns = municipalities()
    outcomes, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    span = (NOW - FIRST_PROPOSAL).total_seconds()
    plans = []
    for _ in range(PAIRS):
        proposed = FIRST_PROPOSAL + timedelta(seconds=rng.random() * span)
        _, municipality = place(rng, towns)
        field = rng.choices(fields, FIELD_WEIGHTS)[0]
        status, started, ended, outcome = _life(rng, proposed, outcomes, weights)
        plans.append(
            Plan(
                rng.randrange(MENTORS),
                field,
                municipality,
                proposed,
                status,
                started,
                ended,
                outcome,
            )
        )
    plans.sort(key=lambda plan: plan.proposed)  # ids grow with time, as in the bot
    return plans


def _life(
    rng: random.Random, proposed: datetime, outcomes: list[Outcome], weights: list[int]
) -> tuple[str, datetime | None, datetime | None, Outcome | None]:
    if NOW - proposed < timedelta(days=7) and rng.random() < 0.5:
        return "proposed", None, None, None
    draw = rng.random()
    if draw < 0.08:
        return "declined", None, None, None
    if draw < 0.12:
        return "lapsed", None, proposed + timedelta(days=7), None
    started = proposed + timedelta(days=rng.uniform(0.5, 6))
    ends = started + timedelta(days=rng.uniform(60, 330))
    if ends < NOW:
        return "ended", started, ends, rng.choices(outcomes, weights)[0]
    return ("paused" if rng.random() < 0.1 else "active"), started, None, None


async def seed_people(db: Database, rng: random.Random, plans: list[Plan]) -> tuple[int, int]:
    """Mentors (most through a recruitment channel) and one mentee per pair; their first ids."""
    channels = [
        (
            await recruitment.create_channel(
                db, code=f"c{n}", name=f"Kanal {n} – Århus", created_by=COORDINATOR, now=NOW
            )
        ).id
        for n in range(CHANNELS)
    ]
    first_mentor = await add_participants(
        db,
        (
            (
                1_000_000 + n,
                "mentor",
                "da",
                "active",
                rng.choice(channels) if rng.random() < 0.7 else None,
                FIRST_PROPOSAL - timedelta(days=rng.uniform(0, 60)),
            )
            for n in range(MENTORS)
        ),
    )
    first_mentee = await add_participants(
        db,
        (
            (
                2_000_000 + n,
                "mentee",
                rng.choice(("da", "ar", "en")),
                "unreachable" if rng.random() < 0.02 else "active",
                None,
                plan.proposed - timedelta(days=rng.uniform(10, 90)),
            )
            for n, plan in enumerate(plans)
        ),
    )
    return first_mentor, first_mentee


async def seed_intakes(db: Database, rng: random.Random, plans: list[Plan], first: int) -> None:
    # Danish levels from a generator of their own, so the rest is drawn as before.
    levels = [option.id for option in option_lists()["danish_levels"]]
    danish = random.Random(SEED + 2)
    for start in range(0, PAIRS, ROWS_PER_CHUNK):
        await add_submitted_intakes(
            db,
            [
                (
                    first + n,
                    plan.proposed - timedelta(days=rng.uniform(1, 60)),
                    {
                        "field": plan.field,
                        "municipality": plan.municipality,
                        "danish": danish.choice(levels),
                    },
                    plan.started is not None,
                )
                for n, plan in enumerate(plans[start : start + ROWS_PER_CHUNK], start=start)
            ],
        )


def pair_row(plan: Plan, mentor: int, mentee: int, rng: random.Random) -> dict[str, object]:
    accepted = "accepted" if plan.started else None
    work = plan.outcome in JOB_OUTCOMES
    job_known = work and rng.random() < 0.8
    return {
        "mentor_id": mentor,
        "mentee_id": mentee,
        "status": plan.status,
        "score": rng.randint(40, 100),
        "proposed_by": COORDINATOR,
        "proposed_at": plan.proposed,
        "mentor_answer": "declined" if plan.status == "declined" else accepted,
        "mentee_answer": accepted,
        "started_at": plan.started,
        "ended_at": plan.ended,
        "outcome": plan.outcome.value if plan.outcome else None,
        "job_start": (plan.ended - timedelta(days=rng.randint(0, 30))).date()
        if job_known and plan.ended
        else None,
        "job_hours": rng.randint(15, 37) if job_known else None,
        "job_matches_qualifications": rng.random() < 0.5 if job_known else None,
        "meetings_per_month": rng.choice((1, 2, 4)) if plan.started else None,
        "updated_at": plan.ended or plan.started or plan.proposed,
    }


async def seed_pairs(
    db: Database, rng: random.Random, plans: list[Plan], first_mentor: int, first_mentee: int
) -> int:
    return await add_pairs(
        db,
        (
            pair_row(plan, first_mentor + plan.mentor, first_mentee + n, rng)
            for n, plan in enumerate(plans)
        ),
    )


def active_days(plan: Plan) -> float:
    assert plan.started is not None
    return ((plan.ended or NOW) - plan.started).total_seconds() / 86_400


async def seed_signals_and_followups(
    db: Database, rng: random.Random, plans: list[Plan], first_pair: int, first_mentee: int
) -> None:
    started = [(n, plan) for n, plan in enumerate(plans) if plan.started]
    # First meetings from a generator of their own, so the rest is drawn as before.
    first_meetings = random.Random(SEED + 1)
    await add_meeting_counts(
        db,
        (
            (
                first_pair + n,
                int(active_days(plan) / 30 * rng.uniform(0.5, 3)),
                plan.started + timedelta(days=first_meetings.uniform(1, 40)),
                plan.started,
                NOW,
            )
            for n, plan in started
        ),
    )
    await add_followups(
        db,
        (
            (first_pair + n, first_mentee + n, months, due, *followup_state(rng, due))
            for n, plan in enumerate(plans)
            if plan.ended and plan.status == "ended"
            for months, due in (
                (3, plan.ended + timedelta(days=91)),
                (6, plan.ended + timedelta(days=183)),
            )
        ),
    )


def followup_state(rng: random.Random, due: datetime) -> tuple[str, str | None, datetime | None]:
    if due > NOW:
        return "scheduled", None, None
    if rng.random() < 0.3:
        return "sent", None, None
    return "answered", rng.choice(FOLLOWUP_ANSWERS), due + timedelta(days=rng.uniform(0, 5))


def checkin_cadence(plans: list[Plan]) -> float:
    """Days between check-ins so that their answers and misses fill nine tenths of the
    journal; coordinators' notes fill the rest."""
    side_days = sum(2 * active_days(plan) for plan in plans if plan.started)
    return side_days / (JOURNAL_ENTRIES * 0.9)


class Event(NamedTuple):
    """A check-in of one side of a pair, or a coordinator's note (status "note")."""

    at: datetime  # the check-in's due time, or when the note was written
    pair_id: int
    side: str
    person: int | None
    status: str
    answered: datetime | None
    answers: str | None


def checkin_entries(plan: Plan, cadence: float) -> int:
    """The journal entries a pair's check-ins leave: all but a running pair's open ones."""
    rounds = int(active_days(plan) / cadence)
    return 2 * rounds - (2 if rounds and plan.ended is None else 0)


def pair_events(
    rng: random.Random,
    plan: Plan,
    pair_id: int,
    people: tuple[int, int],
    cadence: float,
    notes: int,
) -> Iterator[Event]:
    """One pair's check-ins, both sides, and its notes, in time order. A check-in is answered
    or missed; a running pair's newest one is still open."""
    assert plan.started is not None
    days = active_days(plan)
    rounds = int(days / cadence)
    written = sorted(plan.started + timedelta(days=rng.uniform(0, days)) for _ in range(notes))
    for n in range(rounds):
        due = plan.started + timedelta(days=cadence * (n + 1))
        while written and written[0] <= due:
            yield Event(written.pop(0), pair_id, "", None, "note", None, None)
        for side, person, answers in zip(
            Side, people, (MENTOR_ANSWERS, MENTEE_ANSWERS), strict=True
        ):
            if n == rounds - 1 and plan.ended is None:
                yield Event(due, pair_id, side.value, person, "sent", None, None)
            elif rng.random() < 0.75:
                answered = due + timedelta(hours=rng.uniform(1, 40))
                choice = rng.choice(answers)
                yield Event(due, pair_id, side.value, person, "answered", answered, choice)
            else:
                yield Event(due, pair_id, side.value, person, "missed", None, None)
    for at in written:
        yield Event(at, pair_id, "", None, "note", None, None)


async def seed_journal(
    db: Database,
    rng: random.Random,
    plans: list[Plan],
    first_pair: int,
    first_mentor: int,
    first_mentee: int,
) -> None:
    """Check-ins and the journal, pair by pair; coordinators' notes fill the journal up to its
    size. (The bot interleaves pairs in time; here a pair's rows lie together, which makes
    seeding several times faster and reading one pair's journal a little faster.)"""
    cadence = checkin_cadence(plans)
    started = [(n, plan) for n, plan in enumerate(plans) if plan.started]
    notes = JOURNAL_ENTRIES - sum(checkin_entries(plan, cadence) for _, plan in started)
    assert notes >= 0, "the cadence leaves a tenth of the journal to notes"
    share, rest = divmod(notes, len(started))
    stream = chain.from_iterable(
        pair_events(
            rng,
            plan,
            first_pair + n,
            (first_mentor + plan.mentor, first_mentee + n),
            cadence,
            share + (index < rest),
        )
        for index, (n, plan) in enumerate(started)
    )
    for chunk in iter(lambda: list(islice(stream, EVENTS_PER_CHUNK)), []):
        await seed_chunk(db, chunk, cadence)


async def seed_chunk(db: Database, events: list[Event], cadence: float) -> None:
    checkins = [event for event in events if event.status != "note"]
    first = await add_checkins(
        db,
        ((e.pair_id, e.person, e.side, e.at, e.status, e.answered, e.answers) for e in checkins),
    )
    entries = [
        (
            e.pair_id,
            e.person,
            e.side,
            "checkin" if e.status == "answered" else "missed",
            first + index,
            e.answers,
            False,
            e.answered or e.at + timedelta(days=cadence),  # missed when the next one is sent
        )
        for index, e in enumerate(checkins)
        if e.status != "sent"
    ]
    entries += [
        (e.pair_id, None, "coordinator", "note", None, None, False, e.at)
        for e in events
        if e.status == "note"
    ]
    entries.sort(key=lambda entry: entry[-1])
    await add_journal_entries(db, entries)


async def seed(db: Database) -> None:
    rng = random.Random(SEED)
    plans = plan_pairs(rng)
    first_mentor, first_mentee = await seed_people(db, rng, plans)
    await seed_intakes(db, rng, plans, first_mentee)
    first_pair = await seed_pairs(db, rng, plans, first_mentor, first_mentee)
    await seed_signals_and_followups(db, rng, plans, first_pair, first_mentee)
    await seed_journal(db, rng, plans, first_pair, first_mentor, first_mentee)


# -- the measurements --------------------------------------------------------------------------


@dataclass
class Bench:
    db: Database
    directory: Path
    report: Report | None = None
    csv_cpu_s: float = 0.0


async def report_seconds(bench: Bench) -> float:
    """Build and render the whole programme's report: the median of three runs."""
    times = []
    for _ in range(REPORT_RUNS):
        start = time.perf_counter()
        bench.report = await build_report(bench.db, ReportFilter(), NOW)
        render(bench.report, translator("da"))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def municipality_report_seconds(bench: Bench) -> float:
    """One municipality's report: every figure goes through the mentees' intake answers."""
    start = time.perf_counter()
    report = await build_report(bench.db, ReportFilter(municipality="København"), NOW)
    render(report, translator("da"))
    return time.perf_counter() - start


async def summary_seconds(bench: Bench) -> float:
    """/summary for the whole programme: the report's figures and the A4 page as a PDF."""
    start = time.perf_counter()
    report = await build_report(bench.db, ReportFilter(), NOW)
    await draw_summary(report, translator(summary_language("da")))
    return time.perf_counter() - start


async def chart_seconds(bench: Bench) -> float:
    report = bench.report or await build_report(bench.db, ReportFilter(), NOW)
    start = time.perf_counter()
    await draw_outcomes_chart(report, translator("ar"))
    return time.perf_counter() - start


async def csv_seconds(bench: Bench) -> float:
    """The three files, written by the exports' niced processes: on a shared machine their
    wall time says more about the others' load than about the export, so their CPU time is
    kept for csv_cpu_s."""
    cpu = children_cpu_seconds()
    start = time.perf_counter()
    await write_exports(bench.db, ReportFilter(), translator("da"), bench.directory, NOW)
    seconds = time.perf_counter() - start
    bench.csv_cpu_s = children_cpu_seconds() - cpu
    return seconds


async def csv_cpu_seconds(bench: Bench) -> float:
    """The CPU seconds of the export's processes (user and system, all of them together)."""
    return bench.csv_cpu_s


def children_cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def bench_services(db: Database) -> Services:
    config = load_config({"BOT_TOKEN": "424242:BenchEvaluationToken_0123456789"})
    return Services(config=config, db=db, clock=lambda: NOW)


async def first_stall_scan_seconds(bench: Bench) -> float:
    """The first scan: every stalled pair opens its episode (in transactions of 500 pairs)."""
    start = time.perf_counter()
    opened = await scan(bench_services(bench.db))
    seconds = time.perf_counter() - start
    print(f"stall_episodes_opened: {len(opened)}", flush=True)
    return seconds


async def resend_stall_scan_seconds(bench: Bench) -> float:
    """Scans while none of the first scan's alerts is marked sent, as if a crash had cut off
    every one: each scan writes every episode again to resend its alert. The median of three."""
    return await stall_scans_seconds(bench)


async def stall_scan_seconds(bench: Bench) -> float:
    """The hourly scan as it runs from then on, the alerts out (marked as the bot marks each
    one it sent): it reads and judges every pair that may stall, and writes what changed. The
    median of three."""
    async with bench.db.transaction() as conn:
        await conn.execute(
            "UPDATE stall_episodes SET alerted_at = ? WHERE alerted_at IS NULL", (NOW,)
        )
    return await stall_scans_seconds(bench)


async def stall_scans_seconds(bench: Bench) -> float:
    services = bench_services(bench.db)
    times = []
    for _ in range(REPORT_RUNS):
        start = time.perf_counter()
        await scan(services)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


CSV_STEPS: list[tuple[str, Callable[[Bench], Awaitable[float]]]] = [
    ("csv_s", csv_seconds),
    ("csv_cpu_s", csv_cpu_seconds),
]
# Timed and printed in this order; each further measurement is one more entry.
MEASURED: list[tuple[str, Callable[[Bench], Awaitable[float]]]] = [
    ("stall_first_scan_s", first_stall_scan_seconds),
    ("stall_scan_resend_s", resend_stall_scan_seconds),
    ("stall_scan_s", stall_scan_seconds),
    ("report_s", report_seconds),
    ("report_municipality_s", municipality_report_seconds),
    ("summary_s", summary_seconds),
    ("chart_s", chart_seconds),
    *CSV_STEPS,
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def peak_rss_worker_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


async def main(flags: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-evaluation-") as directory:
        path = Path(directory) / "bench.sqlite3"
        db = await open_database(path)
        try:
            start = time.perf_counter()
            await seed(db)
            print(f"seed_s: {time.perf_counter() - start:.1f}", flush=True)
            if flags == [CSV_FLAG]:
                await measure_steps(Bench(db, Path(directory)), CSV_STEPS)
                return
            if flags != [LATENCY_FLAG]:
                await measure_steps(Bench(db, Path(directory)), MEASURED)
        finally:
            await db.close()
        for name, value in (await latency.measure(path, NOW)).items():
            print(f"{name}: {value:.1f}", flush=True)


async def measure_steps(
    bench: Bench, steps: list[tuple[str, Callable[[Bench], Awaitable[float]]]]
) -> None:
    for name, step in steps:
        print(f"{name}: {await step(bench):.3f}", flush=True)
    # Before the latency part, whose emulator keeps every file the bot sends in memory.
    print(f"peak_rss_mb: {peak_rss_mb():.0f}", flush=True)
    print(f"peak_rss_worker_mb: {peak_rss_worker_mb():.0f}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
