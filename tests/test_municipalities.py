"""The 98 municipalities as data, and finding one in what a person types, in any language."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.model.municipalities import (
    Outcome,
    by_code,
    catalogue,
    find,
    normalise,
    place,
)
from bot.model.questionnaire import option_lists


def test_the_list_has_98_municipalities_with_unique_codes_in_5_regions() -> None:
    municipalities = catalogue().municipalities
    assert len(municipalities) == 98
    assert len({m.code for m in municipalities}) == 98
    assert len({m.name for m in municipalities}) == 98
    regions = {r.id for r in catalogue().regions}
    assert regions == {option.id for option in option_lists()["regions"]}
    assert Counter(m.region for m in municipalities) == {
        "hovedstaden": 29,
        "sjaelland": 17,
        "syddanmark": 22,
        "midtjylland": 19,
        "nordjylland": 11,
    }


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        (101, "København", "hovedstaden"),
        (147, "Frederiksberg", "hovedstaden"),
        (183, "Ishøj", "hovedstaden"),
        (265, "Roskilde", "sjaelland"),
        (461, "Odense", "syddanmark"),
        (561, "Esbjerg", "syddanmark"),
        (751, "Aarhus", "midtjylland"),
        (851, "Aalborg", "nordjylland"),
        (860, "Hjørring", "nordjylland"),
    ],
)
def test_codes_are_the_official_kommunekoder(code: int, name: str, region: str) -> None:
    municipality = by_code(code)
    assert municipality is not None
    assert (municipality.name, municipality.region) == (name, region)


def test_every_alias_leads_to_one_municipality_only() -> None:
    leads_to: dict[str, set[int]] = {}
    for municipality in catalogue().municipalities:
        for alias in (municipality.name, *municipality.aliases):
            leads_to.setdefault(normalise(alias), set()).add(municipality.code)
    region_names = {
        normalise(name) for region in catalogue().regions for name in (region.name, *region.aliases)
    }
    assert all(len(codes) == 1 for codes in leads_to.values())
    assert not region_names & leads_to.keys()
    # and each finds its municipality
    for key, (code,) in leads_to.items():
        found = find(key)
        assert (found.outcome, found.municipalities[0].code) == (Outcome.ONE, code), key


@pytest.mark.parametrize(
    "typed",
    [
        "århus",
        "Aarhus",
        "ÅRHUS",
        "Arhus",
        "Aarhus Kommune",
        "أورهوس",
        "آرهوس",
        "اورهس",
        "Орхус",
        "8000 Aarhus C",
        "Risskov",
        "Brabrand",
        "Århuss",
        "751",
        "بلدية أورهوس",
    ],
)
def test_aarhus_however_it_is_typed(typed: str) -> None:
    found = find(typed)
    assert found.outcome is Outcome.ONE
    assert found.municipalities[0].code == 751


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Kobenhavn", 101),
        ("Koebenhavn", 101),
        ("Copenhagen", 101),
        ("کپنهاگ", 101),
        ("Копенгаген", 101),
        ("hoeje-taastrup", 169),
        ("Høje Tåstrup", 169),
        ("Nestved", 370),
        ("Esbjer", 561),
        ("Hellerup", 157),
    ],
)
def test_spellings_without_special_letters_and_in_other_scripts(typed: str, code: int) -> None:
    found = find(typed)
    assert (found.outcome, found.municipalities[0].code) == (Outcome.ONE, code)


def test_a_region_asks_which_of_its_municipalities() -> None:
    found = find("Region Midtjylland")
    assert found.outcome is Outcome.REGION
    assert found.region is not None and found.region.id == "midtjylland"
    assert len(found.municipalities) == 19
    assert find("Central Jutland").outcome is Outcome.REGION


def test_a_few_near_matches_are_offered() -> None:
    found = find("Frederiks")
    assert found.outcome is Outcome.SEVERAL
    assert {"Frederiksberg", "Frederikssund"} <= {m.name for m in found.municipalities}


@pytest.mark.parametrize("typed", ["", "   ", "!!", "Berlin", "Damascus", "Kyiv", "a" * 4096])
def test_no_match(typed: str) -> None:
    assert find(typed).outcome is Outcome.NONE


def test_a_stored_place_is_a_code() -> None:
    assert place(751) == by_code(751)
    assert place("751") == by_code(751)
    assert place("Springfield") is None
    assert place(None) is None
    assert place(999) is None
