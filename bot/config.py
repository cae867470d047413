"""Settings from the environment and `.env`, validated once and immutable afterwards."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import SUPPORTED_LANGUAGES
from bot.model.checkins import Window
from bot.model.effects import REFERENCE_WORK_SHARE
from bot.model.municipalities import Unknown, resolve
from bot.model.stalls import StallRules

TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
# Paths the webhook server keeps for itself (bot/ops_server.py).
OPS_PATHS = ("healthz", "metrics")
# Telegram's charset for a webhook's secret_token; at least 16 characters to be hard to guess.
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True)
class Webhook:
    """Production mode: Telegram posts updates to `url`; a reverse proxy passes them on."""

    url: str
    secret: str
    listen: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        """The path the bot listens on: the URL's own, so the proxy passes it on unchanged."""
        return urlsplit(self.url).path.strip("/")


@dataclass(frozen=True)
class Monitoring:
    """Polling mode with METRICS_PORT set: /healthz and /metrics on this address."""

    host: str = "127.0.0.1"
    port: int = 9100


@dataclass(frozen=True)
class BackupSettings:
    directory: Path = Path("data/backups")
    keep: int = 14  # 0: no daily backup, and `python -m bot.backup` deletes none
    hour: int = 3  # the daily backup's hour in the programme's time zone


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
    # The times offered as buttons when a pair plans a meeting (any time can be typed).
    meeting_hours: tuple[time, time] = (time(8), time(20))
    rate_limit_per_second: int = 29
    stall_rules: StallRules = field(default_factory=StallRules)
    stall_scan_minutes: int = 60
    retention_days: int = 730  # personal data is erased this long after a person's last pair
    # The share into work the evaluation compares with: the national programme's 52%.
    reference_work_share: float = REFERENCE_WORK_SHARE
    # Coordinators limited to some municipalities or regions (bot/scopes.py), as their codes;
    # absent: programme-wide.
    coordinator_scopes: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    webhook: Webhook | None = None  # None: the bot polls Telegram for updates
    backup: BackupSettings = field(default_factory=BackupSettings)
    monitoring: Monitoring | None = None  # None: no /healthz and /metrics (unless a webhook)
    log_format: str = "text"
    # /healthz turns 503 when the Bot API has failed (or refused the token) this long.
    health_unreachable_seconds: int = 60

    @property
    def daytime(self) -> Window:
        """The daytime window of reminders and follow-up questions (meetings, the mentor
        course): the check-in hours, but every day of the week, as these are not check-ins."""
        start, end = self.checkin_window
        return Window(start, end, weekends=True, zone=self.timezone)

    @property
    def serves_ops(self) -> bool:
        """Whether /healthz and /metrics are served: on METRICS_PORT, or on the webhook's."""
        return self.monitoring is not None or self.webhook is not None

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
        database_path=database_path(env),
        timezone=_timezone(env.get("TIMEZONE", "").strip() or "Europe/Copenhagen"),
        default_language=_language(env.get("DEFAULT_LANGUAGE", "").strip() or "da"),
        bot_api_base_url=_base_url(env.get("BOT_API_BASE_URL", "").strip()),
        log_level=_log_level(env.get("LOG_LEVEL", "").strip() or "INFO"),
        checkin_every_days=_days(env.get("CHECKIN_EVERY_DAYS", "").strip() or "14"),
        checkin_window=_window(env.get("CHECKIN_WINDOW", "").strip() or "10:00-18:00"),
        checkin_weekends=_flag("CHECKIN_WEEKENDS", env.get("CHECKIN_WEEKENDS", "").strip()),
        meeting_hours=_window(
            env.get("MEETING_HOURS", "").strip() or "08:00-20:00", "MEETING_HOURS"
        ),
        # Just under Telegram's 30 a second: at exactly 30 the two clocks' jitter gives 429s,
        # and each 429 stops all sending for a second (bench/checkin_wave.py measured it).
        rate_limit_per_second=_rate(env.get("RATE_LIMIT_PER_SECOND", "").strip() or "29"),
        stall_rules=StallRules(
            no_meeting_days=_count(env, "STALL_NO_MEETING_DAYS", 21, 1, 365),
            agreed_meetings_missed=_count(env, "STALL_AGREED_MEETINGS_MISSED", 2, 1, 12),
            missed_in_a_row=_count(env, "STALL_MISSED_CHECKINS", 2, 1, 10),
            difficult_in_a_row=_count(env, "STALL_DIFFICULT_IN_A_ROW", 2, 1, 10),
            proposal_days=_count(env, "STALL_PROPOSAL_DAYS", 7, 1, 60),
            meeting_unconfirmed_days=_count(env, "STALL_MEETING_UNCONFIRMED_DAYS", 3, 1, 30),
        ),
        stall_scan_minutes=_count(env, "STALL_SCAN_EVERY_MINUTES", 60, 1, 1440),
        retention_days=_count(env, "RETENTION_DAYS", 730, 30, 3650),
        reference_work_share=_reference(env.get("REFERENCE_WORK_SHARE", "").strip()),
        coordinator_scopes=_coordinator_scopes(
            env.get("COORDINATOR_SCOPES", ""), _coordinator_ids(env.get("COORDINATOR_IDS", ""))
        ),
        webhook=load_webhook(env),
        backup=load_backup_settings(env),
        monitoring=load_monitoring(env),
        log_format=_log_format(env.get("LOG_FORMAT", "").strip() or "text"),
        health_unreachable_seconds=_count(env, "HEALTH_UNREACHABLE_SECONDS", 60, 1, 3600),
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


def _coordinator_scopes(value: str, coordinators: frozenset[int]) -> dict[int, tuple[int, ...]]:
    """`900002=Aarhus,Odense;900003=Region Syddanmark`: coordinators limited to those
    municipalities and regions (names, aliases or codes), kept as codes."""
    scopes: dict[int, tuple[int, ...]] = {}
    for part in (part.strip() for part in value.split(";")):
        if not part:
            continue
        user_id, _, names = part.partition("=")
        municipalities = tuple(" ".join(n.split()) for n in names.split(",") if n.strip())
        if not user_id.strip().isdigit() or not municipalities:
            raise ConfigError(
                "COORDINATOR_SCOPES must be a coordinator's user id, =, and municipalities "
                "separated by commas, each such group separated by ;, e.g. "
                f"12345678=Aarhus,Odense;87654321=Vejle; not understood: {part!r}"
            )
        if int(user_id) not in coordinators:
            raise ConfigError(
                f"COORDINATOR_SCOPES names {user_id.strip()}, who is not in COORDINATOR_IDS"
            )
        known, unknown = resolve(municipalities)
        if unknown:
            raise ConfigError(f"COORDINATOR_SCOPES: {unknown_municipality(unknown[0])}")
        scopes[int(user_id)] = tuple(named.code for named in known)
    return scopes


def unknown_municipality(unknown: Unknown) -> str:
    """`"Arhuss" is not a Danish municipality; the closest: Aarhus`, for the one line."""
    line = f"{unknown.typed!r} is not a Danish municipality"
    if unknown.closest:
        line += "; the closest: " + ", ".join(m.name for m in unknown.closest)
    return line


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


def _reference(value: str) -> float:
    if not value:
        return REFERENCE_WORK_SHARE
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0 < share < 1:
        raise ConfigError(
            f"REFERENCE_WORK_SHARE must be a share between 0 and 1, e.g. 0.52 for 52%; "
            f"got {value!r}"
        )
    return share


def _rate(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise ConfigError(
            f"RATE_LIMIT_PER_SECOND must be a number from 1 to 1000 (Telegram allows 30; "
            f"paid broadcasts allow up to 1000); got {value!r}"
        )
    return int(value)


def _window(value: str, name: str = "CHECKIN_WINDOW") -> tuple[time, time]:
    match = re.match(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$", value)
    try:
        assert match is not None
        start = time(int(match.group(1)), int(match.group(2)))
        end = time(int(match.group(3)), int(match.group(4)))
        assert start < end
    except (AssertionError, ValueError) as error:
        raise ConfigError(
            f"{name} must be a daytime span like 10:00-18:00; got {value!r}"
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


def _log_format(value: str) -> str:
    if value.lower() not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be text or json; got {value!r}")
    return value.lower()


def load_monitoring(env: Mapping[str, str]) -> Monitoring | None:
    """/healthz and /metrics on METRICS_HOST:METRICS_PORT while polling; a webhook's server
    serves them itself, so METRICS_PORT is not for webhook mode."""
    if not env.get("METRICS_PORT", "").strip():
        return None
    if env.get("WEBHOOK_URL", "").strip():
        raise ConfigError(
            "METRICS_PORT is for polling; with WEBHOOK_URL, /healthz and /metrics are served "
            "on WEBHOOK_LISTEN:WEBHOOK_PORT beside the webhook: leave METRICS_PORT empty"
        )
    host = env.get("METRICS_HOST", "").strip() or "127.0.0.1"
    return Monitoring(
        host=_listen_address("METRICS_HOST", host), port=_count(env, "METRICS_PORT", 9100, 1, 65535)
    )


def database_path(env: Mapping[str, str]) -> Path:
    return Path(env.get("DATABASE_PATH", "").strip() or "data/mentorbro.sqlite3")


def load_backup_settings(env: Mapping[str, str]) -> BackupSettings:
    """The backup settings alone: `python -m bot.backup` needs no bot token."""
    return BackupSettings(
        directory=Path(env.get("BACKUP_DIR", "").strip() or "data/backups"),
        keep=_count(env, "BACKUP_KEEP", 14, 0, 1000),
        hour=_count(env, "BACKUP_HOUR", 3, 0, 23),
    )


def load_webhook(env: Mapping[str, str]) -> Webhook | None:
    """Webhook mode when WEBHOOK_URL is set; then the secret is required."""
    url = env.get("WEBHOOK_URL", "").strip()
    if not url:
        return None
    return Webhook(
        url=_webhook_url(url),
        secret=_webhook_secret(env.get("WEBHOOK_SECRET", "").strip()),
        listen=_listen_address(
            "WEBHOOK_LISTEN", env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1"
        ),
        port=_count(env, "WEBHOOK_PORT", 8443, 1, 65535),
    )


def _webhook_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.path.strip("/") in OPS_PATHS:
        raise ConfigError(
            f"WEBHOOK_URL must not end in /{parts.path.strip('/')}: the bot serves its own "
            "/healthz and /metrics there; choose another path, e.g. /telegram"
        )
    # Telegram posts only to https; plain http is accepted for this machine alone (tests).
    local = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if not (parts.scheme == "https" or local) or not parts.hostname or parts.query:
        raise ConfigError(
            "WEBHOOK_URL must be the public https address Telegram sends updates to, "
            f"e.g. https://bot.example.org/telegram; got {value!r}"
        )
    return value


def _webhook_secret(value: str) -> str:
    if not value:
        raise ConfigError(
            "WEBHOOK_SECRET is not set: with WEBHOOK_URL, Telegram must send a secret with "
            "every update; make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if not WEBHOOK_SECRET_PATTERN.match(value):
        # The value is not repeated: it is a password.
        raise ConfigError(
            "WEBHOOK_SECRET must be 16 to 256 characters, only letters A-Z and a-z, digits, "
            "_ and - (Telegram's rule); make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return value


def _listen_address(name: str, value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError as error:
        if value != "localhost":
            raise ConfigError(
                f"{name} must be the IP address the bot listens on, e.g. 127.0.0.1 "
                f"behind a reverse proxy on the same machine; got {value!r}"
            ) from error
    return value
