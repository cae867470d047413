"""Coordinators are recognised from the configuration; nobody else gets their commands."""

from __future__ import annotations

from bot.handlers.context import services_of
from tests.conftest import COORDINATOR_ID
from tests.scenarios import onboard


async def test_a_coordinator_is_greeted_with_the_coordinator_commands(emulator, bot) -> None:
    coordinator = emulator.user(COORDINATOR_ID, first_name="Karen", language_code="da")
    await coordinator.send("/start")
    greeting = await coordinator.next_message()
    assert greeting.text.startswith("Hej, koordinator!")
    assert "/participants – Overblik over deltagerne" in greeting.text
    assert greeting.buttons == []
    menu = emulator.my_commands(scope={"type": "chat", "chat_id": COORDINATOR_ID})
    assert {"command": "participants", "description": "Overblik over deltagerne"} in menu


async def test_participants_gives_the_coordinator_the_counts(emulator, bot) -> None:
    await onboard(emulator, 2001, "da", "mentor")
    await onboard(emulator, 2002, "ar", "mentee")
    await onboard(emulator, 2003, "en", "mentee")
    coordinator = emulator.user(COORDINATOR_ID, language_code="en")
    await coordinator.send("/participants")
    text = (await coordinator.next_message()).text
    assert text.splitlines() == [
        "Participants",
        "Mentors: 1",
        "Mentees: 2",
        "No role chosen yet: 0",
        "Coordinators: 1",
    ]


async def test_a_non_coordinator_is_refused_and_nothing_else_happens(emulator, bot) -> None:
    mentor = await onboard(emulator, 2004, "en", "mentor")
    coordinator = emulator.user(COORDINATOR_ID, language_code="en")
    before = len(mentor.messages)
    calls_before = len(emulator.calls)

    await mentor.send("/participants")
    refusal = await mentor.next_message()
    assert refusal.text == "Sorry, only the programme's coordinators can use this command."

    # Updates are handled in order: once /help is answered, /participants is fully done.
    await mentor.send("/help")
    await mentor.next_message()
    assert len(mentor.messages) == before + 2
    assert coordinator.messages == []
    sends = [method for method, _ in emulator.calls[calls_before:] if method.startswith("send")]
    assert sends == ["sendMessage", "sendMessage"]


async def test_a_coordinator_removed_from_the_configuration_loses_the_commands(
    emulator, make_config, bot
) -> None:
    coordinator = emulator.user(COORDINATOR_ID, language_code="en")
    await coordinator.send("/start")
    await coordinator.next_message()
    await bot.stop()
    bot.config = make_config(coordinator_ids="")
    await bot.start()
    await coordinator.send("/participants")
    assert (await coordinator.next_message()).text.startswith("Sorry, only the programme's")
    stored = await services_of(bot.application).db.fetch_one(
        "SELECT role FROM participants WHERE telegram_user_id = ?", (COORDINATOR_ID,)
    )
    assert stored["role"] is None
