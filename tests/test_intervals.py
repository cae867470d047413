"""Honest shares: the Wilson score interval against published values, the verdict against the
national programme's 52%, and the secondary suppression of a list of groups."""

from __future__ import annotations

import pytest

from bot.model.intervals import (
    Interval,
    Proportion,
    Verdict,
    protect,
    protect_counts,
    secondary,
    verdict,
    wilson,
)


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (6, 10, 0.3127, 0.8318),  # the example: 31-83%
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = wilson(successes, trials)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_all_or_nothing_stays_inside_zero_to_one() -> None:
    assert wilson(20, 20).high == 1.0
    assert wilson(20, 20).low == pytest.approx(0.8389, abs=5e-5)
    with pytest.raises(ValueError):
        wilson(3, 0)


def test_verdict_against_the_reference() -> None:
    assert verdict(Interval(0.55, 0.70), 0.52) is Verdict.ABOVE
    assert verdict(Interval(0.30, 0.51), 0.52) is Verdict.BELOW
    assert verdict(Interval(0.44, 0.97), 0.52) is Verdict.ACROSS
    assert verdict(Interval(0.52, 0.60), 0.52) is Verdict.ACROSS  # touching is not above


def test_a_proportion_shows_its_interval_only_when_its_share_may_be_shown() -> None:
    assert Proportion(6, 10).interval == wilson(6, 10)
    assert Proportion(3, 10).interval is None  # 3 people could be recognised
    assert Proportion(0, 4).value is None
    assert Proportion(0, 12).value == 0


def test_one_hidden_group_takes_the_next_smallest_with_it() -> None:
    # 7 ended in all: IT 6 and health 1; 7 - 6 would give health's 1 away
    assert protect_counts([6, 1]) == (None, None)
    assert protect_counts([10, 7, 3]) == (10, None, None)
    assert protect_counts([10, 2, 3]) == (10, None, None)  # two hidden: only their sum shows
    assert protect_counts([10, 0, 2]) == (None, 0, None)  # an empty group hides nothing
    assert protect_counts([10, 7]) == (10, 7)
    assert secondary([5, 9, 1], [False, False, True]) == (True, False, True)


def test_protect_hides_shares_that_subtraction_would_reveal() -> None:
    # the shares' parts: 20 of 30 and 3 of 8 in work; 23 in all would give the 3 away
    first, second = protect([Proportion(20, 30), Proportion(3, 8)])
    assert (first.count, second.count) == (30, 8)
    assert (first.value, second.value) == (None, None)
    assert (first.part_hidden, second.part_hidden) == (True, True)
    assert (first.part_masked, second.part_masked) == (True, False)  # "not shown", "fewer than 5"
    # a group too small to show takes the smallest other group's count along
    big, small, middle = protect([Proportion(9, 20), Proportion(1, 2), Proportion(6, 11)])
    assert (big.count, small.count, middle.count) == (20, None, None)
    assert big.value == pytest.approx(9 / 20)
