"""Production mode: the webhook settings, and `python -m bot` receiving updates as a webhook."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import ConfigError, Webhook, load_config, load_webhook
from sandbox import BotApiEmulator
from tests.conftest import TOKEN, environment, run_bot

SECRET = "s3cret-TOKEN_for-the-webhook-0123456789"
GREETING = "Which language do you want to use?"
URL = "https://bot.example.org/telegram"


def test_without_webhook_url_the_bot_polls() -> None:
    config = load_config({"BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": SECRET})
    assert config.webhook is None


def test_webhook_settings_are_read_with_their_defaults() -> None:
    webhook = load_webhook(
        {"WEBHOOK_URL": "https://bot.example.org/mentorbro/telegram", "WEBHOOK_SECRET": SECRET}
    )
    assert webhook == Webhook(
        url="https://bot.example.org/mentorbro/telegram",
        secret=SECRET,
        listen="127.0.0.1",
        port=8443,
    )
    assert webhook.path == "mentorbro/telegram"
    config = load_config(
        {
            "BOT_TOKEN": TOKEN,
            "WEBHOOK_URL": "https://bot.example.org",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "::1",
            "WEBHOOK_PORT": "9000",
        }
    )
    assert config.webhook is not None
    assert (config.webhook.listen, config.webhook.port, config.webhook.path) == ("::1", 9000, "")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"WEBHOOK_URL": "http://bot.example.org/telegram"},
            "WEBHOOK_URL must be the public https",
        ),
        ({"WEBHOOK_URL": "bot.example.org/telegram"}, "WEBHOOK_URL must be the public https"),
        ({"WEBHOOK_URL": "https://bot.example.org/t?x=1"}, "WEBHOOK_URL must be the public https"),
        ({"WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET is not set"),
        ({"WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET must be 16 to 256 characters"),
        ({"WEBHOOK_SECRET": "has spaces in it, 0123456789"}, "WEBHOOK_SECRET must be 16 to 256"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET must be 16 to 256 characters"),
        ({"WEBHOOK_LISTEN": "everywhere"}, "WEBHOOK_LISTEN must be the IP address"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT must be a whole number from 1 to 65535"),
    ],
)
def test_a_bad_webhook_setting_is_named(variables: dict[str, str], message: str) -> None:
    env = {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": SECRET}
    env.update(variables)
    with pytest.raises(ConfigError, match=message) as raised:
        load_webhook(env)
    assert SECRET not in str(raised.value)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_environment(
    tmp_path: Path, emulator: BotApiEmulator, port: int, **extra: str
) -> dict[str, str]:
    """`python -m bot` in webhook mode on this local port, with the secret, against the emulator."""
    return environment(
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=emulator.base_url,
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        BACKUP_DIR=str(tmp_path / "backups"),
        WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        **extra,
    )


def take_update(emulator: BotApiEmulator) -> dict[str, Any]:
    """The update the emulator queued for the last thing a user did, as Telegram would post it."""
    update = emulator.updates.pending.pop()
    assert not emulator.updates.pending
    return update


async def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    """Post an update as Telegram does; the HTTP status. Retries while the server starts."""
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as session:
        for _ in range(100):
            try:
                async with session.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens on {url}")


async def metrics_show(session: aiohttp.ClientSession, root: str, line: str) -> bool:
    """Whether /metrics shows `line` within a few seconds."""
    for _ in range(50):
        async with session.get(f"{root}/metrics") as metrics:
            if line in await metrics.text():
                return True
        await asyncio.sleep(0.1)
    return False


async def test_the_bot_takes_updates_only_with_the_secret_and_is_not_polled(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = webhook_environment(tmp_path, emulator, port, LOG_LEVEL="WARNING")
    process = await run_bot(env, tmp_path)
    try:
        registered = await emulator.wait_for_call("setWebhook", timeout=30)
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == SECRET
        user = emulator.user(4201, language_code="en")

        await user.send("/help")
        forged = take_update(emulator)
        assert await post(url, forged, secret=None) == 403
        assert await post(url, forged, secret="wrong-secret-0123456789") == 403

        await user.send("/start")
        assert await post(url, take_update(emulator), secret=SECRET) == 200
        greeting = await user.next_message(timeout=10)
        assert GREETING in greeting.text
        # The forged /help came first; had it been handled, its answer would be here before.
        assert [message.text for message in user.messages] == [greeting.text]
        assert emulator.calls_to("getUpdates") == []

        # The same server answers the monitoring at paths of its own, and nothing else.
        async with aiohttp.ClientSession() as session:
            root = f"http://127.0.0.1:{port}"
            async with session.get(f"{root}/healthz") as health:
                assert health.status == 200
                assert (await health.json())["mode"] == "webhook"
            # Counted once the update is marked handled, a moment after its answer was sent.
            assert await metrics_show(session, root, 'mentorbro_updates_total{kind="message"} 1.0')
            async with session.get(f"{root}/telegram/../admin") as elsewhere:
                assert elsewhere.status == 404
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert SECRET not in stderr.decode()
    assert TOKEN not in stderr.decode()


async def call(
    session: aiohttp.ClientSession, emulator: BotApiEmulator, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with session.post(f"{emulator.base_url}{TOKEN}/{method}", json=params) as response:
        return response.status, await response.json()


async def test_the_emulator_refuses_polling_while_a_webhook_is_set(
    emulator: BotApiEmulator,
) -> None:
    async with aiohttp.ClientSession() as session:
        assert await call(session, emulator, "setWebhook", url=URL, secret_token=SECRET) == (
            200,
            {"ok": True, "result": True},
        )
        status, body = await call(session, emulator, "getUpdates")
        assert (status, body["error_code"]) == (409, 409)
        assert "webhook is active" in body["description"]
        _, info = await call(session, emulator, "getWebhookInfo")
        assert info["result"]["url"] == URL

        await call(session, emulator, "deleteWebhook")
        assert await call(session, emulator, "getUpdates") == (200, {"ok": True, "result": []})


async def health(root: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(f"{root}/healthz") as answer:
        return answer.status, await answer.json()


async def test_in_webhook_mode_healthz_turns_503_naming_the_bot_api_when_it_is_gone(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    root = f"http://127.0.0.1:{port}"
    env = webhook_environment(
        tmp_path,
        emulator,
        port,
        LOG_LEVEL="CRITICAL",
        HEALTH_UNREACHABLE_SECONDS="2",  # 60 by default; the test should not wait a minute
    )
    process = await run_bot(env, tmp_path)
    try:
        await emulator.wait_for_call("setWebhook", timeout=30)
        user = emulator.user(4202, language_code="en")
        await user.send("/start")
        assert await post(url, take_update(emulator), secret=SECRET) == 200
        assert GREETING in (await user.next_message(timeout=10)).text
        status, body = await health(root)
        assert (status, body["status"], body["mode"]) == (200, "ok", "webhook")

        # Telegram still posts, but the Bot API the bot answers through is gone.
        await user.send("/help")
        update = take_update(emulator)
        await emulator.stop()
        assert await post(url, update, secret=SECRET) == 200  # taken, kept for later
        for _ in range(600):
            status, body = await health(root)
            if status == 503:
                break
            await asyncio.sleep(0.1)
        assert status == 503, body
        assert body["mode"] == "webhook"
        assert body["failing"]["bot_api"].startswith("unreachable for ")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
