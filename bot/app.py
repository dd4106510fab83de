"""Builds the pieces of the application from the services, the same way for production and
for tests: the dispatcher, and the web application."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiohttp import web

from bot.config import Settings
from bot.exchange.api import add_exchange_routes
from bot.handlers import build_router
from bot.health.scheduler_presence import SchedulerPresence
from bot.middlewares.database_session import DatabaseSessionMiddleware
from bot.middlewares.locale import AccountLocaleMiddleware
from bot.office.routes import add_office_routes
from bot.secret_key import derive_secret
from bot.services import Services
from bot.telegram_responses import hold_response_types
from bot.web.calendar import add_calendar_routes
from bot.web.health import add_health_routes
from bot.web.keys import SERVICES_KEY
from bot.web.mail import add_mail_routes
from bot.web.metrics import add_metrics_routes
from bot.web.webhook import TelegramWebhook


def build_storage(settings: Settings) -> BaseStorage:
    """FSM state in Redis when configured, so that several instances share conversations."""
    if settings.redis_url:
        return RedisStorage.from_url(settings.redis_url)
    return MemoryStorage()


def build_dispatcher(services: Services, *, storage: BaseStorage | None = None) -> Dispatcher:
    # Every answer is validated by aiogram as Response[...]: hold those classes (else each
    # garbage collection frees them and the next answer builds them again).
    hold_response_types()
    dispatcher = Dispatcher(storage=storage or MemoryStorage(), **services.handler_data())
    # Order matters: the locale middleware reads the account through the session.
    dispatcher.update.outer_middleware(DatabaseSessionMiddleware(services.database))
    # Not on errors: the account's language needs the database, which may be what failed;
    # the error handler translates with the Telegram language instead.
    AccountLocaleMiddleware(services.i18n).setup(dispatcher, exclude={"error"})
    dispatcher.include_router(build_router())
    return dispatcher


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
    services: Services,
    *,
    dispatcher: Dispatcher | None = None,
    scheduler_presence: SchedulerPresence | None = None,
) -> web.Application:
    """Health and metrics always; the exchange API, the calendar feed and the office
    console; Telegram's webhook when ``WEBHOOK_URL`` is set (then the dispatcher is needed)."""
    settings = services.settings
    # Large sync documents are read by the exchange route itself, against its own limit.
    app = web.Application(client_max_size=settings.sync_max_bytes + 1)
    app[SERVICES_KEY] = services
    add_health_routes(app, scheduler_presence)
    add_metrics_routes(app)
    add_exchange_routes(app)
    add_calendar_routes(app)
    add_mail_routes(app)
    add_office_routes(app)
    webhook = webhook_for(settings, services.secret_key)
    if webhook is not None:
        if dispatcher is None:
            raise ValueError("a webhook needs the dispatcher")
        # Requests without the right X-Telegram-Bot-Api-Secret-Token header are refused.
        # Handled before answering: a failing handler is answered by the error handler,
        # and a crash of the process makes Telegram deliver the update again.
        TelegramWebhook(
            dispatcher=dispatcher,
            bot=services.require_bot(),
            secret_token=webhook.secret,
            handle_in_background=False,
        ).register(app, path=webhook.path)
    return app
