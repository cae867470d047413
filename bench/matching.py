"""Benchmark matching: one mentee and a thousand mentees against ten thousand mentors.

Run from the repository root: .venv/bin/python bench/matching.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.model.matching import (
    MenteeProfile,
    MentorIndex,
    MentorProfile,
    Suggestion,
    is_available,
    score,
)
from bot.model.municipalities import catalogue
from bot.model.questionnaire import Field, load_fields

SEED = 20261123
MENTORS = 10_000
MENTEES = 1_000
ONE_MENTEE_RUNS = 50
NAIVE_RUNS = 5
REGIONS = ("hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland")
REGION_WEIGHTS = (32, 14, 21, 23, 10)  # roughly by population
# Common fields first: volunteers come more from health, IT and offices than from fishing.
FIELD_WEIGHTS = (10, 6, 6, 5, 9, 7, 4, 4, 3, 4, 3, 4, 3, 1, 7, 4, 5, 3, 3, 1)
FREQUENCIES = ("monthly", "twice_monthly", "weekly")
MODES = ("in_person", "online", "both")
DANISH_LEVELS = ("none", "beginner", "everyday", "good", "fluent")


def municipalities() -> dict[str, list[int]]:
    """Denmark's 98 municipality codes by region (bot/data/municipalities.toml)."""
    return {region: [m.code for m in catalogue().in_region(region)] for region in REGIONS}


def place(rng: random.Random, towns: dict[str, list[int]]) -> tuple[str, int]:
    region = rng.choices(list(towns), REGION_WEIGHTS)[0]
    codes = towns[region]
    # A few big towns, many small: weight by rank.
    return region, rng.choices(codes, [1 / (rank + 1) for rank in range(len(codes))])[0]


def languages(rng: random.Random, chances: dict[str, float]) -> frozenset[str]:
    return frozenset(lang for lang, chance in chances.items() if rng.random() < chance)


def mentor(rng: random.Random, pid: int, fields: list[str], towns: dict) -> MentorProfile:
    region, municipality = place(rng, towns)
    capacity = rng.choices(range(1, 6), (40, 30, 15, 10, 5))[0]
    return MentorProfile(
        participant_id=pid,
        field=rng.choices(fields, FIELD_WEIGHTS)[0],
        languages=languages(rng, {"da": 0.97, "en": 0.8, "ar": 0.08, "other": 0.15}),
        region=region,
        municipality=municipality,
        frequency=rng.choice(FREQUENCIES),
        mode=rng.choices(MODES, (3, 1, 4))[0],
        capacity=capacity,
        active_pairs=rng.randint(0, capacity),
        ready=rng.random() < 0.8,
    )


def mentee(rng: random.Random, pid: int, fields: list[str], towns: dict) -> MenteeProfile:
    region, municipality = place(rng, towns)
    return MenteeProfile(
        participant_id=pid,
        field=rng.choices(fields, FIELD_WEIGHTS)[0],
        languages=languages(rng, {"ar": 0.5, "en": 0.5, "other": 0.5}),
        danish=rng.choices(DANISH_LEVELS, (10, 30, 30, 20, 10))[0],
        region=region,
        municipality=municipality,
        frequency=rng.choice(FREQUENCIES),
        mode=rng.choices(MODES, (3, 1, 4))[0],
    )


def naive_rank(
    person: MenteeProfile, mentors: list[MentorProfile], fields: tuple[Field, ...], limit: int
) -> list[Suggestion]:
    """Score every available mentor, sort all: the baseline the index must equal."""
    scored = [(score(person, m, fields), m) for m in mentors if is_available(m)]
    scored.sort(key=lambda pair: (-pair[0].score, pair[1].active_pairs, pair[1].participant_id))
    return [suggestion for suggestion, _ in scored[:limit]]


def median_ms(run, people: list[MenteeProfile]) -> float:
    times = []
    for person in people:
        start = time.perf_counter()
        run(person)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    rng = random.Random(SEED)
    fields = load_fields()
    field_ids = [f.id for f in fields]
    towns = municipalities()
    mentors = [mentor(rng, 100_000 + i, field_ids, towns) for i in range(MENTORS)]
    mentees = [mentee(rng, 200_000 + i, field_ids, towns) for i in range(MENTEES)]

    start = time.perf_counter()
    index = MentorIndex.build(mentors, fields)
    build_ms = (time.perf_counter() - start) * 1000

    sample = mentees[:ONE_MENTEE_RUNS]
    one_ms = median_ms(index.rank, sample)
    naive_ms = median_ms(lambda p: naive_rank(p, mentors, fields, 5), sample[:NAIVE_RUNS])
    for person in sample[:NAIVE_RUNS]:
        assert index.rank(person) == naive_rank(person, mentors, fields, 5)

    start = time.perf_counter()
    for person in mentees:
        index.rank(person)
    all_s = time.perf_counter() - start

    print(f"index_build_ms: {build_ms:.2f}")
    print(f"rank_one_ms: {one_ms:.3f}")
    print(f"rank_all_s: {all_s:.3f}")
    print(f"rank_one_naive_ms: {naive_ms:.2f}")
    print(f"rank_speedup: {naive_ms / one_ms:.1f}")


if __name__ == "__main__":
    main()
