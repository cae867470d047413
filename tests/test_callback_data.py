"""Typed callback data: each button's data and its handler's pattern come from one class, and
the formats already sent in chats keep their meaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

import bot.app  # noqa: F401 - every handler module, so every kind of button is defined
from bot.handlers.agreement import AgreementStep
from bot.handlers.callback_data import CallbackData, known_prefixes
from bot.handlers.matching import MentorCapacity
from bot.handlers.pairs import EndPair
from bot.handlers.proposals import Decline
from bot.model.pairs import DeclineReason, Outcome


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("ag1:12", AgreementStep(12)),
        ("ag1:12:2", AgreementStep(12, 2)),
        ("ag1:12:2:6", AgreementStep(12, 2, 6)),
        ("pd1:3:distance", Decline(3, DeclineReason.DISTANCE)),
        ("pe1:7:job", EndPair(7, Outcome.JOB)),
        ("mc1:5:0", MentorCapacity(5, 0)),
    ],
)
def test_buttons_already_in_chats_read_as_before(data: str, expected: CallbackData) -> None:
    assert type(expected).parse(data) == expected
    assert expected.pack() == data


@pytest.mark.parametrize(
    "data",
    [
        "ag1:12:5",  # not an offered frequency
        "ag1:12::6",  # a month without a frequency
        "ag1:x",
        "pd1:3:bored",
        "pe1:7:promoted",
        "mc1:5:6",
        "ag1:1234567890123456789",  # more digits than an SQLite id
        "ag1:12:2:6:1",
        "",
    ],
)
def test_tampered_or_unknown_data_matches_no_pattern(data: str) -> None:
    for kind in known_prefixes().values():
        assert kind.parse(data) is None or data.startswith(kind.PREFIX + ":")
    assert AgreementStep.parse(data) is None or not data.startswith("ag1")
    assert Decline.parse(data) is None
    assert EndPair.parse(data) is None
    assert MentorCapacity.parse(data) is None


def test_every_kind_of_button_has_its_own_prefix_and_fits_telegram() -> None:
    prefixes = known_prefixes()
    assert len(prefixes) >= 20
    for prefix in prefixes:
        assert not any(other != prefix and other.startswith(prefix + ":") for other in prefixes), (
            prefix
        )
    with pytest.raises(TypeError):

        @dataclass(frozen=True)
        class Again(CallbackData, prefix="ag1"):
            pair_id: int


def test_data_longer_than_telegram_takes_is_refused_when_packed() -> None:
    @dataclass(frozen=True)
    class Long(CallbackData, prefix="test-long"):
        text: str
        choice: Literal["a", "b"] | None = None

    assert Long.parse("test-long:word:b") == Long("word", "b")
    with pytest.raises(ValueError):
        Long("x" * 60).pack()
