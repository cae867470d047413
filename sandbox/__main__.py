"""`python -m sandbox`: the bot against the local Telegram emulator, chats in a browser.

`python -m sandbox emulator --port 8081 --token 123:ABC` runs the bare Bot API emulator instead,
for driving a bot by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from .emulator import BotApiEmulator


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    emulator = commands.add_parser("emulator", help="only the Bot API emulator")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8081)
    emulator.add_argument("--token", default="123456:TEST")
    emulator.add_argument("--username", default="mentorbro_test_bot")
    emulator.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="ID:NAME",
        help="pre-register a user the bot may talk to (repeatable)",
    )
    return parser.parse_args(argv)


async def _serve_emulator(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(
        args.token, bot_username=args.username, host=args.host, port=args.port
    )
    for spec in args.user:
        user_id, _, name = spec.partition(":")
        emulator.user(int(user_id), name or "User").chat.started = True
    await emulator.start()
    print(f"Bot API emulator listening: base_url={emulator.base_url}", flush=True)
    print(f"base_file_url={emulator.base_file_url} token={emulator.token}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.command == "emulator":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve_emulator(args))
        return 0
    from sandbox.web.server import run_sandbox  # loads the bot: only for the browser sandbox

    return run_sandbox()


if __name__ == "__main__":
    sys.exit(main())
