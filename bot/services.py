"""The one place that wires the application: what its parts share, built once per process.

``ediary run`` builds a :class:`Services` from the settings and hands the same object to
every part: the dispatcher (as workflow data: handlers ask for ``clock``, ``secret_key`` …
by name), the web application (behind :data:`SERVICES_KEY`), every scheduler job (its one
argument) and the command line (``ctx.obj``). Tests build it with a fake clock and the
recording Bot session, and override nothing else.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot.clock import Clock, SystemClock
from bot.config import ConfigurationError, Settings
from db.database import Database

if TYPE_CHECKING:
    # aiogram is imported where the bot is built or spoken through, never to read settings:
    # commands that never talk to Telegram (status, consent, codes, school) start fast.
    from aiogram import Bot
    from aiogram.utils.i18n import I18n

    from bot.digests.delivery import DeliveryWorker
    from bot.digests.shared_pacing import SharedPacing
    from bot.mail.inbound import InboundMail
    from bot.mail.reply_addresses import ReplyAddresses
    from bot.mail.worker import MailWorker


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: Database
    clock: Clock
    # Given by tests and by callers that resolved them already; else resolved on first use.
    given_bot: Bot | None = None
    given_i18n: I18n | None = None
    given_secret_key: str | None = None

    @cached_property
    def bot(self) -> Bot | None:
        """The bot when a token is set (None otherwise), built on first use."""
        if self.given_bot is not None:
            return self.given_bot
        if self.settings.bot_token is None:
            return None
        return build_bot(self.settings)

    @cached_property
    def i18n(self) -> I18n:
        if self.given_i18n is not None:
            return self.given_i18n
        from bot.i18n import build_i18n  # compiles the catalogs: only when something speaks

        return build_i18n()

    @cached_property
    def secret_key(self) -> str:
        """Resolved on first use, so that a command needing no key (migrate, status) never
        generates one beside an SQLite file, nor fails for the lack of one on PostgreSQL."""
        if self.given_secret_key is not None:
            return self.given_secret_key
        from bot.secret_key import resolve_secret_key

        return resolve_secret_key(self.settings)

    @property
    def public_url(self) -> str | None:
        return self.settings.public_base_url

    def require_bot(self) -> Bot:
        if self.bot is None:
            self.settings.require_bot_token()  # raises the one-line explanation
            raise ConfigurationError("BOT_TOKEN is not set")
        return self.bot

    def handler_data(self) -> dict[str, Any]:
        """What handlers may ask for by parameter name (aiogram injects workflow data)."""
        return {
            "services": self,
            "database": self.database,
            "clock": self.clock,
            "i18n": self.i18n,
            "secret_key": self.secret_key,
            "public_url": self.public_url,
        }

    def with_settings(self, **changes: Any) -> Services:
        """The same services with some settings changed (tests; nothing is rebuilt)."""
        settings = self.settings.model_copy(update=changes)
        copy = dataclasses.replace(self, settings=settings)
        for name in ("bot", "i18n", "secret_key"):  # keep what was resolved already
            if name in self.__dict__:
                copy.__dict__[name] = self.__dict__[name]
        return copy

    async def close(self) -> None:
        # Only a bot that was built or given: closing must not build one.
        bot = self.__dict__.get("bot", self.given_bot)
        try:
            if bot is not None:
                await bot.session.close()
        finally:
            from bot.reports.render_pool import shutdown_render_pool

            await shutdown_render_pool()  # the report workers, if any started
            await self.database.dispose()


def build_bot(settings: Settings) -> Bot:
    from aiogram import Bot
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.enums import ParseMode

    from bot.telegram_responses import hold_response_types

    token = settings.require_bot_token()
    # Else aiogram builds a response class again after each garbage collection.
    hold_response_types()
    if settings.telegram_api_url is not None:
        api = TelegramAPIServer.from_base(
            str(settings.telegram_api_url).rstrip("/"), is_local=settings.telegram_api_local
        )
        session = AiohttpSession(api=api)
    else:
        session = AiohttpSession()
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """The production wiring: the configured database, the system clock, the bot when a
    token is set (built on first use). Nothing connects yet (engines and HTTP sessions open
    on first use)."""
    return Services(
        settings=settings, database=Database(settings.database_url), clock=clock or SystemClock()
    )


def worker_name() -> str:
    """Who holds a claimed push or the scheduler: host and process, readable by people."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def build_delivery_worker(services: Services) -> DeliveryWorker:
    """The delivery worker at the configured rate (``DELIVERY_RATE``, ``ALLOW_PAID_BROADCAST``);
    with ``REDIS_URL`` that rate is the bot's, shared by every worker and instance."""
    from bot.digests.delivery import DeliveryWorker
    from bot.digests.rate_limits import RateLimits

    settings = services.settings
    limits = RateLimits(
        per_second=settings.delivery_rate, paid_broadcast=settings.allow_paid_broadcast
    )
    bot = services.require_bot()
    return DeliveryWorker(
        database=services.database,
        bot=bot,
        clock=services.clock,
        name=worker_name(),
        limits=limits,
        shared=build_shared_pacing(settings.redis_url, bot.id, limits.per_second)
        if settings.redis_url
        else None,
    )


def build_shared_pacing(redis_url: str, bot_id: int, per_second: float) -> SharedPacing:
    """The bot's limiter in Redis. Short timeouts: a Redis that stalls must not stall
    delivery (the worker paces itself on its share of the rate meanwhile)."""
    from redis.asyncio import Redis

    from bot.digests.shared_pacing import SharedPacing
    from bot.digests.shared_rate import SharedRateLimiter, bot_rate

    redis = Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
    return SharedPacing(SharedRateLimiter(redis, bot_id, bot_rate(per_second)), redis)


def build_mail_worker(services: Services) -> MailWorker | None:
    """The mail worker when ``SMTP_URL`` is set (None otherwise: no e-mail is sent)."""
    settings = services.settings
    if settings.smtp_url is None:
        return None
    if settings.mail_from is None:
        raise ConfigurationError(
            "MAIL_FROM is not set: SMTP_URL needs a sender, e.g. "
            'MAIL_FROM="Школа № 30 <diary@school.ru>"'
        )
    from bot.mail.relay import MailRelay, parse_sender, parse_smtp_url
    from bot.mail.worker import MailWorker

    return MailWorker(
        database=services.database,
        relay=MailRelay(parse_smtp_url(settings.smtp_url.get_secret_value())),
        clock=services.clock,
        i18n=services.i18n,
        secret_key=services.secret_key,
        sender=parse_sender(settings.mail_from),
        reply_to=parse_sender(settings.mail_reply_to) if settings.mail_reply_to else None,
        replies=reply_addresses(services),
        public_url=services.public_url,
        name=f"mail:{worker_name()}"[:100],
        rate=settings.mail_rate,
    )


def reply_addresses(services: Services) -> ReplyAddresses | None:
    """With ``MAIL_INBOUND``: the letters' own reply addresses, on the domain of
    ``MAIL_REPLY_TO`` (else ``MAIL_FROM``); None otherwise."""
    settings = services.settings
    base = settings.mail_reply_to or settings.mail_from
    if settings.mail_inbound is None or base is None:
        return None
    from bot.mail.relay import parse_sender
    from bot.mail.reply_addresses import ReplyAddresses

    return ReplyAddresses(parse_sender(base), services.secret_key)


def build_inbound_mail(services: Services) -> InboundMail | None:
    """The receiver of replies to letters when ``MAIL_INBOUND`` is set (None otherwise)."""
    settings = services.settings
    if settings.mail_inbound is None:
        return None
    addresses = reply_addresses(services)
    if addresses is None:
        raise ConfigurationError(
            "MAIL_INBOUND needs MAIL_FROM (or MAIL_REPLY_TO): reply addresses are on its domain"
        )
    from bot.mail.inbound import InboundMail, ReplyReceiver
    from bot.mail.reply_addresses import parse_listen_address

    host, port = parse_listen_address(settings.mail_inbound)
    receiver = ReplyReceiver(services.database, services.clock, services.i18n, addresses)
    return InboundMail(receiver, host, port)
