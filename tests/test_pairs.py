"""Matching a mentee with a mentor, and a pair's life, as the three people live it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.model.pairs import JobDetails, parse_job_details
from tests.conftest import rows
from tests.scenarios import (
    MENTEE,
    MENTEE_PHONE,
    MENTOR_PHONE,
    coordinator_ready,
    matched,
    onboard,
    open_pair_card,
    proposal_sent,
    ready_mentor,
    visible,
    waiting_mentee,
)


async def test_a_coordinator_matches_and_both_accept(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await ready_mentor(emulator, coordinator, 9001)
    mentee = await waiting_mentee(emulator, coordinator, 9002)

    await coordinator.send("/match")
    listing = visible((await coordinator.next_message()).text)
    assert "1. Yusuf Ali – Health care (doctor, nurse, pharmacy, laboratory) – waiting 0 days" in (
        listing
    )
    await coordinator.press("1")
    suggestions = visible((await coordinator.next_message()).text)
    assert suggestions.startswith("Best mentors for Yusuf Ali")
    assert "1. Amal Hassan – score" in suggestions
    assert "same field: Health care" in suggestions and "both speak Arabic" in suggestions
    await coordinator.press("Propose 1")
    assert (await coordinator.next_message()).text.startswith("The proposal is sent to both.")

    to_mentor, to_mentee = (
        visible((await mentor.next_message()).text),
        visible((await mentee.next_message()).text),
    )
    assert "Do you want to be the mentor of Yusuf?" in to_mentor
    assert "Field: Health care" in to_mentor and "Danish: I can talk about everyday things" in (
        to_mentor
    )
    assert "Do you want Amal as your mentor?" in to_mentee
    assert "Profession and job title: Nurse at the emergency ward" in to_mentee
    for text in (to_mentor, to_mentee):  # no surname, no contact before both say yes
        assert "Hassan" not in text and "Yusuf Ali" not in text
        assert MENTOR_PHONE not in text and MENTEE_PHONE not in text

    await mentor.press("Yes")
    assert (await mentor.next_message()).text == (
        "Thank you! I am waiting for the other person's answer."
    )
    await mentee.press("Yes")
    to_mentor, to_mentee = (await mentor.next_message()).text, (await mentee.next_message()).text
    assert visible(to_mentor).startswith("Good news: you are now a pair with Yusuf!")
    assert f"You can reach Yusuf here: {MENTEE_PHONE}" in visible(to_mentor)
    assert f"You can reach Amal here: {MENTOR_PHONE}" in visible(to_mentee)
    assert "We have met" in mentor.last.button_texts
    told = visible((await coordinator.next_message()).text)
    assert told == "New pair: Amal Hassan (mentor) and Yusuf Ali (mentee)."

    (pair,) = await rows(bot, "SELECT status, started_at FROM pairs")
    assert pair["status"] == "active" and pair["started_at"]
    events = await rows(bot, "SELECT event FROM pair_events ORDER BY id")
    assert [e["event"] for e in events] == ["proposed", "accepted", "accepted", "active"]
    await coordinator.send("/match")
    assert (await coordinator.next_message()).text == "No mentees are waiting for a mentor."


async def test_contact_details_are_shared_only_as_agreed(emulator, bot) -> None:
    private = {**MENTEE, "share_contact": "no"}
    coordinator, mentor, mentee = await matched(emulator, private)
    to_mentor = visible(mentor.messages[-1].text)
    assert "The coordinator will put you in touch with Yusuf." in to_mentor
    assert MENTEE_PHONE not in "".join(visible(m.text) for m in mentor.messages)
    assert f"You can reach Amal here: {MENTOR_PHONE}" in visible(mentee.messages[-1].text)
    assert "please put them in touch" in coordinator.messages[-1].text


async def test_a_decline_puts_the_mentee_back_on_the_list(emulator, bot) -> None:
    coordinator, mentor, mentee = await proposal_sent(emulator)
    await mentor.next_message()
    await mentee.next_message()

    proposal = mentor.last
    await mentor.press("No")
    await mentor.wait_for_edit(proposal)
    await mentor.press("Too far away")
    told_mentee = await mentee.next_message()
    assert told_mentee.text.startswith("This time the match did not work out.")
    told = visible((await coordinator.next_message()).text)
    assert told == (
        "The proposal of Amal Hassan for Yusuf Ali was declined by the mentor: too far away. "
        "Yusuf Ali is back on the /match list."
    )
    (pair,) = await rows(bot, "SELECT status, decline_reason FROM pairs")
    assert (pair["status"], pair["decline_reason"]) == ("declined", "distance")
    await coordinator.send("/match")
    assert "Yusuf Ali" in visible((await coordinator.next_message()).text)


async def test_both_confirm_the_agreement_after_the_first_meeting(emulator, bot) -> None:
    _, mentor, mentee = await matched(emulator)
    for person, expected in ((mentor, "Thank you! I will ask Yusuf too."), (mentee, None)):
        await person.press("We have met")
        await person.next_message()
        await person.press("2 times a month")
        await person.wait_for_edit(person.last)
        await person.press("6 months")
        if expected:
            assert visible((await person.next_message()).text) == expected
    saved = "Your agreement is saved: you meet 2 times a month until May 22, 2027."
    assert (await mentor.next_message()).text == saved
    assert (await mentee.next_message()).text == saved
    (pair,) = await rows(bot, "SELECT meetings_per_month, agreed_until FROM pairs")
    assert (pair["meetings_per_month"], pair["agreed_until"]) == (2, "2027-05-22")


async def test_a_coordinator_ends_a_pair_with_a_job(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    await coordinator.send("/pairs")
    listing = visible((await coordinator.next_message()).text)
    assert "1. Amal Hassan – Yusuf Ali – together 0 days – last activity 0 days ago" in listing
    await coordinator.press("1")
    card = await coordinator.next_message()
    assert card.button_texts == ["Pause", "Check-ins", "End"]
    assert "Check-ins every 14 days" in card.text
    await coordinator.press("End", message=card)
    await coordinator.wait_for_edit(card)
    await coordinator.press("Ordinary job", message=card)
    prompt = await coordinator.next_message()
    assert "Ended: Ordinary job" in coordinator.message(card.message_id).text
    assert mentor.messages[-1].text.startswith("The coordinator has ended your mentorship.")
    assert mentee.messages[-1].text.startswith("The coordinator has ended your mentorship.")

    await coordinator.send("next monday", reply_to=prompt)
    assert (await coordinator.next_message()).text.startswith("I could not read that.")
    ended = await rows(bot, "SELECT ended_at FROM pairs")
    bot.clock.advance(days=2)  # the job's details come a while later
    await coordinator.send("1.2.2027, 37, yes", reply_to=prompt)
    assert (await coordinator.next_message()).text == "The job is saved."
    assert await rows(bot, "SELECT ended_at FROM pairs") == ended  # still the day it ended
    (pair,) = await rows(
        bot, "SELECT status, outcome, job_start, job_hours, job_matches_qualifications FROM pairs"
    )
    assert tuple(pair) == ("ended", "job", "2027-02-01", 37, 1)


@pytest.mark.parametrize(
    ("reply", "fits"),
    [
        ("1.2.2027, 37, ja", True),
        ("1.2.2027، 37، نعم", True),  # an Arabic keyboard's comma
        ("1.2.2027, 37, Так", True),
        ("1.2.2027، 37، بله", True),
        ("1.2.2027، 37، نه", False),
        ("1.2.2027, 37, ні", False),
    ],
)
def test_job_details_take_either_comma_and_each_languages_yes_or_no(reply: str, fits: bool):
    assert parse_job_details(reply) == JobDetails(date(2027, 2, 1), 37, fits)


async def test_a_paused_pair_resumes_on_its_date(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    card = await open_pair_card(coordinator)
    await coordinator.press("Pause", message=card)
    await coordinator.wait_for_edit(card)
    await coordinator.press("1 month", message=card)
    paused = await mentee.next_message()
    assert paused.text.startswith("The coordinator has paused your mentorship until")
    assert coordinator.message(card.message_id).button_texts == ["Resume", "Check-ins", "End"]

    bot.clock.advance(days=31)
    await bot.run_job("pair-deadlines")
    assert (await mentor.next_messages(2))[-1].text == "Your mentorship goes on again. Good luck!"
    (pair,) = await rows(bot, "SELECT status FROM pairs")
    assert pair["status"] == "active"
    events = [e["event"] for e in await rows(bot, "SELECT event FROM pair_events ORDER BY id")]
    assert events[-2:] == ["paused", "resumed"]


async def test_an_unanswered_proposal_is_reminded_once_and_lapses(emulator, bot) -> None:
    coordinator, mentor, mentee = await proposal_sent(emulator)
    await mentor.next_message()
    await mentee.next_message()
    await mentor.press("Yes")
    await mentor.next_message()

    bot.clock.advance(days=3, hours=1)
    await bot.run_job("pair-deadlines")
    await bot.run_job("pair-deadlines")
    reminder = await mentee.next_message()
    assert reminder.text.startswith("A reminder: please answer this proposal.")
    bot.clock.advance(days=10, hours=22)
    await bot.run_job("pair-deadlines")
    assert mentee.messages[-1] == reminder  # not yet: a proposal lapses after two weeks
    bot.clock.advance(hours=1)
    await bot.run_job("pair-deadlines")
    assert (await mentee.next_message()).text.startswith("The proposal has expired")
    reminders = [m for m in mentee.messages if m.text.startswith("A reminder")]
    assert len(reminders) == 1
    assert not any(m.text.startswith("A reminder") for m in mentor.messages)  # mentor answered
    lapsed = visible((await coordinator.next_message()).text)
    assert lapsed.startswith("A proposal lapsed after two weeks without answers")
    await coordinator.send("/match")
    assert "Yusuf Ali" in visible((await coordinator.next_message()).text)


async def test_nobody_answers_or_runs_matching_for_someone_else(emulator, bot) -> None:
    _, _, mentee = await proposal_sent(emulator)
    await mentee.next_message()
    (pair,) = await rows(bot, "SELECT id FROM pairs")

    stranger = await onboard(emulator, 9003, "en", "mentee")
    await stranger.press_data(stranger.last, f"pa1:{pair['id']}:y")
    assert (await stranger.next_callback_answer()).text == "This button is no longer active."
    await stranger.press_data(stranger.last, f"mp1:{9002}:{9001}")
    assert (await stranger.next_callback_answer()).text == (
        "Only the programme's coordinators can do this."
    )
    await mentee.send("/match")
    assert (await mentee.next_message()).text == (
        "Sorry, only the programme's coordinators can use this command."
    )
    (after,) = await rows(bot, "SELECT status, mentor_answer, mentee_answer FROM pairs")
    assert tuple(after) == ("proposed", None, None)


async def test_the_agreed_end_brings_a_closing_conversation(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    for person in (mentor, mentee):
        await person.press("We have met")
        await person.next_message()
        await person.press("1 time a month")
        await person.wait_for_edit(person.last)
        await person.press("4 months")
    await mentor.wait_for(lambda user: "saved" in (user.messages[-1].text or ""), 5, "agreement")

    bot.clock.advance(days=120)
    await bot.run_job("pair-deadlines")
    await bot.run_job("pair-deadlines")
    asked = [m for m in mentee.messages if m.text.startswith("The period you agreed on")]
    assert len(asked) == 1 and asked[0].button_texts == ["We want to go on", "We are done"]
    await mentee.press("We are done", message=asked[0])
    assert (await mentee.wait_for_messages(len(mentee.messages) + 1))[-1].text == (
        "Thank you! The coordinator will talk with you about it."
    )
    told = visible((await coordinator.next_message()).text)
    assert told == "Amal Hassan – Yusuf Ali: the agreed period is over. The mentee is done."
    events = [e["detail"] for e in await rows(bot, "SELECT detail FROM pair_events")]
    assert "done" in events


async def test_a_coordinator_sets_how_many_mentees_a_mentor_takes(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    await ready_mentor(emulator, coordinator, 9001)
    await waiting_mentee(emulator, coordinator, 9002)
    await coordinator.send("/mentors")
    listing = visible((await coordinator.next_message()).text)
    assert (
        "1. Amal Hassan – Health care (doctor, nurse, pharmacy, laboratory) – 0 of 2 mentees"
        in (listing)
    )
    await coordinator.press("1")
    await coordinator.next_message()
    await coordinator.press("0")
    saved = visible((await coordinator.next_message()).text)
    assert saved == "Saved: Amal Hassan can have 0 mentees at the same time."

    await coordinator.send("/match")
    await coordinator.next_message()
    await coordinator.press("1")
    assert (await coordinator.next_message()).text == "No ready mentor has room right now."
    (row,) = await rows(bot, "SELECT capacity FROM mentor_capacity")
    assert row["capacity"] == 0
