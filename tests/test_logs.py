"""The logs carry internal ids only: never a name, a phone number, an answer or a message."""

from __future__ import annotations

import logging

import pytest

from tests.scenarios import MENTOR_ANSWERS, coordinator_ready, submitted_screening

SECRETS = {
    "name": "Quilliam Zorvath-Nakamura",
    "job_title": "Glassblower of rare barometers",
    "motivation": "Marmalade lighthouses taught me patience.",
    "contact": "+45 71 93 28 46",
}


async def test_a_whole_conversation_leaves_no_personal_data_in_the_logs(
    emulator, bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    coordinator = await coordinator_ready(emulator)
    mentor = await submitted_screening(emulator, 9001, answers={**MENTOR_ANSWERS, **SECRETS})
    await coordinator.next_message()  # the screening to review
    await mentor.send("A free message nobody asked for: Vexillum Oranje")
    await mentor.next_message()
    await mentor.send("/mydata")
    await mentor.next_messages(2)
    await mentor.send("/delete")
    await mentor.next_message()
    await mentor.press("Yes, erase my data")
    await mentor.next_message()

    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for secret in [*SECRETS.values(), "Vexillum Oranje", "71 93 28 46"]:
        assert secret not in logged, secret
