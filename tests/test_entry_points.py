"""How the bot starts: never the browser sandbox in production, a clear line instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_module(module: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m <module>` in an empty directory, with these settings (they win over .env)."""
    environment = {key: value for key, value in os.environ.items() if key != "BOT_TOKEN"}
    environment.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", module],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_bot_without_a_token_says_so_and_exits_2(tmp_path: Path) -> None:
    result = run_module("bot", tmp_path, BOT_TOKEN="", SANDBOX_PORT="1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mentorbro: BOT_TOKEN is not set: open Telegram, talk to @BotFather, send /newbot, and "
        "put the token it gives you in .env as BOT_TOKEN=..."
    ]
    assert not (tmp_path / "data").exists()  # no sandbox database either


def test_a_malformed_token_gets_the_same_kind_of_line(tmp_path: Path) -> None:
    result = run_module("bot", tmp_path, BOT_TOKEN="not-a-token")
    assert result.returncode == 2
    assert result.stderr.startswith("mentorbro: BOT_TOKEN does not look like a bot token")


def test_make_run_chooses_the_sandbox_only_without_a_token(tmp_path: Path) -> None:
    assert run_module("bot.token_set", tmp_path, BOT_TOKEN="").returncode == 1
    assert run_module("bot.token_set", tmp_path, BOT_TOKEN="123456:ABC").returncode == 0
