"""Stalled pairs: the reducers that summarise check-ins, the rules that flag a pair, its risk."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.model.pairs import Side
from bot.model.stalls import (
    CONTACT_WEIGHT,
    DIFFICULT_WEIGHT,
    DIVERGENCE_WEIGHT,
    FALLING_RATING_WEIGHT,
    MEETING_GAP_CAP,
    MEETING_GAP_WEIGHT,
    MEETING_NOT_HELD_WEIGHT,
    MEETING_UNCONFIRMED_WEIGHT,
    MISSED_WEIGHT,
    ROUND_TOLERANCE,
    UNREACHABLE_WEIGHT,
    UNSURE_WEIGHT,
    Finding,
    Met,
    PairState,
    Rating,
    Reason,
    Risk,
    SideSignals,
    Signals,
    StallRules,
    Wish,
    answered,
    findings,
    meeting_asked,
    meeting_held,
    meeting_not_held,
    missed,
    reachable,
    risk,
    unreachable,
)

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)
RULES = StallRules()
EMPTY = Signals(pair_id=7)


def day(days: float) -> datetime:
    return T0 + timedelta(days=days)


def active(*, started_at: datetime | None = T0, per_month: int | None = None) -> PairState:
    return PairState(
        pair_id=7,
        status="active",
        proposed_at=T0 - timedelta(days=5),
        started_at=started_at,
        meetings_per_month=per_month,
        mentor_answered=True,
        mentee_answered=True,
    )


def proposed(*, mentor_answered: bool = False, mentee_answered: bool = False) -> PairState:
    return PairState(
        pair_id=7,
        status="proposed",
        proposed_at=T0,
        started_at=None,
        meetings_per_month=None,
        mentor_answered=mentor_answered,
        mentee_answered=mentee_answered,
    )


def paused() -> PairState:
    return replace(active(), status="paused")


def answer(
    signals: Signals,
    side: Side,
    due: datetime,
    *,
    at: datetime | None = None,
    met: Met | None = Met.NO,
    rating: Rating | None = Rating.OK,
    wish: Wish | None = None,
) -> Signals:
    """`side` answers its check-in due at `due`, by default an hour later."""
    at = due + timedelta(hours=1) if at is None else at
    return answered(signals, side, due_at=due, at=at, met=met, rating=rating, wish=wish)


def with_mentor(signals: Signals = EMPTY, **changes: object) -> Signals:
    return replace(signals, mentor=replace(signals.mentor, **changes))


def with_mentee(signals: Signals = EMPTY, **changes: object) -> Signals:
    return replace(signals, mentee=replace(signals.mentee, **changes))


def reasons(state: PairState, signals: Signals, now: datetime, rules: StallRules = RULES):
    return [(f.reason, f.side) for f in findings(state, signals, rules, now)]


def difficult_answers(count: int, side: Side = Side.MENTOR) -> Signals:
    signals = EMPTY
    for n in range(count):
        signals = answer(signals, side, day(14 * n), rating=Rating.DIFFICULT)
    return signals


def misses(count: int, side: Side = Side.MENTOR) -> Signals:
    signals = EMPTY
    for n in range(count):
        signals = missed(signals, side, due_at=day(14 * n))
    return signals


# --- answered -------------------------------------------------------------------------------


def test_an_answer_records_the_round_and_touches_only_its_side():
    after = answer(EMPTY, Side.MENTEE, day(0), at=day(1), met=Met.NO, rating=Rating.OK)

    assert after == Signals(
        pair_id=7,
        mentee=SideSignals(
            last_rating=Rating.OK, round_due=day(0), round_met=Met.NO, round_rating=Rating.OK
        ),
    )


def test_an_answer_ends_the_missed_streak():
    before = misses(3)

    after = answer(before, Side.MENTOR, day(42))

    assert (after.mentor.missed_streak, after.mentor.missed_since) == (0, None)
    assert (before.mentor.missed_streak, before.mentor.missed_since) == (3, day(0))


def test_difficult_answers_count_in_a_row_from_the_first_ones_time():
    first = answer(EMPTY, Side.MENTOR, day(0), at=day(1), rating=Rating.DIFFICULT)
    second = answer(first, Side.MENTOR, day(14), at=day(15), rating=Rating.DIFFICULT)

    assert (first.mentor.difficult_streak, first.mentor.difficult_since) == (1, day(1))
    assert (second.mentor.difficult_streak, second.mentor.difficult_since) == (2, day(1))


@pytest.mark.parametrize("rating", [Rating.GOOD, Rating.OK])
def test_a_good_or_ok_answer_ends_the_difficult_streak(rating):
    after = answer(difficult_answers(2), Side.MENTOR, day(28), rating=rating)

    assert (after.mentor.difficult_streak, after.mentor.difficult_since) == (0, None)
    assert (after.mentor.previous_rating, after.mentor.last_rating) == (Rating.DIFFICULT, rating)


def test_a_skipped_rating_keeps_the_streak_and_the_ratings():
    before = difficult_answers(2)

    after = answer(before, Side.MENTOR, day(28), rating=None)

    assert after.mentor.difficult_streak == 2
    assert after.mentor.difficult_since == day(0) + timedelta(hours=1)
    assert (after.mentor.previous_rating, after.mentor.last_rating) == (
        Rating.DIFFICULT,
        Rating.DIFFICULT,
    )
    assert after.mentor.round_rating is None


def test_ratings_shift_into_previous():
    signals = answer(EMPTY, Side.MENTEE, day(0), rating=Rating.GOOD)
    signals = answer(signals, Side.MENTEE, day(14), rating=Rating.OK)

    assert (signals.mentee.previous_rating, signals.mentee.last_rating) == (Rating.GOOD, Rating.OK)

    signals = answer(signals, Side.MENTEE, day(28), rating=Rating.DIFFICULT)

    assert (signals.mentee.previous_rating, signals.mentee.last_rating) == (
        Rating.OK,
        Rating.DIFFICULT,
    )


def test_a_wish_is_kept_with_its_time_and_cleared_by_a_later_answer_without_one():
    wished = answer(EMPTY, Side.MENTEE, day(0), at=day(1), wish=Wish.UNSURE)
    rewished = answer(wished, Side.MENTEE, day(14), at=day(15), wish=Wish.CONTACT)
    resolved = answer(rewished, Side.MENTEE, day(28), at=day(29), wish=None)

    assert (wished.mentee.wish, wished.mentee.wish_at) == (Wish.UNSURE, day(1))
    assert (rewished.mentee.wish, rewished.mentee.wish_at) == (Wish.CONTACT, day(15))
    assert (resolved.mentee.wish, resolved.mentee.wish_at) == (None, None)


@pytest.mark.parametrize("met", [Met.IN_PERSON, Met.ONLINE])
def test_having_met_sets_the_last_meeting(met):
    after = answer(EMPTY, Side.MENTOR, day(0), at=day(2), met=met)

    assert after.last_meeting_at == day(2)
    assert after.meetings == 1


@pytest.mark.parametrize("met", [Met.NO, None])
def test_not_having_met_keeps_the_last_meeting(met):
    before = replace(EMPTY, last_meeting_at=day(1))

    after = answer(before, Side.MENTOR, day(14), at=day(15), met=met)

    assert after.last_meeting_at == day(1)
    assert after.meetings == 0


def test_a_late_answer_does_not_move_the_last_meeting_back():
    before = replace(EMPTY, last_meeting_at=day(20))

    after = answer(before, Side.MENTEE, day(0), at=day(10), met=Met.IN_PERSON)

    assert after.last_meeting_at == day(20)


def test_an_answer_proves_the_person_reachable():
    before = unreachable(EMPTY, Side.MENTOR, at=day(0))

    after = answer(before, Side.MENTOR, day(14))

    assert after.mentor.unreachable_since is None


# --- divergence -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentor", "mentee"),
    [
        ((Met.NO, Rating.OK), (Met.IN_PERSON, Rating.OK)),
        ((Met.ONLINE, Rating.OK), (Met.NO, Rating.OK)),
        ((Met.ONLINE, Rating.GOOD), (Met.ONLINE, Rating.DIFFICULT)),
        ((Met.NO, Rating.DIFFICULT), (Met.NO, Rating.GOOD)),
    ],
)
def test_a_round_diverges_when_the_sides_contradict_each_other(mentor, mentee):
    signals = answer(EMPTY, Side.MENTOR, day(0), at=day(1), met=mentor[0], rating=mentor[1])
    assert signals.divergent_at is None

    signals = answer(signals, Side.MENTEE, day(1), at=day(2), met=mentee[0], rating=mentee[1])

    assert signals.divergent_at == day(2)


@pytest.mark.parametrize(
    ("mentor", "mentee"),
    [
        ((Met.IN_PERSON, Rating.GOOD), (Met.ONLINE, Rating.OK)),
        ((Met.NO, Rating.OK), (Met.NO, Rating.DIFFICULT)),
        ((Met.NO, Rating.GOOD), (None, None)),
        ((None, Rating.GOOD), (Met.IN_PERSON, None)),
    ],
)
def test_an_agreeing_round_clears_the_divergence(mentor, mentee):
    before = replace(EMPTY, divergent_at=day(-10))
    signals = answer(before, Side.MENTOR, day(0), met=mentor[0], rating=mentor[1])

    signals = answer(signals, Side.MENTEE, day(0), met=mentee[0], rating=mentee[1])

    assert signals.divergent_at is None


def test_answers_to_different_rounds_leave_the_divergence_as_it_was():
    before = replace(EMPTY, divergent_at=day(-10))
    signals = answer(before, Side.MENTOR, day(0), met=Met.NO, rating=Rating.GOOD)

    later = day(0) + ROUND_TOLERANCE + timedelta(seconds=1)
    agreeing = answer(signals, Side.MENTEE, later, met=Met.NO, rating=Rating.GOOD)
    contradicting = answer(
        replace(signals, divergent_at=None), Side.MENTEE, later, rating=Rating.DIFFICULT
    )

    assert agreeing.divergent_at == day(-10)
    assert contradicting.divergent_at is None


def test_check_ins_due_within_the_tolerance_are_the_same_round():
    signals = answer(EMPTY, Side.MENTOR, day(0), met=Met.NO)

    at_edge = answer(signals, Side.MENTEE, day(0) + ROUND_TOLERANCE, at=day(5), met=Met.ONLINE)
    earlier = answer(signals, Side.MENTEE, day(0) - ROUND_TOLERANCE, at=day(5), met=Met.ONLINE)

    assert at_edge.divergent_at == day(5)
    assert earlier.divergent_at == day(5)


def test_a_later_round_that_agrees_clears_an_earlier_divergence():
    signals = answer(EMPTY, Side.MENTOR, day(0), met=Met.NO)
    signals = answer(signals, Side.MENTEE, day(0), at=day(1), met=Met.ONLINE)
    assert signals.divergent_at == day(1)

    signals = answer(signals, Side.MENTOR, day(14), met=Met.ONLINE)
    assert signals.divergent_at == day(1)  # the mentee has not answered this round yet

    signals = answer(signals, Side.MENTEE, day(14), met=Met.ONLINE)
    assert signals.divergent_at is None


# --- missed, unreachable, reachable ---------------------------------------------------------


def test_missed_check_ins_count_from_the_first_ones_due_time_and_change_nothing_else():
    before = answer(EMPTY, Side.MENTEE, day(0), met=Met.ONLINE, wish=Wish.CONTACT)

    once = missed(before, Side.MENTEE, due_at=day(14))
    twice = missed(once, Side.MENTEE, due_at=day(28))

    assert once == with_mentee(before, missed_streak=1, missed_since=day(14))
    assert twice == with_mentee(before, missed_streak=2, missed_since=day(14))


def test_unreachable_keeps_the_earlier_time():
    first = unreachable(EMPTY, Side.MENTEE, at=day(3))
    again = unreachable(first, Side.MENTEE, at=day(9))

    assert first == with_mentee(unreachable_since=day(3))
    assert again == with_mentee(unreachable_since=day(3))


def test_reachable_clears_only_that_side():
    both = unreachable(unreachable(EMPTY, Side.MENTOR, at=day(1)), Side.MENTEE, at=day(2))

    after = reachable(both, Side.MENTOR)

    assert after == with_mentee(unreachable_since=day(2))


# --- findings: an active pair ---------------------------------------------------------------


def test_a_fresh_pair_is_not_stalled():
    assert findings(active(), EMPTY, RULES, day(1)) == []


@pytest.mark.parametrize(("days", "expected"), [(20, []), (21, [21]), (22, [22])])
def test_no_meeting_counts_from_the_start(days, expected):
    found = findings(active(), EMPTY, RULES, day(days))

    assert found == [Finding(Reason.NO_MEETING, None, T0, count) for count in expected]


@pytest.mark.parametrize(("days", "expected"), [(29, []), (30, [21]), (31, [22])])
def test_no_meeting_counts_from_the_last_meeting(days, expected):
    signals = answer(EMPTY, Side.MENTOR, day(7), at=day(9), met=Met.IN_PERSON)

    found = findings(active(), signals, RULES, day(days))

    assert found == [Finding(Reason.NO_MEETING, None, day(9), count) for count in expected]


def test_no_meeting_counts_whole_days():
    found = findings(active(), EMPTY, RULES, day(21) + timedelta(hours=23))

    assert found == [Finding(Reason.NO_MEETING, None, T0, 21)]


def test_no_meeting_needs_a_start_or_a_meeting():
    assert findings(active(started_at=None), EMPTY, RULES, day(100)) == []


@pytest.mark.parametrize(
    ("per_month", "threshold"), [(4, 15), (1, 60), (2, 30), (3, 20), (7, 9), (0, 21), (None, 21)]
)
def test_an_agreed_frequency_replaces_the_default_threshold(per_month, threshold):
    state = active(per_month=per_month)

    assert findings(state, EMPTY, RULES, day(threshold - 1)) == []
    assert findings(state, EMPTY, RULES, day(threshold)) == [
        Finding(Reason.NO_MEETING, None, T0, threshold)
    ]
    assert findings(state, EMPTY, RULES, day(threshold + 1)) == [
        Finding(Reason.NO_MEETING, None, T0, threshold + 1)
    ]


def test_the_thresholds_come_from_the_rules():
    rules = StallRules(no_meeting_days=10, agreed_meetings_missed=3)

    assert reasons(active(), EMPTY, day(9), rules) == []
    assert reasons(active(), EMPTY, day(10), rules) == [(Reason.NO_MEETING, None)]
    # 3 agreed meetings at 4 a month: ceil(3 x 30 / 4) = 23 days.
    assert reasons(active(per_month=4), EMPTY, day(22), rules) == []
    assert reasons(active(per_month=4), EMPTY, day(23), rules) == [(Reason.NO_MEETING, None)]


@pytest.mark.parametrize("side", [Side.MENTOR, Side.MENTEE])
@pytest.mark.parametrize(("streak", "flagged"), [(1, False), (2, True), (3, True)])
def test_missed_check_ins_in_a_row(side, streak, flagged):
    found = findings(active(), misses(streak, side), RULES, day(1))

    expected = [Finding(Reason.MISSED_CHECKINS, side, day(0), streak)]
    assert found == (expected if flagged else [])


@pytest.mark.parametrize(("streak", "flagged"), [(2, False), (3, True), (4, True)])
def test_missed_threshold_comes_from_the_rules(streak, flagged):
    rules = StallRules(missed_in_a_row=3)

    found = findings(active(), misses(streak), rules, day(1))

    expected = [Finding(Reason.MISSED_CHECKINS, Side.MENTOR, day(0), streak)]
    assert found == (expected if flagged else [])


@pytest.mark.parametrize("side", [Side.MENTOR, Side.MENTEE])
@pytest.mark.parametrize(("streak", "flagged"), [(1, False), (2, True), (3, True)])
def test_difficult_answers_in_a_row(side, streak, flagged):
    first_answer = day(0) + timedelta(hours=1)

    found = findings(active(), difficult_answers(streak, side), RULES, day(1))

    expected = [Finding(Reason.DIFFICULT, side, first_answer, streak)]
    assert found == (expected if flagged else [])


@pytest.mark.parametrize(("streak", "flagged"), [(0, False), (1, True), (2, True)])
def test_difficult_threshold_comes_from_the_rules(streak, flagged):
    rules = StallRules(difficult_in_a_row=1)
    first_answer = day(0) + timedelta(hours=1)

    found = findings(active(), difficult_answers(streak), rules, day(1))

    expected = [Finding(Reason.DIFFICULT, Side.MENTOR, first_answer, streak)]
    assert found == (expected if flagged else [])


def test_a_good_answer_ends_a_difficult_finding():
    before = replace(difficult_answers(2), last_meeting_at=day(28))
    assert reasons(active(), before, day(29)) == [(Reason.DIFFICULT, Side.MENTOR)]

    after = answer(before, Side.MENTOR, day(28), rating=Rating.GOOD)

    assert findings(active(), after, RULES, day(29)) == []


@pytest.mark.parametrize("side", [Side.MENTOR, Side.MENTEE])
@pytest.mark.parametrize(
    ("wish", "reason"), [(Wish.CONTACT, Reason.WANTS_CONTACT), (Wish.UNSURE, Reason.UNSURE)]
)
def test_a_wish_is_a_finding_until_a_later_answer_without_one(side, wish, reason):
    signals = answer(EMPTY, side, day(0), at=day(1), wish=wish)

    assert findings(active(), signals, RULES, day(2)) == [Finding(reason, side, day(1))]

    signals = answer(signals, side, day(14), at=day(15))

    assert findings(active(), signals, RULES, day(16)) == []


def test_a_diverging_round_is_a_finding():
    signals = answer(EMPTY, Side.MENTOR, day(0), met=Met.NO)
    signals = answer(signals, Side.MENTEE, day(0), at=day(1), met=Met.ONLINE)

    assert findings(active(), signals, RULES, day(2)) == [Finding(Reason.DIVERGENCE, None, day(1))]


@pytest.mark.parametrize("side", [Side.MENTOR, Side.MENTEE])
def test_an_unreachable_person_is_a_finding_until_they_answer(side):
    signals = unreachable(EMPTY, side, at=day(1))

    assert findings(active(), signals, RULES, day(2)) == [Finding(Reason.UNREACHABLE, side, day(1))]
    assert findings(active(), answer(signals, side, day(14)), RULES, day(15)) == []


def everything() -> Signals:
    """Every signal there is, on both sides."""
    signals = replace(EMPTY, divergent_at=day(20))
    for side, at in ((Side.MENTEE, day(3)), (Side.MENTOR, day(2))):
        side_signals = SideSignals(
            missed_streak=2,
            missed_since=at,
            difficult_streak=2,
            difficult_since=at,
            last_rating=Rating.DIFFICULT,
            previous_rating=Rating.GOOD,
            wish=Wish.UNSURE if side is Side.MENTEE else Wish.CONTACT,
            wish_at=at,
            unreachable_since=at,
        )
        signals = signals.with_side(side, side_signals)
    return signals


def test_findings_come_in_the_order_of_the_reasons_mentor_first():
    found = findings(active(), everything(), RULES, day(30))

    assert found == [
        Finding(Reason.NO_MEETING, None, T0, 30),
        Finding(Reason.MISSED_CHECKINS, Side.MENTOR, day(2), 2),
        Finding(Reason.MISSED_CHECKINS, Side.MENTEE, day(3), 2),
        Finding(Reason.DIFFICULT, Side.MENTOR, day(2), 2),
        Finding(Reason.DIFFICULT, Side.MENTEE, day(3), 2),
        Finding(Reason.WANTS_CONTACT, Side.MENTOR, day(2)),
        Finding(Reason.UNSURE, Side.MENTEE, day(3)),
        Finding(Reason.UNREACHABLE, Side.MENTOR, day(2)),
        Finding(Reason.UNREACHABLE, Side.MENTEE, day(3)),
        Finding(Reason.DIVERGENCE, None, day(20)),
    ]


# --- findings: paused and proposed pairs ----------------------------------------------------


def test_a_paused_pair_reports_only_who_cannot_be_reached():
    found = findings(paused(), everything(), RULES, day(100))

    assert found == [
        Finding(Reason.UNREACHABLE, Side.MENTOR, day(2)),
        Finding(Reason.UNREACHABLE, Side.MENTEE, day(3)),
    ]
    assert findings(paused(), misses(5), RULES, day(100)) == []


@pytest.mark.parametrize(("days", "flagged"), [(6, False), (7, True), (8, True)])
def test_an_unanswered_proposal(days, flagged):
    found = findings(proposed(), EMPTY, RULES, day(days))

    expected = [
        Finding(Reason.PROPOSAL_UNANSWERED, Side.MENTOR, T0),
        Finding(Reason.PROPOSAL_UNANSWERED, Side.MENTEE, T0),
    ]
    assert found == (expected if flagged else [])


def test_a_proposal_flags_only_the_sides_that_have_not_answered():
    assert reasons(proposed(mentor_answered=True), EMPTY, day(7)) == [
        (Reason.PROPOSAL_UNANSWERED, Side.MENTEE)
    ]
    assert reasons(proposed(mentee_answered=True), EMPTY, day(7)) == [
        (Reason.PROPOSAL_UNANSWERED, Side.MENTOR)
    ]
    assert reasons(proposed(mentor_answered=True, mentee_answered=True), EMPTY, day(7)) == []


def test_a_proposal_waits_for_the_configured_days():
    rules = StallRules(proposal_days=3)

    assert reasons(proposed(mentor_answered=True), EMPTY, day(2), rules) == []
    assert reasons(proposed(mentor_answered=True), EMPTY, day(3), rules) == [
        (Reason.PROPOSAL_UNANSWERED, Side.MENTEE)
    ]


def test_a_proposed_pair_reports_only_its_proposal_and_who_cannot_be_reached():
    found = findings(proposed(mentee_answered=True), everything(), RULES, day(100))

    assert found == [
        Finding(Reason.UNREACHABLE, Side.MENTOR, day(2)),
        Finding(Reason.UNREACHABLE, Side.MENTEE, day(3)),
        Finding(Reason.PROPOSAL_UNANSWERED, Side.MENTOR, T0),
    ]


# --- risk -----------------------------------------------------------------------------------


def score(signals: Signals, now: datetime = T0, state: PairState | None = None) -> float:
    return risk(active() if state is None else state, signals, RULES, now).score


def test_the_weights_rank_unsure_above_contact():
    weights = [
        MEETING_GAP_WEIGHT,
        MISSED_WEIGHT,
        FALLING_RATING_WEIGHT,
        DIFFICULT_WEIGHT,
        DIVERGENCE_WEIGHT,
        CONTACT_WEIGHT,
        UNREACHABLE_WEIGHT,
    ]
    assert min(weights) > 0
    assert UNSURE_WEIGHT > CONTACT_WEIGHT


def test_a_fresh_pair_without_signals_scores_zero():
    assert risk(active(), EMPTY, RULES, T0) == Risk(0.0, ())


def test_the_score_grows_with_the_days_without_a_meeting_up_to_its_cap():
    days = [0, 1, 7, 21, 42, 63, 84]

    scores = [score(EMPTY, day(n)) for n in days]

    gaps = [0, 1 / 21, 1 / 3, 1, 2, 3, 3]
    assert scores == pytest.approx([MEETING_GAP_WEIGHT * gap for gap in gaps])
    assert MEETING_GAP_CAP == 3
    assert scores == sorted(scores)
    assert len(set(scores)) == len(scores) - 1  # equal only once capped


def test_the_meeting_gap_is_measured_against_the_pairs_threshold():
    # 4 meetings a month: stalled after 15 days, so 15 days weigh as much as 21 by default.
    assert score(EMPTY, day(15), active(per_month=4)) == pytest.approx(MEETING_GAP_WEIGHT)
    met = replace(EMPTY, last_meeting_at=day(10))
    assert score(met, day(31)) == pytest.approx(MEETING_GAP_WEIGHT)


def test_the_score_counts_the_longer_missed_streak():
    signals = with_mentee(with_mentor(missed_streak=2, missed_since=T0), missed_streak=3)

    assert score(signals) == MISSED_WEIGHT * 3


@pytest.mark.parametrize(
    ("previous", "last", "drop"),
    [
        (Rating.GOOD, Rating.DIFFICULT, 2),
        (Rating.GOOD, Rating.OK, 1),
        (Rating.OK, Rating.DIFFICULT, 1),
        (Rating.OK, Rating.OK, 0),
        (Rating.DIFFICULT, Rating.GOOD, 0),
        (None, Rating.DIFFICULT, 0),
    ],
)
def test_a_falling_rating_scores_by_the_size_of_its_drop(previous, last, drop):
    signals = with_mentor(previous_rating=previous, last_rating=last)

    assert score(signals) == FALLING_RATING_WEIGHT * drop


def test_falling_ratings_on_both_sides_add_up():
    signals = with_mentor(previous_rating=Rating.GOOD, last_rating=Rating.OK)
    signals = with_mentee(signals, previous_rating=Rating.GOOD, last_rating=Rating.DIFFICULT)

    assert score(signals) == FALLING_RATING_WEIGHT * 3


def test_the_score_counts_the_longer_difficult_streak():
    signals = with_mentor(difficult_streak=1, difficult_since=T0)
    signals = with_mentee(signals, difficult_streak=4, difficult_since=T0)

    assert score(signals) == DIFFICULT_WEIGHT * 4


def test_divergence_wishes_and_unreachable_sides_have_fixed_weights():
    assert score(replace(EMPTY, divergent_at=T0)) == DIVERGENCE_WEIGHT
    assert score(with_mentee(wish=Wish.UNSURE, wish_at=T0)) == UNSURE_WEIGHT
    assert score(with_mentor(wish=Wish.CONTACT, wish_at=T0)) == CONTACT_WEIGHT
    assert score(with_mentor(unreachable_since=T0)) == UNREACHABLE_WEIGHT
    both = with_mentee(with_mentor(unreachable_since=T0), unreachable_since=T0)
    assert score(both) == 2 * UNREACHABLE_WEIGHT


def test_divergence_unsure_and_two_misses_outrank_a_falling_rating():
    troubled = answer(EMPTY, Side.MENTOR, day(0), met=Met.ONLINE, rating=Rating.GOOD)
    troubled = answer(troubled, Side.MENTEE, day(0), met=Met.NO, wish=Wish.UNSURE)
    troubled = missed(missed(troubled, Side.MENTOR, due_at=day(14)), Side.MENTOR, due_at=day(28))
    falling = answer(EMPTY, Side.MENTOR, day(0), met=Met.ONLINE, rating=Rating.GOOD)
    falling = answer(falling, Side.MENTOR, day(14), met=Met.ONLINE, rating=Rating.DIFFICULT)
    now = day(29)

    troubled_risk = risk(active(), troubled, RULES, now)
    falling_risk = risk(active(), falling, RULES, now)

    # The troubled pair last met 29 days less an hour ago, the falling one 15 days less an hour.
    assert troubled_risk.score == pytest.approx(
        MEETING_GAP_WEIGHT * (29 - 1 / 24) / 21
        + DIVERGENCE_WEIGHT
        + UNSURE_WEIGHT
        + 2 * MISSED_WEIGHT
    )
    assert falling_risk.score == pytest.approx(
        MEETING_GAP_WEIGHT * (15 - 1 / 24) / 21 + 2 * FALLING_RATING_WEIGHT + DIFFICULT_WEIGHT
    )
    assert troubled_risk.score > falling_risk.score
    assert [f.reason for f in troubled_risk.reasons] == [
        Reason.NO_MEETING,
        Reason.MISSED_CHECKINS,
        Reason.UNSURE,
        Reason.DIVERGENCE,
    ]
    assert falling_risk.reasons == ()


def test_the_reasons_are_the_findings():
    now = day(30)

    assert risk(active(), everything(), RULES, now).reasons == tuple(
        findings(active(), everything(), RULES, now)
    )


def test_a_paused_pair_scores_only_its_unreachable_sides():
    result = risk(paused(), everything(), RULES, day(100))

    assert result.score == 2 * UNREACHABLE_WEIGHT
    assert [f.reason for f in result.reasons] == [Reason.UNREACHABLE, Reason.UNREACHABLE]


# --- planned meetings -------------------------------------------------------------------------


def test_a_confirmed_planned_meeting_counts_as_a_meeting_at_its_start():
    signals = meeting_held(EMPTY, Side.MENTEE, start=day(5))
    assert (signals.last_meeting_at, signals.meetings) == (day(5), 1)
    assert reasons(active(), signals, day(20)) == []
    assert reasons(active(), signals, day(26)) == [(Reason.NO_MEETING, None)]


def test_a_meeting_one_side_says_did_not_happen_is_a_finding_until_that_side_meets():
    signals = meeting_not_held(EMPTY, Side.MENTEE, start=day(5))
    assert findings(active(), signals, RULES, day(6)) == [
        Finding(Reason.MEETING_NOT_HELD, Side.MENTEE, day(5))
    ]
    assert reasons(paused(), signals, day(6)) == []  # a pause is deliberate
    assert reasons(active(), meeting_held(signals, Side.MENTOR, start=day(9)), day(10)) == [
        (Reason.MEETING_NOT_HELD, Side.MENTEE)
    ]
    assert reasons(active(), answer(signals, Side.MENTEE, day(12), met=Met.ONLINE), day(13)) == []


def test_a_meeting_nobody_confirms_is_a_finding_after_the_configured_days():
    signals = meeting_asked(EMPTY, start=day(5))
    assert meeting_asked(signals, start=day(9)).meeting_unconfirmed_at == day(5)  # the oldest
    assert reasons(active(), signals, day(7.9)) == []
    assert findings(active(), signals, RULES, day(8)) == [
        Finding(Reason.MEETING_UNCONFIRMED, None, day(5))
    ]
    assert reasons(active(), signals, day(6), replace(RULES, meeting_unconfirmed_days=1)) == [
        (Reason.MEETING_UNCONFIRMED, None)
    ]


@pytest.mark.parametrize(
    "confirm",
    [
        lambda s: meeting_held(s, Side.MENTOR, start=day(5)),
        lambda s: meeting_not_held(s, Side.MENTEE, start=day(5)),
        lambda s: answer(s, Side.MENTEE, day(6), met=Met.IN_PERSON),
    ],
)
def test_any_answer_about_the_meeting_ends_the_wait_for_a_confirmation(confirm):
    assert confirm(meeting_asked(EMPTY, start=day(5))).meeting_unconfirmed_at is None


def test_planned_meetings_that_did_not_happen_weigh_in_the_risk():
    not_held = meeting_not_held(EMPTY, Side.MENTOR, start=day(1))
    unconfirmed = meeting_asked(EMPTY, start=day(1))
    base = risk(active(), EMPTY, RULES, day(2)).score
    assert risk(active(), not_held, RULES, day(2)).score == base + MEETING_NOT_HELD_WEIGHT
    assert risk(active(), unconfirmed, RULES, day(2)).score == base
    later = risk(active(), EMPTY, RULES, day(4)).score
    assert risk(active(), unconfirmed, RULES, day(4)).score == later + MEETING_UNCONFIRMED_WEIGHT
