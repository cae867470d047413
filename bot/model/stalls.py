"""Stalled pairs: the signals each pair gives, the rules that call a pair stalled, its risk.

Plain data, no Telegram types and no SQL. A pair's `Signals` are a running summary of what its
check-ins and planned meetings said, updated by the reducers below each time a check-in is
answered or missed, both are asked whether a planned meeting took place, one of them answers,
or a person becomes unreachable; storage keeps one row of them per pair, so a scan over every pair
reads one row each and never the journal's history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from bot.model.pairs import Side


@dataclass(frozen=True)
class StallRules:
    """The thresholds, from the configuration."""

    no_meeting_days: int = 21
    # With an agreed frequency, a pair is stalled once this many agreed meetings' time passed
    # without one (2 a month agreed: 2 x 15 = 30 days), instead of `no_meeting_days`.
    agreed_meetings_missed: int = 2
    missed_in_a_row: int = 2
    difficult_in_a_row: int = 2
    proposal_days: int = 7
    # A planned meeting that neither side confirmed this many days after it took place.
    meeting_unconfirmed_days: int = 3


class Rating(IntEnum):
    """How it goes, on one scale for both sides (the mentee is asked how useful it was)."""

    DIFFICULT = 0
    OK = 1
    GOOD = 2


class Met(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    NO = "no"


class Wish(StrEnum):
    CONTACT = "contact"  # asks the coordinator to get in touch
    UNSURE = "unsure"  # feels unsure about the mentorship; only coordinators see it


class Reason(StrEnum):
    NO_MEETING = "no_meeting"
    MISSED_CHECKINS = "missed_checkins"
    DIFFICULT = "difficult"
    WANTS_CONTACT = "wants_contact"
    UNSURE = "unsure"
    UNREACHABLE = "unreachable"
    PROPOSAL_UNANSWERED = "proposal_unanswered"
    DIVERGENCE = "divergence"
    MEETING_UNCONFIRMED = "meeting_unconfirmed"
    MEETING_NOT_HELD = "meeting_not_held"


@dataclass(frozen=True)
class SideSignals:
    """What one side's check-ins said so far, summarised."""

    missed_streak: int = 0  # check-ins in a row this side left unanswered
    missed_since: datetime | None = None  # due time of the first of them
    difficult_streak: int = 0  # answered check-ins in a row rated DIFFICULT
    difficult_since: datetime | None = None  # answer time of the first of them
    last_rating: Rating | None = None
    previous_rating: Rating | None = None  # the rating before last_rating
    wish: Wish | None = None  # from the latest answered check-in, if it had one
    wish_at: datetime | None = None
    unreachable_since: datetime | None = None  # blocked the bot
    round_due: datetime | None = None  # due time of this side's latest answered check-in
    round_met: Met | None = None  # ... and what it said about meeting
    round_rating: Rating | None = None  # ... and about how it goes
    # The start of a planned meeting this side said did not happen, until they next met.
    meeting_not_held_at: datetime | None = None


@dataclass(frozen=True)
class Signals:
    pair_id: int
    last_meeting_at: datetime | None = None  # when a side last reported they had met
    meetings: int = 0  # check-in answers that said they met (for the evaluation report)
    divergent_at: datetime | None = None  # set while the latest common round diverges
    # The start of the oldest planned meeting both were asked about and neither answered.
    meeting_unconfirmed_at: datetime | None = None
    mentor: SideSignals = field(default_factory=SideSignals)
    mentee: SideSignals = field(default_factory=SideSignals)

    def side(self, side: Side) -> SideSignals:
        return self.mentor if side is Side.MENTOR else self.mentee

    def with_side(self, side: Side, signals: SideSignals) -> Signals:
        return (
            replace(self, mentor=signals) if side is Side.MENTOR else replace(self, mentee=signals)
        )


@dataclass(frozen=True)
class PairState:
    """What a scan needs to know of the pair itself beside its signals."""

    pair_id: int
    status: str  # 'proposed', 'active' or 'paused' (ended pairs are never scanned)
    proposed_at: datetime
    started_at: datetime | None
    meetings_per_month: int | None  # the agreed frequency, if any
    mentor_answered: bool  # a proposal: has the mentor answered it
    mentee_answered: bool


@dataclass(frozen=True)
class Finding:
    """One reason a pair is stalled: which side it concerns (None: the pair), since when."""

    reason: Reason
    side: Side | None
    since: datetime
    count: int = 0  # the streak, where the reason is one


ROUND_TOLERANCE = timedelta(days=3)  # two sides' check-ins due this close are the same round
DAYS_PER_MONTH = 30
_SIDES = (Side.MENTOR, Side.MENTEE)
_MET = (Met.IN_PERSON, Met.ONLINE)
_WISH_REASONS = {Wish.CONTACT: Reason.WANTS_CONTACT, Wish.UNSURE: Reason.UNSURE}
_REASON_ORDER = {reason: index for index, reason in enumerate(Reason)}
_SIDE_ORDER = {None: 0, Side.MENTOR: 1, Side.MENTEE: 2}


def answered(
    signals: Signals,
    side: Side,
    *,
    due_at: datetime,
    at: datetime,
    met: Met | None,
    rating: Rating | None,
    wish: Wish | None,
) -> Signals:
    """The signals after `side` answered its check-in due at `due_at`."""
    mine = _rated(signals.side(side), rating, at)
    mine = replace(
        mine,
        missed_streak=0,
        missed_since=None,
        wish=wish,
        wish_at=at if wish is not None else None,
        unreachable_since=None,
        round_due=due_at,
        round_met=met,
        round_rating=rating,
    )
    result = signals.with_side(side, mine)
    if met in _MET:
        result = _met(result, side, at)
    other = signals.side(_other(side))
    if other.round_due is not None and abs(other.round_due - due_at) <= ROUND_TOLERANCE:
        result = replace(result, divergent_at=at if _diverge(mine, other) else None)
    return result


def _met(signals: Signals, side: Side, at: datetime) -> Signals:
    """`side` reported a meeting at `at`: one meeting more, and what a planned meeting that
    did not happen said is answered."""
    last = signals.last_meeting_at
    mine = replace(signals.side(side), meeting_not_held_at=None)
    return replace(
        signals.with_side(side, mine),
        last_meeting_at=at if last is None else max(last, at),
        meetings=signals.meetings + 1,
        meeting_unconfirmed_at=None,
    )


def meeting_asked(signals: Signals, *, start: datetime) -> Signals:
    """Both were asked whether the meeting planned for `start` took place; an older meeting
    still unconfirmed keeps its time."""
    if signals.meeting_unconfirmed_at is not None:
        return signals
    return replace(signals, meeting_unconfirmed_at=start)


def meeting_held(signals: Signals, side: Side, *, start: datetime) -> Signals:
    """`side` says the meeting planned for `start` took place: a meeting, as a check-in's
    "we met" is."""
    return _met(signals, side, start)


def meeting_not_held(signals: Signals, side: Side, *, start: datetime) -> Signals:
    """`side` says the meeting planned for `start` did not take place."""
    mine = signals.side(side)
    since = mine.meeting_not_held_at or start
    return replace(
        signals.with_side(side, replace(mine, meeting_not_held_at=since)),
        meeting_unconfirmed_at=None,
    )


def missed(signals: Signals, side: Side, *, due_at: datetime) -> Signals:
    """The signals after `side` left its check-in due at `due_at` unanswered."""
    mine = signals.side(side)
    return signals.with_side(
        side,
        replace(
            mine,
            missed_streak=mine.missed_streak + 1,
            missed_since=due_at if mine.missed_streak == 0 else mine.missed_since,
        ),
    )


def unreachable(signals: Signals, side: Side, *, at: datetime) -> Signals:
    """The signals after `side` blocked the bot at `at`; an earlier time is kept."""
    mine = signals.side(side)
    since = at if mine.unreachable_since is None else mine.unreachable_since
    return signals.with_side(side, replace(mine, unreachable_since=since))


def reachable(signals: Signals, side: Side) -> Signals:
    """The signals after `side` could be reached again."""
    return signals.with_side(side, replace(signals.side(side), unreachable_since=None))


def _other(side: Side) -> Side:
    return Side.MENTEE if side is Side.MENTOR else Side.MENTOR


def _rated(mine: SideSignals, rating: Rating | None, at: datetime) -> SideSignals:
    """`mine` after an answer rated `rating`; a skipped rating (None) leaves it as it was."""
    if rating is None:
        return mine
    if rating is Rating.DIFFICULT:
        streak = mine.difficult_streak + 1
        since = at if mine.difficult_streak == 0 else mine.difficult_since
    else:
        streak, since = 0, None
    return replace(
        mine,
        difficult_streak=streak,
        difficult_since=since,
        previous_rating=mine.last_rating,
        last_rating=rating,
    )


def _diverge(one: SideSignals, other: SideSignals) -> bool:
    """Whether two answers to the same round contradict each other."""
    mets = {one.round_met, other.round_met}
    ratings = {one.round_rating, other.round_rating}
    return (Met.NO in mets and bool(mets & set(_MET))) or ratings == {Rating.GOOD, Rating.DIFFICULT}


def findings(state: PairState, signals: Signals, rules: StallRules, now: datetime) -> list[Finding]:
    """Every reason the pair is stalled now; empty when it is not."""
    # A pause is deliberate: a paused pair only reports who cannot be reached.
    found = _unreachable_findings(signals)
    if state.status == "proposed":
        found += _proposal_findings(state, rules, now)
    elif state.status == "active":
        found += _active_findings(state, signals, rules, now)
    return sorted(found, key=_order)


def _order(finding: Finding) -> tuple[int, int]:
    return _REASON_ORDER[finding.reason], _SIDE_ORDER[finding.side]


def _unreachable_findings(signals: Signals) -> list[Finding]:
    return [
        Finding(Reason.UNREACHABLE, side, since)
        for side in _SIDES
        if (since := signals.side(side).unreachable_since) is not None
    ]


def _proposal_findings(state: PairState, rules: StallRules, now: datetime) -> list[Finding]:
    if now - state.proposed_at < timedelta(days=rules.proposal_days):
        return []
    answered_by = {Side.MENTOR: state.mentor_answered, Side.MENTEE: state.mentee_answered}
    return [
        Finding(Reason.PROPOSAL_UNANSWERED, side, state.proposed_at)
        for side in _SIDES
        if not answered_by[side]
    ]


def _active_findings(
    state: PairState, signals: Signals, rules: StallRules, now: datetime
) -> list[Finding]:
    found = []
    reference = _meeting_reference(state, signals)
    if reference is not None and now - reference >= _meeting_threshold(state, rules):
        found.append(Finding(Reason.NO_MEETING, None, reference, (now - reference).days))
    for side in _SIDES:
        found += _side_findings(signals.side(side), side, rules)
    if signals.divergent_at is not None:
        found.append(Finding(Reason.DIVERGENCE, None, signals.divergent_at))
    unconfirmed = signals.meeting_unconfirmed_at
    if unconfirmed is not None and now - unconfirmed >= _unconfirmed_after(rules):
        found.append(Finding(Reason.MEETING_UNCONFIRMED, None, unconfirmed))
    return found


def _unconfirmed_after(rules: StallRules) -> timedelta:
    return timedelta(days=rules.meeting_unconfirmed_days)


def _side_findings(mine: SideSignals, side: Side, rules: StallRules) -> list[Finding]:
    found = []
    if mine.missed_since is not None and mine.missed_streak >= rules.missed_in_a_row:
        found.append(Finding(Reason.MISSED_CHECKINS, side, mine.missed_since, mine.missed_streak))
    if mine.difficult_since is not None and mine.difficult_streak >= rules.difficult_in_a_row:
        found.append(Finding(Reason.DIFFICULT, side, mine.difficult_since, mine.difficult_streak))
    if mine.wish is not None and mine.wish_at is not None:
        found.append(Finding(_WISH_REASONS[mine.wish], side, mine.wish_at))
    if mine.meeting_not_held_at is not None:
        found.append(Finding(Reason.MEETING_NOT_HELD, side, mine.meeting_not_held_at))
    return found


def _meeting_reference(state: PairState, signals: Signals) -> datetime | None:
    """When the pair last met, or started if it never reported a meeting."""
    return signals.last_meeting_at if signals.last_meeting_at is not None else state.started_at


def _meeting_threshold(state: PairState, rules: StallRules) -> timedelta:
    """How long without a meeting makes the pair stalled: by its agreed frequency, if any."""
    per_month = state.meetings_per_month
    if per_month is None or per_month <= 0:
        return timedelta(days=rules.no_meeting_days)
    return timedelta(days=math.ceil(rules.agreed_meetings_missed * DAYS_PER_MONTH / per_month))


@dataclass(frozen=True)
class Risk:
    score: float
    reasons: tuple[Finding, ...]


# Risk weights: points per threshold without a meeting (at most MEETING_GAP_CAP of them), per
# check-in missed in a row, per step a rating fell, per difficult answer in a row; fixed points
# for a diverging round, a wish per side (unsure weighs more than contact), an unreachable side,
# a side saying a planned meeting did not happen and a planned meeting nobody confirmed.
MEETING_GAP_CAP = 3.0
MEETING_GAP_WEIGHT = 1.0
MISSED_WEIGHT = 1.0
FALLING_RATING_WEIGHT = 1.0
DIFFICULT_WEIGHT = 1.0
DIVERGENCE_WEIGHT = 2.0
UNSURE_WEIGHT = 3.0
CONTACT_WEIGHT = 1.5
UNREACHABLE_WEIGHT = 2.0
MEETING_NOT_HELD_WEIGHT = 1.5
MEETING_UNCONFIRMED_WEIGHT = 1.0
_WISH_WEIGHTS = {Wish.UNSURE: UNSURE_WEIGHT, Wish.CONTACT: CONTACT_WEIGHT}


def risk(state: PairState, signals: Signals, rules: StallRules, now: datetime) -> Risk:
    """A combined score for ranking pairs in the weekly digest, with its reasons."""
    sides = (signals.mentor, signals.mentee)
    score = UNREACHABLE_WEIGHT * sum(side.unreachable_since is not None for side in sides)
    # As in `findings`, only an active pair's check-ins and meetings count.
    if state.status == "active":
        score += (
            MEETING_GAP_WEIGHT * _meeting_gap(state, signals, rules, now)
            + MISSED_WEIGHT * max(side.missed_streak for side in sides)
            + FALLING_RATING_WEIGHT * sum(_rating_drop(side) for side in sides)
            + DIFFICULT_WEIGHT * max(side.difficult_streak for side in sides)
            + (DIVERGENCE_WEIGHT if signals.divergent_at is not None else 0.0)
            + sum(_WISH_WEIGHTS[side.wish] for side in sides if side.wish is not None)
            + MEETING_NOT_HELD_WEIGHT * sum(side.meeting_not_held_at is not None for side in sides)
            + _unconfirmed_weight(signals, rules, now)
        )
    return Risk(score, tuple(findings(state, signals, rules, now)))


def _unconfirmed_weight(signals: Signals, rules: StallRules, now: datetime) -> float:
    unconfirmed = signals.meeting_unconfirmed_at
    if unconfirmed is None or now - unconfirmed < _unconfirmed_after(rules):
        return 0.0
    return MEETING_UNCONFIRMED_WEIGHT


def _meeting_gap(state: PairState, signals: Signals, rules: StallRules, now: datetime) -> float:
    """Time without a meeting, in multiples of the pair's threshold, capped."""
    reference = _meeting_reference(state, signals)
    if reference is None:
        return 0.0
    gap = max(now - reference, timedelta(0)) / _meeting_threshold(state, rules)
    return min(gap, MEETING_GAP_CAP)


def _rating_drop(mine: SideSignals) -> int:
    """How many steps the latest rating fell below the one before it; 0 if it did not fall."""
    if mine.last_rating is None or mine.previous_rating is None:
        return 0
    return max(mine.previous_rating - mine.last_rating, 0)


@dataclass(frozen=True)
class Episode:
    id: int
    pair_id: int
    findings: tuple[Finding, ...]
    opened_at: datetime
    alerted_at: datetime | None
    taken_by: int | None  # the coordinator's participant id
    snoozed_until: datetime | None
    closed_at: datetime | None
