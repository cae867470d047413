"""The sandbox in a browser: the page's server (fast), and the page itself in headless Chromium."""

from __future__ import annotations

import asyncio
import html
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import ConfigError, load_config
from bot.i18n import LANGUAGE_NAMES, translator
from bot.model.questionnaire import Kind
from sandbox.user import TINY_PNG
from sandbox.web.labels import clock_line
from sandbox.web.server import create_app
from sandbox.web.session import Sandbox
from sandbox.web.settings import SandboxSettings, load_settings
from tests.scenarios import (
    MENTEE_ANSWERS,
    MENTOR_ANSWERS,
    ROLE_BUTTONS,
    question_in,
    submitted_screening,
)

try:
    from playwright.async_api import Locator, Page, async_playwright, expect
except ImportError:  # the browser test says so; the server's tests run without it
    async_playwright = None

COORDINATOR = 1000
MENTOR, MENTEE = 2001, 2002  # the ids the sandbox gives the first two people added
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parent / "artifacts"))

# A bound, not a wait: fast-forward runs every job, slow on a loaded machine (make test runs
# 4 workers on 2 cores).
EVENT_TIMEOUT_S = 20


@pytest.fixture
def settings(tmp_path: Path) -> SandboxSettings:
    return SandboxSettings(port=0, data_dir=tmp_path / "sandbox", coordinator_language="en")


@pytest.fixture
async def sandbox(settings: SandboxSettings) -> AsyncIterator[Sandbox]:
    box = Sandbox(settings, env={})
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(sandbox))) as test_client:
        yield test_client


async def post(client: TestClient, path: str, body: Any, status: int = 200) -> dict[str, Any]:
    response = await client.post(path, json=body)
    answer = await response.json()
    assert response.status == status, answer
    return answer


def bot_messages(chat: dict[str, Any]) -> list[dict[str, Any]]:
    return [message for message in chat["messages"] if message["from_bot"]]


async def chat_event(
    socket: Any, person: int, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The first chat of `person` streamed to the page that satisfies `until`."""
    async with asyncio.timeout(EVENT_TIMEOUT_S):
        while True:
            event = await socket.receive_json()
            if event["type"] == "chat" and event["person"] == person and until(event["chat"]):
                return event["chat"]


def last_text(chat: dict[str, Any]) -> str:
    messages = bot_messages(chat)
    return messages[-1]["text"] if messages else ""


def button_data(chat: dict[str, Any], text: str) -> tuple[int, str]:
    for message in reversed(bot_messages(chat)):
        for row in message["buttons"]:
            for button in row:
                if button["text"] == text:
                    return message["id"], button["data"]
    raise AssertionError(f"no button {text!r} in {chat}")


# -- the server ------------------------------------------------------------------------------


async def test_the_page_and_its_files_are_served(client: TestClient) -> None:
    page = await client.get("/")
    assert page.status == 200
    assert "<title>Mentorbro sandbox</title>" in await page.text()
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("/static/app.js", "/static/app.css"):
        assert (await client.get(asset)).status == 200


def reset_label(language: str) -> str:
    return translator(language).pgettext("sandbox page", "Reset")


async def test_the_page_speaks_the_chosen_or_the_browsers_language(client: TestClient) -> None:
    danish = await (await client.get("/?lang=da")).text()
    assert '<html lang="da" dir="ltr">' in danish
    assert f">{html.escape(reset_label('da'))}</button>" in danish
    assert '<a href="?lang=ar" lang="ar" hreflang="ar">العربية</a>' in danish

    arabic = await (await client.get("/", headers={"Accept-Language": "fr, ar-EG;q=0.8"})).text()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert f">{html.escape(reset_label('ar'))}</button>" in arabic
    assert reset_label("ar") != reset_label("da") != "Reset"
    # Neither asked for nor in the browser's languages: the coordinator's language (here en).
    french = await (await client.get("/", headers={"Accept-Language": "fr"})).text()
    assert '<html lang="en" dir="ltr">' in french and ">Reset</button>" in french

    refused = await post(client, "/api/people?lang=da", {"name": " ", "language": "en"}, 400)
    da = translator("da")
    assert refused["error"] == da.gettext("A name is needed (at most {count} characters).").format(
        count=64
    )
    assert refused["error"].startswith("Skriv et navn")


def test_the_bots_time_is_formatted_for_the_pages_language() -> None:
    moment = datetime(2026, 11, 30, 13, 42, tzinfo=UTC)
    copenhagen = ZoneInfo("Europe/Copenhagen")
    shown = {
        language: clock_line(translator(language), moment, copenhagen, 7)
        for language in ("da", "en", "ar")
    }
    assert shown["da"] == {"clock_text": "man. 30. nov. 14.42", "offset_text": "(+7 dage)"}
    assert shown["en"] == {"clock_text": "Mon, Nov 30, 2:42\u202fPM", "offset_text": "(+7 days)"}
    assert shown["ar"] == {"clock_text": "الاثنين، 30 نوفمبر، 2:42 م", "offset_text": "(+7 أيام)"}
    assert clock_line(translator("da"), moment, copenhagen, 0)["offset_text"] == ""


async def test_the_time_line_streams_in_the_pages_language(
    client: TestClient, sandbox: Sandbox
) -> None:
    socket = await client.ws_connect("/api/events?lang=ar")
    state = await socket.receive_json()
    now = datetime.fromisoformat(state["now"])
    assert (
        state["clock_text"] == clock_line(translator("ar"), now, sandbox.timezone, 0)["clock_text"]
    )
    await post(client, "/api/fast-forward?lang=ar", {"days": 1})
    clock = await socket.receive_json()
    while clock["type"] != "clock":
        clock = await socket.receive_json()
    assert clock["offset_text"] == "(+1 يوم)"
    await socket.close()


async def test_people_are_added_with_a_name_and_a_language(client: TestClient) -> None:
    state = await (await client.get("/api/state")).json()
    assert state["people"] == [
        {"id": COORDINATOR, "name": "Mette", "language": "en", "coordinator": True}
    ]
    added = await post(client, "/api/people", {"name": " Amal  Hassan ", "language": "ar"}, 201)
    assert added == {"id": MENTOR, "name": "Amal Hassan", "language": "ar", "coordinator": False}

    refused = [
        {"name": "   ", "language": "en"},
        {"name": "Yusuf", "language": "fr"},
        {"name": "x" * 65, "language": "en"},
        {"language": "en"},
    ]
    for body in refused:
        assert (await post(client, "/api/people", body, 400))["error"]
    state = await (await client.get("/api/state")).json()
    assert [person["name"] for person in state["people"]] == ["Mette", "Amal Hassan"]


async def test_typing_and_pressing_act_as_the_person_and_stream_live(client: TestClient) -> None:
    socket = await client.ws_connect("/api/events")
    assert (await socket.receive_json())["type"] == "state"
    await post(client, "/api/people", {"name": "Amal", "language": "en"}, 201)
    assert (await socket.receive_json())["type"] == "person"

    await post(client, f"/api/people/{MENTOR}/messages", {"text": "/start"})
    chat = await chat_event(socket, MENTOR, lambda c: "Which language" in last_text(c))
    assert chat["messages"][0] == {
        "id": 1,
        "from_bot": False,
        "date": chat["messages"][0]["date"],
        "edits": 0,
        "text": "/start",
        "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
        "buttons": [],
    }
    message_id, data = button_data(chat, "English")
    await post(client, f"/api/people/{MENTOR}/press", {"message_id": message_id, "data": data})
    chat = await chat_event(socket, MENTOR, lambda c: bool(bot_messages(c)[-1]["buttons"]))
    assert [b["text"] for row in bot_messages(chat)[-1]["buttons"] for b in row] == [
        ROLE_BUTTONS["mentor"],
        ROLE_BUTTONS["mentee"],
    ]
    # The language question was edited in place: its buttons are gone, pressing again is refused.
    language_question = next(m for m in chat["messages"] if m["id"] == message_id)
    assert language_question["edits"] == 1 and language_question["buttons"] == []
    stale = {"message_id": message_id, "data": data}
    assert (
        "no longer there"
        in (await post(client, f"/api/people/{MENTOR}/press", stale, 400))["error"]
    )
    answer = {"text": "Hello", "reply_to": message_id}
    await post(client, f"/api/people/{MENTOR}/messages", answer)
    chat = await chat_event(socket, MENTOR, lambda c: c["messages"][-1]["text"] == "Hello")
    assert chat["messages"][-1]["reply_to"] == message_id
    for refused in (
        {"text": "  "},
        {"text": "Hi", "reply_to": 999},
        {"text": "Hi", "reply_to": "x"},
    ):
        assert (await post(client, f"/api/people/{MENTOR}/messages", refused, 400))["error"]
    assert (await post(client, "/api/people/4242/messages", {"text": "hi"}, 400))["error"]
    await socket.close()


async def test_a_reply_keyboard_is_shown_and_pressed(client: TestClient, sandbox: Sandbox) -> None:
    await post(client, "/api/people", {"name": "Yusuf", "language": "ar"}, 201)
    keyboard = {"keyboard": [["Ja", "Nej"]], "input_field_placeholder": "Svar"}
    sandbox.user(MENTOR).chat.add(from_bot=True, content={"text": "Ja?"}, reply_markup=keyboard)
    assert sandbox.chat(MENTOR)["keyboard"] == {"rows": [["Ja", "Nej"]], "placeholder": "Svar"}

    await post(client, f"/api/people/{MENTOR}/reply-button", {"text": "Nej"})
    assert sandbox.chat(MENTOR)["messages"][-1]["text"] == "Nej"
    assert (await post(client, f"/api/people/{MENTOR}/reply-button", {"text": "Kanske"}, 400))[
        "error"
    ]


async def start_screening(client: TestClient, socket: Any) -> None:
    await post(client, "/api/people", {"name": "Amal", "language": "en"}, 201)
    await post(client, f"/api/people/{MENTOR}/messages", {"text": "/start"})
    chat = await chat_event(socket, MENTOR, lambda c: "Which language" in last_text(c))
    for button in ("English", ROLE_BUTTONS["mentor"]):
        message_id, data = button_data(chat, button)
        await post(client, f"/api/people/{MENTOR}/press", {"message_id": message_id, "data": data})
        chat = await chat_event(socket, MENTOR, lambda c, b=button: button_data_absent(c, b))


def button_data_absent(chat: dict[str, Any], text: str) -> bool:
    """The button was pressed and the bot has answered (it is gone, a message came after)."""
    try:
        button_data(chat, text)
    except AssertionError:
        return bool(bot_messages(chat)[-1]["buttons"])
    return False


async def test_fast_forward_moves_the_clock_and_runs_the_scans(client: TestClient) -> None:
    socket = await client.ws_connect("/api/events")
    start = await socket.receive_json()
    assert start["offset_days"] == 0
    await start_screening(client, socket)

    await post(client, "/api/fast-forward", {"days": 1})
    # The day's reminder and the new clock reach the page in either order.
    clock, chat = None, None
    async with asyncio.timeout(EVENT_TIMEOUT_S):
        while clock is None or chat is None:
            event = await socket.receive_json()
            if event["type"] == "clock":
                clock = event
            elif event["type"] == "chat" and event["person"] == MENTOR:
                chat = event["chat"] if "not finished" in last_text(event["chat"]) else chat
    assert clock["offset_days"] == 1 and clock["now"] > start["now"]
    assert last_text(chat).startswith("You have not finished the questions yet.")
    for days in (0, 32, "a week", None):
        assert (await post(client, "/api/fast-forward", {"days": days}, 400))["error"]
    await socket.close()


async def test_fast_forward_brings_the_mentor_course_reminder_the_day_before(
    client: TestClient, sandbox: Sandbox
) -> None:
    await post(client, "/api/people", {"name": "Amal", "language": "en"}, 201)
    coordinator = sandbox.user(COORDINATOR)
    await coordinator.send("/start")
    await coordinator.next_message()
    mentor = await submitted_screening(sandbox.emulator, MENTOR)
    await coordinator.press("Approve", message=await coordinator.next_message())
    await coordinator.next_message()  # "Saved: …"
    # The sandbox's clock is the real one: a course the day after tomorrow, at 17:00.
    zone = ZoneInfo("Europe/Copenhagen")
    day = (datetime.now(UTC).astimezone(zone) + timedelta(days=2)).date()
    await coordinator.send("/course")
    await coordinator.next_message()
    await coordinator.press("Add a date")
    for answer in (f"{day.day}.{day.month}.{day.year} 17:00", "Online", "10"):
        await coordinator.send(answer, reply_to=await coordinator.next_message())
    await coordinator.press("English", message=await coordinator.next_message())
    invitation = (await mentor.next_messages(2))[-1]
    await mentor.press(invitation.button_texts[0], message=invitation)
    await mentor.wait_for_edit(invitation)

    await post(client, "/api/fast-forward", {"days": 1})
    reminder, calendar_file = await mentor.next_messages(2)
    assert reminder.text.startswith("Reminder: the mentor course is on ")
    assert calendar_file.document["file_name"] == "mentor-course.ics"


async def test_reset_starts_over_with_an_empty_database(
    client: TestClient, settings: SandboxSettings
) -> None:
    socket = await client.ws_connect("/api/events")
    await socket.receive_json()
    await start_screening(client, socket)
    await post(client, "/api/fast-forward", {"days": 1})

    def participants() -> int:
        with sqlite3.connect(settings.database_path) as database:
            return database.execute("SELECT count(*) FROM participants").fetchone()[0]

    assert participants() == 1
    await post(client, "/api/reset", {})
    event = await socket.receive_json()
    while event["type"] != "state":
        event = await socket.receive_json()
    assert [person["id"] for person in event["people"]] == [COORDINATOR]
    assert event["chats"] == {str(COORDINATOR): {"messages": [], "keyboard": None, "notice": None}}
    assert event["offset_days"] == 0
    assert participants() == 0
    # The sandbox goes on: a new person is greeted as the first time.
    await post(client, "/api/people", {"name": "Yusuf", "language": "en"}, 201)
    await post(client, f"/api/people/{MENTOR}/messages", {"text": "/start"})
    await chat_event(socket, MENTOR, lambda c: "Which language" in last_text(c))
    await socket.close()


async def test_files_the_bot_sent_can_be_opened_or_downloaded(
    client: TestClient, sandbox: Sandbox
) -> None:
    csv = sandbox.emulator.files.add("document", b"pair;outcome\n", file_name="pairs æ.csv")
    response = await client.get(f"/files/{csv.file_id}")
    assert response.status == 200 and await response.read() == b"pair;outcome\n"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''pairs%20%C3%A6.csv"
    )
    picture = sandbox.emulator.files.add("photo", b"\x89PNG\r\n\x1a\n")
    response = await client.get(f"/files/{picture.file_id}")
    assert response.status == 200 and response.content_type == "image/jpeg"
    assert (await client.get("/files/nothing")).status == 404


async def test_other_web_sites_cannot_read_or_act(client: TestClient) -> None:
    foreign = await client.get("/api/events", headers={"Origin": "http://evil.example"})
    assert foreign.status == 403
    form = await client.post("/api/people", data="name=Eve&language=en")
    assert form.status == 415
    state = await (await client.get("/api/state")).json()
    assert len(state["people"]) == 1


def test_the_sandbox_never_uses_the_configured_database(tmp_path: Path) -> None:
    env = {
        "DATABASE_PATH": str(tmp_path / "real.sqlite3"),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "TIMEZONE": "Europe/Copenhagen",
        "SANDBOX_DATA_DIR": str(tmp_path / "play"),
        "SANDBOX_PORT": "8181",
    }
    settings = load_settings(env)
    assert settings.port == 8181
    config = load_config(settings.bot_environment(env, "http://127.0.0.1:1/bot"))
    assert config.database_path == tmp_path / "play" / "sandbox.sqlite3"
    assert config.webhook is None
    assert config.backup.keep == 0  # no backups of a play database
    assert config.coordinator_ids == {settings.coordinator_id}
    with pytest.raises(ConfigError, match="SANDBOX_DATA_DIR"):
        load_settings(
            {"DATABASE_PATH": str(tmp_path / "sandbox.sqlite3"), "SANDBOX_DATA_DIR": str(tmp_path)}
        )
    with pytest.raises(ConfigError, match="SANDBOX_PORT"):
        load_settings({"SANDBOX_PORT": "http"})


# -- the page in a browser -------------------------------------------------------------------

MENTEE_IN_HEALTH = {**MENTEE_ANSWERS, "field": "health"}  # the mentor's field: a good match


def browser_missing() -> str | None:
    if async_playwright is None:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; make test installs it)"
    return None


@pytest.fixture
async def page(client: TestClient) -> AsyncIterator[Page]:
    """The sandbox page in headless Chromium; in CI a missing browser fails the test."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    assert async_playwright is not None
    errors: list[Exception] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        opened = await browser.new_page(viewport={"width": 1600, "height": 900})
        opened.set_default_timeout(10_000)
        opened.on("pageerror", lambda error: errors.append(error))
        await opened.goto(str(client.make_url("/?lang=en")))
        yield opened
        await browser.close()
    assert not errors, errors


class PageChat:
    """One chat column of the page, used as its person would: typing and pressing."""

    def __init__(self, page: Page, person_id: int, name: str) -> None:
        self.page = page
        self.name = name
        self.section = page.locator(f"section.chat[data-person-id='{person_id}']")
        self._messages = f"section.chat[data-person-id='{person_id}'] li.message.bot"

    def bot_messages(self) -> Locator:
        return self.page.locator(self._messages)

    async def count(self) -> int:
        return await self.bot_messages().count()

    async def wait_for(self, count: int) -> None:
        """Until the bot has sent at least `count` messages to this chat."""
        await self.page.wait_for_function(
            "([selector, count]) => document.querySelectorAll(selector).length >= count",
            arg=[self._messages, count],
        )

    async def last_text(self) -> str:
        return await self.bot_messages().locator(".text").last.text_content() or ""

    async def start(self) -> None:
        """Press Start in the empty chat, as a person opening the bot does."""
        await self.section.get_by_role("button", name="Start", exact=True).click()
        await self.wait_for(1)

    async def type(self, text: str, new: int = 1) -> None:
        before = await self.count()
        box = self.section.get_by_label(f"Message as {self.name}")
        await box.fill(text)
        await box.press("Enter")
        await self.wait_for(before + new)

    def button(self, text: str, message: Locator | None = None) -> Locator:
        """The button with this text under `message`, or under the newest message with one."""
        exact = self.page.get_by_role("button", name=text, exact=True)
        scope = message or self.bot_messages().filter(has=exact).last
        return scope.get_by_role("button", name=text, exact=True)

    async def press(self, text: str, new: int = 1, message: Locator | None = None) -> None:
        before = await self.count()
        await self.button(text, message).click()
        await self.wait_for(before + new)

    async def tick(self, text: str) -> None:
        """Press an option of a multiple choice: the message is edited in place."""
        item = self.bot_messages().last
        edits = int(await item.get_attribute("data-edits") or 0)
        await item.get_by_role("button", name=text, exact=True).click()
        await expect(self.bot_messages().last).to_have_attribute("data-edits", str(edits + 1))


async def answer_on_page(
    chat: PageChat, language: str, answers: dict[str, object], questionnaire: str
) -> None:
    """Answer question after question on the page, as in tests/scenarios.py, to the summary."""
    t = translator(language)
    while question := question_in(await chat.last_text(), language, questionnaire):
        value = answers[question.id]
        if value is None:
            await chat.press(t.gettext("Skip ›"))
        elif question.kind is Kind.YES_NO:
            await chat.press(t.gettext("Yes") if value == "yes" else t.gettext("No"))
        elif question.kind in (Kind.SINGLE, Kind.MULTI):
            chosen = value if isinstance(value, tuple) else (value,)
            labels = [t.gettext(question.option(str(option)).label) for option in chosen]
            if question.kind is Kind.SINGLE:
                await chat.press(labels[0])
                continue
            for label in labels:
                await chat.tick(label)
            await chat.press(t.gettext("Done"))
        elif question.kind is Kind.MUNICIPALITY:
            await chat.type(str(value))  # "Do you mean Aarhus?"
            await chat.press(t.gettext("Yes"))
        else:
            await chat.type(str(value))


async def add_person(page: Page, name: str, language: str) -> None:
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_label("Telegram language").select_option(language)
    await page.get_by_role("button", name="Add", exact=True).click()


@pytest.fixture
def artifacts() -> Path:
    """Where the browser test leaves its screenshots (git-ignored; TEST_ARTIFACTS moves it)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


async def test_the_page_switches_to_arabic_and_remembers_it(page: Page) -> None:
    ar = translator("ar")
    languages = page.get_by_role("navigation", name="Language of this page")
    await languages.get_by_role("link", name="العربية").click()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    reset = page.get_by_role("button", name=reset_label("ar"), exact=True)
    await expect(reset).to_be_visible()
    start = ar.pgettext("sandbox page", "Start")
    await expect(
        PageChat(page, COORDINATOR, "Mette").section.get_by_role("button", name=start)
    ).to_be_visible()
    # The bare address opens in the language chosen before.
    await page.goto(page.url.split("?")[0])
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    await expect(
        page.get_by_role("navigation", name=ar.pgettext("sandbox page", "Language of this page"))
    ).to_be_visible()


async def test_pictures_are_shown_and_documents_downloaded(page: Page, sandbox: Sandbox) -> None:
    files = sandbox.emulator.files
    chart = files.add("photo", TINY_PNG)
    csv = files.add("document", b"pair;outcome\n", file_name="pairs.csv")
    chat = sandbox.user(COORDINATOR).chat
    chat.add(from_bot=True, content={"photo": chart.as_photo(), "caption": "Chart"})
    chat.add(from_bot=True, content={"document": csv.as_document(), "caption": "<b>&"})
    coordinator = PageChat(page, COORDINATOR, "Mette")
    picture = coordinator.section.get_by_role("img", name="Picture from the bot")
    await expect(picture).to_be_visible()
    assert await picture.evaluate("image => image.naturalWidth") == 1
    download = coordinator.section.get_by_role("link", name="pairs.csv")
    assert await download.get_attribute("download") == "pairs.csv"
    assert await coordinator.last_text() == "<b>&"  # text, never markup


async def test_formatting_is_drawn_from_the_entities(page: Page, sandbox: Sandbox) -> None:
    entities = [
        {"offset": 0, "length": 11, "type": "bold"},
        {"offset": 6, "length": 5, "type": "italic"},
        {"offset": 12, "length": 4, "type": "text_link", "url": "https://example.org/"},
        {"offset": 17, "length": 5, "type": "text_link", "url": "javascript:alert(1)"},
    ]
    content = {"text": "Hello world here trap", "entities": entities}
    sandbox.user(COORDINATOR).chat.add(from_bot=True, content=content)
    text = PageChat(page, COORDINATOR, "Mette").bot_messages().last.locator(".text")
    await expect(text.locator("strong > em")).to_have_text("world")
    assert await text.locator("strong").text_content() == "Hello world"
    assert await text.locator("a").count() == 1
    assert await text.locator("a").get_attribute("href") == "https://example.org/"
    assert await text.text_content() == "Hello world here trap"


async def test_the_whole_programme_in_the_browser(page: Page, artifacts: Path) -> None:
    coordinator = PageChat(page, COORDINATOR, "Mette")
    await coordinator.start()
    await add_person(page, "Amal Hassan", "en")
    await add_person(page, "Yusuf Ali", "en")
    mentor, mentee = PageChat(page, MENTOR, "Amal Hassan"), PageChat(page, MENTEE, "Yusuf Ali")

    # The mentor's screening, typed and pressed on the page.
    await mentor.start()
    await mentor.press(LANGUAGE_NAMES["en"], new=2)
    await mentor.press(ROLE_BUTTONS["mentor"], new=3)
    await answer_on_page(mentor, "en", MENTOR_ANSWERS, "screening")
    assert "Here are your answers." in await mentor.last_text()
    await mentor.press("Send my answers")
    await coordinator.wait_for(2)
    review = coordinator.bot_messages().nth(1)
    assert "Amal Hassan" in (await review.text_content() or "")
    for decision in ("Approve", "Mentor course done"):
        await coordinator.press(decision, message=review)
        await mentor.wait_for(await mentor.count())
        if decision == "Approve":  # a note: a reply to the bot's "Saved: …"
            saved = coordinator.bot_messages().last
            await saved.get_by_role("button", name="Reply to this message").click()
            await coordinator.type("Strong candidate, speaks Arabic.")
            assert await coordinator.last_text() == "Note saved."
            note = coordinator.section.locator("li.message.me").last
            await expect(note.locator(".quote")).to_contain_text("Saved:")

    # The mentee switches to Arabic: the introduction reads right to left.
    ar = translator("ar")
    await mentee.start()
    await mentee.press(LANGUAGE_NAMES["ar"], new=2)
    await mentee.press(ar.gettext(ROLE_BUTTONS["mentee"]), new=2)
    introduction = mentee.bot_messages().last.locator(".text")
    assert await introduction.evaluate("node => getComputedStyle(node).direction") == "rtl"
    assert await mentee.section.get_attribute("lang") == "en"  # her Telegram app's language
    while ar.gettext("Start the questions ›") not in await mentee.bot_messages().last.inner_text():
        await mentee.press(ar.gettext("Next ›"))
    await mentee.press(ar.gettext("Start the questions ›"), new=2)
    await answer_on_page(mentee, "ar", MENTEE_IN_HEALTH, "intake")
    waiting = await coordinator.count()
    await mentee.press(ar.gettext("Send my answers"))
    await coordinator.wait_for(waiting + 1)

    # The coordinator matches them; both say yes.
    await coordinator.type("/match")
    await coordinator.press("1")
    await coordinator.press("Propose 1")
    await mentor.press("Yes")
    await mentee.press(ar.gettext("Yes"))
    assert "Good news" in await mentor.last_text()

    # A week later, the check-in arrives.
    await page.get_by_role("button", name="+1 week").click()
    check_in = mentor.bot_messages().filter(has_text="Time for a short check-in")
    await expect(check_in).to_have_count(1)
    assert "Have you met your mentee since the last check-in?" in (
        await check_in.text_content() or ""
    )
    await expect(page.locator("#offset")).to_have_text("(+7 days)")
    await page.screenshot(path=artifacts / "sandbox.png")

    # On a phone-sized screen, one chat at a time, chosen by name.
    await page.set_viewport_size({"width": 390, "height": 844})
    await expect(page.locator("section.chat:visible")).to_have_count(1)
    await (
        page.get_by_role("navigation", name="Chats").get_by_role("button", name="Yusuf Ali").click()
    )
    await expect(mentee.section).to_be_visible()
    await expect(mentor.section).to_be_hidden()
    await page.screenshot(path=artifacts / "sandbox-phone.png")
