"""The questionnaire engine: questionnaires as data, asked one question at a time.

Plain Python over plain data: which question comes next, whether an answer is valid, what the
summary holds. Storage keeps the answers; handlers render questions and buttons.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from bot.model import municipalities
from bot.model.languages import DANISH, LANGUAGES
from bot.model.msgids import N_
from bot.model.municipalities import Found, Outcome

QUESTIONNAIRES_DIR = Path(__file__).parent / "questionnaires"
YES, NO = "yes", "no"
DEFAULT_MAX_LENGTH = 1000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?\d{8,15}$")
PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
NUMBER = re.compile(r"^\d{1,6}$")
OTHER_LANGUAGES = "other"  # the option after the bot's languages in the language questions

# A question's answer: text, a number, an option id, several option ids; None means skipped.
Answer = str | int | tuple[str, ...] | None
Answers = Mapping[str, Answer]
Facts = Mapping[str, str]


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    SINGLE = "single"
    MULTI = "multi"
    YES_NO = "yes_no"
    # Typed in any language, found in the list of municipalities and confirmed with a tap; the
    # answer is the municipality's code (an old answer the list could not place: its text).
    MUNICIPALITY = "municipality"


BUTTON_KINDS = (Kind.SINGLE, Kind.MULTI, Kind.YES_NO)


class Problem(StrEnum):
    """Why an answer was not accepted; the handler says it in the person's language."""

    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    NOT_CONTACT = "not_contact"
    USE_BUTTONS = "use_buttons"
    UNKNOWN_OPTION = "unknown_option"
    NOTHING_CHOSEN = "nothing_chosen"
    MUST_AGREE = "must_agree"
    REQUIRED = "required"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"


@dataclass(frozen=True)
class Invalid:
    problem: Problem
    limit: int | None = None
    length: int | None = None


@dataclass(frozen=True)
class Option:
    id: str
    label: str  # msgid


@dataclass(frozen=True)
class Field:
    """A professional field; `related` holds the ids of fields close to it (both ways)."""

    id: str
    label: str  # msgid
    related: frozenset[str]


@dataclass(frozen=True)
class Condition:
    """Ask a question only when an earlier answer, or a fact about the person, says so."""

    question: str | None = None
    equals: str | None = None
    includes: str | None = None
    fact: str | None = None
    absent: bool = False

    def holds(self, answers: Answers, facts: Facts) -> bool:
        if self.fact is not None:
            present = bool(facts.get(self.fact))
            return present != self.absent
        value = answers.get(self.question or "")
        if self.includes is not None:
            return isinstance(value, tuple) and self.includes in value
        if self.equals is not None:
            return value == self.equals
        return value is not None


@dataclass(frozen=True)
class Question:
    id: str
    kind: Kind
    label: str  # msgid: a short name, for the summary
    text: str  # msgid: the question as asked
    required: bool = True
    options: tuple[Option, ...] = ()
    min_length: int = 1
    max_length: int = DEFAULT_MAX_LENGTH
    minimum: int | None = None
    maximum: int | None = None
    format: str | None = None
    when: Condition | None = None
    must_be_yes: bool = False
    refusal: str | None = None  # msgid: said when a must_be_yes question is answered no

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: str  # msgid
    intro: str  # msgid
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def applicable(self, answers: Answers, facts: Facts) -> list[Question]:
        """The questions to ask given the answers so far, in order."""
        return [q for q in self.questions if q.when is None or q.when.holds(answers, facts)]

    def next_unanswered(self, answers: Answers, facts: Facts) -> Question | None:
        """The first question still to answer, or None when the summary is next."""
        return next((q for q in self.applicable(answers, facts) if q.id not in answers), None)

    def previous(self, current: str | None, answers: Answers, facts: Facts) -> Question | None:
        """The question before `current` (the last one when `current` is the summary)."""
        asked = self.applicable(answers, facts)
        if current is None:
            return asked[-1] if asked else None
        ids = [q.id for q in asked]
        if current not in ids:
            return None
        index = ids.index(current)
        return asked[index - 1] if index > 0 else None

    def relevant(self, answers: Answers, facts: Facts) -> dict[str, Answer]:
        """The answers that count: those of questions that apply (a changed answer can make a
        conditional question no longer apply; its old answer is then left out)."""
        return {q.id: answers[q.id] for q in self.applicable(answers, facts) if q.id in answers}

    def progress(self, current: str, answers: Answers, facts: Facts) -> tuple[int, int]:
        """(number of this question, number of questions) as the person sees them now."""
        ids = [q.id for q in self.applicable(answers, facts)]
        return (ids.index(current) + 1 if current in ids else len(ids), len(ids))


def parse_text(question: Question, text: str) -> Answer | Invalid:
    """A typed answer, checked against the question's kind and limits."""
    if question.kind in BUTTON_KINDS:
        return Invalid(Problem.USE_BUTTONS)
    value = text.strip()
    if not value:
        return Invalid(Problem.EMPTY)
    if question.kind is Kind.NUMBER:
        return _parse_number(question, value)
    if len(value) > question.max_length:
        return Invalid(Problem.TOO_LONG, limit=question.max_length, length=len(value))
    if len(value) < question.min_length:
        return Invalid(Problem.TOO_SHORT, limit=question.min_length, length=len(value))
    if question.format == "phone_or_email" and not _is_contact(value):
        return Invalid(Problem.NOT_CONTACT)
    return value


def find_municipality(question: Question, text: str) -> Found | Invalid:
    """The municipalities typed text may mean, to offer for a tap; nothing is an answer yet."""
    value = parse_text(question, text)
    if isinstance(value, Invalid):
        return value
    found = municipalities.find(str(value))
    return Invalid(Problem.UNKNOWN_MUNICIPALITY) if found.outcome is Outcome.NONE else found


def choose(question: Question, option_id: str) -> Answer | Invalid:
    """A pressed option of a single-choice, yes/no or municipality question."""
    if question.kind is Kind.MUNICIPALITY:
        known = municipalities.place(option_id)
        return known.code if known else Invalid(Problem.UNKNOWN_OPTION)
    if question.kind is Kind.YES_NO:
        if option_id not in (YES, NO):
            return Invalid(Problem.UNKNOWN_OPTION)
        if question.must_be_yes and option_id == NO:
            return Invalid(Problem.MUST_AGREE)
        return option_id
    if question.kind is not Kind.SINGLE or question.option(option_id) is None:
        return Invalid(Problem.UNKNOWN_OPTION)
    return option_id


def toggle(question: Question, selected: tuple[str, ...], option_id: str) -> tuple[str, ...]:
    """Tick or untick one option of a multiple-choice question; kept in the options' order."""
    if question.option(option_id) is None:
        return selected
    chosen = set(selected) ^ {option_id}
    return tuple(option.id for option in question.options if option.id in chosen)


def finish_multi(question: Question, selected: tuple[str, ...]) -> Answer | Invalid:
    """Done on a multiple-choice question."""
    if not selected and question.required:
        return Invalid(Problem.NOTHING_CHOSEN)
    return selected


def skip(question: Question) -> Answer | Invalid:
    return Invalid(Problem.REQUIRED) if question.required else None


def _parse_number(question: Question, value: str) -> int | Invalid:
    if not NUMBER.match(value):  # \d also takes Arabic-Indic digits, which int() reads
        return Invalid(Problem.NOT_A_NUMBER)
    number = int(value)
    if question.minimum is not None and number < question.minimum:
        return Invalid(Problem.TOO_SMALL, limit=question.minimum)
    if question.maximum is not None and number > question.maximum:
        return Invalid(Problem.TOO_LARGE, limit=question.maximum)
    return number


def _is_contact(value: str) -> bool:
    return bool(EMAIL.match(value) or PHONE.match(PHONE_PUNCTUATION.sub("", value)))


# -- loading -------------------------------------------------------------------------------


@cache
def load_fields() -> tuple[Field, ...]:
    """The shared list of professional fields, with the relation made symmetric."""
    raw = _read("fields")["field"]
    known = {entry["id"] for entry in raw}
    related: dict[str, set[str]] = {entry["id"]: set() for entry in raw}
    for entry in raw:
        for other in entry.get("related", []):
            if other not in known:
                raise ValueError(f"fields.toml: {entry['id']} is related to unknown {other!r}")
            related[entry["id"]].add(other)
            related[other].add(entry["id"])
    return tuple(Field(e["id"], e["label"], frozenset(related[e["id"]])) for e in raw)


@cache
def option_lists() -> dict[str, tuple[Option, ...]]:
    """Named option lists for `options_from`: the fields, the bot's languages (all of them, or
    those besides Danish) with "other" after them, and the lists in lists.toml."""
    lists = {
        name: tuple(Option(item["id"], item["label"]) for item in items)
        for name, items in _read("lists").items()
    }
    lists["fields"] = tuple(Option(field.id, field.label) for field in load_fields())
    other = Option(OTHER_LANGUAGES, N_("Other languages"))
    spoken = tuple(Option(language.code, language.msgid) for language in LANGUAGES)
    lists["languages"] = (*spoken, other)
    lists["languages_besides_danish"] = (*(o for o in spoken if o.id != DANISH), other)
    return lists


@cache
def load(name: str) -> Questionnaire:
    """A questionnaire from bot/model/questionnaires/<name>.toml, checked for mistakes."""
    raw = _read(name)
    questions = tuple(_question(name, entry) for entry in raw["question"])
    _check(name, questions)
    return Questionnaire(raw["id"], raw["version"], raw["title"], raw["intro"], questions)


def _read(name: str) -> dict[str, Any]:
    with (QUESTIONNAIRES_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _question(name: str, entry: dict[str, Any]) -> Question:
    options: tuple[Option, ...] = ()
    if "options_from" in entry:
        options = option_lists()[entry["options_from"]]
    elif "options" in entry:
        options = tuple(Option(item["id"], item["label"]) for item in entry["options"])
    when = Condition(**entry["when"]) if "when" in entry else None
    return Question(
        id=entry["id"],
        kind=Kind(entry["kind"]),
        label=entry["label"],
        text=entry["text"],
        required=entry.get("required", True),
        options=options,
        min_length=entry.get("min_length", 1),
        max_length=entry.get("max_length", DEFAULT_MAX_LENGTH),
        minimum=entry.get("min"),
        maximum=entry.get("max"),
        format=entry.get("format"),
        when=when,
        must_be_yes=entry.get("must_be_yes", False),
        refusal=entry.get("refusal"),
    )


def _check(name: str, questions: tuple[Question, ...]) -> None:
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise ValueError(f"{name}.toml: question id {question.id!r} appears twice")
        if question.kind in (Kind.SINGLE, Kind.MULTI) and not question.options:
            raise ValueError(f"{name}.toml: {question.id} needs options")
        if question.must_be_yes and question.refusal is None:
            raise ValueError(f"{name}.toml: {question.id} must say its refusal")
        when = question.when
        if when is not None and when.question is not None and when.question not in seen:
            raise ValueError(f"{name}.toml: {question.id} depends on a later question")
        seen.add(question.id)


# -- a person's way through a questionnaire ----------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Where one person is in one questionnaire, with their answers so far."""

    id: int
    participant_id: int
    questionnaire: str
    submitted: bool
    current: str | None  # the question being asked; None: the summary
    selection: tuple[str, ...]  # ticked, not yet confirmed options of a multi-choice question
    answers: dict[str, Answer]
    prompt_message_id: int | None
    closed: bool = False  # closed unfinished when the person withdrew their consent
