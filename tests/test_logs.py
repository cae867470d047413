"""The logs carry internal ids only: never a name, a phone number, an answer or a message; in
plain lines as in JSON (LOG_FORMAT=json), where every line is one object."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import TEXT_FORMAT, JsonFormatter
from tests.scenarios import MENTOR_ANSWERS, coordinator_ready, submitted_screening

SECRETS = {
    "name": "Quilliam Zorvath-Nakamura",
    "job_title": "Glassblower of rare barometers",
    "motivation": "Marmalade lighthouses taught me patience.",
    "contact": "+45 71 93 28 46",
}


@pytest.fixture(params=["text", "json"])
def log_lines(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """Everything logged, at DEBUG, in the format the bot writes with LOG_FORMAT."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter = JsonFormatter() if request.param == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    stream.name = request.param
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


async def test_a_whole_conversation_leaves_no_personal_data_in_the_logs(
    emulator, bot, log_lines: io.StringIO
) -> None:
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

    logged = log_lines.getvalue()
    assert logged, "nothing was logged: the test would prove nothing"
    if log_lines.name == "json":
        entries = [json.loads(line) for line in logged.splitlines()]
        assert any("participant_id" in entry for entry in entries)
    for secret in [*SECRETS.values(), "Vexillum Oranje", "71 93 28 46"]:
        assert secret not in logged, secret
