"""One municipality however it is typed: Mette (a Danish mentor) writes "århus" and Huda (an
Arabic-speaking mentee) writes «أورهوس»; both live in Aarhus (751). Omar works for Aarhus only,
Karen for the whole programme. Old answers as typed are placed when the bot starts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.config import Config
from bot.i18n import translator
from bot.model.participants import Role
from sandbox import BotApiEmulator, SimulatedUser
from storage import open_database
from tests.conftest import COORDINATOR_ID, TOKEN, RunningBot, environment, rows, run_bot
from tests.scenarios import (
    MENTEE,
    MENTOR_ANSWERS,
    answer_until,
    coordinator_ready,
    end_pair,
    onboard,
    question_in,
    read_introduction,
    ready_mentor,
    visible,
)
from tests.seeds import NOW, intake, join

AARHUS_COORDINATOR = 900002
METTE = {**MENTOR_ANSWERS, "name": "Mette Holm", "municipality": "århus"}
HUDA = {**MENTEE, "name": "Huda Saleh", "municipality": "أورهوس"}


@pytest.fixture
async def scoped_bot(make_config: Callable[..., Config]) -> AsyncIterator[RunningBot]:
    running = RunningBot(
        make_config(
            coordinator_ids=f"{COORDINATOR_ID},{AARHUS_COORDINATOR}",
            coordinator_scopes=f"{AARHUS_COORDINATOR}=Aarhus",
        )
    )
    await running.start()
    yield running
    await running.stop()


async def arabic_mentee(emulator: BotApiEmulator, user_id: int) -> SimulatedUser:
    """Huda, in Arabic, through the introduction and the intake, sent."""
    t = translator("ar")
    huda = await onboard(emulator, user_id, "ar", "mentee")
    await read_introduction(huda, "ar")
    await answer_until(huda, "ar", HUDA, questionnaire="intake")
    await huda.press(t.gettext("Send my answers"))
    await huda.next_message()
    return huda


async def stored_municipalities(bot: RunningBot) -> list[str]:
    found = await rows(
        bot,
        "SELECT a.value FROM answers a JOIN questionnaire_runs r ON r.id = a.run_id "
        "WHERE a.question_id = 'municipality' ORDER BY r.participant_id",
    )
    return [row[0] for row in found]


async def test_a_danish_mentor_and_an_arabic_mentee_both_live_in_aarhus(
    emulator, scoped_bot
) -> None:
    karen = await coordinator_ready(emulator)
    omar = await coordinator_ready(emulator, AARHUS_COORDINATOR, "Omar")
    mette = await ready_mentor(emulator, karen, 9001, METTE, language="da")
    # Omar, limited to "Aarhus", is told of Mette's screening and of Huda's intake.
    screening = visible((await omar.next_message()).text)
    assert "Municipality: Aarhus" in screening
    huda = await arabic_mentee(emulator, 9002)
    for coordinator in (karen, omar):
        ready = visible((await coordinator.next_message()).text)
        assert ready.startswith("A mentee is ready for matching")
        assert "Municipality: Aarhus" in ready
    assert await stored_municipalities(scoped_bot) == ["751", "751"]

    await omar.send("/match")
    listing = visible((await omar.next_message()).text)
    assert "Huda Saleh" in listing
    await omar.press("1")
    suggestions = visible((await omar.next_message()).text)
    assert "Mette Holm" in suggestions
    assert "both in Aarhus" in suggestions
    await omar.press("Propose 1")
    await omar.next_message()  # "The proposal is sent to both…"
    await mette.next_message()
    await huda.next_message()
    await mette.press(translator("da").gettext("Yes"))
    await mette.next_message()
    await huda.press(translator("ar").gettext("Yes"))
    await omar.next_message()  # "New pair: …"
    await end_pair(omar, "Ordinary job")
    await omar.next_message()  # "Reply to this message with the job's start date…"

    seen = len(omar.messages)
    await omar.send("/report")
    await omar.wait_for_messages(seen + 7, 60)  # the chart and files: niced processes
    report = visible(omar.messages[seen].text)
    by_municipality = report.split("By municipality\n")[1].split("\n\n")[0].splitlines()
    assert by_municipality == ["Aarhus: fewer than 5 ended, found work: fewer than 5"]
    by_region = report.split("By region\n")[1].split("\n\n")[0].splitlines()
    assert by_region == [
        "Central Jutland (Midtjylland): fewer than 5 ended, found work: fewer than 5"
    ]


async def test_a_typed_municipality_is_confirmed_or_chosen_with_a_tap(emulator, bot) -> None:
    t = translator("en")
    mentor = await onboard(emulator, 9003, "en", "mentor")
    await answer_until(mentor, "en", MENTOR_ANSWERS, stop_before="municipality")
    question = mentor.last

    await mentor.send("Springfield")
    unknown = visible((await mentor.next_message()).text)
    assert unknown == (
        "I do not know that municipality. Please write its name as on a letter from the "
        "municipality, for example Aarhus."
    )
    await mentor.send("x" * 4096)
    assert "4,096 characters" in visible((await mentor.next_message()).text)

    await mentor.send("Region Midtjylland")
    region = await mentor.next_message()
    assert visible(region.text) == "Which municipality in Region Midtjylland do you live in?"
    assert "Silkeborg" in region.button_texts and len(region.button_texts) == 20  # 19 + again
    await mentor.press("None of these, let me write it again")
    again = await mentor.next_message()
    assert question_in(again.text, "en").id == "municipality"

    await mentor.send("Risskov")
    offer = await mentor.next_message()
    assert visible(offer.text) == "Do you mean Aarhus?"
    await mentor.press(t.gettext("No, let me write it again"))
    assert question_in((await mentor.next_message()).text, "en").id == "municipality"

    await mentor.send("Frederiks")
    choices = await mentor.next_message()
    assert visible(choices.text) == "Which of these do you mean?"
    assert {"Frederiksberg", "Frederikssund"} <= set(choices.button_texts)
    await mentor.press("Frederikssund")
    following = await mentor.next_message()
    assert question_in(following.text, "en").id == "frequency"
    assert await stored_municipalities(bot) == ["250"]
    assert question.message_id != following.message_id


async def test_old_answers_are_placed_at_the_start_and_the_rest_fixed_by_a_coordinator(
    emulator, make_config, tmp_path: Path
) -> None:
    config = make_config()
    db = await open_database(config.database_path)
    typed = {8101: "  Århus ", 8102: "Aarhus Kommune", 8103: "Frederiks", 8104: "Springfield"}
    for user_id, text in typed.items():
        mentee = await join(db, user_id, Role.MENTEE, NOW)
        await intake(db, mentee, {"field": "it", "municipality": text}, NOW)
    await db.close()

    bot = RunningBot(config)
    await bot.start()
    try:
        assert await stored_municipalities(bot) == ["751", "751", '"Frederiks"', '"Springfield"']
        placed = await rows(bot, "SELECT typed, code, changed_by FROM municipality_changes")
        assert [tuple(row) for row in placed] == [
            ("  Århus ", 751, None),
            ("Aarhus Kommune", 751, None),
        ]

        karen = await coordinator_ready(emulator)
        await karen.send("/match")
        listing = visible((await karen.next_message()).text)
        assert "unknown municipality: Frederiks" in listing
        assert "unknown municipality: Springfield" in listing
        await karen.press(number_of(listing, "Frederiks"))
        fix = await karen.next_message()
        assert "is unknown: Frederiks" in visible(fix.text)
        await karen.next_message()  # the suggestions (none ready)
        await karen.press("Frederiksberg", message=fix)
        await karen.wait_for_edit(fix)
        assert visible(karen.message(fix.message_id).text) == (
            "Saved: the municipality is Frederiksberg."
        )
        assert await stored_municipalities(bot) == ["751", "751", "147", '"Springfield"']
        fixed = await rows(
            bot, "SELECT typed, code, changed_by FROM municipality_changes ORDER BY id DESC"
        )
        assert tuple(fixed[0]) == ("Frederiks", 147, COORDINATOR_ID)

        await karen.press(number_of(listing, "Springfield"))
        nothing_near = visible((await karen.next_message()).text)
        assert "No municipality in the list is close to it." in nothing_near

        await bot.restart()  # placing again changes nothing
        assert await stored_municipalities(bot) == ["751", "751", "147", '"Springfield"']
    finally:
        await bot.stop()


def number_of(listing: str, text: str) -> str:
    line = next(line for line in listing.splitlines() if text in line)
    return line.split(".")[0].strip()


async def test_an_unknown_municipality_in_the_configuration_stops_the_start(
    tmp_path: Path,
) -> None:
    env = environment(
        BOT_TOKEN=TOKEN, COORDINATOR_IDS="900001,900002", COORDINATOR_SCOPES="900002=Arhuss"
    )
    process = await run_bot(env, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().strip() == (
        "mentorbro: COORDINATOR_SCOPES: 'Arhuss' is not a Danish municipality; the closest: Aarhus"
    )
