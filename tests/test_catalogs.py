"""Every language's catalog is complete, current with the code, and keeps every placeholder."""

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.model.languages import BY_CODE, CODES

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
LANGUAGES = CODES  # every language of the table
RIGHT_TO_LEFT = [code for code in CODES if BY_CODE[code].right_to_left]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
# A command and the Latin arguments after it ("/report 1.1.2026 Aarhus"), as a coordinator
# types them: left as they are, not wrapped in brackets.
COMMAND_WITH_ARGUMENTS = re.compile(r"(?:/\w+|\{command\})(?:[ \t]+[^\s\u0600-\u06ff]+)*")
# Arabic's plural forms for one and two may say the number in words ("يوم واحد", "يومان").
NUMBER_IN_WORDS_FORMS = {"ar": (1, 2)}


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
        for form, text in enumerate(translations(message)):
            found = set(PLACEHOLDER.findall(text))
            if message.pluralizable and form in NUMBER_IN_WORDS_FORMS.get(language, ()):
                assert found <= expected, key(message.id)  # the number may be a word here
            else:
                assert found == expected, key(message.id)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_has_the_tables_plural_forms(language: str) -> None:
    assert catalog(language).num_plurals == BY_CODE[language].plural_forms
    for message in catalog(language):
        if message.id and message.pluralizable:
            assert len(translations(message)) == BY_CODE[language].plural_forms, message.id


def without_latin_on_purpose(text: str) -> str:
    """A translation without what may stay in Latin letters: commands with their arguments,
    placeholders, the bot's name, and Danish names or abbreviations in brackets."""
    bare = COMMAND_WITH_ARGUMENTS.sub("", text)
    bare = PLACEHOLDER.sub("", bare).replace("Mentorbro", "").replace("Telegram", "")
    return re.sub(r"\([^)\u0400-\u04ff\u0600-\u06ff]*\)", "", bare)


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_right_to_left_languages_are_in_their_script(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        for text in translations(message):
            bare = without_latin_on_purpose(text)
            assert ARABIC_LETTER.search(bare), key(message.id)
            assert not LATIN_WORD.search(bare), key(message.id)


def test_persian_uses_persian_letters() -> None:
    """Standard Iranian orthography: ی and ک, never the Arabic ي and ك."""
    for message in catalog("fa"):
        for text in translations(message) if message.id else []:
            assert not re.search("[يك]", text), key(message.id)


def test_ukrainian_is_ukrainian() -> None:
    for message in catalog("uk"):
        if not message.id:
            continue
        for text in translations(message):
            bare = without_latin_on_purpose(text)
            # What Ukrainians write in Latin too, and a Danish town as it is typed.
            for word in ("e-mail", "JSON", "CSV", "JavaScript", "Aarhus"):
                bare = bare.replace(word, "")
            assert CYRILLIC_LETTER.search(bare) or not re.search(r"[^\W\d_]", bare), key(message.id)
            assert not LATIN_WORD.search(bare), key(message.id)
