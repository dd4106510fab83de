"""``ediary run``: the bot, the HTTP server and the scheduler in one asyncio process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.app import Webhook, build_bot, build_dispatcher, build_storage, build_web_app, webhook_for
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.digests.delivery import DeliveryWorker, RateLimits, run_delivery
from bot.exchange.api import ExchangeConfig
from bot.handlers.commands import publish_commands
from bot.health.scheduler_presence import SchedulerPresence
from bot.i18n import build_i18n
from bot.scheduling import (
    add_housekeeping_jobs,
    add_push_jobs,
    build_scheduler,
    run_scheduler_when_holding,
)
from bot.secret_key import resolve_secret_key
from bot.web.access_log import SecretMaskingAccessLogger
from bot.web.calendar import CalendarConfig
from db.database import Database
from db.engine import normalize_database_url, sqlite_file
from db.locks import InstanceLock

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Who holds a claimed push: host and process, readable in the outbox table."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def delivery_worker(
    settings: Settings, database: Database, bot: Bot, clock: Clock
) -> DeliveryWorker:
    """The delivery worker at the configured rate (``DELIVERY_RATE``, ``ALLOW_PAID_BROADCAST``)."""
    limits = RateLimits(
        per_second=settings.delivery_rate, paid_broadcast=settings.allow_paid_broadcast
    )
    return DeliveryWorker(
        database=database, bot=bot, clock=clock, name=worker_name(), limits=limits
    )


class DatabaseUnavailable(Exception):
    """The database cannot be reached or migrated; ``str()`` is the one line to show."""


def prepare_sqlite_directory(settings: Settings) -> None:
    database_file = sqlite_file(normalize_database_url(settings.database_url))
    if database_file is not None:
        Path(database_file).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


async def migrate_database(database: Database) -> None:
    try:
        await database.migrate()
    except (OSError, SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise DatabaseUnavailable(
            f"DATABASE_URL: cannot reach or migrate the database ({reason}); check that the "
            "server is running and the URL, user and password are right"
        ) from error


async def migrate(settings: Settings) -> None:
    prepare_sqlite_directory(settings)
    database = Database(settings.database_url)
    try:
        await migrate_database(database)
    finally:
        await database.dispose()


async def _publish_commands_or_log(bot: Bot, i18n: I18n) -> None:
    try:
        await publish_commands(bot, i18n)
    except Exception:
        # The menu is a convenience: a failure here must not keep the bot from serving.
        log.warning("could not set the bot's command menu; continuing", exc_info=True)


async def _start_receiving(bot: Bot, dispatcher: Dispatcher, webhook: Webhook | None) -> None:
    allowed = dispatcher.resolve_used_update_types()
    try:
        if webhook is not None:
            await bot.set_webhook(webhook.url, secret_token=webhook.secret, allowed_updates=allowed)
        else:
            # A webhook left over from an earlier deployment would make polling fail.
            await bot.delete_webhook(drop_pending_updates=False)
    except Exception:
        log.exception("could not configure update delivery with Telegram; continuing")


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


async def serve(settings: Settings, *, clock: Clock | None = None) -> None:
    settings.require_bot_token()
    secret_key = resolve_secret_key(settings)
    prepare_sqlite_directory(settings)
    database = Database(settings.database_url)
    stop = asyncio.Event()
    _install_signal_handlers(stop)
    try:
        await migrate_database(database)
        await _run_services(settings, database, clock or SystemClock(), secret_key, stop)
    finally:
        await database.dispose()


async def _run_services(
    settings: Settings, database: Database, clock: Clock, secret_key: str, stop: asyncio.Event
) -> None:
    i18n = build_i18n()
    bot = build_bot(settings)
    storage = build_storage(settings)
    dispatcher = build_dispatcher(
        database=database,
        clock=clock,
        i18n=i18n,
        secret_key=secret_key,
        storage=storage,
        public_url=settings.public_base_url,
    )
    webhook = webhook_for(settings, secret_key)
    scheduler_lock = InstanceLock(database.engine, holder=worker_name())
    presence = SchedulerPresence(clock, scheduler_lock.holder)
    exchange = ExchangeConfig(
        database=database, clock=clock, secret_key=secret_key, max_bytes=settings.sync_max_bytes
    )
    runner = web.AppRunner(
        build_web_app(
            database=database,
            dispatcher=dispatcher,
            bot=bot,
            webhook=webhook,
            exchange=exchange,
            clock=clock,
            calendar=CalendarConfig(
                database=database, clock=clock, i18n=i18n, secret_key=secret_key
            ),
            scheduler_presence=presence,
        ),
        access_log_class=SecretMaskingAccessLogger,
    )
    scheduler = build_scheduler()
    add_housekeeping_jobs(scheduler, database, clock)
    add_push_jobs(scheduler, database, clock, i18n)
    polling: asyncio.Task[None] | None = None
    scheduling: asyncio.Task[None] | None = None
    delivery_stop = asyncio.Event()
    delivery = asyncio.create_task(
        run_delivery(delivery_worker(settings, database, bot, clock), delivery_stop)
    )
    try:
        await runner.setup()
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        scheduling = asyncio.create_task(
            run_scheduler_when_holding(scheduler, scheduler_lock, stop, presence=presence)
        )
        await _publish_commands_or_log(bot, i18n)
        await _start_receiving(bot, dispatcher, webhook)
        log.info(
            "ediary-bot is running: %s, HTTP on %s:%s, database %s",
            "webhook" if webhook else "long polling",
            settings.http_host,
            settings.http_port,
            database.dialect,
        )
        if webhook is None:
            polling = asyncio.create_task(
                dispatcher.start_polling(
                    bot,
                    handle_signals=False,
                    close_bot_session=False,
                    allowed_updates=dispatcher.resolve_used_update_types(),
                )
            )
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
        else:
            await stop.wait()
        log.info("stopping")
    finally:
        if polling is not None:
            if not polling.done():
                with contextlib.suppress(RuntimeError):  # polling had not started yet
                    await dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        delivery_stop.set()
        await delivery
        stop.set()
        if scheduling is not None:
            await scheduling
        await runner.cleanup()
        await bot.session.close()
        await storage.close()


async def serve_worker(settings: Settings, *, clock: Clock | None = None) -> None:
    """``ediary worker``: only the delivery worker (for extra machines)."""
    settings.require_bot_token()
    prepare_sqlite_directory(settings)
    database = Database(settings.database_url)
    stop = asyncio.Event()
    _install_signal_handlers(stop)
    bot = build_bot(settings)
    try:
        await migrate_database(database)
        worker = delivery_worker(settings, database, bot, clock or SystemClock())
        log.info(
            "delivery worker %s is running at %g messages a second%s",
            worker.name,
            worker.limits.per_second,
            " (paid broadcasts)" if worker.limits.paid_broadcast else "",
        )
        await run_delivery(worker, stop)
    finally:
        await bot.session.close()
        await database.dispose()
