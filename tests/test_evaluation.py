"""The evaluation report on a small programme built by hand, its figures worked out by hand.

The programme is tests/seeds.py's (its table is there), the `programme` fixture in conftest.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from bot.charts import outcomes_chart, trend_chart
from bot.evaluation import build_report
from bot.exports import write_exports, write_summary
from bot.handlers.report_view import render
from bot.i18n import SUPPORTED_LANGUAGES, Translator, translator
from bot.model.effects import Factor, Quarter
from bot.model.evaluation import CourseFigures, ReportFilter
from bot.model.intervals import Days, Verdict, median, share, shown
from bot.model.pairs import Outcome, PairStatus
from bot.model.participants import Role
from bot.model.questionnaire import load
from storage import Database
from storage import outcomes as followup_store
from tests.seeds import NOW, move

FIRST_HALF = ReportFilter(start=date(2026, 1, 1), end=date(2026, 6, 30))


# -- the small-group rule and the median -------------------------------------------------------


def test_counts_of_one_to_four_are_not_shown() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


def test_a_share_needs_five_below_and_none_or_five_above() -> None:
    assert share(5, 7) == pytest.approx(5 / 7)
    assert share(0, 7) == 0
    assert share(3, 7) is None  # 3 people could be recognised
    assert share(4, 4) is None  # so could 4 of 4
    assert share(0, 0) is None


def test_median_of_a_histogram() -> None:
    assert median([(30, 1), (5, 1), (10, 1)]) == 10
    assert median([(1, 2), (3, 1), (7, 1)]) == 2  # 1, 1, 3, 7
    assert median([]) is None


# -- the figures -------------------------------------------------------------------------------


async def test_whole_programme(programme: Database) -> None:
    report = await build_report(programme, ReportFilter(), NOW)

    roles = {row.role: (row.total, row.unreachable) for row in report.participants}
    assert roles == {
        Role.MENTOR: (7, 0),
        Role.MENTEE: (12, 1),
        None: (0, 0),
        Role.COORDINATOR: (0, 0),
    }
    s = report.screenings
    assert (s.submitted, s.waiting, s.interview, s.approved, s.course_done, s.rejected) == (
        7, 0, 1, 5, 5, 1,
    )  # fmt: skip
    # The five took the course elsewhere ("Mentor course done"), the day they were approved.
    assert report.course == CourseFigures(
        sessions=0, seats_taken=0, attended=0, approval_to_course=Days(0, 5)
    )
    p = report.pairs
    # 12 proposals: 9 started, 1 declined, 1 lapsed, 1 waiting; m8 and m9 still running
    assert (p.proposed, p.declined, p.lapsed, p.waiting) == (12, 1, 1, 1)
    assert (p.started, p.running, p.ended) == (9, 2, 7)
    # intake on 1 January, started after 5, 10, 15, 20, 30, 40, 60, 90, 100 days: median 30
    assert (report.intake_to_match.median, report.intake_to_match.pairs) == (30, 9)

    o = report.outcomes
    # 7 ended, 5 with work (3 jobs, 1 subsidised, 1 IGU) → 71 %
    assert (o.ended, o.work, o.education, o.internship, o.other) == (7, 5, 1, 0, 1)
    assert o.work_share == pytest.approx(5 / 7)
    # jobs 60, 90, 120, 150 days after the start; m5's job start unknown: its end, 180 days
    assert report.match_to_job.median == 120

    mentor_rate, mentee_rate = report.answer_rates
    # mentors: 6 answered, 2 missed, 1 open → 6 / 9; mentees 3 / 8: 3 could be recognised
    assert (mentor_rate.answered, mentor_rate.missed, mentor_rate.open) == (6, 2, 1)
    assert mentor_rate.rate == pytest.approx(6 / 9)
    assert (mentee_rate.answered, mentee_rate.asked, mentee_rate.rate) == (3, 8, None)
    # 67 meetings over 890 days of the ended pairs + 236 (m8) + 226 (m9) = 1352 days
    assert report.meetings.meetings == 67
    assert report.meetings.per_pair_month == pytest.approx(67 / (1352 / (365.25 / 12)))

    fields = {group.name: (group.ended, group.work) for group in report.by_field}
    assert fields == {"it": (6, 5), "health": (1, 0)}
    (aarhus,) = report.by_municipality
    assert (aarhus.key, aarhus.name, aarhus.ended, aarhus.work) == (751, "Aarhus", 7, 5)
    (midtjylland,) = report.by_region
    assert (midtjylland.key, midtjylland.ended, midtjylland.work) == ("midtjylland", 7, 5)
    channels = [(group.name, group.ended, group.work) for group in report.by_channel]
    assert channels == [("Novo Nordisk & Co", 6, 5), ("Facebook", 1, 0)]

    three, six = report.followups
    assert (three.work, three.education, three.both, three.neither, three.unanswered) == (
        5, 0, 0, 0, 1,
    )  # fmt: skip
    assert (six.work, six.both, six.neither, six.unanswered) == (1, 1, 1, 0)


async def test_the_message_hides_small_groups(programme: Database) -> None:
    text = render(await build_report(programme, ReportFilter(), NOW), translator("en"))
    # 5 of 7: Wilson's 95% interval 35.9-91.8%
    assert "<b>Found work: 71% (95% interval 36–92%) of the mentees whose pair ended</b>" in text
    assert "Mentees: 12 (blocked the bot: fewer than 5)" in text
    # interview 1 and rejected 1: two hidden, so 7 sent in - 5 approved gives neither away
    assert "Called for interview: not shown" in text
    assert "Rejected: not shown" in text
    assert "Active or paused now: fewer than 5" in text
    assert "In work: 5, 71% (95% interval 36–92%)" in text
    assert "In education: fewer than 5, fewer than 5" in text
    assert "Median time from intake to match: 30 days" in text
    assert "Median time from match to job: 120 days" in text
    assert "Mentors answered: 67% (95% interval 35–88%) of 9 check-ins" in text
    assert "Mentees answered: fewer than 5 of 8 check-ins" in text
    assert "Meetings per pair per month: 1.5" in text
    by_municipality = "<b>By municipality</b>\n\u2068Aarhus\u2069: 7 ended, found work: 71%"
    assert by_municipality + " (95% interval 36–92%)" in text
    by_region = "<b>By region</b>\n\u2068Central Jutland (Midtjylland)\u2069: 7 ended"
    assert by_region + ", found work: 71% (95% interval 36–92%)" in text
    assert "The CSV files have one row per pair or entry: they are for coordinators only" in text


async def test_a_group_that_subtraction_would_reveal_is_hidden_with_the_next(
    programme: Database,
) -> None:
    """7 pairs ended: IT 6 and health 1. Showing IT's 6 would give health's 1 away."""
    text = render(await build_report(programme, ReportFilter(), NOW), translator("en"))
    hidden = "\u2069: not shown, so that a smaller group cannot be worked out"
    assert "Pairs ended: 7" in text
    assert "IT and software" + hidden in text
    small = "\u2069: fewer than 5 ended, found work: fewer than 5"
    assert "Health care (doctor, nurse, pharmacy, laboratory)" + small in text
    assert "6 ended" not in text
    assert "Novo Nordisk &amp; Co" + hidden in text  # 6 of the 7 pairs, Facebook 1
    assert "Facebook" + small in text


async def test_a_municipality_however_it_is_typed(programme: Database) -> None:
    report = await build_report(programme, ReportFilter(municipality="  århus"), NOW)
    # m1-m7: 7 pairs, all ended, 5 with work; mentors are not limited by the municipality
    roles = {row.role: row.total for row in report.participants}
    assert (roles[Role.MENTOR], roles[Role.MENTEE]) == (7, 7)
    assert (report.pairs.proposed, report.pairs.ended, report.pairs.running) == (7, 7, 0)
    assert report.outcomes.work_share == pytest.approx(5 / 7)
    assert all(rate.asked == 0 for rate in report.answer_rates)  # only m8 had check-ins
    assert report.meetings.meetings == 57  # 67 without m8's 10
    text = render(report, translator("en"))
    assert "Municipality: \u2068Aarhus\u2069" in text
    assert "Mentors: no check-ins were sent." in text


async def test_a_field(programme: Database) -> None:
    report = await build_report(programme, ReportFilter(field="health"), NOW)
    # m7-m12: 6 proposals, 3 started, 1 ended (dropped out)
    assert (report.pairs.proposed, report.pairs.started, report.pairs.ended) == (6, 3, 1)
    assert report.outcomes.work_share is None
    assert "Found work: fewer than 5 of the mentees" in render(report, translator("en"))


async def test_a_field_in_a_municipality(programme: Database) -> None:
    both = await build_report(programme, ReportFilter(municipality="ÅRHUS", field="health"), NOW)
    assert (both.pairs.proposed, both.pairs.ended) == (1, 1)  # m7 alone
    nowhere = await build_report(programme, ReportFilter(municipality="Roskilde"), NOW)
    assert (nowhere.pairs.proposed, nowhere.outcomes.ended) == (0, 0)
    assert {row.role: row.total for row in nowhere.participants}[Role.MENTEE] == 0


async def test_first_half_of_2026(programme: Database) -> None:
    report = await build_report(programme, FIRST_HALF, NOW)
    roles = {row.role: row.total for row in report.participants}
    assert (roles[Role.MENTOR], roles[Role.MENTEE]) == (0, 11)  # mentors joined in 2025
    assert report.screenings.submitted == 0
    p = report.pairs
    # m10's proposal came in November; m4 ended on 30 June, the last day, and counts
    assert (p.proposed, p.waiting, p.started, p.ended) == (11, 0, 9, 5)
    assert p.running == 4  # m5, m6 (ended later), m8, m9
    # ended: m1, m2, m3, m4 with work, m7 without: 4 of 5 could be recognised
    assert (report.outcomes.ended, report.outcomes.work) == (5, 4)
    assert report.outcomes.work_share is None
    assert report.match_to_job.shown is None  # 4 jobs
    assert report.followups[0].work == 4
    text = render(report, translator("en"))
    assert "Period: January 1, 2026 to June 30, 2026" in text
    assert "<b>Found work: fewer than 5 of the mentees whose pair ended</b>" in text
    assert "Median time from match to job: not shown: fewer than 5 pairs" in text


async def test_nothing_ended_yet(programme: Database) -> None:
    text = render(
        await build_report(programme, ReportFilter(municipality="Odense"), NOW), translator("en")
    )
    assert "Found work" not in text
    assert "No pairs ended." in text
    assert "By field" not in text


async def test_arabic_message(programme: Database) -> None:
    t = translator("ar")
    text = render(await build_report(programme, ReportFilter(), NOW), t)
    assert "المرشدون: " + t.number(7) in text  # numbers as the translator writes them
    # Only names (kept apart by isolation marks) and Danish terms in brackets are in Latin.
    bare = re.sub("\u2068[^\u2069]*\u2069|\\([^)]*\\)|<[^>]+>", "", text)
    assert not re.search(r"[A-Za-z]{4,}", bare)


# -- chart and files ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_chart_is_a_png(programme: Database, language: str) -> None:
    png = outcomes_chart(await build_report(programme, ReportFilter(), NOW), translator(language))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    return list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


async def test_csv_files(programme: Database, tmp_path: Path) -> None:
    t = translator("da")
    paths = await write_exports(programme, ReportFilter(), t, tmp_path, NOW)
    pairs, journal, outcomes = (read_csv(path) for path in paths)
    assert [path.name for path in paths] == ["pairs.csv", "journal.csv", "outcomes.csv"]

    header, *rows = pairs
    assert len(rows) == 12
    first = dict(zip(header, rows[0], strict=True))
    cells = [first[t.gettext(name)] for name in ("Municipality", "Field", "Outcome")]
    assert cells == ["Aarhus", "it", "job"]
    assert first[t.gettext("Mentor's recruitment channel")] == "Novo Nordisk & Co"
    cells = [first[t.gettext(name)] for name in ("Started", "Ended", "Meetings reported")]
    assert cells == ["2026-01-06", "2026-03-17", "5"]

    header, *rows = journal
    assert "Har mødtes siden sidste opfølgning" in header  # a check-in question, translated
    assert len(rows) == 16  # 9 answered and 6 missed check-ins, 1 note
    entries = [dict(zip(header, row, strict=True)) for row in rows]
    progress = label(t, "checkin_mentee", "progress")
    assert {entry[progress] for entry in entries} == {"", "applied, interview"}
    text = "\n".join(";".join(row) for row in journal)
    assert "12 34 56 78" not in text and "Ahmed" not in text  # no free text

    header, *rows = outcomes
    assert len(rows) == 7
    first = dict(zip(header, rows[0], strict=True))
    cells = [first[t.gettext(name)] for name in ("Outcome", "Job start", "Hours a week")]
    assert cells == ["job", "2026-03-07", "37"]
    answers = [t.gettext("After {months} months: answer").format(months=n) for n in (3, 6)]
    assert [first[name] for name in answers] == ["work", "work"]


async def test_the_csv_summary_hides_what_subtraction_would_reveal(
    programme: Database, tmp_path: Path
) -> None:
    report = await build_report(programme, ReportFilter(), NOW)
    header, *rows = read_csv(write_summary(report, translator("en"), tmp_path / "shares.csv"))
    assert header == [
        "Table",
        "Group",
        "Pairs",
        "In work",
        "Share in work, percent",
        "Interval from, percent",
        "Interval to, percent",
    ]
    by_group = {(table, group): cells for table, group, *cells in rows}
    assert by_group["Outcomes of the pairs that ended", "All"] == ["7", "5", "71", "36", "92"]
    assert by_group["Compared with the national programme", "All"] == ["6", "5", "83", "44", "97"]
    # IT 6 and health 1 of the 7: both hidden, in words
    assert by_group["By field", "IT and software"] == ["not shown", "not shown", "", "", ""]
    health = by_group["By field", "Health care (doctor, nurse, pharmacy, laboratory)"]
    assert health == ["fewer than 5", "not shown", "", "", ""]
    assert by_group["By municipality", "Aarhus"] == ["7", "5", "71", "36", "92"]
    effects = "What goes with finding work"
    within = by_group[effects, "First meeting within 14 days"]
    assert within == ["fewer than 5", "fewer than 5", "", "", ""]
    same_field = by_group[effects, "Mentor in the mentee's field"]
    assert same_field == ["not shown", "fewer than 5", "", "", ""]


async def test_the_csv_summary_hides_a_small_region_and_the_one_that_would_give_it_away(
    programme: Database, tmp_path: Path
) -> None:
    # m8's pair in Odense ends with a job: Southern Denmark 1 ended, Central Jutland 7 of 8
    pair = await programme.fetch_one(
        "SELECT p.id FROM pairs p JOIN participants m ON m.id = p.mentee_id "
        "WHERE m.telegram_user_id = 2008 AND p.status = 'active'"
    )
    assert pair is not None
    await move(programme, pair["id"], PairStatus.ENDED, NOW, outcome=Outcome.JOB)
    report = await build_report(programme, ReportFilter(), NOW)
    _, *rows = read_csv(write_summary(report, translator("en"), tmp_path / "shares.csv"))
    by_region = {group: cells for table, group, *cells in rows if table == "By region"}
    assert by_region == {
        "Central Jutland (Midtjylland)": ["not shown", "not shown", "", "", ""],
        "Southern Denmark (Syddanmark)": ["fewer than 5", "fewer than 5", "", "", ""],
    }


def label(t: Translator, questionnaire: str, question_id: str) -> str:
    (question,) = [q for q in load(questionnaire).questions if q.id == question_id]
    return t.gettext(question.label)


async def test_csv_files_follow_the_filter(programme: Database, tmp_path: Path) -> None:
    paths = await write_exports(programme, FIRST_HALF, translator("en"), tmp_path, NOW)
    pairs, journal, outcomes = (read_csv(path) for path in paths)
    assert len(pairs) - 1 == 11  # proposed, started or ended in the period: all but m10's
    assert len(outcomes) - 1 == 5
    # m8's check-ins from 15 April, weekly: the mentor's 9 all before July, the mentee's 8 too
    assert len(journal) - 1 == 15  # the November note is outside the period


# -- the benchmark, the trend and what goes with success ----------------------------------------


async def test_benchmark_judges_pairs_ended_three_months_ago(programme: Database) -> None:
    report = await build_report(programme, ReportFilter(), NOW)
    benchmark = report.effects.benchmark
    # m6 ended on 29 August, less than 3 months ago: m1-m5 and m7 are judged, m1-m5 in work
    assert (benchmark.pairs, benchmark.work.part) == (6, 5)
    interval = benchmark.work.interval
    assert interval is not None
    assert (interval.low, interval.high) == (
        pytest.approx(0.4365, abs=5e-5),
        pytest.approx(0.9699, abs=5e-5),
    )


async def test_a_follow_up_in_work_counts_for_the_benchmark(programme: Database) -> None:
    """m7 dropped out, and says at the 3-month follow-up that they work now."""
    (row,) = await programme.fetch_all(
        "SELECT f.id, f.participant_id FROM outcome_followups f JOIN pairs p ON p.id = f.pair_id "
        "WHERE p.outcome = 'dropped_out' AND f.months = 3"
    )
    assert await followup_store.answer(programme, row["id"], row["participant_id"], "work", NOW)
    report = await build_report(programme, ReportFilter(), NOW)
    assert (report.effects.benchmark.pairs, report.effects.benchmark.work.part) == (6, 6)
    assert report.outcomes.work == 5  # the outcome at the end stays as it was


@pytest.mark.parametrize(
    ("reference", "verdict", "sentence"),
    [
        (0.30, Verdict.ABOVE, "The whole interval lies above 30%: better than the national"),
        (0.52, Verdict.ACROSS, "The interval includes 52%: no clear difference from the national"),
        (0.98, Verdict.BELOW, "The whole interval lies below 98%: not as good as the national"),
    ],
)
async def test_benchmark_verdict(
    programme: Database, reference: float, verdict: Verdict, sentence: str
) -> None:
    """5 of 6 judged pairs in work: 44-97%, above 30%, across 52% and below 98%."""
    report = await build_report(programme, ReportFilter(), NOW, reference)
    assert report.effects.benchmark.verdict is verdict
    text = render(report, translator("en"))
    assert (
        "In work at the end or at the 3- or 6-month follow-up: 83% (95% interval 44–97%) of 6 "
        "pairs that ended at least 3 months ago." in text
    )
    assert sentence in text


async def test_too_few_pairs_to_compare(programme: Database) -> None:
    report = await build_report(programme, ReportFilter(field="health"), NOW)
    assert report.effects.benchmark.pairs == 1  # m7
    assert report.effects.benchmark.verdict is None
    assert "Too few pairs to compare." in render(report, translator("en"))


async def test_trend_by_quarter_of_the_start(programme: Database) -> None:
    report = await build_report(programme, ReportFilter(), NOW)
    first, second = report.effects.quarters
    assert (first.quarter, second.quarter) == (Quarter(2026, 1), Quarter(2026, 2))
    assert (first.work.whole, first.work.part) == (6, 5)
    # m1-m7 started in the first quarter: 5, 10, 15, 20, 30, 40, 60 days after the intake
    assert first.intake_to_match.median == 20
    assert first.match_to_job.median == 120
    assert (second.work.whole, second.intake_to_match.pairs) == (0, 2)  # m8, m9
    text = render(report, translator("en"))
    assert (
        "Q1 2026: in work 83% (95% interval 44–97%) of 6; median from intake to match 20 days, "
        "from match to job 120 days"
    ) in text
    assert "Q2 2026: no pair ended 3 months ago yet; median from intake to match not shown" in text
    png = trend_chart(report, translator("da"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


async def test_what_goes_with_finding_work(programme: Database) -> None:
    """The judged pairs m1-m5 (work) and m7 (not), by the table in tests/seeds.py."""
    report = await build_report(programme, ReportFilter(), NOW)
    table = {
        (row.factor, row.level): (row.work.whole, row.work.part)
        for row in report.effects.associations
    }
    assert table == {
        (Factor.SAME_FIELD, "same"): (5, 4),  # m1-m4 (it), m7 (health)
        (Factor.SAME_FIELD, "different"): (1, 1),  # m5 (it) with a3 (health)
        (Factor.MEETINGS, "1_to_2"): (2, 1),  # m4 1.9 a month, m7 1.2
        (Factor.MEETINGS, "over_2"): (4, 4),
        (Factor.FIRST_MEETING, "within"): (4, 4),  # m3 on day 14 counts as within
        (Factor.FIRST_MEETING, "later"): (2, 1),
        (Factor.DANISH, "good"): (4, 4),
        (Factor.DANISH, "everyday"): (1, 1),
        (Factor.DANISH, "beginner"): (1, 0),
        (Factor.DIVERGENCE, "alerted"): (2, 1),  # m2 and m7; m8's alert was another reason
        (Factor.DIVERGENCE, "none"): (4, 4),
    }
    # every factor has a group under 5 beside one of 4 or 5: all rows stay hidden
    assert all(row.work.count is None for row in report.effects.associations)
    text = render(report, translator("en"))
    assert "This shows which pairs did well, not why: an association, not a cause." in text
    # 5 with a mentor in the same field would give away the 1 without
    assert "Mentor in the mentee's field: not shown, so that a smaller group" in text
    assert "Mentor in another field: in work fewer than 5 of fewer than 5" in text
