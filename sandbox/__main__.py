"""Run the emulator standalone: ``python -m sandbox --port 8081 --token 123:ABC``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .emulator import BotApiEmulator


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST")
    parser.add_argument("--username", default="mentorbro_test_bot")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="ID:NAME",
        help="pre-register a user the bot may talk to (repeatable)",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
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


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
