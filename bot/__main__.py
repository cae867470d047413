"""`python -m bot`: load the configuration, then run the bot until stopped (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import logging
import os
import sys

from dotenv import load_dotenv
from telegram import Update

from bot.app import build_application
from bot.config import ConfigError, load_config


def main() -> int:
    load_dotenv()
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
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
