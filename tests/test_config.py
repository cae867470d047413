from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults_with_only_a_token() -> None:
    config = load_config({"BOT_TOKEN": TOKEN})
    assert config.bot_token == TOKEN
    assert config.coordinator_ids == frozenset()
    assert config.database_path == Path("data/mentorbro.sqlite3")
    assert config.timezone.key == "Europe/Copenhagen"
    assert config.default_language == "da"
    assert config.bot_api_base_url is None
    assert config.log_level == 20
    assert config.checkin_every_days == 14
    assert [str(moment) for moment in config.checkin_window] == ["10:00:00", "18:00:00"]
    assert config.checkin_weekends is False
    assert config.rate_limit_per_second == 29
    assert config.reference_work_share == 0.52  # the national programme's share into work


def test_every_variable_is_read() -> None:
    config = load_config(
        {
            "BOT_TOKEN": TOKEN,
            "COORDINATOR_IDS": " 11, 22 ,33",
            "DATABASE_PATH": "/tmp/x.sqlite3",
            "TIMEZONE": "UTC",
            "DEFAULT_LANGUAGE": "ar",
            "BOT_API_BASE_URL": "http://localhost:8081/bot",
            "LOG_LEVEL": "debug",
            "REFERENCE_WORK_SHARE": "0.6",
        }
    )
    assert config.coordinator_ids == {11, 22, 33}
    assert config.database_path == Path("/tmp/x.sqlite3")
    assert config.timezone.key == "UTC"
    assert config.default_language == "ar"
    assert config.bot_api_base_url == "http://localhost:8081/bot"
    assert config.bot_api_base_file_url == "http://localhost:8081/file/bot"
    assert config.log_level == 10
    assert config.reference_work_share == 0.6


def test_missing_token_says_how_to_get_one() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({})
    assert "BOT_TOKEN" in str(raised.value)
    assert "@BotFather" in str(raised.value)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("COORDINATOR_IDS", "12,abc"),
        ("TIMEZONE", "Mars/Olympus"),
        ("DEFAULT_LANGUAGE", "de"),
        ("BOT_API_BASE_URL", "http://localhost:8081"),
        ("LOG_LEVEL", "LOUD"),
        ("CHECKIN_EVERY_DAYS", "0"),
        ("CHECKIN_WINDOW", "18:00-10:00"),
        ("CHECKIN_WEEKENDS", "sometimes"),
        ("RATE_LIMIT_PER_SECOND", "5000"),
        ("METRICS_PORT", "http"),
        ("LOG_FORMAT", "xml"),
        ("HEALTH_UNREACHABLE_SECONDS", "0"),
        ("REFERENCE_WORK_SHARE", "52%"),
        ("REFERENCE_WORK_SHARE", "1.2"),
    ],
)
def test_a_malformed_value_names_its_variable(variable: str, value: str) -> None:
    env = {"BOT_TOKEN": TOKEN, variable: value}
    with pytest.raises(ConfigError) as raised:
        load_config(env)
    assert str(raised.value).startswith(variable)
    assert "\n" not in str(raised.value)


def test_monitoring_is_off_until_a_port_is_given() -> None:
    assert load_config({"BOT_TOKEN": TOKEN}).monitoring is None
    config = load_config({"BOT_TOKEN": TOKEN, "METRICS_PORT": "9100"})
    assert config.monitoring is not None
    assert (config.monitoring.host, config.monitoring.port) == ("127.0.0.1", 9100)
    assert config.health_unreachable_seconds == 60
    assert config.log_format == "text"


def test_a_webhook_serves_the_monitoring_itself() -> None:
    webhook = {"WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": "x" * 32}
    assert load_config({"BOT_TOKEN": TOKEN, **webhook}).serves_ops
    with pytest.raises(ConfigError, match=r"^METRICS_PORT is for polling"):
        load_config({"BOT_TOKEN": TOKEN, "METRICS_PORT": "9100", **webhook})
    with pytest.raises(ConfigError, match=r"^WEBHOOK_URL must not end in /healthz"):
        load_config(
            {**webhook, "BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/healthz"}
        )
