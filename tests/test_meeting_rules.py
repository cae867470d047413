"""Planned meetings' rules: what a typed day or time means, the times offered, and when the
reminder, the day-after question and a waiting check-in fall."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import month_names
from bot.model.meetings import (
    Problem,
    ask_due,
    check_in_waits_until,
    offered_days,
    parse_day,
    parse_time,
    reminder_due,
    slots,
    wants_reminder,
)

TODAY = date(2026, 11, 23)
ZONE = ZoneInfo("Europe/Copenhagen")
MONTHS = month_names()


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("28.11", date(2026, 11, 28)),
        ("28/11", date(2026, 11, 28)),
        ("28-11-2026", date(2026, 11, 28)),
        ("28.11.26", date(2026, 11, 28)),
        ("2026-11-28", date(2026, 11, 28)),
        ("1. december", date(2026, 12, 1)),  # Danish
        ("1. dec.", date(2026, 12, 1)),
        ("December 1", date(2026, 12, 1)),  # English
        ("1 Dec 2026", date(2026, 12, 1)),
        ("١ ديسمبر", date(2026, 12, 1)),  # Arabic, with Arabic digits
        (" 23.11 ", TODAY),
    ],
)
def test_a_typed_date_in_any_of_the_bots_languages(typed, day):
    assert parse_day(typed, TODAY, MONTHS) == day


def test_a_date_without_a_year_early_next_year_is_next_years():
    assert parse_day("3.1", date(2026, 12, 20), MONTHS) == date(2027, 1, 3)
    assert parse_day("14. januar", date(2026, 12, 30), MONTHS) == date(2027, 1, 14)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("22.11", Problem.PAST),  # yesterday
        ("22.11.2026", Problem.PAST),
        ("14.12", Problem.TOO_FAR),  # the 22nd day
        ("13.12", None),  # the 21st day, still offered
        ("31.11", Problem.NOT_A_DAY),
        ("29.02", Problem.NOT_A_DAY),
        ("1. brumaire", Problem.NOT_A_DAY),
        ("next friday", Problem.NOT_A_DAY),
        ("", Problem.NOT_A_DAY),
    ],
)
def test_what_cannot_be_a_meetings_day(typed, problem):
    found = parse_day(typed, TODAY, MONTHS)
    assert (found if isinstance(found, Problem) else None) == problem


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("17:30", time(17, 30)),
        ("17.30", time(17, 30)),  # as Danes write it
        ("9", time(9)),
        ("9:05", time(9, 5)),
        ("١٧:٣٠", time(17, 30)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("25:00", Problem.IMPOSSIBLE_TIME),
        ("12:60", Problem.IMPOSSIBLE_TIME),
        ("5 pm", Problem.NOT_A_TIME),
        ("noon", Problem.NOT_A_TIME),
    ],
)
def test_a_typed_time(typed, found):
    assert parse_time(typed) == found


def test_the_days_and_half_hours_offered():
    days = offered_days(TODAY)
    assert (len(days), days[0], days[-1]) == (21, TODAY, date(2026, 12, 13))
    assert slots(time(8), time(10)) == [time(8), time(8, 30), time(9), time(9, 30)]
    assert slots(time(22, 45), time(23, 59))[-1] == time(23, 45)  # never past midnight


def test_the_reminder_the_day_before_and_the_question_the_day_after_at_the_opening():
    start = datetime(2026, 11, 28, 17, 30, tzinfo=ZONE)
    assert reminder_due(start, time(10), ZONE) == datetime(2026, 11, 27, 10, tzinfo=ZONE)
    assert ask_due(start, time(10), ZONE) == datetime(2026, 11, 29, 10, tzinfo=ZONE)
    # A meeting at 00:30 in Copenhagen is on the 28th there, though on the 27th in UTC.
    night = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert reminder_due(night, time(10), ZONE).date() == date(2026, 11, 27)
    assert wants_reminder(start, datetime(2026, 11, 27, 20, tzinfo=ZONE), ZONE)
    assert not wants_reminder(start, datetime(2026, 11, 28, 8, tzinfo=ZONE), ZONE)


def test_a_check_in_waits_only_within_two_days_before_the_meeting_until_its_end():
    start = datetime(2026, 12, 8, 14, tzinfo=UTC)
    end = start + timedelta(hours=1)
    assert check_in_waits_until(start - timedelta(days=2), start) == end
    assert check_in_waits_until(start + timedelta(minutes=30), start) == end
    assert check_in_waits_until(start - timedelta(days=2, minutes=1), start) is None
    assert check_in_waits_until(end, start) is None
