"""Builds the pieces of the application, the same way for production and for tests."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.i18n import I18n
from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.exchange.api import ExchangeConfig, add_exchange_routes
from bot.handlers import build_router
from bot.health.scheduler_presence import SchedulerPresence
from bot.i18n import AccountLocaleMiddleware
from bot.middlewares.database_session import DatabaseSessionMiddleware
from bot.secret_key import derive_secret
from bot.web.calendar import CalendarConfig, add_calendar_routes
from bot.web.health import DATABASE_KEY, add_health_routes
from bot.web.metrics import add_metrics_routes
from bot.web.webhook import TelegramWebhook
from db.database import Database


def build_storage(settings: Settings) -> BaseStorage:
    """FSM state in Redis when configured, so that several instances share conversations."""
    if settings.redis_url:
        return RedisStorage.from_url(settings.redis_url)
    return MemoryStorage()


def build_dispatcher(
    *,
    database: Database,
    clock: Clock,
    i18n: I18n,
    secret_key: str,
    storage: BaseStorage | None = None,
    public_url: str | None = None,
) -> Dispatcher:
    """``public_url``: where this service is reachable from the internet (for the links it
    hands out, like the calendar feed); None when it is not."""
    dispatcher = Dispatcher(
        storage=storage or MemoryStorage(),
        database=database,
        clock=clock,
        secret_key=secret_key,
        public_url=public_url,
        i18n=i18n,
    )
    # Order matters: the locale middleware reads the account through the session.
    dispatcher.update.outer_middleware(DatabaseSessionMiddleware(database))
    # Not on errors: the account's language needs the database, which may be what failed;
    # the error handler translates with the Telegram language instead.
    AccountLocaleMiddleware(i18n).setup(dispatcher, exclude={"error"})
    dispatcher.include_router(build_router())
    return dispatcher


def build_bot(settings: Settings) -> Bot:
    token = settings.require_bot_token()
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


@dataclass(frozen=True)
class Webhook:
    url: str
    path: str
    secret: str


def webhook_for(settings: Settings, secret_key: str) -> Webhook | None:
    if settings.webhook_url is None:
        return None
    url = str(settings.webhook_url)
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret is not None
        # Derived, so every instance sharing SECRET_KEY checks the same header value.
        else derive_secret(secret_key, "telegram-webhook")
    )
    return Webhook(url=url, path=urlsplit(url).path or "/", secret=secret)


def build_web_app(
    *,
    database: Database,
    dispatcher: Dispatcher | None = None,
    bot: Bot | None = None,
    webhook: Webhook | None = None,
    exchange: ExchangeConfig | None = None,
    clock: Clock | None = None,
    calendar: CalendarConfig | None = None,
    scheduler_presence: SchedulerPresence | None = None,
) -> web.Application:
    # Large sync documents are read by the exchange route itself, against its own limit.
    app = web.Application(client_max_size=exchange.max_bytes + 1 if exchange else 1024**2)
    app[DATABASE_KEY] = database
    add_health_routes(app, scheduler_presence)
    add_metrics_routes(app, clock or SystemClock())
    if exchange is not None:
        add_exchange_routes(app, exchange)
    if calendar is not None:
        add_calendar_routes(app, calendar)
    if webhook is not None:
        if dispatcher is None or bot is None:
            raise ValueError("a webhook needs the dispatcher and the bot")
        # Requests without the right X-Telegram-Bot-Api-Secret-Token header are refused.
        # Handled before answering: if handling fails, Telegram sees an error and delivers
        # the update again instead of it being lost in a background task.
        TelegramWebhook(
            dispatcher=dispatcher, bot=bot, secret_token=webhook.secret, handle_in_background=False
        ).register(app, path=webhook.path)
    return app
