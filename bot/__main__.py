"""`python -m bot`: load the configuration, then run the bot until stopped (Ctrl-C, SIGTERM).

It polls Telegram for updates, or with WEBHOOK_URL set it receives them as a webhook; with
METRICS_PORT (or a webhook) it serves /healthz and /metrics. Without a BOT_TOKEN, or with a port
another program holds, it says so in one line and exits 2; the sandbox without Telegram is
`python -m sandbox`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys

from dotenv import load_dotenv

from bot.app import build_application
from bot.config import Config, ConfigError, load_config
from bot.logs import configure_logging
from bot.ops_server import PortInUseError, listen
from bot.serve import serve


def main() -> int:
    load_dotenv()
    # No token is an error like a malformed one (exit 2, which systemd does not restart): a
    # lost .env must stop the service, never serve the browser sandbox (`python -m sandbox`).
    try:
        config = load_config(os.environ)
    except ConfigError as error:
        print(f"mentorbro: {error}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format)
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        sock = bind(config)
    except PortInUseError as error:
        print(f"mentorbro: cannot listen on {error.strerror}; {port_hint(config)}", file=sys.stderr)
        return 2
    application = build_application(config)
    # It stops on SIGTERM (and SIGINT) after the updates and jobs in flight are done, and
    # closes the database in post_shutdown.
    asyncio.run(serve(application, config, sock))
    return 0


def bind(config: Config) -> socket.socket | None:
    """The socket of the webhook (with /healthz and /metrics), or of METRICS_PORT, or none."""
    if config.webhook is not None:
        return listen(config.webhook.listen, config.webhook.port)
    if config.monitoring is not None:
        return listen(config.monitoring.host, config.monitoring.port)
    return None


def port_hint(config: Config) -> str:
    setting = "WEBHOOK_PORT" if config.webhook is not None else "METRICS_PORT"
    return f"another program uses it: stop that one or set another {setting}"


if __name__ == "__main__":
    sys.exit(main())
