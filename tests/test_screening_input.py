"""Bad input in the middle of the screening gets a clear answer, and nothing is lost."""

from __future__ import annotations

from bot.handlers.context import services_of
from tests.conftest import RunningBot
from tests.scenarios import MENTOR_ANSWERS, answer_until, onboard, question_in


async def answers_of(bot: RunningBot) -> dict[str, str]:
    rows = await services_of(bot.application).db.fetch_all("SELECT question_id, value FROM answers")
    return {row["question_id"]: row["value"] for row in rows}


async def mentor_at(emulator, user_id: int, question_id: str):
    mentor = await onboard(emulator, user_id, "en", "mentor")
    await answer_until(mentor, "en", MENTOR_ANSWERS, stop_before=question_id)
    return mentor


async def test_a_photo_where_text_is_expected(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6001, "name")
    await mentor.send_photo()
    problem, again = await mentor.next_messages(2)
    assert problem.text == "I can only read text here. Please write your answer."
    assert question_in(again.text, "en").id == "name"
    assert "name" not in await answers_of(bot)


async def test_a_voice_message_at_a_button_question(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6002, "field")
    await mentor.send_voice()
    problem, again = await mentor.next_messages(2)
    assert problem.text == "Please choose with the buttons under the question."
    assert question_in(again.text, "en").id == "field"


async def test_text_at_a_button_question_shows_the_buttons_again(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6003, "mode")
    await mentor.send("both please")
    problem, again = await mentor.next_messages(2)
    assert problem.text == "Please choose with the buttons under the question."
    assert again.button_texts[:3] == ["In person", "Online or by phone", "Both"]


async def test_an_answer_over_the_limit_is_refused_with_the_limit(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6004, "motivation")
    await mentor.send("I want to help. " * 300)
    problem = await mentor.next_message()
    assert (
        problem.text
        == "Your answer is 4,799 characters long. Please shorten it to 1,500 characters or fewer."
    )
    await mentor.send("Too short")
    assert (await mentor.next_message()).text == "Please write a bit more: at least 30 characters."
    assert "motivation" not in await answers_of(bot)
    await mentor.send(MENTOR_ANSWERS["motivation"])
    assert question_in((await mentor.next_message()).text, "en").id == "volunteered"


async def test_numbers_out_of_range_or_not_numbers(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6005, "years")
    await mentor.send("75")
    assert (await mentor.next_message()).text == "Please write a number of at most 60."
    await mentor.send("twelve")
    assert (await mentor.next_message()).text == "Please write a number, for example 5."
    await mentor.send("١٢")  # Arabic-Indic digits are a number too
    assert question_in((await mentor.next_message()).text, "en").id == "employer"
    assert (await answers_of(bot))["years"] == "12"


async def test_a_button_of_an_earlier_question(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6006, "field")
    field_question = mentor.last
    await mentor.press("IT and software")
    await mentor.next_message()
    health = field_question.button("Health care (doctor, nurse, pharmacy, laboratory)")
    await mentor.press_data(field_question, health.callback_data)
    answer = await mentor.next_callback_answer()
    assert answer.text == "That button belongs to an earlier question."
    again = await mentor.next_message()
    assert question_in(again.text, "en").id == "years"
    assert (await answers_of(bot))["field"] == '"it"'


async def test_a_second_start_in_the_middle_goes_on_from_the_same_question(emulator, bot):
    mentor = await mentor_at(emulator, 6007, "education")
    await mentor.send("/start")
    welcome, again = await mentor.next_messages(2)
    assert welcome.text == "Welcome back! Let us go on where you left off."
    assert question_in(again.text, "en").id == "education"
    assert len(await answers_of(bot)) == 6


async def test_saying_no_to_consent_stores_nothing(emulator, bot) -> None:
    mentor = await onboard(emulator, 6008, "en", "mentor")
    await mentor.press("No")
    refusal = await mentor.next_message()
    assert refusal.text.startswith("We can only take your answers if you agree.")
    assert await answers_of(bot) == {}
    await mentor.press("Yes")
    assert question_in((await mentor.next_message()).text, "en").id == "name"


async def test_one_reminder_after_a_day_untouched(emulator, bot) -> None:
    mentor = await mentor_at(emulator, 6009, "job_title")
    seen = len(mentor.messages)
    bot.clock.advance(hours=23)
    await bot.run_job("questionnaire-reminders")
    bot.clock.advance(hours=2)
    await bot.run_job("questionnaire-reminders")
    bot.clock.advance(hours=30)
    await bot.run_job("questionnaire-reminders")
    await mentor.send("/help")  # a barrier: everything before it has been sent
    await mentor.wait_for_messages(seen + 2)  # one reminder, then the help
    reminders = [m for m in mentor.messages[seen:] if "not finished" in (m.text or "")]
    assert len(reminders) == 1
    assert reminders[0].text.startswith("You have not finished the questions yet.")

    await mentor.send("Nurse")
    await mentor.next_message()
    bot.clock.advance(hours=25)
    await bot.run_job("questionnaire-reminders")
    assert "not finished" in (await mentor.next_message()).text
