"""Stalled pairs: the coordinators hear of it once, one takes it, it snoozes, it recovers."""

from __future__ import annotations

from tests.conftest import SECOND_COORDINATOR, rows
from tests.scenarios import (
    alerts_in,
    answer_mentor,
    coordinator_ready,
    matched,
    proposal_sent,
    scan,
    visible,
)


async def test_an_alert_is_taken_snoozed_comes_back_and_closes_on_recovery(
    emulator, two_coordinators
) -> None:
    bot = two_coordinators
    karen, mentor, _ = await matched(emulator)
    omar = await coordinator_ready(emulator, SECOND_COORDINATOR, "Omar")
    await omar.next_message()  # he was told of the new pair before; now his welcome

    bot.clock.advance(days=20, hours=23)
    await scan(bot)
    assert alerts_in(karen) == []  # 20 days without a meeting: not yet
    bot.clock.advance(hours=1)
    await scan(bot)
    karens, omars = await karen.next_message(), await omar.next_message()
    text = visible(karens.text)
    assert "Amal Hassan – Yusuf Ali" in text
    assert "• No meeting reported for 21 days." in text
    assert karens.button_texts == ["I will contact them", "Snooze 7 days", "End the pair"]
    await scan(bot)
    await scan(bot)
    assert len(alerts_in(karen)) == 1 and len(alerts_in(omar)) == 1  # one per episode

    await karen.press("I will contact them", message=karens)
    assert (await karen.next_callback_answer()).text == (
        "Thank you. The others can see that you have it."
    )
    edited = await omar.wait_for_edit(omars)
    assert visible(edited.text).endswith("Karen will contact them.")
    assert edited.button_texts == ["Snooze 7 days", "End the pair"]
    (episode,) = await rows(bot, "SELECT id FROM stall_episodes")
    await omar.press_data(omars, f"al1:{episode['id']}:take")  # pressed before the edit came
    assert (await omar.next_callback_answer()).text == "Another coordinator has taken this already."

    taken = await karen.wait_for_edit(karens)
    await omar.press("Snooze 7 days", message=omars)
    await omar.next_callback_answer()
    snoozed = await karen.wait_for_edit(taken)
    assert "Snoozed by Omar until December 21, 2026." in visible(snoozed.text)
    bot.clock.advance(days=6)
    await scan(bot)
    assert len(alerts_in(karen)) == 1
    bot.clock.advance(days=1)
    await scan(bot)
    again = await karen.next_message()
    assert "• No meeting reported for 28 days." in visible(again.text)
    assert again.button_texts[0] == "I will contact them"  # nobody has it any more
    await omar.next_message()

    await bot.run_job("checkin-wave")  # the check-in that fell due meanwhile
    await mentor.next_message()
    await answer_mentor(mentor, note=None)
    await mentor.next_message()
    await scan(bot)
    journal = await rows(bot, "SELECT role, kind FROM journal WHERE role = 'bot' ORDER BY id")
    assert [tuple(r) for r in journal] == [("bot", "stalled"), ("bot", "recovered")]
    await karen.send("/stalled")
    listing = await karen.next_message()
    assert "No pair needs attention right now." in listing.text
    assert len(alerts_in(karen)) == 2


async def test_a_mentor_cannot_press_an_alert_button(emulator, bot) -> None:
    karen, mentor, _ = await matched(emulator)
    bot.clock.advance(days=21)
    await karen.send("/stalled")  # scans on demand: the alert first, then the list
    alert = await karen.next_message()
    listing = visible((await karen.next_message()).text)
    assert "1. Amal Hassan – Yusuf Ali\nNo meeting reported for 21 days." in listing
    (episode,) = await rows(bot, "SELECT id FROM stall_episodes")
    await mentor.press_data(mentor.last, f"al1:{episode['id']}:take")
    answer = await mentor.next_callback_answer()
    assert answer.text == "Only the programme's coordinators can do this."
    (episode,) = await rows(bot, "SELECT taken_by FROM stall_episodes")
    assert episode["taken_by"] is None
    assert karen.message(alert.message_id).button_texts[0] == "I will contact them"


async def test_an_unanswered_proposal_alerts_after_a_week(emulator, bot) -> None:
    karen, mentor, mentee = await proposal_sent(emulator)
    await mentor.next_message()
    await mentee.next_message()
    await mentor.press("Yes")
    await mentor.next_message()

    bot.clock.advance(days=7)
    await scan(bot)
    alert = await karen.next_message()
    assert "• The mentee has not answered the match proposal for 7 days." in visible(alert.text)
    assert alert.button_texts == ["I will contact them", "Snooze 7 days"]  # it lapses by itself


async def test_a_coordinator_can_choose_a_weekly_digest(emulator, bot) -> None:
    karen, _, _ = await matched(emulator)
    await karen.send("/stalled")
    listing = await karen.next_message()
    await karen.press("Send me a weekly digest instead", message=listing)
    confirmation = await karen.next_message()
    assert confirmation.text.startswith("From now on you get a weekly digest")

    bot.clock.advance(days=21)
    await scan(bot)
    digest = await karen.next_message()
    assert alerts_in(karen) == []
    text = visible(digest.text)
    assert text.startswith("Weekly digest: pairs that need attention")
    assert "1. Amal Hassan – Yusuf Ali – risk 1" in text
    assert "No meeting reported for 21 days." in text
    bot.clock.advance(days=1)
    await scan(bot)
    await karen.send("/stalled")
    await karen.next_message()
    digests = [m for m in karen.messages if m.text.startswith("Weekly digest")]
    assert len(digests) == 1  # the next one in a week
