"""Tests of the local Telegram Bot API emulator (sandbox/)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from sandbox import ApiCall, BotApiEmulator, Button, RateLimits
from sandbox.html_entities import entities_to_html, parse_html

TOKEN = "123456:TEST"
ALICE = 1001


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator(token=TOKEN, bot_username="mentorbro_test_bot")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as telegram_bot:
        yield telegram_bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, emulator: BotApiEmulator, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{emulator.base_url}{TOKEN}/{method}"
    async with http.post(url, data={k: str(v) for k, v in params.items()}) as response:
        return response.status, await response.json()


async def started_alice(emulator: BotApiEmulator) -> Any:
    alice = emulator.user(ALICE, first_name="Alice", language_code="en")
    await alice.send("/start")
    emulator.updates.clear()
    return alice


# -- plain HTTP ------------------------------------------------------------------------------


async def test_get_me_over_http(emulator: BotApiEmulator, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, emulator, "GETME")
    assert status == 200
    assert body["ok"] is True
    me = body["result"]
    assert me["is_bot"] is True
    assert me["username"] == "mentorbro_test_bot"
    assert me["id"] == 123456
    assert me["can_join_groups"] is True


async def test_wrong_token_and_unknown_method(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{emulator.base_url}999:WRONG/getMe") as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }
    status, body = await call(http, emulator, "sendTelepathy")
    assert (status, body["description"]) == (404, "Not Found")


async def test_json_body_and_query_string_parameters(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    alice = await started_alice(emulator)
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    url = f"{emulator.base_url}{TOKEN}/sendMessage"
    payload = {"chat_id": ALICE, "text": "json", "reply_markup": markup}
    async with http.post(url, json=payload) as response:
        assert (await response.json())["result"]["reply_markup"] == markup
    async with http.get(url, params={"chat_id": str(ALICE), "text": "query"}) as response:
        assert (await response.json())["ok"] is True
    assert [m.text for m in alice.messages] == ["json", "query"]
    assert emulator.calls_to("sendMessage")[0]["chat_id"] == ALICE


async def test_get_updates_offset_confirmation(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    alice = emulator.user(ALICE, first_name="Alice")
    sent = await alice.send("/start payload")
    await alice.send("hello")
    _, body = await call(http, emulator, "getUpdates")
    first, second = body["result"]
    assert first["message"] == sent
    assert first["message"]["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    assert first["message"]["chat"] == {"id": ALICE, "first_name": "Alice", "type": "private"}
    assert second["update_id"] == first["update_id"] + 1
    _, body = await call(http, emulator, "getUpdates", offset=second["update_id"], limit=5)
    assert [u["message"]["text"] for u in body["result"]] == ["hello"]
    _, body = await call(http, emulator, "getUpdates", offset=second["update_id"] + 1)
    assert body["result"] == []


async def test_long_polling_returns_as_soon_as_user_sends(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    alice = emulator.user(ALICE, first_name="Alice")
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(call(http, emulator, "getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await alice.send("wake up")
    _, body = await asyncio.wait_for(poll, 2)
    assert body["result"][0]["message"]["text"] == "wake up"
    assert loop.time() - started < 1


async def test_empty_long_poll_times_out_and_second_poller_conflicts(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    # python-telegram-bot polls over a single connection, so the rival poller uses aiohttp.
    assert await bot.get_updates(timeout=0.1) == ()
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    async with aiohttp.ClientSession() as http:
        assert (await call(http, emulator, "getUpdates"))[1]["result"] == []
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


# -- python-telegram-bot ---------------------------------------------------------------------


async def test_user_updates_parse_as_ptb_updates(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = emulator.user(ALICE, first_name="Alice", username="alice")
    await alice.send("/start")
    await alice.send_photo(caption="me")
    await alice.send_sticker()
    await alice.send_voice()
    await alice.send_document(b"cv", file_name="cv.pdf")
    await alice.send_location()
    await alice.send_contact()
    updates = await bot.get_updates()
    messages = [u.message for u in updates]
    assert all(isinstance(u, Update) for u in updates)
    assert messages[0].text == "/start"
    assert messages[1].photo[-1].width == 1
    assert messages[1].caption == "me"
    assert messages[2].sticker.emoji == "👍"
    assert messages[3].voice.mime_type == "audio/ogg"
    assert messages[4].document.file_name == "cv.pdf"
    assert messages[4].document.mime_type == "application/pdf"
    assert messages[5].location.latitude == pytest.approx(52.52)
    assert messages[6].contact.user_id == ALICE
    assert [m.message_id for m in messages] == list(range(1, 8))
    edited = await alice.edit(messages[0].message_id, "/help")
    (update,) = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert update.edited_message.text == "/help"
    assert edited["edit_date"] >= edited["date"]


async def test_html_message_with_inline_keyboard_and_press(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    alice = await started_alice(emulator)
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes 👍", callback_data="answer:yes")],
            [InlineKeyboardButton("Docs", url="https://example.org/docs")],
        ]
    )
    sent = await bot.send_message(
        ALICE, "<b>Hi</b> 😀 <i>there</i>", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "Hi 😀 there"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("italic", 6, 5),
    ]
    message = await alice.next_message()
    assert message.message_id == sent.message_id
    assert message.html == "<b>Hi</b> 😀 <i>there</i>"
    assert message.buttons == [
        [Button("Yes 👍", callback_data="answer:yes")],
        [Button("Docs", url="https://example.org/docs")],
    ]
    query_id = await alice.press("Yes 👍")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert (query.id, query.data) == (query_id, "answer:yes")
    assert query.from_user.id == ALICE
    assert query.message.message_id == sent.message_id
    with pytest.raises(AssertionError, match="visible buttons"):
        await alice.press("No")


async def test_html_errors_and_text_limits(emulator: BotApiEmulator, bot: Bot) -> None:
    await started_alice(emulator)
    with pytest.raises(BadRequest, match='unsupported start tag "blink" at byte offset 0'):
        await bot.send_message(ALICE, "<blink>x</blink>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities: can't find end tag"):
        await bot.send_message(ALICE, "<b>open", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    await bot.send_message(ALICE, "&lt;b&gt;" + "x" * 4090, parse_mode="HTML")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALICE, "hi", reply_markup=too_long)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hi")


def test_html_round_trip_with_utf16_offsets() -> None:
    source = (
        '🎉 <a href="https://x.org">link</a> <pre><code class="language-py">a&amp;b</code></pre>'
    )
    text, entities = parse_html(source)
    assert text == "🎉 link a&b"
    assert entities == [
        {"offset": 3, "length": 4, "type": "text_link", "url": "https://x.org/"},
        {"offset": 8, "length": 3, "type": "pre", "language": "py"},
    ]
    assert entities_to_html(text, entities).startswith('🎉 <a href="https://x.org/">link</a>')


async def test_edit_message_text_and_not_modified(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    sent = await bot.send_message(ALICE, "draft")
    edited = await bot.edit_message_text("final", chat_id=ALICE, message_id=sent.message_id)
    assert edited.text == "final"
    assert edited.edit_date is not None
    assert alice.last is not None
    assert (alice.last.text, alice.last.edit_count) == ("final", 1)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await bot.edit_message_text("final", chat_id=ALICE, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=ALICE, message_id=999)
    assert await bot.delete_message(ALICE, sent.message_id) is True
    assert alice.messages == []


async def test_wait_for_edit_and_timeout_message(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    sent = await bot.send_message(ALICE, "one")
    waiter = asyncio.create_task(alice.wait_for_edit(sent.message_id))
    await asyncio.sleep(0)
    await bot.edit_message_text("two", chat_id=ALICE, message_id=sent.message_id)
    assert (await asyncio.wait_for(waiter, 1)).text == "two"
    assert [m.text for m in await alice.wait_for_messages(1)] == ["two"]
    with pytest.raises(AssertionError, match=r"(?s)2 bot messages in total.*'two'"):
        await alice.wait_for_messages(2, timeout=0.05)


async def test_answer_callback_query_twice(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ok", callback_data="ok")]])
    sent = await bot.send_message(ALICE, "Confirm?", reply_markup=keyboard)
    query_id = await alice.press("Ok", message=sent.to_dict())
    assert await bot.answer_callback_query(query_id, text="Done", show_alert=True)
    (answer,) = alice.callback_answers
    assert (answer.text, answer.show_alert) == ("Done", True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    stale = await alice.press_data(sent.message_id, "tampered")
    assert (await bot.get_updates())[-1].callback_query.data == "tampered"
    assert stale != query_id


async def test_reply_keyboard_state(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    markup = ReplyKeyboardMarkup([[KeyboardButton("Share", request_contact=True), "Skip"]])
    await bot.send_message(ALICE, "Phone?", reply_markup=markup)
    assert alice.reply_keyboard is not None
    assert alice.reply_keyboard.rows == [["Share", "Skip"]]
    await alice.press_reply_button("Share")
    (update,) = await bot.get_updates()
    assert update.message.contact.user_id == ALICE
    await bot.send_message(ALICE, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert alice.reply_keyboard is None


async def test_blocked_user_is_forbidden(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    alice.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "hello?")
    (update,) = await bot.get_updates()
    assert update.my_chat_member.new_chat_member.status == "kicked"
    alice.unblock()
    await bot.send_message(ALICE, "welcome back")
    assert [m.text for m in alice.messages] == ["welcome back"]
    stranger = emulator.user(2002, first_name="Bob")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "hi")


async def test_rate_limit_gives_retry_after(
    emulator: BotApiEmulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without PTB_TIMEDELTA, RetryAfter itself emits a PTBDeprecationWarning (an error here).
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    alice = await started_alice(emulator)
    emulator.rate_limits = RateLimits(per_chat_per_second=1, per_chat_burst=2)
    await bot.send_message(ALICE, "1")
    await bot.send_message(ALICE, "2")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "3")
    assert caught.value.retry_after == dt.timedelta(seconds=1)
    assert emulator.stats.rate_limited == 1
    assert [m.text for m in alice.messages] == ["1", "2"]
    emulator.rate_limits = None
    await bot.send_message(ALICE, "3")


async def test_rate_limit_error_shape(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    await started_alice(emulator)
    emulator.rate_limits = RateLimits(global_per_second=1, global_burst=1)
    assert (await call(http, emulator, "sendMessage", chat_id=ALICE, text="a"))[0] == 200
    status, body = await call(http, emulator, "sendMessage", chat_id=ALICE, text="b")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_send_document_and_download(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    sent = await bot.send_document(
        ALICE,
        b"name,score\nalice,5\n",
        filename="report.csv",
        caption="<b>Report</b>",
        parse_mode="HTML",
    )
    assert sent.document.file_name == "report.csv"
    assert sent.caption == "Report"
    message = await alice.next_message()
    assert message.document is not None
    assert message.html == "<b>Report</b>"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"name,score\nalice,5\n"
    again = await bot.send_document(ALICE, sent.document.file_id)
    assert again.document.file_unique_id == sent.document.file_unique_id
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(ALICE, "nonsense")


async def test_send_photo(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    upload = await alice.send_photo()
    photo_id = upload["photo"][-1]["file_id"]
    sent = await bot.send_photo(ALICE, photo_id, caption="you")
    assert sent.photo[-1].file_id == photo_id
    assert alice.last is not None and alice.last.photo is not None
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(ALICE, b"not an image")


async def test_commands_stored_per_scope_and_language(emulator: BotApiEmulator, bot: Bot) -> None:
    alice = await started_alice(emulator)
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "Starten")], language_code="de")
    scope = BotCommandScopeChat(ALICE)
    await bot.set_my_commands([BotCommand("admin", "Admin tools")], scope=scope)
    assert [c.description for c in await bot.get_my_commands(language_code="de")] == ["Starten"]
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
    assert emulator.my_commands() == [{"command": "start", "description": "Start"}]
    assert emulator.my_commands(language_code="de")[0]["description"] == "Starten"
    assert emulator.my_commands(scope=scope)[0]["command"] == "admin"
    assert emulator.my_commands(scope={"type": "chat", "chat_id": ALICE}) != []
    assert alice.commands[0]["command"] == "admin"
    await bot.delete_my_commands(scope=scope)
    assert emulator.my_commands(scope=scope) == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad Command", "x")])


async def test_call_log_records_decoded_params(emulator: BotApiEmulator, bot: Bot) -> None:
    await started_alice(emulator)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    await bot.send_message(ALICE, "hi", reply_markup=keyboard, disable_notification=True)
    method, params = emulator.calls[-1]
    assert method == "sendMessage"
    assert params["chat_id"] == ALICE
    assert params["disable_notification"] is True
    assert params["reply_markup"] == json.loads(keyboard.to_json())


async def test_ptb_application_polls_and_replies(emulator: BotApiEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ping", callback_data="ping")]])
        await update.effective_message.reply_html("<b>Welcome</b>", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("pong")
        await query.edit_message_text("Ponged")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    alice = emulator.user(ALICE, first_name="Alice")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        try:
            await alice.send("/start")
            welcome = await alice.next_message()
            assert welcome.html == "<b>Welcome</b>"
            await alice.press("Ping")
            assert (await alice.wait_for_edit(welcome)).text == "Ponged"
            assert (await alice.wait_for_callback_answer()).text == "pong"
        finally:
            await app.updater.stop()
            await app.stop()


async def test_interceptor_can_inject_faults(emulator: BotApiEmulator, bot: Bot) -> None:
    await started_alice(emulator)

    async def fail_send(call: ApiCall, request: web.Request) -> web.StreamResponse | None:
        if call.method != "sendMessage":
            return None
        body = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return web.json_response(body, status=502)

    emulator.interceptors.append(fail_send)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ALICE, "lost")
    assert emulator.calls[-1].method == "sendMessage"
    emulator.interceptors.clear()
    await bot.send_message(ALICE, "delivered")


async def test_wait_for_call_sees_a_waiting_long_poll(
    emulator: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    poll = asyncio.create_task(call(http, emulator, "getUpdates", timeout=5))
    received = await emulator.wait_for_call("getupdates", timeout=1)
    assert received.params["timeout"] == 5
    await emulator.user(ALICE, first_name="Alice").send("hi")
    assert (await poll)[1]["result"][0]["message"]["text"] == "hi"
    with pytest.raises(AssertionError, match="1 call\\(s\\) to sendMessage"):
        await emulator.wait_for_call("sendMessage", timeout=0.05)


async def test_next_callback_answer_is_for_the_latest_press(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    alice = await started_alice(emulator)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ok", callback_data="ok")]])
    await bot.send_message(ALICE, "Confirm?", reply_markup=keyboard)
    first, second = await alice.press("Ok"), await alice.press("Ok")
    await bot.answer_callback_query(first, text="one")
    waiter = asyncio.create_task(alice.next_callback_answer())
    await asyncio.sleep(0)
    assert not waiter.done()
    await bot.answer_callback_query(second, text="two")
    assert (await asyncio.wait_for(waiter, 1)).query_id == second
    await alice.press("Ok")
    with pytest.raises(AssertionError, match="answer to query"):
        await alice.next_callback_answer(timeout=0.05)


async def test_send_voice_forwards_a_users_voice_by_file_id(emulator: BotApiEmulator) -> None:
    user = emulator.user(4242, first_name="Rana")
    sent = await user.send_voice()
    async with Bot(TOKEN, base_url=emulator.base_url, base_file_url=emulator.base_file_url) as bot:
        message = await bot.send_voice(user.id, sent["voice"]["file_id"])
    assert message.voice is not None
    assert message.voice.file_id == sent["voice"]["file_id"]
    assert user.last.raw["voice"]["file_id"] == sent["voice"]["file_id"]
