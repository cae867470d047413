"""The bot's own HTTP server: GET /healthz and GET /metrics, and in webhook mode Telegram's
posts at the webhook's path. Anything else is 404.

/healthz reads the monitor (memory) and one trivial read of the database, bounded in time;
/metrics reads only memory (the database's figures are refreshed by a job, bot/jobs/ops.py).
Neither holds the event loop or the database for long.
"""

from __future__ import annotations

import hmac
import logging
import socket
from http import HTTPStatus

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from telegram import Update
from telegram.ext import Application

from bot import operations
from bot.config import Webhook
from bot.handlers.context import services_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class PortInUseError(OSError):
    """Another program listens on the address the bot was to listen on."""


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else starts; PortInUseError if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as error:
        raise PortInUseError(error.errno, f"{host}:{port}: {error.strerror}") from error


class OpsServer:
    """/healthz, /metrics and the webhook, on one socket, beside the bot in its event loop."""

    def __init__(self, application: Application, webhook: Webhook | None) -> None:
        self._application = application
        self._webhook = webhook
        self._runner: web.AppRunner | None = None

    async def start(self, sock: socket.socket) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        if self._webhook is not None:
            app.router.add_post(f"/{self._webhook.path}", self.receive)
        # No access log: the bot's log is for the bot; a proxy in front keeps its own.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def healthz(self, request: web.Request) -> web.Response:
        services = services_of(self._application)
        verdict = services.monitor.verdict(await operations.database_problem(services))
        status = HTTPStatus.OK if verdict.healthy else HTTPStatus.SERVICE_UNAVAILABLE
        return web.json_response(verdict.body(), status=status)

    async def metrics(self, request: web.Request) -> web.Response:
        registry = services_of(self._application).monitor.registry
        response = web.Response(body=generate_latest(registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def receive(self, request: web.Request) -> web.Response:
        """A post from Telegram: taken only with the secret (else 403, and not handled)."""
        assert self._webhook is not None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook.secret.encode()):
            return web.Response(status=HTTPStatus.FORBIDDEN)
        bot = self._application.bot
        try:
            update = Update.de_json(await request.json(), bot)
        except (ValueError, TypeError, KeyError) as error:
            log.warning("a webhook post was not an update: %s", type(error).__name__)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        services_of(self._application).monitor.webhook_seen()
        await self._application.update_queue.put(update)
        return web.Response(status=HTTPStatus.OK)
