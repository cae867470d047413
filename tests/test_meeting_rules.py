"""Planned meetings' rules: the days and times offered, which day a meeting may have, whether a
reminder is wanted, and when a waiting check-in falls (typed dates: tests/test_when.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.model.meetings import (
    check_in_waits_until,
    day_problem,
    offered_days,
    slots,
    wants_reminder,
)
from bot.model.when import WhenProblem

TODAY = date(2026, 11, 23)
ZONE = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (date(2026, 11, 22), WhenProblem.PAST),  # yesterday
        (date(2026, 12, 14), WhenProblem.TOO_FAR),  # the 22nd day
        (date(2026, 12, 13), None),  # the 21st day, still offered
        (TODAY, None),
    ],
)
def test_what_cannot_be_a_meetings_day(day, problem):
    assert day_problem(day, TODAY) == problem


def test_the_days_and_half_hours_offered():
    days = offered_days(TODAY)
    assert (len(days), days[0], days[-1]) == (21, TODAY, date(2026, 12, 13))
    assert slots(time(8), time(10)) == [time(8), time(8, 30), time(9), time(9, 30)]
    assert slots(time(22, 45), time(23, 59))[-1] == time(23, 45)  # never past midnight


def test_a_reminder_only_for_a_meeting_planned_before_its_day():
    start = datetime(2026, 11, 28, 17, 30, tzinfo=ZONE)
    assert wants_reminder(start, datetime(2026, 11, 27, 20, tzinfo=ZONE), ZONE)
    assert not wants_reminder(start, datetime(2026, 11, 28, 8, tzinfo=ZONE), ZONE)


def test_a_check_in_waits_only_within_two_days_before_the_meeting_until_its_end():
    start = datetime(2026, 12, 8, 14, tzinfo=UTC)
    end = start + timedelta(hours=1)
    assert check_in_waits_until(start - timedelta(days=2), start) == end
    assert check_in_waits_until(start + timedelta(minutes=30), start) == end
    assert check_in_waits_until(start - timedelta(days=2, minutes=1), start) is None
    assert check_in_waits_until(end, start) is None
