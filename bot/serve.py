"""Running the bot until SIGTERM or SIGINT: polling or a webhook, and /healthz and /metrics.

PTB's run_polling and run_webhook serve nothing but updates; this is their start and stop
order (initialize, post_init, fetch updates, start; then the reverse), with the bot's own HTTP
server (bot/ops_server.py) beside it, on a socket bound before anything started.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import Application

from bot.config import Config
from bot.handlers.context import services_of
from bot.ops_server import OpsServer

log = logging.getLogger(__name__)


async def serve(application: Application, config: Config, sock: socket.socket | None) -> None:
    """Run until a stop signal; on it, finish the updates and jobs in flight and close."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stopping.set)
    server = OpsServer(application, config.webhook) if sock is not None else None
    updater = application.updater
    assert updater is not None and application.post_init and application.post_shutdown
    await application.initialize()
    try:
        await application.post_init(application)
        if server is not None:
            assert sock is not None
            await server.start(sock)
        if config.webhook is not None:
            # What run_webhook registers: Telegram posts to this address, with the secret.
            await application.bot.set_webhook(
                config.webhook.url,
                secret_token=config.webhook.secret,
                allowed_updates=Update.ALL_TYPES,
                max_connections=40,
            )
            services_of(application).monitor.webhook_seen()
        else:
            await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await application.start()
        await stopping.wait()
    finally:
        # Each step even if one before failed (a polling loop that died of a refused token
        # raises again here): an open database would keep the process from exiting.
        if updater.running:
            await _step("the updater", updater.stop())
        if application.running:
            await _step("the application", application.stop())
        if server is not None:
            await _step("the HTTP server", server.stop())
        await _step("the bot", application.shutdown())
        await _step("the database", application.post_shutdown(application))


async def _step(what: str, stopping: Awaitable[None]) -> None:
    try:
        await stopping
    except Exception as error:
        log.error("%s stopped with %s", what, type(error).__name__)
