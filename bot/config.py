"""Configuration from the environment and a ``.env`` file.

Every problem becomes one line that names the variable and says how to fix it; callers
turn :class:`ConfigurationError` into exit code 2.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.engine import UnsupportedDatabaseUrl, normalize_database_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///ediary.sqlite3"
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Telegram's broadcast limits per bot: about 30 messages a second free, and up to 1000 with
# allow_paid_broadcast (each message above the free limit is paid for in Stars).
FREE_RATE_LIMIT = 30
PAID_RATE_LIMIT = 1000

# How to fix each setting, appended to the validation message.
HINTS: dict[str, str] = {
    "bot_token": "use the token @BotFather gave you, e.g. BOT_TOKEN=123456789:AAH...",
    "bot_username": "use the bot's username without @, e.g. BOT_USERNAME=school7_diary_bot",
    "database_url": (
        "use e.g. DATABASE_URL=sqlite+aiosqlite:///ediary.sqlite3 or "
        "DATABASE_URL=postgresql+asyncpg://user:password@host:5432/ediary"
    ),
    "telegram_api_url": "use the base URL of your Bot API server, e.g. http://127.0.0.1:8081",
    "telegram_api_local": "use true or false",
    "redis_url": "use e.g. REDIS_URL=redis://127.0.0.1:6379/0, or leave it unset",
    "webhook_url": "use the public https:// URL Telegram should call, or leave it unset",
    "webhook_secret": "use 1-256 characters from A-Z, a-z, 0-9, _ and -",
    "http_host": "use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0",
    "http_port": "use a port number from 1 to 65535, e.g. HTTP_PORT=8080",
    "default_timezone": "use an IANA zone name, e.g. DEFAULT_TIMEZONE=Europe/Moscow",
    "secret_key": (
        "use at least 32 random characters, e.g. the output of "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
    ),
    "log_level": "use DEBUG, INFO, WARNING or ERROR",
    "sync_max_bytes": "use a size in bytes of at least 1024, e.g. SYNC_MAX_BYTES=67108864",
    "sync_read_timeout": "use seconds, e.g. SYNC_READ_TIMEOUT=60",
    "allow_paid_broadcast": "use true or false",
    "public_url": "use the address families reach this server at, e.g. https://diary.example.org",
    "smtp_url": (
        "use smtp://user:password@mail.school.ru:587 (STARTTLS) or "
        "smtps://user:password@mail.school.ru:465 (TLS from the start), or leave it unset"
    ),
    "mail_from": 'use the sender of the letters, e.g. MAIL_FROM="Школа № 30 <diary@school.ru>"',
    "mail_reply_to": (
        'use the mailbox replies go to, e.g. MAIL_REPLY_TO="Канцелярия <office@school.ru>"'
    ),
    "mail_rate": "use letters per second above 0, e.g. MAIL_RATE=5 (ask the relay's limit)",
    "mail_inbound": (
        "use host:port to receive replies to letters on, e.g. MAIL_INBOUND=0.0.0.0:2525, with "
        "SMTP_URL and MAIL_FROM (or MAIL_REPLY_TO) set; or leave it unset"
    ),
    "delivery_rate": (
        f"use messages per second from 1 to {FREE_RATE_LIMIT}, e.g. DELIVERY_RATE=25, or up "
        f"to {PAID_RATE_LIMIT} with ALLOW_PAID_BROADCAST=true (Telegram charges Stars for "
        "messages above the free limit)"
    ),
}


class ConfigurationError(Exception):
    """A setting is missing or wrong; ``str(error)`` is the one line to show."""


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {value!r}") from error
    return value


TimezoneName = Annotated[str, AfterValidator(_check_timezone)]


def looks_like_bot_token(token: str) -> bool:
    """aiogram's own rule (``aiogram.utils.token``), kept here so that reading the settings
    does not import aiogram: a command that never talks to Telegram starts in a fraction of
    the time."""
    left, colon, right = token.partition(":")
    return bool(colon) and left.isdigit() and bool(right) and not any(c.isspace() for c in token)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    # The bot's @username for deep links in printed letters; asked from Telegram if unset.
    bot_username: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: HttpUrl | None = None
    # A self-hosted Bot API server started with --local serves files from its disk.
    telegram_api_local: bool = False
    redis_url: str | None = None
    webhook_url: HttpUrl | None = None
    webhook_secret: SecretStr | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    default_timezone: TimezoneName = "Europe/Moscow"
    secret_key: SecretStr | None = None
    log_level: str = "INFO"
    # The largest sync document the exchange API accepts (a district's year fits in 64 MiB).
    sync_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    # Seconds a client has to send its whole sync document (else 408): a stalled upload
    # must not hold anything for long.
    sync_read_timeout: float = Field(default=60.0, gt=0)
    # Declared before delivery_rate: its validator reads this one.
    allow_paid_broadcast: bool = False
    # Pushes sent per second by each delivery worker (Telegram's limit is per bot).
    delivery_rate: float = Field(default=25.0, ge=1)
    # Where families reach this service from the internet (the calendar feed's links);
    # defaults to the webhook's origin.
    public_url: HttpUrl | None = None
    # The school's mail relay for e-mail delivery (issue 17); unset: no e-mail is sent. A
    # secret: it carries the relay's password.
    smtp_url: SecretStr | None = None
    # The letters' sender, "Name <address>" or an address.
    mail_from: str | None = None
    # Where replies to a letter go (the school's office or the class teachers' mailbox);
    # unset: replies reach MAIL_FROM's mailbox. The bot reads them only with MAIL_INBOUND.
    mail_reply_to: str | None = None
    # Letters sent per second (relays limit senders; 5/s is a cautious default).
    mail_rate: float = Field(default=5.0, gt=0, le=1000)
    # host:port where `ediary run` receives families' replies to letters (each letter then
    # gets its own reply address on MAIL_REPLY_TO's, else MAIL_FROM's, domain); unset: off.
    # Declared after smtp_url, mail_from and mail_reply_to: its validator reads them.
    mail_inbound: str | None = None

    @field_validator(
        "bot_token",
        "bot_username",
        "redis_url",
        "webhook_secret",
        "secret_key",
        "telegram_api_url",
        "webhook_url",
        "public_url",
        "smtp_url",
        "mail_from",
        "mail_reply_to",
        "mail_inbound",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        # "BOT_TOKEN=" in a .env file means "not set", not "set to nothing".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("bot_token")
    @classmethod
    def _check_bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not looks_like_bot_token(value.get_secret_value()):
            raise ValueError("not a bot token (expected digits, a colon, a secret)")
        return value

    @field_validator("bot_username")
    @classmethod
    def _check_bot_username(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", value):
            raise ValueError("not a Telegram username")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            return normalize_database_url(value).render_as_string(hide_password=False)
        except UnsupportedDatabaseUrl as error:
            raise ValueError(str(error)) from error

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("not a redis:// URL")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: HttpUrl | None) -> HttpUrl | None:
        if value is not None and value.scheme != "https":
            raise ValueError("Telegram only calls https:// webhooks")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("not a valid secret token")
        return value

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("too short")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            from bot.mail.relay import parse_smtp_url  # the rule lives with the sender

            parse_smtp_url(value.get_secret_value())  # raises ValueError with the reason
        return value

    @field_validator("mail_from", "mail_reply_to")
    @classmethod
    def _check_mail_from(cls, value: str | None) -> str | None:
        if value is not None:
            from bot.mail.relay import parse_sender

            parse_sender(value)
        return value

    @field_validator("mail_inbound")
    @classmethod
    def _check_mail_inbound(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        from bot.mail.relay import parse_sender
        from bot.mail.reply_addresses import check_reply_base, parse_listen_address

        parse_listen_address(value)  # raises ValueError with the reason
        if info.data.get("smtp_url") is None:
            raise ValueError("needs SMTP_URL: the class teacher's answers go back by e-mail")
        base = info.data.get("mail_reply_to") or info.data.get("mail_from")
        if base is None:
            raise ValueError("needs MAIL_FROM (or MAIL_REPLY_TO): reply addresses use its domain")
        check_reply_base(parse_sender(base))
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("delivery_rate")
    @classmethod
    def _check_delivery_rate(cls, value: float, info: ValidationInfo) -> float:
        paid = info.data.get("allow_paid_broadcast", False)
        limit = PAID_RATE_LIMIT if paid else FREE_RATE_LIMIT
        if value > limit:
            without = "with" if paid else "without"
            raise ValueError(
                f"{value:g} is above Telegram's {limit} messages a second {without} paid broadcasts"
            )
        return value

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    @property
    def public_base_url(self) -> str | None:
        """PUBLIC_URL, else the webhook's scheme and host (the same server serves both)."""
        if self.public_url is not None:
            return str(self.public_url).rstrip("/")
        if self.webhook_url is not None:
            host = self.webhook_url.host or ""
            port = f":{self.webhook_url.port}" if self.webhook_url.port not in (None, 443) else ""
            return f"{self.webhook_url.scheme}://{host}{port}"
        return None

    def require_bot_token(self) -> str:
        if self.bot_token is None:
            raise ConfigurationError(
                "BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot) and "
                "put BOT_TOKEN=<the token it gives you> in the environment or in .env (or try "
                "the bot without Telegram first: ediary run --try)"
            )
        return self.bot_token.get_secret_value()


def describe_validation_error(error: ValidationError) -> str:
    """The first problem as ``VARIABLE: what is wrong; how to fix it``."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    message = first["msg"].removeprefix("Value error, ")
    hint = HINTS.get(field)
    line = f"{field.upper()}: {message}"
    return f"{line}; {hint}" if hint else line


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as error:
        raise ConfigurationError(describe_validation_error(error)) from None
