"""Denmark's 98 municipalities and 5 regions (bot/data/municipalities.toml), and finding one in
what a person typed, in any of the bot's languages.

Plain Python over plain data. An answer stores the municipality's code (kommunekode); everyone
reads its Danish name. Finding compares normalised text: case, accents, Arabic vowel marks and
letter variants, hyphens and words such as "Kommune" do not count, and æ/ae/e, ø/oe/o and
å/aa/a are alike. What is not found exactly is found fuzzily (rapidfuzz), and then offered
rather than taken: the person confirms it with a tap.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

DATA = Path(__file__).parent.parent / "data" / "municipalities.toml"

CLEAR = 85  # a fuzzy score from which one municipality alone is taken as meant (0-100)
MARGIN = 8  # ... when the next municipality scores at least this much lower
NEAR = 70  # a fuzzy score from which a municipality is offered as a near match
MOST_OFFERED = 4
SHORTEST_FUZZY = 3  # shorter text is only ever compared exactly
LONGEST_WINDOW = 4  # words of a sentence looked up together ("jeg bor i Høje Taastrup")

# Letters folded together: Danish, Arabic and Persian variants, Ukrainian and Russian. Applied
# after accents and Arabic marks are gone (so "أ", "إ", "آ" are already "ا", "ї" is "і").
FOLDED = str.maketrans(
    {
        "æ": "e",
        "ø": "o",
        "ß": "ss",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "گ": "غ",
        "پ": "ب",
        "ڤ": "ف",
        "ژ": "ز",
        "چ": "ج",
        "ء": None,
        "ـ": None,
        "і": "и",
        "є": "е",
        "ы": "и",
        "э": "е",
        "ґ": "г",
        "ь": None,
        "ъ": None,
    }
)
DIGRAPHS = (("aa", "a"), ("oe", "o"), ("ae", "e"))
NOT_A_LETTER = re.compile(r"[\W_]+")
# Words around a name that name no place: "Aarhus Kommune", «بلدية أورهوس».
FILLER = (
    "kommune",
    "kommunen",
    "municipality",
    "commune",
    "of",
    "بلدية",
    "مدينة",
    "شهرداری",
    "شهر",
    "муніципалітет",
    "комуна",
    "громада",
    "місто",
    "город",
)


@dataclass(frozen=True)
class Region:
    id: str  # as in lists.toml's `regions`
    code: int
    name: str  # Danish, "Region Midtjylland"
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Municipality:
    code: int  # kommunekode, what an answer stores
    name: str  # Danish, as on a letter from the municipality
    region: str  # a Region id
    aliases: tuple[str, ...]


class Outcome(StrEnum):
    ONE = "one"  # one municipality is meant: confirm it
    SEVERAL = "several"  # a few are near: choose one
    REGION = "region"  # a region was named: which of its municipalities?
    NONE = "none"


@dataclass(frozen=True)
class Found:
    outcome: Outcome
    municipalities: tuple[Municipality, ...] = ()  # ONE: one; SEVERAL: best first; REGION: all
    region: Region | None = None


NOTHING = Found(Outcome.NONE)


def normalise(text: str) -> str:
    """Text made comparable: folded letters, words separated by one space, filler dropped."""
    words = NOT_A_LETTER.sub(" ", _fold(text)).split()
    return " ".join(word for word in words if word not in _filler())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").translate(FOLDED)
    for digraph, letter in DIGRAPHS:
        bare = bare.replace(digraph, letter)
    return bare


@cache
def _filler() -> frozenset[str]:
    return frozenset(_fold(word) for word in FILLER)


@dataclass(frozen=True)
class Catalogue:
    """The list, with every name people type for a municipality or a region normalised."""

    municipalities: tuple[Municipality, ...]
    regions: tuple[Region, ...]
    names: dict[str, Municipality | Region]  # normalised name -> what it names
    # A report places every mentee's answer by its code: a search of the list each took 40 ms
    # of the event loop for a programme of 100,000 pairs.
    codes: dict[int, Municipality]

    def by_code(self, code: int) -> Municipality | None:
        return self.codes.get(code)

    def region(self, region_id: str) -> Region | None:
        return next((r for r in self.regions if r.id == region_id), None)

    def region_by_code(self, code: int) -> Region | None:
        return next((r for r in self.regions if r.code == code), None)

    def in_region(self, region_id: str) -> tuple[Municipality, ...]:
        """A region's municipalities, by name."""
        inside = [m for m in self.municipalities if m.region == region_id]
        return tuple(sorted(inside, key=lambda m: m.name))


@cache
def catalogue() -> Catalogue:
    """The municipalities and regions, checked: an alias that names two places is a mistake."""
    with DATA.open("rb") as handle:
        raw = tomllib.load(handle)
    regions = tuple(
        Region(r["id"], r["code"], r["name"], tuple(r["aliases"])) for r in raw["region"]
    )
    municipalities = tuple(
        Municipality(m["code"], m["name"], m["region"], tuple(m["aliases"]))
        for m in raw["municipality"]
    )
    names: dict[str, Municipality | Region] = {}
    for place in (*regions, *municipalities):
        for name in (place.name, *place.aliases):
            key = normalise(name)
            if names.setdefault(key, place) != place:
                raise ValueError(f"municipalities.toml: {name!r} names two places")
    return Catalogue(municipalities, regions, names, {m.code: m for m in municipalities})


def by_code(code: int) -> Municipality | None:
    return catalogue().by_code(code)


def place(stored: object) -> Municipality | None:
    """The municipality of a stored answer or invitation: a code (a number, or text of digits
    from SQL); None for anything else, such as an old answer as typed."""
    code = _stored_code(stored)
    return None if code is None else by_code(code)


def _stored_code(stored: object) -> int | None:
    """A code as stored: a number, or text of digits from SQL or JSON."""
    if isinstance(stored, bool):
        return None
    if isinstance(stored, int):
        return stored
    if isinstance(stored, str) and stored.strip().isdigit():
        return int(stored)
    return None


def scope_place(stored: object) -> Municipality | Region | None:
    """What a coordinator's scope names: a municipality or a whole region, by its code (a
    number, or text of digits) or, for a scope as once typed, by its name."""
    code = _stored_code(stored)
    if code is not None:
        return by_code(code) or catalogue().region_by_code(code)
    return exact_place(stored) if isinstance(stored, str) else None


def municipalities_of(named: Municipality | Region) -> tuple[Municipality, ...]:
    """A municipality itself, or a region's municipalities by name."""
    return (named,) if isinstance(named, Municipality) else catalogue().in_region(named.id)


def covers(codes: Iterable[int], stored: object) -> bool:
    """Whether a stored municipality lies in these municipalities and regions (their codes)."""
    known = place(stored)
    if known is None:
        return False
    wanted = set(codes)
    region = catalogue().region(known.region)
    return known.code in wanted or (region is not None and region.code in wanted)


def find(text: str) -> Found:
    """What a person means by `text`: one municipality, a few near ones, a region, or none."""
    query = normalise(text)
    if not query:
        return NOTHING
    if query.isdigit():
        known = by_code(int(query))
        return Found(Outcome.ONE, (known,)) if known else NOTHING
    names = catalogue().names
    exact = names.get(query) or _within(query, names)
    if exact is not None:
        return _found((exact,))
    if len(query) < SHORTEST_FUZZY:
        return NOTHING
    return _fuzzy(query, names)


def _within(query: str, names: dict[str, Municipality | Region]) -> Municipality | Region | None:
    """The one place that a run of words in a sentence names exactly ("8000 Aarhus C")."""
    words = query.split()
    hits = {
        names[key]
        for size in range(min(LONGEST_WINDOW, len(words)), 0, -1)
        for start in range(len(words) - size + 1)
        if (key := " ".join(words[start : start + size])) in names
    }
    municipalities = {hit for hit in hits if isinstance(hit, Municipality)}
    if len(municipalities) == 1:
        return municipalities.pop()
    return hits.pop() if len(hits) == 1 else None


def _fuzzy(query: str, names: dict[str, Municipality | Region]) -> Found:
    best: dict[Municipality | Region, float] = {}
    for key, score, _ in process.extract(
        query, names.keys(), scorer=fuzz.ratio, score_cutoff=NEAR, limit=None
    ):
        target = names[key]
        best[target] = max(score, best.get(target, 0))
    ranked = sorted(best, key=lambda target: -best[target])
    if not ranked:
        return NOTHING
    top = best[ranked[0]]
    runner_up = best[ranked[1]] if len(ranked) > 1 else 0
    if top >= CLEAR and top - runner_up >= MARGIN:
        return _found(ranked[:1])
    near = tuple(target for target in ranked if isinstance(target, Municipality))
    return Found(Outcome.SEVERAL, near[:MOST_OFFERED]) if near else NOTHING


def _found(places: Iterable[Municipality | Region]) -> Found:
    (chosen,) = places
    if isinstance(chosen, Region):
        return Found(Outcome.REGION, catalogue().in_region(chosen.id), chosen)
    return Found(Outcome.ONE, (chosen,))


def near(text: str) -> tuple[Municipality, ...]:
    """The municipalities a coordinator may choose from to place an answer as typed."""
    found = find(text)
    return found.municipalities if found.outcome is not Outcome.REGION else ()


def exact(text: str) -> Municipality | None:
    """The municipality a name, alias or code names exactly (for settings and commands,
    where a near spelling is refused rather than guessed)."""
    named = exact_place(text)
    return named if isinstance(named, Municipality) else None


def exact_place(text: str) -> Municipality | Region | None:
    """The municipality or region a name, alias or code names exactly."""
    query = normalise(text)
    if query.isdigit():
        return scope_place(int(query))
    return catalogue().names.get(query)


def named(text: str) -> Municipality | None:
    """The one municipality text names, exactly or clearly enough (a filter, not an answer)."""
    found = find(text)
    return exact(text) or (found.municipalities[0] if found.outcome is Outcome.ONE else None)


def display(stored: object) -> str | None:
    """A stored municipality for a file: its Danish name, or an old answer as typed."""
    known = place(stored)
    return known.name if known else (str(stored) if stored is not None else None)


@dataclass(frozen=True)
class Unknown:
    """A name that is no municipality, with the closest ones to suggest instead."""

    typed: str
    closest: tuple[Municipality, ...]


def unknown(typed: str) -> Unknown:
    """A name refused as no municipality, with the closest ones to suggest."""
    return Unknown(typed, near(typed))


def resolve(
    names: Iterable[str],
) -> tuple[tuple[Municipality | Region, ...], tuple[Unknown, ...]]:
    """The municipalities and whole regions of a coordinator's scope, named by names, aliases
    or codes (blanks skipped, each place once), and the names that are neither."""
    known: dict[int, Municipality | Region] = {}
    refused = []
    for name in (" ".join(name.split()) for name in names):
        if not name:
            continue
        found = exact_place(name)
        if found is not None:
            known.setdefault(found.code, found)
        else:
            refused.append(unknown(name))
    return tuple(known.values()), tuple(refused)
