"""A coordinator's announcement reaches its group, in each person's language, and is counted."""

from __future__ import annotations

from bot.i18n import translator
from tests.conftest import rows
from tests.scenarios import coordinator_ready, matched, onboard, visible

HEADING = "A message from the coordinator"


async def write(coordinator, group: str, languages: str, *texts: str):
    """/announce, the group, one text or one per language; returns the preview."""
    await coordinator.send("/announce")
    menu = await coordinator.next_message()
    await coordinator.press(group, message=menu)
    asked = await coordinator.wait_for_edit(menu)
    await coordinator.press(languages, message=asked)
    for text in texts:
        prompt = await coordinator.next_message()
        await coordinator.send(text, reply_to=prompt)
    return await coordinator.next_message()


async def test_one_text_reaches_both_sides_of_active_pairs(emulator, bot) -> None:
    karen, mentor, mentee = await matched(emulator)
    preview = await write(
        karen, "Mentors and mentees of active pairs", "One text for everyone", "Café on Friday <3"
    )
    assert visible(preview.text) == (
        "Ready to send to 2 people (Mentors and mentees of active pairs):\n\nCafé on Friday <3"
    )
    await karen.press("Send", message=preview)
    assert (await karen.next_message()).text == "Sending to 2 people…"
    for person in (mentor, mentee):
        assert (await person.next_message()).text == f"{HEADING}\n\nCafé on Friday <3"
    assert (await karen.next_message()).text == "The announcement reached 2 of 2 people."
    await karen.press_data(preview, preview.button("Send").callback_data)  # pressed again
    answer = await karen.next_callback_answer()
    assert answer.text == "This announcement has been sent or cancelled already."
    (sent,) = await rows(bot, "SELECT status, texts FROM announcements")
    assert sent["status"] == "sent" and "Café on Friday <3" in sent["texts"]
    assert len([m for m in mentor.messages if m.text.startswith(HEADING)]) == 1


async def test_each_mentee_reads_their_language_and_a_blocked_one_is_counted(emulator, bot) -> None:
    karen = await coordinator_ready(emulator)
    danish = await onboard(emulator, 9101, "da", "mentee")
    arabic = await onboard(emulator, 9102, "ar", "mentee")
    english = await onboard(emulator, 9103, "en", "mentee")
    ukrainian = await onboard(emulator, 9104, "uk", "mentee")
    english.block()
    texts = ("Hej alle", "Hello all", "مرحبا بالجميع", "Вітаю всіх", "سلام به همه")
    preview = await write(karen, "All mentees", "One text in each language", *texts)
    prompts = [m.text for m in karen.messages if "in this language" in (m.text or "")]
    assert [visible(prompt).rsplit(": ", 1)[1] for prompt in prompts] == [
        "Danish",
        "English",
        "Arabic",
        "Ukrainian",
        "Persian / Dari",
    ]
    assert visible(preview.text).startswith("Ready to send to 4 people (All mentees):")
    await karen.press("Send", message=preview)
    await karen.next_message()
    assert (await danish.next_message()).text.endswith("\n\nHej alle")
    to_arabic = await arabic.next_message()
    assert to_arabic.text == translator("ar").gettext(HEADING) + "\n\nمرحبا بالجميع"
    to_ukrainian = await ukrainian.next_message()
    assert to_ukrainian.text == translator("uk").gettext(HEADING) + "\n\nВітаю всіх"
    assert (await karen.next_message()).text == "The announcement reached 3 of 4 people."
    deliveries = await rows(
        bot, "SELECT status FROM announcement_deliveries ORDER BY participant_id"
    )
    assert [r["status"] for r in deliveries] == ["sent", "sent", "failed", "sent"]
    (blocked,) = await rows(bot, "SELECT status FROM participants WHERE telegram_user_id = 9103")
    assert blocked["status"] == "unreachable"


async def test_a_mentee_in_a_pair_who_blocked_the_bot_alerts_the_coordinator(emulator, bot):
    # The outbox's one policy: whatever the message, a block marks the person unreachable and
    # alerts the coordinators of their pairs at once.
    karen, _, mentee = await matched(emulator)
    mentee.block()
    preview = await write(karen, "All mentees", "One text for everyone", "Hello")
    await karen.press("Send", message=preview)
    assert (await karen.next_message()).text == "Sending to 1 person…"
    alert, count = await karen.next_messages(2)
    assert visible(alert.text).startswith("A pair needs your attention")
    assert "The mentee has blocked the bot." in alert.text
    assert count.text == "The announcement reached 0 of 1 person."


async def test_a_cancelled_announcement_sends_nothing(emulator, bot) -> None:
    karen, mentor, _ = await matched(emulator)
    preview = await write(karen, "All mentors", "One text for everyone", "Hello")
    await karen.press("Cancel", message=preview)
    assert (await karen.next_message()).text.startswith("The announcement is cancelled.")
    await mentor.send("/help")
    await mentor.next_message()
    assert not any(m.text.startswith(HEADING) for m in mentor.messages)


async def test_only_coordinators_announce(emulator, bot) -> None:
    _, mentor, _ = await matched(emulator)
    await mentor.send("/announce")
    refusal = await mentor.next_message()
    assert refusal.text == "Sorry, only the programme's coordinators can use this command."
    await mentor.press_data(mentor.last, "an1:mentees")
    answer = await mentor.next_callback_answer()
    assert answer.text == "Only the programme's coordinators can do this."
    assert await rows(bot, "SELECT * FROM announcements") == []
