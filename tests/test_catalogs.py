"""The three catalogs are complete, current with the code, and keep every placeholder."""

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
LANGUAGES = ("da", "en", "ar")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def load(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def catalog(language: str) -> Catalog:
    return load(LOCALES / language / "LC_MESSAGES" / "messages.po")


def key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        ["make", "--no-print-directory", "-s", "extract", f"POT={pot}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return load(pot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_untranslated_or_fuzzy(language: str) -> None:
    problems = [
        key(message.id)
        for message in catalog(language)
        if message.id and (message.fuzzy or not all(translations(message)))
    ]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_string_of_the_code(language: str, extracted: Catalog) -> None:
    in_code = {(message.context, key(message.id)) for message in extracted if message.id}
    in_catalog = {(message.context, key(message.id)) for message in catalog(language) if message.id}
    assert in_code - in_catalog == set(), "run `make messages` and translate the new strings"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        expected = set(PLACEHOLDER.findall(key(message.id)))
        for text in translations(message):
            assert set(PLACEHOLDER.findall(text)) == expected, key(message.id)


def test_arabic_is_arabic() -> None:
    for message in catalog("ar"):
        if not message.id:
            continue
        for text in translations(message):
            # Commands, the bot's name and Danish names in brackets may stay in Latin letters.
            bare = PLACEHOLDER.sub("", text).replace("Mentorbro", "")
            bare = re.sub(r"\([^)]*\)|/\w+", "", bare)
            assert ARABIC_LETTER.search(bare), key(message.id)
            assert not LATIN_WORD.search(bare), key(message.id)
