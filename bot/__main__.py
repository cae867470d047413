"""`python -m bot`: load the configuration, then run the bot until stopped (Ctrl-C, SIGTERM).

It polls Telegram for updates, or with WEBHOOK_URL set it receives them as a webhook. Without a
BOT_TOKEN it says so and exits 2; the sandbox without Telegram is `python -m sandbox`.
"""

from __future__ import annotations

import logging
import os
import sys

from dotenv import load_dotenv
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import ConfigError, Webhook, load_config


def main() -> int:
    load_dotenv()
    # No token is an error like a malformed one (exit 2, which systemd does not restart): a
    # lost .env must stop the service, never serve the browser sandbox (`python -m sandbox`).
    try:
        config = load_config(os.environ)
    except ConfigError as error:
        print(f"mentorbro: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(config)
    # Both stop on SIGTERM (and SIGINT) after the updates and jobs in flight are done, and
    # close the database in post_shutdown.
    if config.webhook is None:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    else:
        run_webhook(application, config.webhook)
    return 0


def run_webhook(application: Application, webhook: Webhook) -> None:
    """Listen for Telegram's posts; a post without the secret gets 403 and is not handled."""
    application.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.path,
        webhook_url=webhook.url,
        secret_token=webhook.secret,
        allowed_updates=Update.ALL_TYPES,
    )


if __name__ == "__main__":
    sys.exit(main())
