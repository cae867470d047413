"""The sandbox's web page: chats with the real bot in a browser, no Telegram needed.

``make run`` without a BOT_TOKEN comes here (bot/__main__.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import signal
import sys
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import WSMsgType, web

from bot.config import ConfigError, load_config
from bot.i18n import LANGUAGE_NAMES, N_, SUPPORTED_LANGUAGES, Translator, translator
from bot.logs import configure_logging

from .labels import clock_line, page_labels, page_language
from .session import Sandbox, SandboxError
from .settings import SandboxSettings, load_settings

STATIC_DIR = Path(__file__).parent / "static"
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
SOCKETS_KEY = web.AppKey("sockets", weakref.WeakSet)
# The page's own files only; the WebSocket back to the same host ('self' covers ws: there).
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(sandbox: Sandbox) -> web.Application:
    """The aiohttp application serving the page, its API and its event stream."""
    app = web.Application(middlewares=[_errors_as_json])
    app[SANDBOX_KEY] = sandbox
    app[SOCKETS_KEY] = weakref.WeakSet()
    app.router.add_get("/", _page)
    app.router.add_static("/static", STATIC_DIR)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/events", _events)
    app.router.add_post("/api/people", _add_person)
    app.router.add_post("/api/people/{person}/messages", _send_text)
    app.router.add_post("/api/people/{person}/press", _press)
    app.router.add_post("/api/people/{person}/reply-button", _press_reply_button)
    app.router.add_post("/api/fast-forward", _fast_forward)
    app.router.add_post("/api/reset", _reset)
    app.router.add_get("/files/{file_id}", _file)
    app.on_shutdown.append(_close_sockets)
    return app


@web.middleware
async def _errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A refused request gets its reason as JSON, for the page to show next to the form."""
    try:
        return await handler(request)
    except SandboxError as error:
        return web.json_response({"error": error.translated(_translator(request))}, status=400)


def _translator(request: web.Request) -> Translator:
    """The page's language: ?lang= as chosen on the page, else the browser's, else the
    coordinator's."""
    default = request.app[SANDBOX_KEY].settings.coordinator_language
    accept = request.headers.get("Accept-Language")
    return translator(page_language(request.query.get("lang"), accept, default))


# -- the page --------------------------------------------------------------------------------


async def _page(request: web.Request) -> web.StreamResponse:
    headers = {"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-cache"}
    return web.Response(
        text=render_page(_translator(request)), content_type="text/html", headers=headers
    )


def render_page(t: Translator) -> str:
    """index.html in the page's language; app.js reads the labels it needs from a JSON block."""
    labels = page_labels(t)
    values = {key: html.escape(text) for key, text in labels.items()}
    languages = "\n".join(_language_link(code, code == t.language) for code in SUPPORTED_LANGUAGES)
    # "<" escaped, so no text can end the script block early.
    data = json.dumps(labels, ensure_ascii=False).replace("<", "\\u003c")
    template = Template((STATIC_DIR / "index.html").read_text(encoding="utf-8"))
    return template.substitute(
        values,
        lang=t.language,
        dir="rtl" if t.right_to_left else "ltr",
        languages=languages,
        language_options="\n".join(_language_option(code) for code in SUPPORTED_LANGUAGES),
        labels_json=data,
    )


def _language_link(code: str, current: bool) -> str:
    """A link to the page in one language, named in that language."""
    marked = ' aria-current="true"' if current else ""
    name = html.escape(LANGUAGE_NAMES[code])
    return f'<a href="?lang={code}" lang="{code}" hreflang="{code}"{marked}>{name}</a>'


def _language_option(code: str) -> str:
    """A Telegram language for a new person, named in that language; English preselected."""
    selected = " selected" if code == "en" else ""
    name = html.escape(LANGUAGE_NAMES[code])
    return f'<option value="{code}" lang="{code}"{selected}>{name} ({code})</option>'


def _with_clock(event: dict[str, Any], t: Translator, sandbox: Sandbox) -> dict[str, Any]:
    """An event with the bot's time in it gets that time formatted in the page's language."""
    if "now" not in event:
        return event
    now = datetime.fromisoformat(event["now"])
    return {**event, **clock_line(t, now, sandbox.timezone, event["offset_days"])}


async def _state(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX_KEY]
    return web.json_response(_with_clock(sandbox.state(), _translator(request), sandbox))


async def _file(request: web.Request) -> web.Response:
    """A picture, document or voice message the bot sent, from the emulator's file store."""
    stored = request.app[SANDBOX_KEY].emulator.files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound()
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}
    if stored.kind == "document":
        name = quote(stored.file_name or "document")
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    content_type = stored.mime_type or ("image/jpeg" if stored.kind == "photo" else None)
    return web.Response(
        body=stored.data,
        content_type=content_type or "application/octet-stream",
        headers=headers,
    )


# -- live updates ----------------------------------------------------------------------------


async def _events(request: web.Request) -> web.StreamResponse:
    """The WebSocket the page listens on: the whole state first, then every change."""
    if not _same_origin(request):
        raise web.HTTPForbidden(text="The sandbox's events are for its own page only.")
    sandbox = request.app[SANDBOX_KEY]
    t = _translator(request)
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    request.app[SOCKETS_KEY].add(socket)
    queue = sandbox.subscribe()
    await socket.send_json(_with_clock(sandbox.state(), t, sandbox))

    async def forward() -> None:
        while True:
            await socket.send_json(_with_clock(await queue.get(), t, sandbox))

    sender = asyncio.create_task(forward())
    try:
        async for message in socket:  # the page sends nothing; this waits for the close
            if message.type is WSMsgType.ERROR:
                break
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sender
        sandbox.unsubscribe(queue)
    return socket


def _same_origin(request: web.Request) -> bool:
    """Another web site open in the same browser must not read the chats."""
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def _close_sockets(app: web.Application) -> None:
    for socket in list(app[SOCKETS_KEY]):
        await socket.close()


# -- acting ----------------------------------------------------------------------------------


async def _body(request: web.Request) -> dict[str, Any]:
    """The JSON body of a request from the page (a JSON content type keeps other sites out:
    a browser asks first before sending one across sites)."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="Send JSON.")
    try:
        body = await request.json()
    except ValueError as error:
        raise SandboxError(N_("The request was not valid JSON.")) from error
    if not isinstance(body, dict):
        raise SandboxError(N_("The request was not a JSON object."))
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise SandboxError(N_("{field} is missing."), field=name)
    return value


def _number(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SandboxError(N_("{field} must be a whole number."), field=name)
    try:
        return int(value)
    except ValueError as error:
        raise SandboxError(N_("{field} must be a whole number."), field=name) from error


def _person(request: web.Request) -> int:
    return _number(request.match_info["person"], "person")


async def _add_person(request: web.Request) -> web.Response:
    body = await _body(request)
    person = request.app[SANDBOX_KEY].add_person(_text(body, "name"), _text(body, "language"))
    return web.json_response(person.to_json(), status=201)


async def _send_text(request: web.Request) -> web.Response:
    body = await _body(request)
    reply_to = body.get("reply_to")
    reply_to = None if reply_to is None else _number(reply_to, "reply_to")
    await request.app[SANDBOX_KEY].send_text(_person(request), _text(body, "text"), reply_to)
    return web.json_response({"ok": True})


async def _press(request: web.Request) -> web.Response:
    body = await _body(request)
    message_id = _number(body.get("message_id"), "message_id")
    await request.app[SANDBOX_KEY].press(_person(request), message_id, _text(body, "data"))
    return web.json_response({"ok": True})


async def _press_reply_button(request: web.Request) -> web.Response:
    body = await _body(request)
    await request.app[SANDBOX_KEY].press_reply_button(_person(request), _text(body, "text"))
    return web.json_response({"ok": True})


async def _fast_forward(request: web.Request) -> web.Response:
    body = await _body(request)
    sandbox = request.app[SANDBOX_KEY]
    await sandbox.fast_forward(_number(body.get("days"), "days"))
    return web.json_response({"ok": True, "now": sandbox.clock().isoformat()})


async def _reset(request: web.Request) -> web.Response:
    await request.app[SANDBOX_KEY].reset()
    return web.json_response({"ok": True})


# -- running it ------------------------------------------------------------------------------


async def serve(settings: SandboxSettings, env: dict[str, str]) -> None:
    """Run the sandbox until SIGINT or SIGTERM."""
    sandbox = Sandbox(settings, env)
    await sandbox.start()
    runner = web.AppRunner(create_app(sandbox), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        port = runner.addresses[0][1]  # the one chosen, if SANDBOX_PORT is 0
        print(
            f"Mentorbro sandbox (no BOT_TOKEN, so no Telegram): open "
            f"http://{settings.host}:{port} in a browser. Ctrl-C stops it.",
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()
        await sandbox.stop()


def run_sandbox() -> int:
    """`python -m sandbox` (`make run` without a BOT_TOKEN): the sandbox, until stopped."""
    try:
        settings = load_settings(os.environ)
        # The bot's own settings are checked before anything starts; the emulator's address
        # is only known later, so a stand-in is checked here.
        config = load_config(settings.bot_environment(os.environ, "http://127.0.0.1:1/bot"))
    except ConfigError as error:
        print(f"mentorbro sandbox: {error}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format)
    try:
        asyncio.run(serve(settings, dict(os.environ)))
    except OSError as error:  # most often: the port is taken
        print(
            f"mentorbro sandbox: cannot serve on {settings.host}:{settings.port}: {error}",
            file=sys.stderr,
        )
        return 1
    return 0
