"""Three and six months after a pair ended, the mentee says whether they work or study now."""

from __future__ import annotations

from tests.conftest import rows
from tests.scenarios import end_pair, matched

JOB = "outcome-follow-ups"


async def test_the_mentee_is_asked_at_three_and_six_months_once_each(emulator, bot) -> None:
    coordinator, _, mentee = await matched(emulator)
    await end_pair(coordinator)
    await mentee.next_message()  # "The coordinator has ended your mentorship…"

    bot.clock.advance(days=90)
    await bot.run_job(JOB)
    planned = await rows(
        bot, "SELECT months, due_at, status FROM outcome_followups ORDER BY months"
    )
    assert [tuple(r) for r in planned] == [
        (3, "2027-02-22T09:00:00+00:00", "scheduled"),  # 91 days on, 10:00 in Copenhagen
        (6, "2027-05-25T09:00:00+00:00", "scheduled"),  # 183 days on, 11:00 in summer time
    ]
    bot.clock.advance(days=1, hours=1)
    await bot.run_job(JOB)
    await bot.run_job(JOB)
    asked = await mentee.next_message()
    assert asked.text.startswith("Hello again! It is 3 months since your mentorship ended.")
    assert asked.button_texts == [
        "I have a job",
        "I am in education",
        "Both: job and education",
        "Neither, for now",
    ]
    await mentee.press("I am in education")
    assert (await mentee.next_message()).text.startswith("Thank you! Your answer helps")
    await mentee.press_data(asked, asked.button("I have a job").callback_data)  # a second press
    assert (await mentee.next_callback_answer()).text == "This button is no longer active."

    bot.clock.advance(days=92)
    await bot.run_job(JOB)
    later = await mentee.next_message()
    assert later.text.startswith("Hello again! It is 6 months")
    answers = await rows(bot, "SELECT months, status, answer FROM outcome_followups ORDER BY 1")
    assert [tuple(r) for r in answers] == [(3, "answered", "education"), (6, "sent", None)]
    asks = [m for m in mentee.messages if m.text.startswith("Hello again!")]
    assert len(asks) == 2


async def test_someone_else_cannot_answer_the_mentees_follow_up(emulator, bot) -> None:
    coordinator, mentor, mentee = await matched(emulator)
    await end_pair(coordinator)
    await mentee.next_message()  # "The coordinator has ended your mentorship…"
    bot.clock.advance(days=92)
    await bot.run_job(JOB)
    asked = await mentee.next_message()
    await mentor.press_data(mentor.last, asked.button("I have a job").callback_data)
    assert (await mentor.next_callback_answer()).text == "This button is no longer active."
    (row,) = await rows(bot, "SELECT status FROM outcome_followups WHERE months = 3")
    assert row["status"] == "sent"
