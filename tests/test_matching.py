"""Matching: the order of suggestions, their reasons, and the index equal to a full scan."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bot.model.matching import (
    DANISH_FOR_BEGINNER,
    FIELD_STEP,
    LANGUAGE,
    MUNICIPALITY,
    OTHERS_AT_MOST,
    REGION,
    MatchReason,
    MatchReasonKind,
    MenteeProfile,
    MentorIndex,
    MentorProfile,
    Suggestion,
    is_available,
    rank,
    score,
)
from bot.model.questionnaire import load_fields

FIELDS = load_fields()
AARHUS, AALBORG, SILKEBORG, ODENSE, KOEGE, VEJLE = 751, 851, 740, 461, 259, 630
RELATED = {field.id: field.related for field in FIELDS}
REGIONS = ("hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland")
FREQUENCIES = ("monthly", "twice_monthly", "weekly")
MODES = ("in_person", "online", "both")
DANISH_LEVELS = ("none", "beginner", "everyday", "good", "fluent")

# A mentee, and a mentor who shares nothing with them but is available: tests add what matters.
MENTEE = MenteeProfile(
    participant_id=1,
    field="it",
    languages=frozenset({"ar"}),
    danish="beginner",
    region="midtjylland",
    municipality=AARHUS,
    frequency="weekly",
    mode="in_person",
)
STRANGER = MentorProfile(
    participant_id=100,
    field="hospitality",
    languages=frozenset({"other"}),
    region="nordjylland",
    municipality=AALBORG,
    frequency="monthly",
    mode="online",
    capacity=2,
    active_pairs=0,
    ready=True,
)


def mentor(participant_id: int, **changes: object) -> MentorProfile:
    return replace(STRANGER, participant_id=participant_id, **changes)


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [suggestion.mentor_id for suggestion in suggestions]


def everything_but_field(participant_id: int, field: str) -> MentorProfile:
    """A mentor who matches MENTEE in every way except, perhaps, the field."""
    return mentor(
        participant_id,
        field=field,
        languages=frozenset({"da", "en", "ar"}),
        region="midtjylland",
        municipality=AARHUS,
        frequency="weekly",
        mode="in_person",
    )


def test_fields_assumed_by_these_tests() -> None:
    assert "engineering" in RELATED["it"]
    assert "hospitality" not in RELATED["it"]


def test_same_field_beats_related_beats_unrelated_whatever_else() -> None:
    same = mentor(1, field="it")
    near = everything_but_field(2, "engineering")
    far = everything_but_field(3, "hospitality")
    assert ids(rank(MENTEE, [far, near, same], FIELDS)) == [1, 2, 3]
    assert score(MENTEE, near, FIELDS).score == FIELD_STEP + OTHERS_AT_MOST
    assert score(MENTEE, far, FIELDS).score < score(MENTEE, near, FIELDS).score


def test_language_and_place_break_ties_within_a_field() -> None:
    plain = mentor(1, field="it")
    speaks = mentor(2, field="it", languages=frozenset({"ar"}))
    near = mentor(3, field="it", region="midtjylland", municipality=SILKEBORG)
    both = mentor(4, field="it", languages=frozenset({"ar"}), region="midtjylland")
    assert ids(rank(MENTEE, [plain, speaks, near, both], FIELDS)) == [4, 2, 3, 1]


def test_same_municipality_beats_same_region_and_is_not_counted_twice() -> None:
    region = mentor(1, region="midtjylland", municipality=SILKEBORG)
    town = mentor(2, region="midtjylland", municipality=AARHUS)
    assert ids(rank(MENTEE, [region, town], FIELDS)) == [2, 1]
    assert score(MENTEE, town, FIELDS) == Suggestion(
        2, MUNICIPALITY, (MatchReason(MatchReasonKind.SAME_MUNICIPALITY, "751"),)
    )
    assert score(MENTEE, region, FIELDS).score == REGION


def test_an_unknown_place_is_no_reason() -> None:
    nameless = replace(MENTEE, municipality=None, region="")
    assert score(nameless, mentor(1, municipality=None, region=""), FIELDS).reasons == ()


def test_beginner_prefers_a_shared_language_to_danish() -> None:
    arabic = mentor(1, languages=frozenset({"ar"}))
    danish = mentor(2, languages=frozenset({"da"}))
    for level in ("none", "beginner"):
        beginner = replace(MENTEE, danish=level)
        assert ids(rank(beginner, [danish, arabic], FIELDS)) == [1, 2]
        assert score(beginner, danish, FIELDS).score == DANISH_FOR_BEGINNER


def test_everyday_danish_is_a_full_common_language() -> None:
    everyday = replace(MENTEE, danish="everyday", languages=frozenset())
    suggestion = score(everyday, mentor(1, languages=frozenset({"da", "other"})), FIELDS)
    assert suggestion == Suggestion(
        1, LANGUAGE, (MatchReason(MatchReasonKind.COMMON_LANGUAGE, "da"),)
    )


def test_other_languages_are_not_compared() -> None:
    mentee = replace(MENTEE, languages=frozenset({"other"}), danish="none")
    assert score(mentee, mentor(1, languages=frozenset({"other"})), FIELDS).reasons == ()


def test_full_and_unready_mentors_never_appear() -> None:
    full = replace(everything_but_field(1, "it"), capacity=2, active_pairs=2)
    unready = replace(everything_but_field(2, "it"), ready=False)
    available = mentor(3)
    assert ids(rank(MENTEE, [full, unready, available], FIELDS, limit=5)) == [3]
    assert not is_available(full)
    assert not is_available(unready)


def test_reasons_are_structured_and_in_a_stable_order() -> None:
    mentee = replace(MENTEE, languages=frozenset({"ar", "en"}), mode="both")
    perfect = replace(everything_but_field(1, "it"), mode="online")
    assert score(mentee, perfect, FIELDS).reasons == (
        MatchReason(MatchReasonKind.SAME_FIELD, "it"),
        MatchReason(MatchReasonKind.COMMON_LANGUAGE, "en"),
        MatchReason(MatchReasonKind.COMMON_LANGUAGE, "ar"),
        MatchReason(MatchReasonKind.COMMON_LANGUAGE, "da"),
        MatchReason(MatchReasonKind.SAME_MUNICIPALITY, "751"),
        MatchReason(MatchReasonKind.SAME_FREQUENCY, "weekly"),
        MatchReason(MatchReasonKind.COMPATIBLE_MODE, "online"),
    )
    related = mentor(2, field="engineering", region="midtjylland", mode="in_person")
    assert score(mentee, related, FIELDS).reasons == (
        MatchReason(MatchReasonKind.RELATED_FIELD, "engineering"),
        MatchReason(MatchReasonKind.SAME_REGION, "midtjylland"),
        MatchReason(MatchReasonKind.COMPATIBLE_MODE, "in_person"),
    )


@pytest.mark.parametrize(
    ("mentee_mode", "mentor_mode", "common"),
    [
        ("in_person", "in_person", "in_person"),
        ("both", "online", "online"),
        ("in_person", "both", "in_person"),
        ("both", "both", "both"),
        ("in_person", "online", None),
        ("online", "in_person", None),
    ],
)
def test_modes_are_compatible_when_equal_or_either_takes_both(
    mentee_mode: str, mentor_mode: str, common: str | None
) -> None:
    suggestion = score(replace(MENTEE, mode=mentee_mode), mentor(1, mode=mentor_mode), FIELDS)
    expected = () if common is None else (MatchReason(MatchReasonKind.COMPATIBLE_MODE, common),)
    assert suggestion.reasons == expected


def test_ties_go_to_fewer_active_pairs_then_lower_id() -> None:
    busy = mentor(1, capacity=3, active_pairs=2)
    later = mentor(5, capacity=3, active_pairs=1)
    earlier = mentor(7, capacity=3, active_pairs=0)
    first = mentor(3, capacity=3, active_pairs=0)
    assert ids(rank(MENTEE, [busy, later, earlier, first], FIELDS)) == [3, 7, 5, 1]


def test_limit_is_respected() -> None:
    mentors = [mentor(i) for i in range(1, 21)]
    assert ids(rank(MENTEE, mentors, FIELDS)) == [1, 2, 3, 4, 5]
    assert ids(rank(MENTEE, mentors, FIELDS, limit=2)) == [1, 2]
    assert rank(MENTEE, mentors, FIELDS, limit=0) == []
    assert len(rank(MENTEE, mentors, FIELDS, limit=50)) == 20


def naive_rank(mentee: MenteeProfile, mentors: list[MentorProfile], limit: int) -> list[Suggestion]:
    scored = [(score(mentee, m, FIELDS), m) for m in mentors if is_available(m)]
    scored.sort(key=lambda pair: (-pair[0].score, pair[1].active_pairs, pair[1].participant_id))
    return [suggestion for suggestion, _ in scored[:limit]]


def random_mentor(rng: random.Random, participant_id: int, fields: list[str]) -> MentorProfile:
    capacity = rng.randint(1, 5)
    return MentorProfile(
        participant_id=participant_id,
        field=rng.choice(fields),
        languages=frozenset(rng.sample(("da", "en", "ar", "other"), rng.randint(0, 4))),
        region=rng.choice(REGIONS[:3]),
        municipality=rng.choice((AARHUS, ODENSE, KOEGE, None)),
        frequency=rng.choice(FREQUENCIES),
        mode=rng.choice(MODES),
        capacity=capacity,
        active_pairs=rng.randint(0, capacity),
        ready=rng.random() < 0.85,
    )


def random_mentee(rng: random.Random, participant_id: int) -> MenteeProfile:
    return MenteeProfile(
        participant_id=participant_id,
        field=rng.choice([field.id for field in FIELDS]),
        languages=frozenset(rng.sample(("en", "ar", "other"), rng.randint(0, 3))),
        danish=rng.choice(DANISH_LEVELS),
        region=rng.choice(REGIONS[:3]),
        municipality=rng.choice((AARHUS, ODENSE, KOEGE, VEJLE, None)),
        frequency=rng.choice(FREQUENCIES),
        mode=rng.choice(MODES),
    )


@pytest.mark.parametrize("seed", range(6))
def test_index_equals_a_full_scan_on_random_data(seed: int) -> None:
    rng = random.Random(seed)
    # Mentors in only some fields, so mentees often fall back to related or unrelated fields.
    fields = rng.sample([field.id for field in FIELDS], rng.randint(1, len(FIELDS)))
    participant_ids = rng.sample(range(1, 10_000), 300)
    mentors = [random_mentor(rng, pid, fields) for pid in participant_ids]
    index = MentorIndex.build(mentors, FIELDS)
    for number in range(60):
        mentee = random_mentee(rng, number)
        limit = rng.choice((1, 3, 5, 10, 400))
        assert index.rank(mentee, limit) == naive_rank(mentee, mentors, limit)
