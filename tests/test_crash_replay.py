"""Kill -9 at random points of a programme run, restart, finish: the database ends the same.

The scripted run (tests/crash_harness.py): a coordinator; a mentor who does the screening,
approved and through the course; a mentee invited by link who reads the introduction and gives
the intake in Arabic; the match, accepted by both; a stall alert after 21 days without a
meeting, taken by the coordinator; a check-in wave answered by both sides, the mentor asking
for the coordinator (an alert at once).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from bot import alerts, checkins
from bot.handlers.context import services_of
from bot.model.questionnaire import choose
from tests.conftest import RunningBot
from tests.crash_harness import KillPlan, differences, dump, run_programme
from tests.scenarios import alerts_in, matched, visible

KILLS_PER_RUN = 4
# 20 and 68 each kill twice while a meeting is planned, reminded and asked about.
SEEDS = (11, 12, 20, 68)


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, int]:
    """The normalised database of a run without kills, and how many effect calls it made."""
    harness = asyncio.run(run_programme(tmp_path_factory.mktemp("calm"), KillPlan()))
    return dump(harness.database), harness.effect_calls


def test_an_undisturbed_run_files_everything_once(undisturbed) -> None:
    expected, _ = undisturbed
    counts = {table: len(rows) for table, rows in expected.items()}
    assert counts["participants"] == 3
    assert counts["screenings"] == 1 and counts["intakes"] == 1 and counts["pairs"] == 1
    assert counts["stall_episodes"] == 1
    assert counts["alert_messages"] == 2  # 21 days without a meeting; the mentor asks for contact
    journal = sorted((row[3], row[4]) for row in expected["journal"])  # role, kind
    assert journal == [
        ("bot", "stalled"),
        ("mentee", "checkin"),
        ("mentee", "meeting_not_held"),
        ("mentor", "checkin"),
        ("mentor", "meeting_held"),
        ("mentor", "meeting_planned"),
    ]
    notices = Counter((row[4], row[7]) for row in expected["meeting_notices"])  # kind, status
    assert notices == {("planned", "sent"): 2, ("reminder", "sent"): 2, ("ask", "sent"): 2}


@pytest.mark.parametrize("seed", SEEDS)
async def test_kills_at_random_points_leave_the_same_database(
    undisturbed, tmp_path: Path, seed: int
) -> None:
    expected, calls = undisturbed
    plan = KillPlan.random(seed, KILLS_PER_RUN, calls)
    harness = await run_programme(tmp_path, plan)
    assert harness.kills == KILLS_PER_RUN, harness.trace
    assert differences(expected, dump(harness.database)) == [], harness.trace


# -- the two gaps the kills found, each cut off by hand where a kill hit -----------------------


async def test_a_check_in_cut_off_after_an_answer_goes_on_at_start(emulator, bot: RunningBot):
    _, mentor, _ = await matched(emulator)
    bot.clock.advance(days=14)
    await bot.run_job("checkin-wave")
    await mentor.next_message()
    services = services_of(bot.application)
    (row,) = await services.db.fetch_all(
        "SELECT id FROM checkins WHERE side = 'mentor' AND status = 'sent'"
    )
    check_in = await checkins.get(services, row["id"])
    question = checkins.current_question(check_in)
    # "Yes, in person" is stored; the bot dies before it asks the next question.
    await checkins.answer(services, check_in, choose(question, "in_person"))
    await bot.restart()

    await mentor.send("/start")
    welcome, asked = await mentor.next_messages(2)
    assert welcome.text == "Welcome back! Let us go on where you left off."
    assert asked.text == "How is the mentorship going?"
    assert asked.button_texts[0] == "Good"


async def test_an_alert_cut_off_by_a_crash_is_sent_by_the_next_scan(emulator, bot: RunningBot):
    coordinator, _, _ = await matched(emulator)
    bot.clock.advance(days=21)
    # The scan opens the episode; the bot dies before the alert goes out.
    assert await alerts.scan(services_of(bot.application))
    await bot.restart()

    await bot.run_job("stall-scan")
    alert = await coordinator.next_message()
    assert "• No meeting reported for 21 days." in visible(alert.text)
    await bot.run_job("stall-scan")
    await coordinator.send("/help")
    await coordinator.next_message()
    assert len(alerts_in(coordinator)) == 1
