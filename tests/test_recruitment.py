"""Recruitment links: made by a coordinator, counted per channel, shown on the screening."""

from __future__ import annotations

import re

from bot.handlers.context import services_of
from tests.conftest import COORDINATOR_ID
from tests.scenarios import ASKED, MENTOR_ANSWERS, answer_until, coordinator_ready, onboard, visible

LINK = re.compile(r"https://t\.me/mentorbro_test_bot\?start=(c_[A-Za-z0-9_-]+)")


async def new_link(coordinator, name: str) -> str:
    await coordinator.send(f"/newlink {name}")
    reply = await coordinator.next_message()
    match = LINK.search(reply.text)
    assert match, reply.text
    return match.group(1)


async def test_a_mentor_who_came_through_a_link_is_not_asked_how(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    payload = await new_link(coordinator, "Novo Nordisk intranet")

    mentor = emulator.user(7001, language_code="en")
    await mentor.send(f"/start {payload}")
    await mentor.next_message()
    await mentor.press("English")
    await mentor.next_messages(2)
    await mentor.press("I want to volunteer as a mentor")
    await mentor.next_messages(3)
    asked = await answer_until(mentor, "en", MENTOR_ANSWERS)
    assert asked == [question for question in ASKED if question != "heard_from"]

    await mentor.press("Send my answers")
    await mentor.next_message()
    review = await coordinator.next_message()
    assert "Came through the link: Novo Nordisk intranet" in visible(review.text)

    await coordinator.send("/links")
    listing = visible((await coordinator.next_message()).text)
    assert "Novo Nordisk intranet: mentors 1, mentees 0, no role yet 0" in listing
    assert payload in listing


async def test_the_first_channel_is_kept_and_unknown_codes_are_ignored(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    first = await new_link(coordinator, "Facebook post")
    second = await new_link(coordinator, "Job fair")
    person = emulator.user(7002, language_code="en")
    for payload in (first, second, "c_doesnotexist"):
        await person.send(f"/start {payload}")
        await person.next_message()
    rows = await services_of(bot.application).db.fetch_all(
        "SELECT c.name FROM participants p JOIN recruitment_channels c "
        "ON c.id = p.recruitment_channel_id WHERE p.telegram_user_id = 7002"
    )
    assert [row["name"] for row in rows] == ["Facebook post"]


async def test_a_link_needs_a_name(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    await coordinator.send("/newlink")
    usage = await coordinator.next_message()
    assert usage.text.startswith("Write the channel's name after the command")


async def test_only_coordinators_make_links(emulator, bot) -> None:
    mentee = await onboard(emulator, 7003, "en", "mentee")
    await mentee.send("/newlink Sneaky")
    refusal = await mentee.next_message()
    assert refusal.text == "Sorry, only the programme's coordinators can use this command."
    rows = await services_of(bot.application).db.fetch_all("SELECT * FROM recruitment_channels")
    assert rows == []
    assert COORDINATOR_ID not in [user.id for user in emulator.users if user.messages]
