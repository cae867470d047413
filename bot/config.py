"""Settings from the environment and `.env`, validated once and immutable afterwards."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import SUPPORTED_LANGUAGES
from bot.stalls import StallRules

TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True)
class Config:
    bot_token: str
    coordinator_ids: frozenset[int]
    database_path: Path
    timezone: ZoneInfo
    default_language: str
    bot_api_base_url: str | None
    log_level: int
    checkin_every_days: int = 14
    checkin_window: tuple[time, time] = (time(10), time(18))
    checkin_weekends: bool = False
    rate_limit_per_second: int = 29
    stall_rules: StallRules = field(default_factory=StallRules)
    stall_scan_minutes: int = 60

    @property
    def bot_api_base_file_url(self) -> str | None:
        """The file URL of a self-hosted Bot API server: `/file/bot` beside `/bot`."""
        if self.bot_api_base_url is None:
            return None
        root = self.bot_api_base_url.removesuffix("/bot")
        return f"{root}/file/bot"


def load_config(env: Mapping[str, str]) -> Config:
    """Build the configuration from an environment mapping, or raise ConfigError."""
    return Config(
        bot_token=_token(env.get("BOT_TOKEN", "").strip()),
        coordinator_ids=_coordinator_ids(env.get("COORDINATOR_IDS", "")),
        database_path=Path(env.get("DATABASE_PATH", "").strip() or "data/mentorbro.sqlite3"),
        timezone=_timezone(env.get("TIMEZONE", "").strip() or "Europe/Copenhagen"),
        default_language=_language(env.get("DEFAULT_LANGUAGE", "").strip() or "da"),
        bot_api_base_url=_base_url(env.get("BOT_API_BASE_URL", "").strip()),
        log_level=_log_level(env.get("LOG_LEVEL", "").strip() or "INFO"),
        checkin_every_days=_days(env.get("CHECKIN_EVERY_DAYS", "").strip() or "14"),
        checkin_window=_window(env.get("CHECKIN_WINDOW", "").strip() or "10:00-18:00"),
        checkin_weekends=_flag("CHECKIN_WEEKENDS", env.get("CHECKIN_WEEKENDS", "").strip()),
        # Just under Telegram's 30 a second: at exactly 30 the two clocks' jitter gives 429s,
        # and each 429 stops all sending for a second (bench/checkin_wave.py measured it).
        rate_limit_per_second=_rate(env.get("RATE_LIMIT_PER_SECOND", "").strip() or "29"),
        stall_rules=StallRules(
            no_meeting_days=_count(env, "STALL_NO_MEETING_DAYS", 21, 1, 365),
            agreed_meetings_missed=_count(env, "STALL_AGREED_MEETINGS_MISSED", 2, 1, 12),
            missed_in_a_row=_count(env, "STALL_MISSED_CHECKINS", 2, 1, 10),
            difficult_in_a_row=_count(env, "STALL_DIFFICULT_IN_A_ROW", 2, 1, 10),
            proposal_days=_count(env, "STALL_PROPOSAL_DAYS", 7, 1, 60),
        ),
        stall_scan_minutes=_count(env, "STALL_SCAN_EVERY_MINUTES", 60, 1, 1440),
    )


def _token(value: str) -> str:
    if not value:
        raise ConfigError(
            "BOT_TOKEN is not set: open Telegram, talk to @BotFather, send /newbot, "
            "and put the token it gives you in .env as BOT_TOKEN=..."
        )
    if not TOKEN_PATTERN.match(value):
        raise ConfigError(
            "BOT_TOKEN does not look like a bot token (digits, a colon, then letters); "
            "copy it again from @BotFather (/mybots, API Token)"
        )
    return value


def _coordinator_ids(value: str) -> frozenset[int]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    bad = [part for part in parts if not part.isdigit()]
    if bad:
        raise ConfigError(
            f"COORDINATOR_IDS must be Telegram user ids separated by commas, "
            f"e.g. 12345678,87654321; not a number: {bad[0]!r}"
        )
    return frozenset(int(part) for part in parts)


def _timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"TIMEZONE {value!r} is not a known time zone; use a name like Europe/Copenhagen"
        ) from error


def _language(value: str) -> str:
    if value not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            f"DEFAULT_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}; got {value!r}"
        )
    return value


def _base_url(value: str) -> str | None:
    if not value:
        return None
    if not re.match(r"^https?://[^/\s]+(/\S*)?/bot$", value):
        raise ConfigError(
            "BOT_API_BASE_URL must be the Bot API server's address ending in /bot, "
            f"e.g. http://localhost:8081/bot (the token is appended); got {value!r}"
        )
    return value


def _days(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 90:
        raise ConfigError(
            f"CHECKIN_EVERY_DAYS must be a number of days from 1 to 90; got {value!r}"
        )
    return int(value)


def _count(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}; got {value!r}")
    return int(value)


def _rate(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise ConfigError(
            f"RATE_LIMIT_PER_SECOND must be a number from 1 to 1000 (Telegram allows 30; "
            f"paid broadcasts allow up to 1000); got {value!r}"
        )
    return int(value)


def _window(value: str) -> tuple[time, time]:
    match = re.match(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$", value)
    try:
        assert match is not None
        start = time(int(match.group(1)), int(match.group(2)))
        end = time(int(match.group(3)), int(match.group(4)))
        assert start < end
    except (AssertionError, ValueError) as error:
        raise ConfigError(
            f"CHECKIN_WINDOW must be a daytime span like 10:00-18:00; got {value!r}"
        ) from error
    return start, end


def _flag(name: str, value: str) -> bool:
    if value.lower() in ("", "false", "no", "0"):
        return False
    if value.lower() in ("true", "yes", "1"):
        return True
    raise ConfigError(f"{name} must be true or false; got {value!r}")


def _log_level(value: str) -> int:
    name = value.upper()
    if name not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {value!r}")
    return logging.getLevelName(name)
