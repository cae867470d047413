"""The mentor screening as mentors and coordinators live it, through the emulator."""

from __future__ import annotations

import re

import pytest

from bot.i18n import translator
from bot.model.questionnaire import load
from tests.conftest import COORDINATOR_ID, SECOND_COORDINATOR, rows
from tests.scenarios import (
    ASKED,
    MENTOR_ANSWERS,
    answer_until,
    coordinator_ready,
    onboard,
    question_in,
    submitted_screening,
    visible,
)

ENGLISH_QUESTIONS = [question.text for question in load("screening").questions]
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


@pytest.mark.parametrize("language", ["da", "en", "ar"])
async def test_a_full_screening_reaches_the_coordinator(emulator, bot, language) -> None:
    coordinator = await coordinator_ready(emulator)
    t = translator(language)
    mentor = await onboard(emulator, 5001, language, "mentor")

    asked = await answer_until(mentor, language, MENTOR_ANSWERS)
    assert asked == ASKED
    summary = mentor.last
    assert summary.text.startswith(
        t.gettext("Here are your answers. Check them, then send them, or change an answer.")
    )
    assert "Amal Hassan" in summary.text and "Aarhus" in summary.text

    await mentor.press(t.gettext("Send my answers"))
    thanks = await mentor.next_message()
    assert thanks.text == t.gettext(
        "Thank you! Your answers have been sent to the programme's coordinator, who will "
        "get back to you."
    )

    review = await coordinator.next_message()
    lines = review.text.splitlines()
    assert lines[0] == "New mentor screening"
    assert "Status: waiting for a decision" in lines
    for expected in [
        "Name: Amal Hassan",
        "Field: Health care (doctor, nurse, pharmacy, laboratory)",
        "Years of experience: 12",
        "Employer: (skipped)",
        "Languages: Danish, Arabic",
        "Municipality: Aarhus",
        "Number of mentees: 2",
        "Heard about the programme through: A friend or colleague",
        "Phone or e-mail: +45 12 34 56 78",
    ]:
        assert expected in visible(review.text)
    assert review.button_texts == ["Call for interview", "Approve", "Reject"]

    if language != "en":
        for message in mentor.messages:
            assert not any(english in (message.text or "") for english in ENGLISH_QUESTIONS)
    if language == "ar":
        assert all(ARABIC_LETTER.search(message.text or "") for message in mentor.messages)
    answers = await rows(bot, "SELECT question_id FROM answers")
    assert {row["question_id"] for row in answers} == set(ASKED)


async def test_a_restart_in_the_middle_keeps_every_answer(emulator, bot) -> None:
    mentor = await onboard(emulator, 5002, "en", "mentor")
    await answer_until(mentor, "en", MENTOR_ANSWERS, stop_before="languages")
    await bot.restart()

    await mentor.send("/start")
    assert (await mentor.next_message()).text == "Welcome back! Let us go on where you left off."
    assert question_in((await mentor.next_message()).text, "en").id == "languages"

    asked = await answer_until(mentor, "en", MENTOR_ANSWERS)
    assert asked[0] == "languages"
    summary = mentor.last.text
    for expected in ["Name: Amal Hassan", "Years of experience: 12", "Employer: (skipped)"]:
        assert expected in visible(summary)


async def test_back_skip_and_changing_answers_from_the_summary(emulator, bot) -> None:
    mentor = await onboard(emulator, 5003, "en", "mentor")
    await answer_until(mentor, "en", MENTOR_ANSWERS, stop_before="years")

    await mentor.press("‹ Back")
    assert question_in((await mentor.next_message()).text, "en").id == "field"
    await mentor.press("Keep my answer")
    assert question_in((await mentor.next_message()).text, "en").id == "years"

    await answer_until(mentor, "en", MENTOR_ANSWERS)
    summary = mentor.last
    assert "Employer: (skipped)" in visible(summary.text)

    await mentor.press("Change an answer")
    await mentor.wait_for_edit(summary)
    await mentor.press("Municipality")
    again = await mentor.next_message()
    assert "Your answer now: Aarhus" in again.text
    await mentor.send("Silkeborg")
    offer = await mentor.next_message()
    assert visible(offer.text) == "Do you mean Silkeborg?"
    await mentor.press("Yes")
    summary = await mentor.next_message()
    assert "Municipality: Silkeborg" in visible(summary.text)

    await mentor.press("Change an answer")
    await mentor.wait_for_edit(summary)
    await mentor.press("Earlier mentor or volunteer work")
    await mentor.next_message()
    await mentor.press("No")
    summary = await mentor.next_message()
    assert "Earlier mentoring or volunteering" not in summary.text

    await mentor.press("Send my answers")
    await mentor.next_message()
    kept = await rows(bot, "SELECT value FROM answers WHERE question_id = 'municipality'")
    assert kept[0]["value"] == "740"  # Silkeborg's code


@pytest.mark.parametrize(
    ("button", "saved", "mentor_hears", "status"),
    [
        ("Approve", "Approved", "Good news: you are approved as a volunteer mentor!", "approved"),
        ("Reject", "Rejected", "Thank you for wanting to be a mentor.", "rejected"),
        (
            "Call for interview",
            "Called for interview",
            "The coordinator would like to talk with you",
            "interview",
        ),
    ],
)
async def test_each_decision_reaches_the_mentor(
    emulator, bot, button, saved, mentor_hears, status
) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await submitted_screening(emulator, 5004)
    review = await coordinator.next_message()

    await coordinator.press(button, message=review)
    assert (await mentor.next_message()).text.startswith(mentor_hears)
    prompt = await coordinator.next_message()
    assert prompt.text.startswith(f"Saved: {saved}.")
    screenings = await rows(bot, "SELECT status FROM screenings")
    assert screenings[0]["status"] == status
    decided = await rows(bot, "SELECT decision, coordinator_id FROM screening_decisions")
    assert [tuple(row) for row in decided] == [(status, COORDINATOR_ID)]

    await coordinator.send("Strong candidate, speaks Arabic.", reply_to=prompt)
    assert (await coordinator.next_message()).text == "Note saved."
    notes = await rows(bot, "SELECT note FROM screening_decisions")
    assert notes[0]["note"] == "Strong candidate, speaks Arabic."
    assert "Note: Strong candidate, speaks Arabic." in visible(
        coordinator.message(review.message_id).text
    )


async def test_the_mentor_course_makes_an_approved_mentor_ready(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    mentor = await submitted_screening(emulator, 5005, language="da")
    review = await coordinator.next_message()
    await coordinator.press("Approve", message=review)
    await mentor.next_message()
    await coordinator.next_message()
    assert coordinator.message(review.message_id).button_texts == ["Mentor course done"]

    await coordinator.press("Mentor course done", message=review)
    ready = await mentor.next_message()
    assert ready.text == translator("da").gettext(
        "The coordinator has noted that you have done the mentor course. You are now ready "
        "to be matched with a mentee. We will write to you when we have a match."
    )
    screenings = await rows(bot, "SELECT status, course_done_at FROM screenings")
    assert screenings[0]["status"] == "approved" and screenings[0]["course_done_at"] is not None
    assert coordinator.message(review.message_id).button_texts == []


async def test_a_mentor_cannot_approve_and_nothing_changes(emulator, bot) -> None:
    await coordinator_ready(emulator)
    mentor = await submitted_screening(emulator, 5006)
    (run,) = await rows(bot, "SELECT run_id FROM screenings")
    await mentor.press_data(mentor.last, f"rv1:{run['run_id']}:approved")
    answer = await mentor.next_callback_answer()
    assert answer.text == "Only the programme's coordinators can do this."
    screenings = await rows(bot, "SELECT status FROM screenings")
    assert screenings[0]["status"] == "pending"
    assert await rows(bot, "SELECT * FROM screening_decisions") == []


async def test_two_coordinators_approving_at_once_give_one_decision(
    emulator, two_coordinators
) -> None:
    karen = await coordinator_ready(emulator, COORDINATOR_ID, "Karen")
    omar = await coordinator_ready(emulator, SECOND_COORDINATOR, "Omar")
    mentor = await submitted_screening(emulator, 5007)
    karens, omars = await karen.next_message(), await omar.next_message()

    await karen.press("Approve", message=karens)
    await omar.press("Approve", message=omars)
    # At once: either may be first (their chats are handled side by side), never both.
    answers = {
        "Karen": await karen.next_callback_answer(),
        "Omar": await omar.next_callback_answer(),
    }
    (winner,) = [name for name, answer in answers.items() if answer.text == "Saved."]
    (loser,) = set(answers) - {winner}
    assert answers[loser].text == f"Already decided: Approved by {winner}."

    decisions = await rows(two_coordinators, "SELECT * FROM screening_decisions")
    assert len(decisions) == 1
    await mentor.next_message()
    coordinators = {"Karen": (karen, karens), "Omar": (omar, omars)}
    await coordinators[winner][0].next_message()  # "Saved: Approve."; a barrier before counting
    approvals = [m for m in mentor.messages if m.text.startswith("Good news")]
    assert len(approvals) == 1
    other, others = coordinators[loser]
    shown = other.message(others.message_id)
    assert "Status: approved, mentor course not done yet" in shown.text
    assert f"Approved: {winner}" in visible(shown.text)
    assert shown.button_texts == ["Mentor course done"]


async def test_pending_lists_the_screenings_and_opens_one(emulator, bot) -> None:
    coordinator = await coordinator_ready(emulator)
    await submitted_screening(emulator, 5008)
    await coordinator.next_message()
    await coordinator.send("/pending")
    listing = await coordinator.next_message()
    assert "Amal Hassan – Health care" in visible(listing.text)
    assert "Status: waiting for a decision" in listing.text
    await coordinator.press("1")
    opened = await coordinator.next_message()
    assert opened.text.startswith("Mentor screening")
    assert opened.button_texts == ["Call for interview", "Approve", "Reject"]


async def test_pending_is_for_coordinators_only(emulator, bot) -> None:
    mentor = await onboard(emulator, 5009, "en", "mentor")
    await mentor.send("/pending")
    refusal = await mentor.next_message()
    assert refusal.text == "Sorry, only the programme's coordinators can use this command."
