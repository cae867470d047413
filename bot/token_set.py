"""`python -m bot.token_set`: exit 0 when a BOT_TOKEN is set (environment or .env), else 1.

`make run` asks this to choose between the real bot and the browser sandbox; the bot itself
(`python -m bot`) never falls back to the sandbox.
"""

from __future__ import annotations

import os
import sys

from dotenv import load_dotenv


def main() -> int:
    load_dotenv()
    return 0 if os.environ.get("BOT_TOKEN", "").strip() else 1


if __name__ == "__main__":
    sys.exit(main())
