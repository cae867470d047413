"""Kill -9 at random points of a programme run: the bot as a subprocess that the emulator kills.

The emulator and the simulated people live in the test's process; the bot runs as
`python -m tests.crash_bot` on a database file and dies by SIGKILL when the emulator receives the
N-th call that changes a chat (seeded N). Half of the kills let that call reach the chat first
(the bot never learns it went through), half drop it. After a kill the bot starts again on the
same database and the people carry on as people do: a step that got no reaction is done again
(the same button, or /start to see where they are). The database at the end, normalised, must be
the same as after an undisturbed run.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.handlers import questions as view
from bot.i18n import LANGUAGE_NAMES, translator
from bot.model.questionnaire import Kind
from sandbox import BotApiEmulator, SimulatedUser
from sandbox.emulator import ApiCall
from tests.scenarios import MENTEE_ANSWERS, MENTOR_ANSWERS, ROLE_BUTTONS, question_in, visible

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:TESTtokenTESTtokenTESTtokenTESTtok"
COORDINATOR_ID = 900001
MENTOR_ID = 9001
MENTEE_ID = 9002
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Copenhagen
MEETING_DAY = date(2026, 11, 28)  # the Saturday after
# Calls that change what a person sees; the kill points count these only (not getUpdates, nor
# the command menus every start publishes).
EFFECT_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVoice",
        "editMessageText",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
    }
)
START_TIMEOUT_S = 30.0
REACTION_TIMEOUT_S = 8.0
POLL_S = 0.005
EXTRA_RETRIES = 2
QUIET_S = 0.5  # no call from the bot for this long, and no update pending: it is idle
INVITATION = re.compile(r"\?start=(r_[A-Za-z0-9_-]+)")

# What legitimately differs between two runs of the same script, left out of the comparison:
# - Telegram message ids (questionnaire prompts, review, alert and note-prompt messages): after a
#   kill a person may get a prompt twice or an extra "welcome back", which shifts every later id
#   in that chat. Which rows point at messages is still compared.
# - Invitation and recruitment codes: random by design (secrets.token_urlsafe), in every run.
# - Invitations nobody used, and the invitations' own ids: when a kill cuts off the reply to
#   /invite, the coordinator never sees that link and asks again; the unused one stays behind.
LEFT_OUT_COLUMNS = {
    "questionnaire_runs": {"prompt_message_id"},
    "screening_decisions": {"note_prompt_message_id"},
    "review_messages": {"message_id"},
    "alert_messages": {"message_id"},
    "reply_prompts": {"message_id"},
    "referrals": {"id", "code"},
    "recruitment_channels": {"code"},
    # A meeting's calendar UID is random by design; which run of the bot sent a message too.
    "meetings": {"uid"},
    "meeting_notices": {"pending_by"},
}
LEFT_OUT_ROWS = {"referrals": "participant_id IS NOT NULL"}
# The bot's record of its scheduled scans' runs: when they ran depends on when the kills fell.
# The inbox of updates (bot/inbox.py): update ids and times differ with every retry a kill
# causes. What it is for is counted apart (Harness.lost_updates).
LEFT_OUT_TABLES = {"scan_runs", "inbox"}
# When a one-off notice was marked sent (bot/notices.py): a notice a kill cut off is sent by the
# notices scan later, and even undisturbed the mark may read the clock after the harness moved
# it on. Whether each one is marked is still compared.
TOLD_COLUMNS = {
    "pairs": {"announced_at"},
    "screenings": {"coordinators_told_at"},
    "screening_decisions": {"mentor_told_at"},
    "intakes": {"coordinators_told_at"},
    # A meeting's message a kill cut off goes out with the next wave, at a later time.
    "meeting_notices": {"sent_at"},
    "questionnaire_runs": {"thanked_at"},
}


def dump(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, normalised (see LEFT_OUT_COLUMNS) and sorted."""
    connection = sqlite3.connect(database)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
            if row[0] not in LEFT_OUT_TABLES
        ]
        result = {}
        for table in tables:
            left_out = LEFT_OUT_COLUMNS.get(table, set())
            told = TOLD_COLUMNS.get(table, set())
            columns = [
                f"{row[1]} IS NOT NULL" if row[1] in told else row[1]
                for row in connection.execute(f"PRAGMA table_info({table})")
                if row[1] not in left_out
            ]
            where = f" WHERE {LEFT_OUT_ROWS[table]}" if table in LEFT_OUT_ROWS else ""
            rows = connection.execute(f"SELECT {', '.join(columns)} FROM {table}{where}")
            result[table] = sorted((tuple(row) for row in rows), key=repr)
        return result
    finally:
        connection.close()


def differences(expected: dict, actual: dict) -> list[str]:
    """The tables whose rows differ, with the rows one side has more often than the other."""
    found = []
    for table in sorted(set(expected) | set(actual)):
        mine, theirs = Counter(expected.get(table, [])), Counter(actual.get(table, []))
        if mine != theirs:
            found.append(f"{table}: missing {list(mine - theirs)}, extra {list(theirs - mine)}")
    return found


@dataclass
class KillPlan:
    """The effect calls (counted from 1) at which the bot dies, and whether each one lands."""

    points: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def random(cls, seed: int, kills: int, calls: int) -> KillPlan:
        chooser = random.Random(seed)
        numbers = chooser.sample(range(1, calls + 1), min(kills, calls))
        return cls({number: chooser.random() < 0.5 for number in sorted(numbers)})


class BotDiedError(Exception):
    """The bot exited without being killed by the plan: a crash of its own."""


class Harness:
    """The bot process, its clock and jobs, the kills, and the people's steps."""

    def __init__(self, emulator: BotApiEmulator, workdir: Path, plan: KillPlan) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.control = workdir / "control"
        self.database = workdir / "mentorbro.sqlite3"
        self.plan = plan
        self.now = START
        self.effect_calls = 0
        self.kills = 0
        self._jobs = 0
        self.last_effect = 0.0
        self.trace: list[str] = []  # steps, kills and restarts, for the message of a failure
        self.process: asyncio.subprocess.Process | None = None
        # Besides the plan: every effect call this says yes to kills the bot, the call landing
        # first if `kill_lands`.
        self.kill_when: Callable[[ApiCall], bool] | None = None
        self.kill_lands = False
        # The update id whose confirmation by a getUpdates (its offset past it) kills the bot.
        self.kill_at_confirmation: int | None = None
        self.held = EffectGate()
        emulator.interceptors.append(self.held.intercept)
        emulator.interceptors.append(self._intercept)

    # -- the bot process -------------------------------------------------------------------------

    async def start(self) -> None:
        self.control.mkdir(parents=True, exist_ok=True)
        self._write_clock()
        env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": self.emulator.base_url,
            "DATABASE_PATH": str(self.database),
            "COORDINATOR_IDS": str(COORDINATOR_ID),
            "LOG_LEVEL": "WARNING",
        }
        polls = self.emulator.stats.by_method.get("getUpdates", 0)
        with (self.workdir / "bot.log").open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.crash_bot",
                str(self.control),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        await self._until(
            lambda: self.emulator.stats.by_method.get("getUpdates", 0) > polls,
            START_TIMEOUT_S,
            "the bot to poll for updates",
        )

    async def stop(self) -> None:
        """SIGTERM: the bot finishes what it is doing and closes the database."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        await self.process.wait()

    async def until_dead(self) -> None:
        """Wait until a kill (planned or chosen) has ended the bot."""
        await self._until_or_death(lambda: False, START_TIMEOUT_S, "the kill")
        assert not self.alive(), "the bot was not killed"

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def _intercept(self, call: ApiCall, request: web.Request) -> web.StreamResponse | None:
        if call.method == "getUpdates" and self._confirms_the_awaited(call):
            # Telegram takes the offset, and forgets the updates before it; the bot dies.
            self.emulator.updates.confirm(int(call.params["offset"]))
            self.kill_at_confirmation = None
            self.trace.append(f"kill after getUpdates confirmed {call.params['offset']}")
            await self._kill()
            self.held.release()
            return web.json_response({"ok": False, "error_code": 502}, status=502)
        if call.method not in EFFECT_METHODS:
            return None
        if self.kill_when is not None and self.kill_when(call):
            response = await self.emulator.execute(call) if self.kill_lands else None
            self.trace.append(f"kill at {call.method} (chosen, lands: {self.kill_lands})")
            await self._kill()
            return response or web.json_response({"ok": False, "error_code": 502}, status=502)
        self.effect_calls += 1
        self.last_effect = time.monotonic()
        lands = self.plan.points.get(self.effect_calls)
        if lands is None:
            return None
        response = await self.emulator.execute(call) if lands else None
        self.trace.append(f"kill at call {self.effect_calls} {call.method} (lands: {lands})")
        await self._kill()
        return response or web.json_response({"ok": False, "error_code": 502}, status=502)

    def _confirms_the_awaited(self, call: ApiCall) -> bool:
        awaited = self.kill_at_confirmation
        offset = call.params.get("offset")
        return awaited is not None and offset is not None and int(offset) > awaited

    def lost_updates(self) -> int:
        """Updates people sent that the bot neither handled nor set aside (a failed one)."""
        connection = sqlite3.connect(self.database)
        try:
            done = {
                row[0]
                for row in connection.execute("SELECT update_id FROM inbox WHERE status != 'open'")
            }
        finally:
            connection.close()
        sent = range(1, self.emulator.updates.last_id + 1)
        return sum(1 for number in sent if number not in done)

    async def _kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.process.wait()
        self.kills += 1

    async def _revive(self) -> None:
        """Start the bot again after a kill; a bot that died by itself fails the run."""
        assert self.process is not None
        if self.process.returncode != -signal.SIGKILL:
            log = (self.workdir / "bot.log").read_text(errors="replace")
            raise BotDiedError(f"the bot exited with {self.process.returncode}:\n{log[-3000:]}")
        self.trace.append("restart")
        await self.start()

    # -- time and jobs ---------------------------------------------------------------------------

    def _write_clock(self) -> None:
        temporary = self.control / "now.tmp"
        temporary.write_text(self.now.isoformat(), encoding="utf-8")
        temporary.replace(self.control / "now")

    def advance(self, **duration: float) -> None:
        self.now += timedelta(**duration)
        self._write_clock()

    def set_clock(self, moment: datetime) -> None:
        self.now = moment
        self._write_clock()

    async def run_job(self, name: str) -> None:
        """Have the bot run a scheduled job now and wait until it has (across kills)."""
        self._jobs += 1
        request = self.control / f"job-{self._jobs:04d}"
        temporary = self.control / "request.tmp"
        temporary.write_text(name, encoding="utf-8")
        temporary.replace(request)
        done = request.with_name(request.name + ".done")
        while not await self._until_or_death(done.exists, START_TIMEOUT_S, f"job {name}"):
            if self.alive():
                raise AssertionError(f"the job {name} did not finish:\n{self.describe()}")
            await self._revive()

    # -- waiting ---------------------------------------------------------------------------------

    async def appears(self, condition: Callable[[], bool]) -> bool:
        """Wait a moment for something the bot sends anyway; False if it does not come."""
        if not await self._until_or_death(condition, REACTION_TIMEOUT_S, "a message"):
            if not self.alive():
                await self._revive()
            return condition()
        return True

    async def _until(self, condition: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if self.process is not None and self.process.returncode is not None:
                await self._revive()  # which waits for its own start: look again
                continue
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(POLL_S)

    async def _until_or_death(
        self, condition: Callable[[], bool], seconds: float, what: str
    ) -> bool:
        """True once `condition` holds, False when the bot died first."""
        deadline = time.monotonic() + seconds
        while not condition():
            if not self.alive():
                return False
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(POLL_S)
        return True

    async def step(
        self,
        what: str,
        act: Callable[[], Awaitable[object]],
        reacted: Callable[[], bool],
        retries: list[Callable[[], Awaitable[object]]],
    ) -> None:
        """Do `act` and wait for the bot's reaction. When the bot died or nothing came, wait
        until the (restarted) bot has taken what was pending, then do the retries one after the
        other (as a person would) until the reaction is there."""
        self.trace.append(what)
        await act()
        # The last retry (/start) may be needed again when a kill cuts off its answer too.
        for retry in [*retries, *retries[-1:] * EXTRA_RETRIES, None]:
            if await self._until_or_death(reacted, REACTION_TIMEOUT_S, what):
                break
            await self._settle()
            if reacted():
                break
            if retry is None:
                raise AssertionError(f"no reaction to: {what}; chats:\n{self.describe()}")
            self.trace.append(f"  again: {getattr(retry, '__name__', 'the same')}")
            await retry()
        if not self.alive():  # killed right after the reaction went out
            await self._revive()

    async def _settle(self) -> None:
        """Until the bot (restarted if it died) has fetched every update and been quiet a while."""
        while True:
            if not self.alive():
                await self._revive()
            quiet_since = self.last_effect
            await asyncio.sleep(QUIET_S)
            if (
                self.alive()
                and not self.emulator.updates.pending
                and self.last_effect == quiet_since
            ):
                return

    def describe(self) -> str:
        """The last steps, and the last messages of each chat."""
        chats = [
            f"{user!r}:\n  " + "\n  ".join(m.describe()[:300] for m in user.messages[-4:])
            for user in self.emulator.users
        ]
        return "\n".join(["steps:", *self.trace[-12:], *chats])


class WebhookBot:
    """`python -m bot` receiving updates as a webhook, on the harness's database; the test posts
    the updates as Telegram does, and may kill it."""

    SECRET = "crash-test-webhook-secret-0123456789"

    def __init__(self, emulator: BotApiEmulator, database: Path, workdir: Path) -> None:
        self.emulator = emulator
        self.database = database
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start it and wait until it registered its webhook (after it replayed the inbox)."""
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": TOKEN,
            "BOT_API_BASE_URL": self.emulator.base_url,
            "DATABASE_PATH": str(self.database),
            "BACKUP_DIR": str(self.workdir / "backups"),
            "COORDINATOR_IDS": str(COORDINATOR_ID),
            "LOG_LEVEL": "WARNING",
            "WEBHOOK_URL": self.url,
            "WEBHOOK_SECRET": self.SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
        }
        registered = self.emulator.stats.by_method.get("setWebhook", 0)
        with (self.workdir / "webhook.log").open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.workdir, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.emulator.stats.by_method.get("setWebhook", 0) == registered:
            assert self.process.returncode is None, "the webhook bot exited at its start"
            assert time.monotonic() < deadline, "the webhook bot did not register its webhook"
            await asyncio.sleep(POLL_S)

    def taken(self) -> list[dict]:
        """The updates people sent since the last call, as Telegram posts them (in order)."""
        updates = list(self.emulator.updates.pending)
        self.emulator.updates.clear()
        return updates

    async def post(self, update: dict) -> int:
        """Post one update as Telegram does; the HTTP status (retried while it starts)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.SECRET}
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.post(self.url, json=update, headers=headers) as response:
                        return response.status
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.1)
        raise AssertionError(f"nothing listens on {self.url}")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EffectGate:
    """Holds the bot's effect calls while closed: nobody sees anything until the bot is
    killed; then each held call fails (502), as a call cut off by the kill does."""

    def __init__(self) -> None:
        self._open: asyncio.Event | None = None

    def hold(self) -> None:
        self._open = asyncio.Event()

    def release(self) -> None:
        if self._open is not None:
            self._open.set()
            self._open = None

    async def intercept(self, call: ApiCall, request: web.Request) -> web.StreamResponse | None:
        opened = self._open
        if opened is None or call.method not in EFFECT_METHODS:
            return None
        await opened.wait()
        return web.json_response({"ok": False, "error_code": 502}, status=502)


# -- what people see -------------------------------------------------------------------------------


def received(user: SimulatedUser, since: int) -> list[int]:
    """Ids of the bot's messages to her from the `since`-th on."""
    return user.chat.bot_message_ids[since:]


def newest(user: SimulatedUser, since: int = 0):
    """Her newest bot message if it came after the `since`-th, else None."""
    ids = received(user, since)
    return user.message(ids[-1]) if ids else None


def with_button(user: SimulatedUser, label: str, since: int = 0):
    """Her newest message from the `since`-th on that shows a button with this label, or None."""
    for message_id in reversed(received(user, since)):
        message = user.message(message_id)
        if not message.deleted and label in message.button_texts:
            return message
    return None


def answered(user: SimulatedUser, query_id: str) -> bool:
    return any(answer.query_id == query_id for answer in user.chat.callback_answers)


class Person:
    """A simulated person and the steps she takes, through the harness."""

    def __init__(self, harness: Harness, user: SimulatedUser, language: str) -> None:
        self.harness = harness
        self.user = user
        self.t = translator(language)
        self.language = language

    @property
    def seen(self) -> int:
        return len(self.user.chat.bot_message_ids)

    async def start_command(self) -> None:
        await self.user.send("/start")

    async def send(
        self, text: str, reacted: Callable[[int], bool] | None = None, *, again: bool = True
    ) -> None:
        """Type a message; without a reaction, send it again (if `again`), then /start. An
        answer in a questionnaire is not sent again blindly: the bot may have taken it."""
        since = self.seen
        check = reacted or (lambda since: bool(received(self.user, since)))
        retries = [lambda: self.user.send(text)] if again else []
        await self.harness.step(
            f"{self.user!r} sends {text!r}",
            lambda: self.user.send(text),
            lambda: check(since),
            [*retries, self.start_command],
        )

    async def press(
        self,
        label: str,
        message=None,
        reacted: Callable[[int], bool] | None = None,
        *,
        answer_is_enough: bool = False,
    ) -> None:
        """Press a button; without a reaction press it again if it is still there, then /start.
        `answer_is_enough`: the bot's answer to the press (a toast) is the reaction too."""
        since = self.seen
        shown = message or with_button(self.user, label)
        assert shown is not None, (
            f"{self.user!r} sees no button {label!r}:\n{self.harness.describe()}"
        )
        queries: list[str] = []

        async def press_it() -> None:
            if label in self.user.message(shown.message_id).button_texts:
                queries.append(await self.user.press(label, message=shown))
            else:
                await self.start_command()

        def done() -> bool:
            if reacted is not None and reacted(since):
                return True
            if reacted is None and received(self.user, since):
                return True
            return answer_is_enough and any(answered(self.user, q) for q in queries)

        await self.harness.step(
            f"{self.user!r} presses {label!r}", press_it, done, [press_it, self.start_command]
        )

    # -- questionnaires --------------------------------------------------------------------------

    def recognised(self, text: str | None, questionnaire: str) -> bool:
        shown = visible(text)
        return (
            question_in(shown, self.language, questionnaire) is not None
            or self.is_summary(shown)
            or self.is_thanks(shown)
            or self.is_pair_status(shown)
            or self.is_municipality_offer(shown)
        )

    def is_municipality_offer(self, text: str) -> bool:
        """The question "Do you mean Aarhus?" after a typed municipality."""
        before, after = self.t.gettext("Do you mean {municipality}?").split("{municipality}")
        return text.startswith(before) and text.endswith(after)

    def is_summary(self, text: str) -> bool:
        return text.startswith(
            self.t.gettext(
                "Here are your answers. Check them, then send them, or change an answer."
            )
        )

    def is_thanks(self, text: str) -> bool:
        """The thanks at the end of a check-in."""
        return text.startswith(
            self.t.gettext("Thank you! Your answers are saved for the coordinator.")
        )

    def is_pair_status(self, text: str) -> bool:
        """What /start shows someone in a pair with no check-in open."""
        parts = self.t.gettext(
            "You and {name} are a mentoring pair. I will ask you now and then how it goes; "
            "/pause gives you a break from that."
        ).split("{name}")
        return all(visible(part) in text for part in parts)

    def prompt_since(self, questionnaire: str) -> Callable[[int], bool]:
        """A question, the summary or thanks as the newest message since the `since`-th."""

        def check(since: int) -> bool:
            message = newest(self.user, since)
            return message is not None and self.recognised(message.text, questionnaire)

        return check

    async def fill(self, answers: dict[str, object], questionnaire: str) -> None:
        """Answer what the newest message asks until the summary (or thanks, for check-ins)."""
        prompt = self.prompt_since(questionnaire)
        while True:
            message = self.user.last
            text = visible(message.text) if message else ""
            question = question_in(text, self.language, questionnaire)
            if self.is_summary(text) or self.is_thanks(text) or self.is_pair_status(text):
                return
            if self.is_municipality_offer(text):
                await self.press(self.t.gettext("Yes"), message, prompt)
                continue
            typed = question is not None and question.kind in (
                Kind.TEXT,
                Kind.NUMBER,
                Kind.MUNICIPALITY,
            )
            if question is None or (not typed and not message.buttons):
                await self.wake(prompt)  # nothing to answer: where am I?
                continue
            value = answers[question.id]
            if value is None:
                await self.press(self.t.gettext("Skip ›"), message, prompt)
            elif question.kind is Kind.YES_NO:
                label = self.t.gettext("Yes") if value == "yes" else self.t.gettext("No")
                await self.press(label, message, prompt)
            elif question.kind is Kind.SINGLE:
                option = question.option(str(value))
                assert option is not None
                await self.press(self.t.gettext(option.label), message, prompt)
            elif question.kind is Kind.MULTI:
                await self.tick(message, question, tuple(value), prompt)  # type: ignore[arg-type]
            else:
                await self.send(str(value), prompt, again=False)

    async def tick(self, message, question, wanted: tuple[str, ...], prompt) -> None:
        """Tick the next option that is not as wanted yet, or press Done when all are."""
        ticked = {
            option.id
            for option in question.options
            if view.TICK + self.t.gettext(option.label) in message.button_texts
        }
        wrong = [o for o in question.options if (o.id in wanted) != (o.id in ticked)]
        if not wrong:
            await self.press(self.t.gettext("Done"), message, prompt)
            return
        label = (view.TICK if wrong[0].id in ticked else "") + self.t.gettext(wrong[0].label)
        edits = message.edit_count

        def changed(since: int) -> bool:
            now = self.user.message(message.message_id)
            return now.edit_count > edits or prompt(since)

        await self.press(label, message, changed)

    async def wake(self, reacted: Callable[[int], bool]) -> None:
        """/start, as someone does who does not know where they are."""
        since = self.seen
        await self.harness.step(
            f"{self.user!r} sends /start",
            self.start_command,
            lambda: reacted(since),
            [self.start_command],
        )

    async def read_introduction(self) -> None:
        """Press Next under each message about mentoring, then Start the questions."""
        next_label, start_label = self.t.gettext("Next ›"), self.t.gettext("Start the questions ›")
        intake = self.prompt_since("intake")

        def moved(since: int) -> bool:
            message = newest(self.user, since)
            return message is not None and (
                bool({next_label, start_label} & set(message.button_texts))
                or self.recognised(message.text, "intake")
            )

        while True:
            message = self.user.last
            if message is not None and self.recognised(message.text, "intake"):
                return
            if message is not None and start_label in message.button_texts:
                await self.press(start_label, message, intake)
            elif message is not None and next_label in message.button_texts:
                await self.press(next_label, message, moved)
            else:
                await self.wake(moved)


# -- the programme, as its people live it ----------------------------------------------------------

MENTEE_ANSWERS_HEALTH = {**MENTEE_ANSWERS, "field": "health"}
MENTOR_CHECKIN = {
    "met": "in_person",
    "going": "good",
    "coordinator": "contact",
    "note": "We practised job interviews.",
}
MENTEE_CHECKIN = {
    "met": "online",
    "useful": "very",
    "progress": ("applied",),
    "applications": "3",
    "coordinator": "no",
    "note": None,
}


async def onboard(person: Person, role: str, payload: str = "") -> None:
    """/start (with an invitation), the language and, without an invitation, the role."""
    user, t = person.user, person.t
    language_name = LANGUAGE_NAMES[person.language]
    role_label = t.gettext(ROLE_BUTTONS[role])
    await person.send(
        f"/start {payload}".strip(),
        lambda since: any(
            language_name in user.message(i).button_texts for i in received(user, since)
        ),
    )
    if payload:
        await person.press(language_name, with_button(user, language_name), None)
        return
    await person.press(
        language_name,
        with_button(user, language_name),
        lambda since: any(
            role_label in user.message(i).button_texts for i in received(user, since)
        ),
    )
    await person.press(role_label, with_button(user, role_label), person.prompt_since("screening"))


async def send_answers(person: Person) -> None:
    """Send my answers under the summary, again if the bot shows the summary once more."""
    label = person.t.gettext("Send my answers")
    welcome = person.t.gettext("Welcome back! Let us go on where you left off.")

    def moved_on(since: int) -> bool:
        message = newest(person.user, since)
        return message is not None and visible(message.text) != welcome

    while (summary := person.user.last) is not None and label in summary.button_texts:
        await person.press(label, summary, moved_on)


async def coordinator_button(coordinator: Person, label: str, listing: str) -> None:
    """Press a button on the newest message showing it; without one, open it from `listing`."""
    if not await coordinator.harness.appears(
        lambda: with_button(coordinator.user, label) is not None
    ):
        since = coordinator.seen
        await coordinator.send(listing, shows(coordinator, "1"))
        await coordinator.press(
            "1", with_button(coordinator.user, "1", since), shows(coordinator, label)
        )
    await coordinator.press(label, answer_is_enough=True)


def shows(person: Person, label: str) -> Callable[[int], bool]:
    """A reaction: a message from the `since`-th on with this button."""
    return lambda since: with_button(person.user, label, since) is not None


async def screening(coordinator: Person, mentor: Person) -> None:
    await onboard(mentor, "mentor")
    await mentor.fill(MENTOR_ANSWERS, "screening")
    await send_answers(mentor)
    await coordinator_button(coordinator, "Approve", "/pending")
    await coordinator_button(coordinator, "Mentor course done", "/pending")


async def intake(coordinator: Person, mentee: Person) -> None:
    def link(since: int) -> bool:
        message = newest(coordinator.user, since)
        return message is not None and INVITATION.search(message.text or "") is not None

    await coordinator.send("/invite Aarhus", link)
    payload = INVITATION.search(coordinator.user.last.text or "")
    assert payload is not None
    await onboard(mentee, "mentee", payload.group(1))
    await mentee.read_introduction()
    await mentee.fill(MENTEE_ANSWERS_HEALTH, "intake")
    await send_answers(mentee)


async def match(h: Harness, coordinator: Person, mentor: Person, mentee: Person) -> None:
    """/match, the mentee, the first mentor; both say yes."""
    since = coordinator.seen
    await coordinator.send("/match", shows(coordinator, "1"))
    await coordinator.press(
        "1", with_button(coordinator.user, "1", since), shows(coordinator, "Propose 1")
    )
    proposed = mentor.seen, mentee.seen
    await coordinator.press(
        "Propose 1",
        with_button(coordinator.user, "Propose 1", since),
        reacted=lambda since: any(
            (coordinator.user.message(i).text or "").startswith("The proposal is sent")
            for i in received(coordinator.user, since)
        ),
        answer_is_enough=True,
    )
    for person, since in zip((mentor, mentee), proposed, strict=True):
        yes = person.t.gettext("Yes")

        def proposal(_: int = 0, person: Person = person, since: int = since, yes: str = yes):
            return with_button(person.user, yes, since) is not None

        if not await h.appears(proposal):
            await person.wake(proposal)
        await person.press(yes, with_button(person.user, yes, since))


async def meeting(h: Harness, mentor: Person, mentee: Person) -> None:
    """The mentor plans a meeting five days ahead (a day button, then typed: a typed answer
    that got no reaction is typed again); both get the reminder the day before and the
    question the day after: the mentor says they met, the mentee says no."""
    t, since = mentor.t, mentor.seen
    day = t.day(MEETING_DAY)
    await mentor.send("/meeting", shows(mentor, day))
    await mentor.press(day, with_button(mentor.user, day, since))
    await mentor.send("17:30")
    in_person = t.gettext("In person")
    await mentor.press(in_person, with_button(mentor.user, in_person, since))
    await mentor.send("Café Sonja, Aarhus")
    h.set_clock(START + timedelta(days=4))  # the day before, 10:00
    await h.run_job("meeting-wave")
    h.set_clock(START + timedelta(days=6))  # the day after, 10:00
    before = {mentor: mentor.seen, mentee: mentee.seen}
    await h.run_job("meeting-wave")
    for person, label in ((mentor, "Yes, we met"), (mentee, "No")):
        answer, asked = person.t.gettext(label), before[person]

        def question(_: int = 0, person: Person = person, answer: str = answer, since=asked):
            return with_button(person.user, answer, since) is not None

        if not await h.appears(question):
            await person.wake(question)
        await person.press(answer, with_button(person.user, answer, asked))


async def checkins(h: Harness, coordinator: Person, mentor: Person, mentee: Person) -> None:
    """A stall alert three weeks after the match (the mentee said the planned meeting did not
    take place), then the check-in wave: the mentee answers, the mentor asks for the
    coordinator (an alert at once)."""
    h.set_clock(START + timedelta(days=21))
    await h.run_job("stall-scan")
    await coordinator_button(coordinator, "I will contact them", "/stalled")
    await h.run_job("checkin-wave")
    for person, answers, questionnaire in (
        (mentee, MENTEE_CHECKIN, "checkin_mentee"),
        (mentor, MENTOR_CHECKIN, "checkin_mentor"),
    ):
        await person.fill(answers, questionnaire)
    await h.run_job("stall-scan")


async def programme(h: Harness) -> None:
    """The whole scripted run, from the coordinator's /start to the stall alert."""
    emulator = h.emulator
    coordinator = Person(h, emulator.user(COORDINATOR_ID, "Karen", language_code="en"), "en")
    mentor = Person(h, emulator.user(MENTOR_ID, "Amal", language_code="da"), "da")
    mentee = Person(h, emulator.user(MENTEE_ID, "Yusuf", language_code="ar"), "ar")
    await coordinator.send("/start")
    await screening(coordinator, mentor)
    await intake(coordinator, mentee)
    await match(h, coordinator, mentor, mentee)
    await meeting(h, mentor, mentee)
    await checkins(h, coordinator, mentor, mentee)
    await h.run_job("notices")  # as the bot does soon after each start: what a kill cut off


@asynccontextmanager
async def running(workdir: Path, plan: KillPlan | None = None) -> AsyncIterator[Harness]:
    """The bot started against a fresh emulator (`harness.emulator`) and database; stopped at
    the end, before the emulator."""
    async with BotApiEmulator(token=TOKEN) as emulator:
        harness = Harness(emulator, workdir, plan or KillPlan())
        try:
            await harness.start()
            yield harness
        finally:
            await harness.stop()


async def run_programme(workdir: Path, plan: KillPlan) -> Harness:
    """One run of the programme against a fresh emulator and database; the bot is stopped."""
    async with running(workdir, plan) as harness:
        await programme(harness)
    return harness
