"""Honest shares: a share with its 95% Wilson score interval, the verdict against a reference,
and the small-group rules that decide what of a list of groups may be shown; a median of days
with the pairs it rests on, shown only for enough pairs. Plain data.

The Wilson score interval (Wilson 1927; Newcombe 1998, method 3) stays inside 0-100% and keeps
its coverage for small groups and for shares near 0 or 1, where the textbook p ± 1.96·SE does
not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from math import sqrt

SMALL_GROUP = 5
Z_95 = 1.959963984540054  # the standard normal's 97.5% quantile


def shown(count: int) -> int | None:
    """A count of people as it may be shown: None (say "fewer than 5") from 1 to 4."""
    return None if 0 < count < SMALL_GROUP else count


def share(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when a small group could be recognised in it."""
    if denominator < SMALL_GROUP or 0 < numerator < SMALL_GROUP:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson(successes: int, trials: int, z: float = Z_95) -> Interval:
    """The Wilson score interval of successes / trials (trials > 0)."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"not a proportion: {successes} of {trials}")
    p = successes / trials
    z2 = z * z
    scale = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / scale
    half = z / scale * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


class Verdict(StrEnum):
    """Where a share's interval lies against a reference share."""

    ABOVE = "above"
    BELOW = "below"
    ACROSS = "across"


def verdict(interval: Interval, reference: float) -> Verdict:
    if interval.low > reference:
        return Verdict.ABOVE
    if interval.high < reference:
        return Verdict.BELOW
    return Verdict.ACROSS


@dataclass(frozen=True)
class Proportion:
    """`part` of `whole` people, and what of it may be shown.

    `whole_hidden` and `part_hidden` are set by `protect` when the count or the share must stay
    hidden so that a hidden group of the same list cannot be worked out by subtraction.
    """

    part: int
    whole: int
    whole_hidden: bool = False
    part_hidden: bool = False

    @property
    def count(self) -> int | None:
        """The whole as it may be shown; None: say "fewer than 5" (or "hidden")."""
        return None if self.whole_hidden else shown(self.whole)

    @property
    def masked(self) -> bool:
        """Whether the count is hidden only so that another group cannot be worked out."""
        return self.whole_hidden and shown(self.whole) is not None

    @property
    def part_masked(self) -> bool:
        """Whether the part is hidden only so that another group cannot be worked out."""
        return self.part_hidden and bool(shown(self.part))

    @property
    def value(self) -> float | None:
        if self.whole_hidden or self.part_hidden:
            return None
        return share(self.part, self.whole)

    @property
    def interval(self) -> Interval | None:
        return None if self.value is None else wilson(self.part, self.whole)

    def against(self, reference: float) -> Verdict | None:
        interval = self.interval
        return None if interval is None else verdict(interval, reference)


def secondary(counts: Sequence[int], hidden: Sequence[bool]) -> tuple[bool, ...]:
    """Which of a list of groups to hide, given those already `hidden`: when exactly one is
    hidden, the total minus the shown groups would give it away, so the smallest other group
    that is not empty is hidden too."""
    result = list(hidden)
    if sum(result) != 1:
        return tuple(result)
    others = [(count, index) for index, count in enumerate(counts) if not result[index] and count]
    if others:
        result[min(others)[1]] = True
    return tuple(result)


def protect(groups: Sequence[Proportion]) -> tuple[Proportion, ...]:
    """The groups of one breakdown (their wholes add up to a total that is shown elsewhere),
    with what subtraction could reveal hidden: first the counts, then the shares' parts."""
    whole_hidden = secondary(
        [group.whole for group in groups], [shown(group.whole) is None for group in groups]
    )
    groups = [
        replace(group, whole_hidden=hide) for group, hide in zip(groups, whole_hidden, strict=True)
    ]
    part_hidden = secondary(
        [group.part for group in groups],
        [
            group.whole_hidden or (group.whole > 0 and share(group.part, group.whole) is None)
            for group in groups
        ],
    )
    return tuple(
        replace(group, part_hidden=hide) for group, hide in zip(groups, part_hidden, strict=True)
    )


def protect_counts(counts: Sequence[int]) -> tuple[int | None, ...]:
    """Counts of one breakdown as they may be shown: None for the hidden ones."""
    hidden = secondary(counts, [shown(count) is None for count in counts])
    return tuple(None if hide else count for count, hide in zip(counts, hidden, strict=True))


def median(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times); None when there are none."""
    counts = sorted((value, n) for value, n in histogram if n > 0)
    total = sum(n for _, n in counts)
    if total == 0:
        return None

    def at(position: int) -> int:
        seen = 0
        for value, n in counts:
            seen += n
            if position < seen:
                return value
        raise IndexError(position)

    return (at((total - 1) // 2) + at(total // 2)) / 2


@dataclass(frozen=True)
class Days:
    """A median number of days, and how many pairs it rests on."""

    median: float | None
    pairs: int

    @property
    def shown(self) -> float | None:
        return self.median if self.pairs >= SMALL_GROUP else None


def days(histogram: Iterable[tuple[int, int]]) -> Days:
    rows = list(histogram)
    return Days(median=median(rows), pairs=sum(n for _, n in rows))
