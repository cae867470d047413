"""Bad input, fuzzed: generated updates of every kind, from every kind of person, through the
real application, each followed by the checks a person (or the coordinators' journal) cares about.

After each update: the error handler was not reached (no ERROR logged); no half-done write (rules
that only a partial write breaks hold, no transaction is left open, and bad input such as a
tampered button or an edit leaves every table as it was); nobody but the sender heard of bad
input (a real answer may reach the coordinators and the partner, a coordinator's own button
anyone it concerns); the sender was answered (a message, or the press answered once with
something to read or see change); and every text is in its reader's language (its lines start
with texts of that language's catalog, none with texts only another language has).

How updates reach the bot: the simulated users build every update in the emulator (so their
chats hold what they sent and a callback query refers to a real message of theirs), but instead
of letting the bot poll for it, the test hands it, after a JSON round trip, to the application's
own `process_update`. That runs the real handler chain and error handler, and the bot's calls
still go over HTTP to the emulator. Polling would add a long-poll round trip per update and,
worse, give no moment at which the bot is known to be done with an update; `process_update`
returns exactly then, so "nothing else was sent" can be checked at that moment. The JobQueue is
paused for the same reason: only the update under test may cause a message.

Hypothesis runs the examples one after the other against one population that lives through
all of them (setting it up takes seconds): the checks hold after any history, so the shared
state is wanted, and the function-scoped fixture health check is suppressed on purpose.
Examples are derandomized (the same in every CI run) and not shrunk, since a shrunk example
would replay against a different history; for the same reason Hypothesis may add, under a
failure, that replaying it did not reproduce it. bench/fuzz.py runs longer, with other seeds.
"""

from __future__ import annotations

import html
import itertools
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.commands import COORDINATOR_ONLY, EVERYONE
from bot.config import Config, load_config
from bot.handlers.context import services_of
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, guess_language, translator
from sandbox import BotApiEmulator, SimulatedUser
from sandbox.views import BotMessage
from storage import Database
from tests.conftest import COORDINATOR_ID, TOKEN, RunningBot
from tests.scenarios import (
    MENTEE,
    MENTOR_ANSWERS,
    answer_until,
    both_accept,
    coordinator_ready,
    matched,
    onboard,
    open_pair_card,
    propose,
    question_in,
    read_introduction,
    ready_mentor,
    visible,
    waiting_mentee,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 2000
SECOND_COORDINATOR_ID = 900002
COORDINATOR_CHATS = frozenset({COORDINATOR_ID, SECOND_COORDINATOR_ID})
WAVE = "checkin-wave"
ONE_MENTEE_EACH = {**MENTOR_ANSWERS, "capacity": "1"}  # so each proposal finds its own mentor
STRANGER_LANGUAGES = ("da", "en", "ar", "fr", "pt-BR", None)
MESSAGE_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "sendvoice", "editmessagetext"}
)
VISIBLE_METHODS = MESSAGE_METHODS | {"editmessagereplymarkup", "editmessagecaption"}
TAG = re.compile(r"<[^>]+>")
INVISIBLE = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))


# -- the people ----------------------------------------------------------------------------------


@dataclass
class Population:
    """Everyone who talks to the bot during the run, and the ids that belong to none of them."""

    emulator: BotApiEmulator
    bot: RunningBot
    senders: dict[str, list[SimulatedUser]]
    # Record ids of a pair that never sends anything here: "other people's ids" for forged data.
    foreign_ids: dict[str, list[int]]
    real_ids: dict[str, list[int]]  # of both pairs: what a coordinator may look at
    new_ids: Iterator[int] = field(default_factory=lambda: itertools.count(700_000))

    @property
    def db(self) -> Database:
        assert self.bot.application is not None
        return services_of(self.bot.application).db

    def is_coordinator(self, user: SimulatedUser) -> bool:
        return user.id in COORDINATOR_CHATS


def fuzz_config(emulator: BotApiEmulator, folder: Path) -> Config:
    """Two coordinators, and no flood control to wait for: the run measures handling, not it."""
    return load_config(
        {
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": emulator.base_url,
            "DATABASE_PATH": str(folder / "mentorbro.sqlite3"),
            "COORDINATOR_IDS": f"{COORDINATOR_ID},{SECOND_COORDINATOR_ID}",
            "RATE_LIMIT_PER_SECOND": "1000",
        }
    )


async def pair_up(
    emulator: BotApiEmulator, coordinator: SimulatedUser, mentor_id: int
) -> tuple[SimulatedUser, SimulatedUser]:
    """A ready mentor and a mentee who both accepted the coordinator's proposal."""
    mentor = await ready_mentor(emulator, coordinator, mentor_id, answers=ONE_MENTEE_EACH)
    mentee = await waiting_mentee(emulator, coordinator, mentor_id + 1, MENTEE)
    await propose(coordinator)
    await both_accept(mentor, mentee)
    await coordinator.next_message()  # "New pair: …"
    return mentor, mentee


async def build_population(emulator: BotApiEmulator, config: Config) -> Population:
    """Strangers, a mentor in the screening, a mentee in the intake, a pair with a check-in open,
    two coordinators, and a second pair whose ids the others try to forge."""
    bot = RunningBot(config)
    await bot.start()
    try:
        return await populate(emulator, bot)
    except BaseException:
        await bot.stop()
        raise


async def populate(emulator: BotApiEmulator, bot: RunningBot) -> Population:
    second = emulator.user(SECOND_COORDINATOR_ID, first_name="Layla", language_code="ar")
    await second.send("/start")
    await second.next_message()
    coordinator = await coordinator_ready(emulator)
    foreign = await pair_up(emulator, coordinator, 9101)
    pair = await pair_up(emulator, coordinator, 9001)
    bot.clock.advance(days=13, hours=23)
    await bot.run_job(WAVE)
    bot.clock.advance(hours=1)
    await bot.run_job(WAVE)
    for person in (*foreign, *pair):
        await person.next_message()  # the check-in's first question
    screening = await onboard(emulator, 9201, "ar", "mentor")
    intake = await onboard(emulator, 9202, "da", "mentee")
    await read_introduction(intake, "da")
    strangers = [
        emulator.user(7001 + n, first_name="Stranger", language_code=code)
        for n, code in enumerate(STRANGER_LANGUAGES)
    ]
    population = Population(
        emulator=emulator,
        bot=bot,
        senders={
            "stranger": strangers,
            "mentor in screening": [screening],
            "mentee in intake": [intake],
            "pair": list(pair),
            "coordinator": [coordinator, second],
        },
        foreign_ids={},
        real_ids={},
    )
    population.foreign_ids = await record_ids(population.db, [p.id for p in foreign])
    population.real_ids = await record_ids(population.db, [p.id for p in (*foreign, *pair)])
    await pause_everything_but_updates(bot)
    return population


async def pause_everything_but_updates(bot: RunningBot) -> None:
    assert bot.application is not None and bot.application.updater is not None
    await bot.application.updater.stop()
    assert bot.application.job_queue is not None
    bot.application.job_queue.scheduler.pause()


async def stop_population(population: Population) -> None:
    await population.bot.stop()  # its updater was stopped already; the rest as run_polling does


async def record_ids(db: Database, telegram_ids: list[int]) -> dict[str, list[int]]:
    """The ids of these people's records, by the kind of record callback data names."""
    marks = ",".join("?" * len(telegram_ids))
    people = f"SELECT id FROM participants WHERE telegram_user_id IN ({marks})"
    queries = {
        "participant": people,
        "run": f"SELECT id FROM questionnaire_runs WHERE participant_id IN ({people})",
        "pair": f"SELECT id FROM pairs WHERE mentor_id IN ({people})",
        "checkin": f"SELECT id FROM checkins WHERE participant_id IN ({people})",
        "journal": f"SELECT id FROM journal WHERE author_id IN ({people})",
    }
    found = {}
    for kind, sql in queries.items():
        rows = await db.fetch_all(sql, telegram_ids * (sql.count("?") // len(telegram_ids)))
        found[kind] = [int(row[0]) for row in rows]
    assert all(found[kind] for kind in ("participant", "run", "pair", "checkin"))
    return found


# -- what they send ------------------------------------------------------------------------------

# Callback data the bot makes: prefix, the kind of record its id names, what may follow the id.
FORGEABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "q1": ("run", (":consent:o:yes", ":-:send", ":-:edit", ":name:s", ":field:t:it", ":-:b")),
    "rv1": ("run", (":approved", ":rejected", ":interview", ":course_done")),
    "rvo1": ("run", ("",)),
    "ci1": ("checkin", (":met:o:in_person", ":rating:o:good", ":met:d", ":note:s")),
    "pa1": ("pair", (":y", ":n")),
    "pd1": ("pair", (":field", ":other")),
    "ag1": ("pair", ("", ":2", ":2:6")),
    "po1": ("pair", ("",)),
    "cl1": ("pair", (":on", ":done")),
    "pu1": ("pair", ("",)),
    "pk1": ("pair", ("", ":7")),
    "pp1": ("pair", (":14",)),
    "pr1": ("pair", ("",)),
    "pe1": ("pair", ("", ":job", ":dropped_out")),
    "jr1": ("pair", (":0", ":-1", ":99")),
    "nt1": ("pair", ("",)),
    "mc1": ("participant", ("", ":3")),
    "mt1": ("participant", ("",)),
    "mp1": ("participant", (":1", ":99999999")),
    "jv1": ("journal", ("",)),
    "al1": ("episode", (":take", ":snooze")),
    "an3": ("announcement", (":send", ":cancel")),
    "of1": ("follow-up", (":work", ":neither")),
    "in1": ("step", ("",)),
}
# Presses with which a coordinator looks at a record (or starts a note) without telling anyone.
COORDINATOR_LOOKS = ("jr1", "nt1", "po1", "pu1", "mt1", "rvo1", "jv1")
# Callback data without an id: anybody may press these, and what they do depends on who does.
UNNUMBERED = (
    *(f"lang:1:{code}" for code in ("da", "en", "ar", "fr")),
    "role:1:mentor",
    "role:1:mentee",
    "role:1:coordinator",
    "cp1:7",
    "cp1:30",
    "as1:single",
    "as1:digest",
    "an1:mentors",
    "an1:active_pairs",
    "an2:mentees:one",
    "an2:mentors:each",
)
JUNK_IDS = st.one_of(
    st.sampled_from([0, 2**31, 2**63 - 1, 10**30, 123456789]),
    st.integers(min_value=1_000_000, max_value=10**12),
)
NO_SURROGATES = st.characters(exclude_categories=("Cs",))
TRICKY = st.sampled_from(
    [
        "",
        " ",
        "\n\n",
        "\u200f\u200e",  # right-to-left and left-to-right marks
        "\u200b\u200c\u200d\ufeff",  # zero-width characters
        "\u202e",  # right-to-left override
        "👩🏽‍💻🇩🇰",
        "مرحبا أريد عملاً",
        "Hej, jeg hedder Åse Ødegård",
        "<b>bold</b> & <a href='x'>",
        "{name} %s %(x)s",
        "\x00\x01\x1b[31m",
        "/",
        "//start",
        "a\u0301\u0302\u0303\u0304",
    ]
)
TEXT = st.one_of(
    TRICKY,
    st.text(NO_SURROGATES, max_size=40),
    st.builds(lambda a, b: a + b, TRICKY, st.text(NO_SURROGATES, max_size=20)),
)
LONG_TEXT = st.builds(
    lambda piece, size: (piece * 4096)[:size],
    st.text(NO_SURROGATES, min_size=1, max_size=8),
    st.sampled_from([4095, 4096]),
)
COMMAND_NAMES = (*(c.name for c in (*EVERYONE, *COORDINATOR_ONLY)), "dance", "START", "Help")


@dataclass(frozen=True)
class Action:
    """One update as a person makes it; `inert` ones must leave the database as it was."""

    kind: str
    value: Any = None
    inert: bool = False
    label: str = ""  # the kind of input it stands for, counted in the statistics


def commands() -> st.SearchStrategy[Action]:
    arguments = st.one_of(
        st.just(""),
        st.builds(lambda text: " " + text, TEXT),
        st.sampled_from(
            [
                "@mentorbro_test_bot",
                "@another_bot",
                " r_" + "A" * 8,
                " c_" + "x" * 40,
                " -1",
                " 99999999999999999999",
                " 1.1.2026 31.2.2026",
                " 1",
                " 1 2 3",
            ]
        ),
    )
    return st.builds(
        lambda name, args: Action("text", f"/{name}{args}", inert=name == "dance"),
        st.sampled_from(COMMAND_NAMES),
        arguments,
    )


def media() -> st.SearchStrategy[Action]:
    return st.one_of(
        st.builds(lambda e: Action("sticker", e, inert=True), st.sampled_from(["👍", "🤷"])),
        st.builds(lambda c: Action("photo", c), st.one_of(st.none(), TEXT)),
        st.builds(lambda n: Action("document", n), st.sampled_from(["cv.pdf", "x", "a b.txt"])),
        st.builds(lambda seconds: Action("voice", seconds), st.integers(0, 3600)),
        st.builds(
            lambda lat, lon: Action("location", (lat, lon), inert=True),
            st.floats(-90, 90),
            st.floats(-180, 180),
        ),
        st.builds(lambda phone: Action("contact", phone), st.sampled_from([None, "+4512345678"])),
        st.builds(
            lambda content: Action("content", content),
            st.sampled_from(
                [
                    {"text": ""},
                    {
                        "text": "/start forwarded",
                        "forward_origin": {
                            "type": "hidden_user",
                            "sender_user_name": "X",
                            "date": 1,
                        },
                    },
                    {"dice": {"emoji": "🎲", "value": 6}},
                    {
                        "video_note": {
                            "file_id": "x",
                            "file_unique_id": "y",
                            "length": 1,
                            "duration": 1,
                        }
                    },
                ]
            ),
        ),
    )


def tampered_presses(population: Population, user: SimulatedUser) -> st.SearchStrategy[Action]:
    """Random callback data, or a real prefix with an id that is none of the presser's."""

    def forged(prefix: str) -> st.SearchStrategy[str]:
        kind, endings = FORGEABLE[prefix]
        foreign = [] if population.is_coordinator(user) else population.foreign_ids.get(kind, [])
        ids = st.one_of(JUNK_IDS, st.sampled_from(foreign)) if foreign else JUNK_IDS
        ending = st.one_of(st.sampled_from(endings), st.text(NO_SURROGATES, max_size=12))
        return st.builds(lambda i, e: f"{prefix}:{i}{e}", ids, ending)

    data = st.one_of(
        st.text(NO_SURROGATES, max_size=64),
        st.sampled_from(sorted(FORGEABLE)).flatmap(forged),
        st.sampled_from(sorted(FORGEABLE)).map(lambda prefix: f"{prefix}:-5"),
    )
    where = st.sampled_from(["latest", "inaccessible"])
    tampered = st.builds(lambda d, on: Action("press", (d, on), inert=True), data, where)
    if not population.is_coordinator(user):
        return tampered
    return st.one_of(tampered, coordinator_looks(population))


def coordinator_looks(population: Population) -> st.SearchStrategy[Action]:
    """A coordinator's press that only shows something, on any real record, with any ending:
    they may see it all, and nobody else hears of it."""

    def look(prefix: str) -> st.SearchStrategy[str]:
        kind, endings = FORGEABLE[prefix]
        ids = st.sampled_from(population.real_ids[kind] or [1])
        ending = st.one_of(st.sampled_from(endings), st.text(NO_SURROGATES, max_size=12))
        return st.builds(lambda i, e: f"{prefix}:{i}{e}", ids, ending)

    data = st.sampled_from(COORDINATOR_LOOKS).flatmap(look)
    return st.builds(lambda d: Action("press", (d, "latest")), data)


def updates(population: Population) -> st.SearchStrategy[tuple[SimulatedUser, Action]]:
    def sender(group: str) -> st.SearchStrategy[SimulatedUser]:
        if group == "new stranger":
            return st.builds(
                lambda code: population.emulator.user(
                    next(population.new_ids), first_name="New", language_code=code
                ),
                st.sampled_from(STRANGER_LANGUAGES),
            )
        return st.sampled_from(population.senders[group])

    def action(user: SimulatedUser) -> st.SearchStrategy[Action]:
        kinds = {
            "text": st.builds(lambda text: Action("text", text), TEXT),
            "long text": st.builds(lambda text: Action("text", text), LONG_TEXT),
            "command": commands(),
            "media": media(),
            "edit": st.builds(lambda text: Action("edit", text, inert=True), TEXT),
            "reply": st.builds(lambda text, n: Action("reply", (text, n)), TEXT, st.integers(0)),
            "tampered press": tampered_presses(population, user),
            "own button": st.builds(lambda n: Action("own button", n), st.integers(0)),
            "tap again": st.builds(lambda n: Action("tap again", n), st.integers(0)),
            "press without id": st.builds(
                lambda data: Action("press", (data, "latest")), st.sampled_from(UNNUMBERED)
            ),
        }
        # Tampered presses twice: they have the most ways to go wrong.
        chosen = st.sampled_from([*kinds, "tampered press"])
        return chosen.flatmap(lambda kind: kinds[kind].map(lambda a: replace(a, label=kind)))

    groups = st.sampled_from([*population.senders, "new stranger"])
    return groups.flatmap(sender).flatmap(lambda user: st.tuples(st.just(user), action(user)))


async def perform(
    user: SimulatedUser, action: Action, pressed: dict[int, list[tuple[int, str]]]
) -> None:
    """Make the update in the emulator, as the person's app would send it; `pressed` keeps
    each person's last presses on buttons of theirs, to tap one again."""
    value = action.value
    if action.kind == "text":
        await (user.send(value) if value else user.send_content({"text": value}))
    elif action.kind == "edit":
        await user.send_content({"text": value or "."}, edited=True)
    elif action.kind == "reply":
        text, n = value
        replied = user.messages[n % len(user.messages)] if user.messages else None
        await user.send(text or ".", reply_to=replied.message_id if replied else None)
    elif action.kind == "own button":
        buttons = [
            (message.message_id, button.callback_data)
            for message in user.messages[-3:]
            for row in message.buttons
            for button in row
            if button.callback_data
        ]
        if not buttons:
            await user.send("/start")
            return
        press = buttons[value % len(buttons)]
        pressed[user.id] = [press, *pressed.get(user.id, [])][:3]
        await user.press_data(*press)
    elif action.kind == "tap again":
        earlier = [p for p in pressed.get(user.id, []) if user.chat.find(p[0]) is not None]
        if not earlier:
            await user.send("/help")
            return
        await user.press_data(*earlier[value % len(earlier)])
    elif action.kind == "content":
        await user.send_content(value)
    elif action.kind == "photo":
        await user.send_photo(caption=value)
    elif action.kind == "document":
        await user.send_document(file_name=value)
    elif action.kind == "location":
        await user.send_location(*value)
    elif action.kind == "contact":
        await user.send_contact(value, "Someone" if value else None)
    elif action.kind == "press":
        data, on = value
        latest = user.messages[-1] if user.messages else None
        if on == "inaccessible" or latest is None:
            await user.press_data_on_inaccessible(data)
        else:
            await user.press_data(latest.message_id, data)
    elif action.kind == "voice":
        await user.send_voice(duration=value)
    else:
        assert action.kind == "sticker", action
        await user.send_sticker(value)


# -- what must hold after each update -------------------------------------------------------------


class Records(logging.Handler):
    """The records a logger passes on at or above a level."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def recording() -> Iterator[tuple[Records, Records]]:
    """ERROR records of any logger (the error handler logs each failed update so), and the
    emulator's refusals (what the Bot API said no to, and why)."""
    errors, refusals = Records(logging.ERROR), Records(logging.DEBUG)
    emulator_log = logging.getLogger("sandbox.emulator")
    level = emulator_log.level
    logging.getLogger().addHandler(errors)
    emulator_log.addHandler(refusals)
    emulator_log.setLevel(logging.DEBUG)
    try:
        yield errors, refusals
    finally:
        emulator_log.setLevel(level)
        emulator_log.removeHandler(refusals)
        logging.getLogger().removeHandler(errors)


def summary(record: logging.LogRecord) -> str:
    """The first line of a logged error and the innermost frames of its stack in our code."""
    lines = record.getMessage().splitlines()
    frames = [line.strip() for line in lines if line.strip().startswith('File "')]
    ours = [frame for frame in frames if "site-packages" not in frame]
    return " | ".join([lines[0], *(ours or frames)[-3:]]) if lines else ""


class Languages:
    """Tells whether a text is in a language, by the catalog texts its lines start with (or,
    for a catalog text that starts with a placeholder, the words after it)."""

    MIN_PREFIX = 3
    MIN_FOREIGN = 10

    def __init__(self) -> None:
        msgids = list(all_msgids())
        texts = {lang: catalog_texts(lang, msgids) for lang in SUPPORTED_LANGUAGES}
        openings = {lang: {opening(text) for text in found} - {""} for lang, found in texts.items()}
        self.own = {lang: tuple(sorted(found)) for lang, found in openings.items()}
        self.inner = {
            lang: {f for f in map(after_placeholder, found) if len(f) >= self.MIN_FOREIGN}
            for lang, found in texts.items()
        }
        self.foreign = {}
        for lang, own in openings.items():
            others = set().union(*(found for other, found in openings.items() if other != lang))
            only_theirs = {
                p
                for p in others - own
                if len(p) >= self.MIN_FOREIGN and not any(o.startswith(p) for o in own)
            }
            self.foreign[lang] = tuple(sorted(only_theirs))

    def problem(self, text: str, language: str) -> str | None:
        """None if the text reads as `language`; else what is wrong."""
        lines = [line.strip() for line in normalised(text).splitlines() if line.strip()]
        opens = any(line.startswith(self.own[language]) for line in lines)
        if not opens and not any(f in line for f in self.inner[language] for line in lines):
            return f"no line starts with a {language} catalog text"
        for line in lines:
            if line.startswith(self.foreign[language]):
                return f"a line is not in {language}: {line[:60]!r}"
        return None


def all_msgids() -> Iterator[tuple[str | None, str | tuple[str, ...]]]:
    """Every msgid (with its context) in the code and the questionnaires, new ones included."""
    method_map = [
        ("**.py", "python"),
        ("model/questionnaires/*.toml", "bot.i18n_extract:extract_toml"),
    ]
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "pgettext": ((1, "c"), 2)}
    for _, _, message, _, context in extract_from_dir(str(ROOT / "bot"), method_map, {}, keywords):
        yield context, message


def catalog_texts(
    language: str, msgids: list[tuple[str | None, str | tuple[str, ...]]]
) -> list[str]:
    """Each catalog text in the language, every plural form."""
    t = translator(language)
    texts = []
    for context, message in msgids:
        if isinstance(message, tuple):
            texts += [t.ngettext(message[0], message[1], n) for n in (0, 1, 2, 3, 11, 100)]
        elif context is not None:
            texts.append(t.pgettext(context, message))
        else:
            texts.append(t.gettext(message))
    return texts


def opening(text: str) -> str:
    """A catalog text's first words, up to its first placeholder or markup."""
    lines = normalised(re.split(r"[{<]", text, maxsplit=1)[0]).strip().splitlines()
    first = lines[0].strip() if lines else ""
    return first if len(first) >= Languages.MIN_PREFIX else ""


def after_placeholder(text: str) -> str:
    """For a catalog text that starts with a placeholder, the words after it."""
    if not text.startswith("{"):
        return ""
    return opening(text[text.find("}") + 1 :])


def normalised(text: str) -> str:
    return html.unescape(TAG.sub("", text)).translate(INVISIBLE)


# Each query lists what breaks a rule that every whole write keeps: a half-done write shows here.
INVARIANTS = {
    "a sent screening without its review": (
        "SELECT r.id FROM questionnaire_runs r LEFT JOIN screenings s ON s.run_id = r.id "
        "WHERE r.questionnaire = 'screening' AND r.status = 'submitted' AND s.run_id IS NULL"
    ),
    "a review of a screening that was not sent": (
        "SELECT s.run_id FROM screenings s JOIN questionnaire_runs r ON r.id = s.run_id "
        "WHERE r.status != 'submitted' OR r.questionnaire != 'screening'"
    ),
    "a decided screening without its decision": (
        "SELECT s.run_id FROM screenings s WHERE s.status != 'pending' AND NOT EXISTS "
        "(SELECT 1 FROM screening_decisions d WHERE d.run_id = s.run_id)"
    ),
    "a sent intake without the mentee waiting": (
        "SELECT r.id FROM questionnaire_runs r LEFT JOIN intakes i ON i.run_id = r.id "
        "WHERE r.questionnaire = 'intake' AND r.status = 'submitted' AND i.run_id IS NULL"
    ),
    "a running pair that not both accepted": (
        "SELECT id FROM pairs WHERE status IN ('active', 'paused') AND (started_at IS NULL "
        "OR mentor_answer IS NOT 'accepted' OR mentee_answer IS NOT 'accepted')"
    ),
    "an ended pair without its end": (
        "SELECT id FROM pairs WHERE status = 'ended' AND (ended_at IS NULL OR outcome IS NULL)"
    ),
    "a pair without the event of its proposal": (
        "SELECT id FROM pairs p WHERE NOT EXISTS "
        "(SELECT 1 FROM pair_events e WHERE e.pair_id = p.id AND e.event = 'proposed')"
    ),
    "an answered check-in missing from the journal": (
        "SELECT c.id FROM checkins c WHERE c.status = 'answered' AND NOT EXISTS "
        "(SELECT 1 FROM journal j WHERE j.checkin_id = c.id AND j.kind = 'checkin')"
    ),
    "a journaled answer to a check-in still open": (
        "SELECT j.id FROM journal j JOIN checkins c ON c.id = j.checkin_id "
        "WHERE j.kind = 'checkin' AND c.status != 'answered'"
    ),
    "a reference to a missing row": "PRAGMA foreign_key_check",
}


async def broken_invariants(db: Database) -> list[str]:
    broken = [name for name, sql in INVARIANTS.items() if await db.fetch_all(sql)]
    # A handler that failed inside a transaction must have rolled it back, not left it open
    # for the next statement to commit half of it.
    if db._writer.in_transaction:
        broken.append("a transaction left open")
    return broken


# Which message shows a question: asking it again after bad input is no change of substance.
SHOWN_IN = frozenset({"prompt_message_id"})


async def snapshot(db: Database, sender: SimulatedUser) -> dict[str, list[tuple]]:
    """Every row of every table, but the sender's own participant row (first contact makes it)."""
    tables = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    dump = {}
    for (table,) in tables:
        if table == "participants":
            rows = await db.fetch_all(
                "SELECT * FROM participants WHERE telegram_user_id != ? ORDER BY id", (sender.id,)
            )
        else:
            rows = await db.fetch_all(f'SELECT * FROM "{table}" ORDER BY rowid')
        dump[table] = [
            tuple(value for key, value in zip(row.keys(), row, strict=True) if key not in SHOWN_IN)
            for row in rows
        ]
    return dump


async def language_of(population: Population, user: SimulatedUser, known: str | None) -> str:
    """The language the person has now; `known` before an update for one who erased their data
    with it, the one their app says for someone never met."""
    row = await population.db.fetch_one(
        "SELECT language FROM participants WHERE telegram_user_id = ?", (user.id,)
    )
    if row is not None:
        return str(row[0])
    return known or guess_language(user.language_code, population.bot.config.default_language)


def chats_written_to(params: dict[str, Any]) -> set[int]:
    chats = {params.get("chat_id"), (params.get("scope") or {}).get("chat_id")}
    return {int(chat) for chat in chats if chat is not None}


def texts_of(call_params: dict[str, Any]) -> list[str]:
    return [str(call_params[key]) for key in ("text", "caption") if call_params.get(key)]


@dataclass
class Fuzz:
    """Sends one update and checks what a person would notice, and what the database holds."""

    population: Population
    languages: Languages
    errors: Records
    refusals: Records
    updates_sent: int = 0
    pressed: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    strategy: st.SearchStrategy[tuple[SimulatedUser, Action]] = field(init=False)

    def __post_init__(self) -> None:
        self.strategy = updates(self.population)

    async def send(self, user: SimulatedUser, action: Action) -> None:
        db = self.population.db
        errors_before, refusals_before = len(self.errors.records), len(self.refusals.records)
        before = await snapshot(db, user) if action.inert else None
        # Asked before the update: an erasure forgets the pair and the language.
        may_be_told = await self.may_be_told(user, action)
        known_language = await language_of(self.population, user, None)
        update, calls = await self.deliver(user, action)
        self.updates_sent += 1
        failed = [summary(record) for record in self.errors.records[errors_before:]]
        refused = [record.getMessage() for record in self.refusals.records[refusals_before:]]
        assert not failed, f"the error handler was reached: {failed}; the Bot API said {refused}"
        broken = await broken_invariants(db)
        assert not broken, f"partial write: {broken}"
        if before is not None:
            after = await snapshot(db, user)
            changed = [table for table in after if after[table] != before.get(table)]
            assert not changed, f"bad input changed the database: {changed}"
        others = {
            chat
            for method, params in calls
            for chat in chats_written_to(params)
            if not self.shared_card(user, method, chat)
        }
        others -= {user.id, *may_be_told}
        assert not others, f"the bot wrote to someone else: {sorted(others)}"
        self.check_answered(update, calls)
        for _, params in calls:
            reader = self.population.emulator.user(next(iter(chats_written_to(params)), user.id))
            language = await language_of(
                self.population, reader, known_language if reader is user else None
            )
            for text in texts_of(params):
                problem = self.languages.problem(text, language)
                assert problem is None, f"{problem}; the text: {text[:300]!r}"

    async def deliver(self, user: SimulatedUser, action: Action) -> tuple[dict, list]:
        """The update as JSON off the wire into the application; the Bot API calls it caused."""
        emulator = self.population.emulator
        first_call = len(emulator.calls)
        await perform(user, action, self.pressed)
        (update,) = emulator.updates.pending
        emulator.updates.clear()
        application = self.population.bot.application
        assert application is not None
        wire = json.loads(json.dumps(update))
        await application.process_update(Update.de_json(wire, application.bot))
        return update, [(call.method.lower(), call.params) for call in emulator.calls[first_call:]]

    async def may_be_told(self, user: SimulatedUser, action: Action) -> set[int]:
        """Who besides the sender may hear of an update. Of bad input: nobody. Of what may be
        a real answer (a text, a voice note, a press on a button the bot gave): for a
        participant the coordinators and their partner (a sent screening, a check-in asking
        for contact, a yes to a proposal); for a coordinator's press anyone it concerns. Of a
        second tap on the same button: nobody, it was done the first time."""
        if action.inert or action.kind == "tap again":
            return set()
        if self.population.is_coordinator(user):
            if action.kind == "own button":
                return {u.id for u in self.population.emulator.users}
            return set()
        rows = await self.population.db.fetch_all(
            "SELECT p.telegram_user_id FROM pairs JOIN participants p "
            "ON p.id IN (pairs.mentor_id, pairs.mentee_id) JOIN participants me "
            "ON me.id IN (pairs.mentor_id, pairs.mentee_id) WHERE me.telegram_user_id = ?",
            (user.id,),
        )
        return set(COORDINATOR_CHATS) | {int(row[0]) for row in rows}

    def shared_card(self, user: SimulatedUser, method: str, chat: int) -> bool:
        """Coordinators share the cards of screenings and alerts: what one of them does there
        (a note, a decision) is brought up to date in the others' copies, by design."""
        is_coordinator = self.population.is_coordinator
        return method.startswith("edit") and is_coordinator(user) and chat in COORDINATOR_CHATS

    @staticmethod
    def check_answered(update: dict[str, Any], calls: list[tuple[str, dict]]) -> None:
        """A message gets a message; a button press gets its query answered and something to
        read or see change."""
        visible = [method for method, _ in calls if method in VISIBLE_METHODS]
        if "callback_query" not in update:
            assert any(method in MESSAGE_METHODS for method in visible), "no answer at all"
            return
        query_id = update["callback_query"]["id"]
        answers = [p for m, p in calls if m == "answercallbackquery"]
        assert [p["callback_query_id"] for p in answers] == [query_id], "query not answered once"
        assert answers[0].get("text") or visible, "the press was answered with silence"


# -- the test ------------------------------------------------------------------------------------


@pytest.fixture
async def fuzz(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Fuzz]:
    population = await build_population(emulator, fuzz_config(emulator, tmp_path))
    try:
        with recording() as (errors, refusals):
            yield Fuzz(population, Languages(), errors, refusals)
    finally:
        await stop_population(population)


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@FUZZ_SETTINGS
@given(data=st.data())
async def test_any_update_is_answered_in_the_senders_language_and_harms_nothing(
    fuzz: Fuzz, data: st.DataObject
) -> None:
    user, action = data.draw(fuzz.strategy, label="update")
    event(action.label)
    await fuzz.send(user, action)


# -- what the fuzz found, kept as plain stories -------------------------------------------------


async def test_a_press_without_data_is_refused_kindly(emulator, bot) -> None:
    """PTB gives a press without data to every pattern handler as a match; it crashed the first."""
    user = await onboard(emulator, 3101, "ar", "mentee")
    await user.press_data(user.messages[-1].message_id, "")
    answer = await user.next_callback_answer()
    assert answer.text == translator("ar").gettext("This button is no longer active.")


async def test_an_alert_is_brought_up_to_date_in_the_language_its_reader_chose_since(
    emulator, bot
) -> None:
    """A coordinator who switched to Arabic after an alert came saw its update in English."""
    coordinator, _, _ = await matched(emulator)
    bot.clock.advance(days=21)
    await bot.run_job("stall-scan")
    alert = await coordinator.next_message()
    await coordinator.send("/language")
    await coordinator.next_message()
    await coordinator.press(LANGUAGE_NAMES["ar"])
    await coordinator.next_message()
    await coordinator.press("I will contact them", message=alert)
    edited = await coordinator.wait_for_edit(alert)
    title = translator("ar").gettext("A pair needs your attention")
    assert visible(edited.text).startswith(title)


async def errors_after_all_is_done(user: SimulatedUser, caplog: pytest.LogCaptureFixture) -> list:
    """The errors logged once the bot is done with the person's updates: it takes each person's
    updates in turn, so when a /help sent last is answered, all before it are done."""
    await user.send("/help")
    await user.next_message()
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_double_tap_on_a_pairs_pause_is_no_error(emulator, bot, caplog) -> None:
    """The second tap found the menu of the first shown already: "message is not modified"."""
    coordinator, _, _ = await matched(emulator)
    card = await open_pair_card(coordinator)
    pause = card.button("Pause").callback_data
    await coordinator.press("Pause", message=card)
    menu = await coordinator.wait_for_edit(card)
    await coordinator.press_data(card, pause)
    await coordinator.next_callback_answer()
    assert await errors_after_all_is_done(coordinator, caplog) == []
    assert coordinator.message(card.message_id).button_texts == menu.button_texts


async def test_a_double_tap_on_an_announcements_group_is_no_error(emulator, bot, caplog) -> None:
    coordinator = await coordinator_ready(emulator)
    await coordinator.send("/announce")
    menu = await coordinator.next_message()
    await coordinator.press_data(menu, "an1:mentors")
    asked = await coordinator.wait_for_edit(menu)
    await coordinator.press_data(menu, "an1:mentors")
    await coordinator.next_callback_answer()
    assert await errors_after_all_is_done(coordinator, caplog) == []
    assert coordinator.message(menu.message_id).text == asked.text


def asks(message: BotMessage, question_id: str) -> bool:
    question = question_in(message.text or "", "en")
    return question is not None and question.id == question_id


async def test_an_earlier_copy_of_the_question_asked_again_is_an_earlier_question(
    emulator, bot
) -> None:
    """After Back, a press on the first copy of the question counted and marked that copy
    answered once more."""
    mentor = await onboard(emulator, 3102, "en", "mentor")
    await answer_until(mentor, "en", MENTOR_ANSWERS, stop_before="years")
    (first_copy,) = [m for m in mentor.messages if asks(m, "field")]
    await mentor.press("‹ Back")
    second_copy = await mentor.next_message()
    it = second_copy.button("IT and software").callback_data
    await mentor.press_data(first_copy, it)
    answer = await mentor.next_callback_answer()
    assert answer.text == "That button belongs to an earlier question."
    assert mentor.message(first_copy.message_id).text == first_copy.text
