"""The sandbox's own settings: its port, its folder and the one coordinator it starts with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError
from bot.i18n import SUPPORTED_LANGUAGES

# Where the sandbox keeps its database: never the configured DATABASE_PATH.
DEFAULT_DATA_DIR = Path("data/sandbox")
# A made-up token in Telegram's shape; the emulator accepts only this one.
SANDBOX_TOKEN = "123456789:SANDBOXsandboxSANDBOXsandboxSAND"
# Programme settings the sandbox changes so that fast-forwarding a week shows a check-in at any
# hour of the real day: weekly check-ins, sent around the clock, weekends included.
PROGRAMME_OVERRIDES = {
    "CHECKIN_EVERY_DAYS": "7",
    "CHECKIN_WINDOW": "00:00-23:59",
    "CHECKIN_WEEKENDS": "true",
}
# Settings of the real bot the sandbox takes over from the environment; nothing else (not the
# production database, backup folder or webhook).
PASSED_THROUGH = ("TIMEZONE", "DEFAULT_LANGUAGE", "LOG_LEVEL", "LOG_FORMAT")


@dataclass(frozen=True)
class SandboxSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = DEFAULT_DATA_DIR
    coordinator_id: int = 1000
    coordinator_name: str = "Mette"
    coordinator_language: str = "da"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "sandbox.sqlite3"

    def bot_environment(self, env: Mapping[str, str], base_url: str) -> dict[str, str]:
        """The variables the real bot is configured with inside the sandbox."""
        variables = {name: env[name] for name in PASSED_THROUGH if env.get(name)}
        variables.update(PROGRAMME_OVERRIDES)
        variables.update(
            BOT_TOKEN=SANDBOX_TOKEN,
            BOT_API_BASE_URL=base_url,
            DATABASE_PATH=str(self.database_path),
            COORDINATOR_IDS=str(self.coordinator_id),
            # No daily backups of a play database, and none beside the real ones.
            BACKUP_KEEP="0",
            BACKUP_DIR=str(self.data_dir / "backups"),
        )
        return variables


def load_settings(env: Mapping[str, str]) -> SandboxSettings:
    """Settings from SANDBOX_* variables, or ConfigError naming the bad one."""
    defaults = SandboxSettings()
    language = env.get("SANDBOX_COORDINATOR_LANGUAGE", "").strip() or defaults.coordinator_language
    if language not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            f"SANDBOX_COORDINATOR_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}; "
            f"got {language!r}"
        )
    settings = SandboxSettings(
        host=env.get("SANDBOX_HOST", "").strip() or defaults.host,
        port=_number(env, "SANDBOX_PORT", defaults.port, 0, 65535),
        data_dir=Path(env.get("SANDBOX_DATA_DIR", "").strip() or defaults.data_dir),
        coordinator_id=_number(env, "SANDBOX_COORDINATOR_ID", defaults.coordinator_id, 1, 10**12),
        coordinator_name=env.get("SANDBOX_COORDINATOR_NAME", "").strip()
        or defaults.coordinator_name,
        coordinator_language=language,
    )
    production = Path(env.get("DATABASE_PATH", "").strip() or "data/mentorbro.sqlite3")
    if settings.database_path.resolve() == production.resolve():
        raise ConfigError("SANDBOX_DATA_DIR must not hold the bot's own DATABASE_PATH")
    return settings


def _number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}; got {value!r}")
    return int(value)
