"""Settings: defaults, normalisation, and one clear line for every bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import webhook_for
from bot.config import ConfigurationError, Settings, load_settings
from bot.secret_key import key_file_for, resolve_secret_key
from tests.conftest import SETTING_NAMES


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (*SETTING_NAMES, "DELIVERY_RATE", "ALLOW_PAID_BROADCAST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_are_the_embedded_sqlite_and_moscow() -> None:
    settings = load_settings(None)
    assert settings.database_url == "sqlite+aiosqlite:///ediary.sqlite3"
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.default_timezone == "Europe/Moscow"
    assert settings.bot_token is None
    assert not settings.webhook_mode


def test_env_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("HTTP_PORT=9000\nDEFAULT_TIMEZONE=Asia/Yekaterinburg\n")
    monkeypatch.setenv("HTTP_PORT", "9100")
    settings = load_settings(".env")
    assert settings.http_port == 9100
    assert settings.default_timezone == "Asia/Yekaterinburg"


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("postgresql://u:p@db/ediary", "postgresql+asyncpg://u:p@db/ediary"),
        ("postgres://u@db:5433/ediary", "postgresql+asyncpg://u@db:5433/ediary"),
        ("sqlite:///data/ediary.sqlite3", "sqlite+aiosqlite:///data/ediary.sqlite3"),
    ],
)
def test_database_urls_get_the_async_driver(
    monkeypatch: pytest.MonkeyPatch, given: str, normalised: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    assert load_settings(None).database_url == normalised


@pytest.mark.parametrize(
    ("name", "value", "expected_start"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL: unsupported database"),
        ("DATABASE_URL", "not a url at all", "DATABASE_URL: cannot parse"),
        ("DATABASE_URL", "postgresql://u@host", "DATABASE_URL: no database name"),
        ("HTTP_PORT", "eighty", "HTTP_PORT:"),
        ("HTTP_PORT", "70000", "HTTP_PORT:"),
        ("DEFAULT_TIMEZONE", "Europe/Atlantis", "DEFAULT_TIMEZONE: unknown time zone"),
        ("BOT_TOKEN", "no-colon-here", "BOT_TOKEN: not a bot token"),
        ("WEBHOOK_URL", "http://bot.example.org/hook", "WEBHOOK_URL: Telegram only calls https"),
        ("WEBHOOK_SECRET", "has spaces!", "WEBHOOK_SECRET: not a valid secret token"),
        ("SECRET_KEY", "short", "SECRET_KEY: too short"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: not a redis:// URL"),
        ("TELEGRAM_API_URL", "bot-api:8081", "TELEGRAM_API_URL:"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: unknown log level"),
        ("DELIVERY_RATE", "40", "DELIVERY_RATE: 40 is above Telegram's 30 messages a second"),
        ("DELIVERY_RATE", "0", "DELIVERY_RATE:"),
        ("DELIVERY_RATE", "fast", "DELIVERY_RATE:"),
        ("ALLOW_PAID_BROADCAST", "perhaps", "ALLOW_PAID_BROADCAST:"),
        ("PUBLIC_URL", "diary.example.org", "PUBLIC_URL:"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_with_a_fix(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected_start: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings(None)
    message = str(caught.value)
    assert message.startswith(expected_start)
    assert "\n" not in message
    assert "use " in message  # every hint says what to use instead


def test_the_delivery_rate_is_25_and_free_unless_paid_broadcasts_are_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(None)
    assert (settings.delivery_rate, settings.allow_paid_broadcast) == (25, False)
    monkeypatch.setenv("DELIVERY_RATE", "30")
    assert load_settings(None).delivery_rate == 30
    monkeypatch.setenv("DELIVERY_RATE", "300")
    with pytest.raises(ConfigurationError, match="ALLOW_PAID_BROADCAST=true"):
        load_settings(None)
    monkeypatch.setenv("ALLOW_PAID_BROADCAST", "true")
    settings = load_settings(None)
    assert (settings.delivery_rate, settings.allow_paid_broadcast) == (300, True)
    monkeypatch.setenv("DELIVERY_RATE", "1001")
    with pytest.raises(ConfigurationError) as caught:
        load_settings(None)
    assert str(caught.value).startswith(
        "DELIVERY_RATE: 1001 is above Telegram's 1000 messages a second with paid broadcasts"
    )


def test_empty_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "")
    monkeypatch.setenv("WEBHOOK_URL", " ")
    settings = load_settings(None)
    assert settings.bot_token is None
    assert settings.webhook_url is None


def test_missing_token_explains_botfather() -> None:
    with pytest.raises(ConfigurationError, match="@BotFather"):
        load_settings(None).require_bot_token()


def test_secret_key_is_generated_once_beside_the_sqlite_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path}/data/e.sqlite3")
    first = resolve_secret_key(settings)
    second = resolve_secret_key(settings)
    path = key_file_for(f"{tmp_path}/data/e.sqlite3")
    assert first == second
    assert len(first) >= 32
    assert path.stat().st_mode & 0o777 == 0o600
    assert "generated one and stored it in" in caplog.text


def test_configured_secret_key_is_used_as_is() -> None:
    key = "k" * 40
    settings = Settings(_env_file=None, secret_key=key)
    assert resolve_secret_key(settings) == key


def test_postgresql_without_secret_key_is_refused() -> None:
    settings = Settings(_env_file=None, database_url="postgresql://u@db/ediary")
    with pytest.raises(ConfigurationError, match=r"^SECRET_KEY is not set"):
        resolve_secret_key(settings)


def test_webhook_path_and_derived_secret() -> None:
    settings = Settings(_env_file=None, webhook_url="https://bot.example.org/telegram/hook?x=1")
    webhook = webhook_for(settings, "s" * 40)
    assert webhook is not None
    assert webhook.path == "/telegram/hook"
    assert len(webhook.secret) == 64
    assert webhook == webhook_for(settings, "s" * 40)
    assert webhook.secret != webhook_for(settings, "t" * 40).secret  # type: ignore[union-attr]
    assert webhook_for(Settings(_env_file=None), "s" * 40) is None


def test_the_public_address_is_set_or_the_webhooks_origin() -> None:
    assert Settings(_env_file=None).public_base_url is None
    hooked = Settings(_env_file=None, webhook_url="https://bot.example.org:8443/telegram/hook")
    assert hooked.public_base_url == "https://bot.example.org:8443"
    own = Settings(
        _env_file=None,
        webhook_url="https://bot.example.org/telegram/hook",
        public_url="https://diary.example.org/",
    )
    assert own.public_base_url == "https://diary.example.org"


def test_the_example_env_file_names_every_setting_with_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    written = dict(
        line.split("=", 1)
        for line in example.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert sorted(written) == sorted(name.upper() for name in Settings.model_fields)
    for name in written:
        monkeypatch.delenv(name, raising=False)
    # Read as a .env, the example gives exactly the defaults.
    assert load_settings(example) == load_settings(None)
