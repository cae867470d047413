"""Matching: which mentors to suggest for a mentee, best first, and why.

Plain Python over plain data. Storage turns answers into profiles; handlers render the reasons
in the reader's language; the coordinator makes the match.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot.model.languages import CODES, DANISH
from bot.model.questionnaire import Field

# The weights. One shared language is enough to talk, so the best one counts, not their sum.
# A language of the bot's besides Danish in common; Danish when the mentee speaks it everyday
# or better.
LANGUAGE = 4
DANISH_FOR_BEGINNER = 2  # Danish in common with a mentee at "none" or "beginner"
MUNICIPALITY = 4  # same municipality: they can meet easily (not added to REGION)
REGION = 2
FREQUENCY = 1
MODE = 1
# Field dominates: a step is larger than everything else together can add, so a mentor in the
# same field always beats one in a related field, who always beats one in neither.
OTHERS_AT_MOST = LANGUAGE + MUNICIPALITY + FREQUENCY + MODE
FIELD_STEP = OTHERS_AT_MOST + 1
SAME_FIELD = 2 * FIELD_STEP
RELATED_FIELD = FIELD_STEP

# Mentees name the bot's languages besides Danish; "other" is not compared, as two people's
# other languages are rarely the same one.
FOREIGN_LANGUAGES = tuple(code for code in CODES if code != DANISH)
LANGUAGE_ORDER = (DANISH, *FOREIGN_LANGUAGES)
CONVERSATIONAL_DANISH = frozenset({"everyday", "good", "fluent"})
EITHER_MODE = "both"


class MatchReasonKind(StrEnum):
    SAME_FIELD = "same_field"
    RELATED_FIELD = "related_field"
    COMMON_LANGUAGE = "common_language"
    SAME_MUNICIPALITY = "same_municipality"
    SAME_REGION = "same_region"
    SAME_FREQUENCY = "same_frequency"
    COMPATIBLE_MODE = "compatible_mode"


@dataclass(frozen=True)
class MatchReason:
    """Why a mentor fits. `value` is an id (field, language, region, frequency, mode) or, for
    SAME_MUNICIPALITY, the municipality's code."""

    kind: MatchReasonKind
    value: str


@dataclass(frozen=True)
class MentorProfile:
    participant_id: int
    field: str
    languages: frozenset[str]
    region: str  # a region id, from the municipality; "" when not known
    municipality: int | None  # a municipality code; None when not known
    frequency: str
    mode: str
    capacity: int
    active_pairs: int
    ready: bool  # approved and the mentor course done


@dataclass(frozen=True)
class MenteeProfile:
    participant_id: int
    field: str
    languages: frozenset[str]  # besides Danish
    danish: str  # a danish_levels id
    region: str
    municipality: int | None
    frequency: str
    mode: str


@dataclass(frozen=True)
class Suggestion:
    mentor_id: int
    score: int
    reasons: tuple[MatchReason, ...]


Part = tuple[int, tuple[MatchReason, ...]]
NOTHING: Part = (0, ())


def is_available(mentor: MentorProfile) -> bool:
    """Only ready mentors with room for another mentee are ever suggested."""
    return mentor.ready and mentor.active_pairs < mentor.capacity


def score(mentee: MenteeProfile, mentor: MentorProfile, fields: Iterable[Field]) -> Suggestion:
    """How well a mentor fits a mentee, with the reasons in a stable order."""
    related = next((f.related for f in fields if f.id == mentee.field), frozenset())
    return _suggestion(_MenteeView.of(mentee), mentor, related)


def rank(
    mentee: MenteeProfile,
    mentors: Iterable[MentorProfile],
    fields: Iterable[Field],
    limit: int = 5,
) -> list[Suggestion]:
    """The best available mentors for a mentee, best first. To rank many mentees against the
    same mentors, build a MentorIndex once instead."""
    return MentorIndex.build(mentors, fields).rank(mentee, limit)


def _order(mentor: MentorProfile) -> tuple[int, int]:
    """The tie-break among equal scores: fewer active pairs first, then the older participant."""
    return mentor.active_pairs, mentor.participant_id


@dataclass(frozen=True)
class _MenteeView:
    """What scoring needs from a mentee, worked out once rather than for every mentor."""

    mentee: MenteeProfile
    language_worth: Mapping[str, int]

    @classmethod
    def of(cls, mentee: MenteeProfile) -> _MenteeView:
        worth = {lang: LANGUAGE for lang in FOREIGN_LANGUAGES if lang in mentee.languages}
        # A beginner is better helped in a language they already speak than in Danish.
        worth[DANISH] = LANGUAGE if mentee.danish in CONVERSATIONAL_DANISH else DANISH_FOR_BEGINNER
        return cls(mentee, worth)


def _suggestion(view: _MenteeView, mentor: MentorProfile, related: frozenset[str]) -> Suggestion:
    parts = (
        _field_part(view.mentee.field, mentor.field, related),
        _language_part(view, mentor.languages),
        _place_part(view, *_place(mentor)),
        _frequency_part(view.mentee.frequency, mentor.frequency),
        _mode_part(view.mentee.mode, mentor.mode),
    )
    return Suggestion(
        mentor.participant_id,
        sum(weight for weight, _ in parts),
        tuple(reason for _, reasons in parts for reason in reasons),
    )


def _field_part(mentee_field: str, mentor_field: str, related: frozenset[str]) -> Part:
    if mentor_field == mentee_field:
        return SAME_FIELD, (MatchReason(MatchReasonKind.SAME_FIELD, mentor_field),)
    if mentor_field in related:
        return RELATED_FIELD, (MatchReason(MatchReasonKind.RELATED_FIELD, mentor_field),)
    return NOTHING


def _language_part(view: _MenteeView, mentor_languages: frozenset[str]) -> Part:
    worth = view.language_worth
    shared = [lang for lang in LANGUAGE_ORDER if lang in worth and lang in mentor_languages]
    if not shared:
        return NOTHING
    shared.sort(key=worth.__getitem__, reverse=True)  # the most useful language first
    return worth[shared[0]], tuple(
        MatchReason(MatchReasonKind.COMMON_LANGUAGE, lang) for lang in shared
    )


def _place_part(view: _MenteeView, region: str, municipality: int | None) -> Part:
    mentee = view.mentee
    if mentee.municipality is not None and municipality == mentee.municipality:
        return MUNICIPALITY, (MatchReason(MatchReasonKind.SAME_MUNICIPALITY, str(municipality)),)
    if region and region == mentee.region:
        return REGION, (MatchReason(MatchReasonKind.SAME_REGION, region),)
    return NOTHING


def _frequency_part(mentee_frequency: str, mentor_frequency: str) -> Part:
    if mentor_frequency == mentee_frequency:
        return FREQUENCY, (MatchReason(MatchReasonKind.SAME_FREQUENCY, mentor_frequency),)
    return NOTHING


def _mode_part(mentee_mode: str, mentor_mode: str) -> Part:
    """Compatible when equal or either takes both; the value is the way they can meet."""
    if mentor_mode == mentee_mode or EITHER_MODE in (mentee_mode, mentor_mode):
        common = mentee_mode if mentor_mode == EITHER_MODE else mentor_mode
        return MODE, (MatchReason(MatchReasonKind.COMPATIBLE_MODE, common),)
    return NOTHING


@dataclass(frozen=True)
class _Bucket:
    """The available mentors of one field, in tie-break order, each reduced to two small ints:
    its (languages, frequency, mode) profile and its (region, municipality) place."""

    mentors: tuple[MentorProfile, ...]
    profiles: tuple[int, ...]
    places: tuple[int, ...]


@dataclass(frozen=True)
class MentorIndex:
    """Available mentors bucketed by field, for ranking many mentees quickly.

    The field weight dominates, so buckets are scanned by tier (same field, related fields, the
    rest), stopping after the first tier that fills the list: no mentor in a lower tier can
    score as high. Within a bucket a mentor's score is two lookups in tables made once per
    mentee from the few distinct profiles and places.
    """

    related: Mapping[str, frozenset[str]]
    buckets: Mapping[str, _Bucket]
    profiles: tuple[tuple[frozenset[str], str, str], ...]  # languages, frequency, mode
    places: tuple[tuple[str, int | None], ...]  # region, municipality

    @classmethod
    def build(cls, mentors: Iterable[MentorProfile], fields: Iterable[Field]) -> MentorIndex:
        profile_ids: dict[tuple[frozenset[str], str, str], int] = {}
        place_ids: dict[tuple[str, int | None], int] = {}
        by_field: dict[str, list[MentorProfile]] = {}
        for mentor in mentors:
            if is_available(mentor):
                by_field.setdefault(mentor.field, []).append(mentor)
        buckets = {}
        for field, members in by_field.items():
            members.sort(key=_order)
            buckets[field] = _Bucket(
                tuple(members),
                tuple(_intern(profile_ids, _profile(m)) for m in members),
                tuple(_intern(place_ids, _place(m)) for m in members),
            )
        return cls({f.id: f.related for f in fields}, buckets, tuple(profile_ids), tuple(place_ids))

    def rank(self, mentee: MenteeProfile, limit: int = 5) -> list[Suggestion]:
        """The same list as sorting every available mentor by score, then tie-break."""
        if limit <= 0:
            return []
        view = _MenteeView.of(mentee)
        related = self.related.get(mentee.field, frozenset())
        profile_scores = [
            _language_part(view, languages)[0]
            + _frequency_part(mentee.frequency, frequency)[0]
            + _mode_part(mentee.mode, mode)[0]
            for languages, frequency, mode in self.profiles
        ]
        place_scores = [_place_part(view, *place)[0] for place in self.places]
        best: list[tuple[int, MentorProfile]] = []
        for field_score, buckets in self._tiers(mentee.field, related):
            for bucket in buckets:
                best.extend(_top(bucket, field_score, profile_scores, place_scores, limit))
            best.sort(key=lambda entry: (-entry[0], *_order(entry[1])))
            del best[limit:]
            if len(best) == limit:
                break  # a lower tier's best is below this tier's worst: the field dominates
        return [_suggestion(view, mentor, related) for _, mentor in best]

    def _tiers(self, field: str, related: frozenset[str]) -> list[tuple[int, list[_Bucket]]]:
        """The buckets grouped by field weight, highest first."""
        same = [self.buckets[field]] if field in self.buckets else []
        near = [self.buckets[f] for f in sorted(related) if f in self.buckets]
        rest = [b for f, b in self.buckets.items() if f != field and f not in related]
        return [(SAME_FIELD, same), (RELATED_FIELD, near), (0, rest)]


def _profile(mentor: MentorProfile) -> tuple[frozenset[str], str, str]:
    return mentor.languages, mentor.frequency, mentor.mode


def _place(mentor: MentorProfile) -> tuple[str, int | None]:
    return mentor.region, mentor.municipality


K = TypeVar("K")


def _intern(ids: dict[K, int], key: K) -> int:
    return ids.setdefault(key, len(ids))


def _top(
    bucket: _Bucket,
    field_score: int,
    profile_scores: list[int],
    place_scores: list[int],
    limit: int,
) -> list[tuple[int, MentorProfile]]:
    """A bucket's best `limit` mentors; nlargest keeps the bucket's tie-break order on ties."""
    scores = [
        field_score + profile_scores[profile] + place_scores[place]
        for profile, place in zip(bucket.profiles, bucket.places, strict=True)
    ]
    top = heapq.nlargest(limit, range(len(scores)), key=scores.__getitem__)
    return [(scores[i], bucket.mentors[i]) for i in top]
