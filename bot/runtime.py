"""``ediary run`` and ``ediary worker``: the services' lifecycle, in one visible order.

Everything is built by :func:`bot.services.build_services` (the command line does it); here
the parts start one after another and are registered on an ``AsyncExitStack``, which stops
them in reverse order: Telegram updates first, then delivery, the scheduler, the HTTP
server, and the database and the bot's HTTP session last. A part that fails to stop is
logged; the rest still stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiohttp import web

from bot.app import Webhook, build_dispatcher, build_storage, build_web_app, webhook_for
from bot.database_startup import migrate_database, prepare_sqlite_directory
from bot.digests.delivery_loop import close_worker, run_delivery
from bot.handlers.commands import publish_commands
from bot.health.scheduler_presence import SchedulerPresence
from bot.mail.worker import run_mail_delivery
from bot.scheduling import (
    add_housekeeping_jobs,
    add_push_jobs,
    build_scheduler,
    run_scheduler_when_holding,
)
from bot.services import (
    Services,
    build_delivery_worker,
    build_inbound_mail,
    build_mail_worker,
    worker_name,
)
from bot.web.access_log import SecretMaskingAccessLogger
from db.locks import InstanceLock

log = logging.getLogger(__name__)
# How long the first call to Telegram may take before the start is given up.
TELEGRAM_CHECK_TIMEOUT = 15


class StartupFailed(Exception):
    """The process cannot start; ``str()`` is the one line to show (exit code 1)."""


class RuntimeAddon(Protocol):
    """What a mode adds to ``ediary run`` (the demo school, the try page), at three points."""

    async def prepare(self, services: Services) -> None:
        """After the database is migrated and Telegram answered; before anything serves."""

    def extend(self, app: web.Application) -> None:
        """Add routes to the web application before it starts."""

    async def started(self) -> None:
        """Everything runs: updates are being received."""


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


def _in_background(
    stack: contextlib.AsyncExitStack,
    name: str,
    run: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
) -> None:
    """Start ``run(stop)`` as a task; on the way out ``stop`` is set and the task awaited
    (a failure is logged, never raised into the rest of the stop)."""
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop), name=name)

    async def finish() -> None:
        stop.set()
        try:
            await task
        except Exception:
            log.exception("%s failed while stopping", name)

    stack.push_async_callback(finish)


def freeze_start_up_objects() -> None:
    """Keep what start-up made (modules, the ORM's mappers, aiogram's and pydantic's types:
    hundreds of thousands of objects that live as long as the process) out of every later
    garbage collection. A full collection otherwise walks them all, stalling the event loop
    for tens of milliseconds, and at a thousand messages a second the delivery pacer loses
    the turns that fall in the stall. Only for a process of its own (``ediary run``,
    ``ediary worker``): frozen objects are never freed."""
    gc.collect()
    gc.freeze()


@contextlib.asynccontextmanager
async def _lifecycle(
    services: Services, stop: asyncio.Event | None = None
) -> AsyncIterator[tuple[contextlib.AsyncExitStack, asyncio.Event]]:
    """A process's frame: a bot token, the database migrated, a stop on SIGINT or SIGTERM
    (or the ``stop`` given: a test's), and an exit stack that closes the services last."""
    services.require_bot()
    prepare_sqlite_directory(services.settings)
    if stop is None:
        stop = asyncio.Event()
        _install_signal_handlers(stop)
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(services.close)
        await migrate_database(services.database)
        await _check_telegram(services)
        yield stack, stop


async def _check_telegram(services: Services) -> None:
    """Ask Telegram who the bot is before starting anything: an unreachable API or a refused
    token is one line at start, not a screen of tracebacks from every part. Once running,
    polling and delivery retry a lost connection with backoff on their own."""
    bot, settings = services.require_bot(), services.settings
    where = str(settings.telegram_api_url or "https://api.telegram.org")
    try:
        me = await bot.get_me(request_timeout=TELEGRAM_CHECK_TIMEOUT)
    except TelegramUnauthorizedError as error:
        raise StartupFailed(
            f"Telegram refused BOT_TOKEN ({error.message}): copy the token from @BotFather again"
        ) from None
    except (TelegramNetworkError, TimeoutError) as error:
        reason = getattr(error, "message", None) or type(error).__name__
        raise StartupFailed(
            f"cannot reach Telegram at {where} ({reason}): check the network, a proxy, or "
            "TELEGRAM_API_URL"
        ) from None
    log.info("connected to Telegram as @%s", me.username)


async def preflight(services: Services) -> str:
    """``ediary run --check``: the token, the database (migrated) and Telegram answer; the
    bot's username. ``make run`` asks this before spending time on the demo school."""
    async with _lifecycle(services):
        me = await services.require_bot().get_me()
        return me.username or str(me.id)


async def serve(
    services: Services, *, addon: RuntimeAddon | None = None, stop: asyncio.Event | None = None
) -> None:
    """``ediary run``: until SIGINT or SIGTERM (or ``stop``)."""
    async with _lifecycle(services, stop) as (stack, stopping):
        if addon is not None:
            await addon.prepare(services)
        await _run_services(stack, services, stopping, addon)


async def _run_services(
    stack: contextlib.AsyncExitStack,
    services: Services,
    stop: asyncio.Event,
    addon: RuntimeAddon | None = None,
) -> None:
    settings, bot = services.settings, services.require_bot()
    storage = build_storage(settings)
    stack.push_async_callback(storage.close)
    dispatcher = build_dispatcher(services, storage=storage)
    _share_reply_limits(stack, services)
    scheduler_lock = InstanceLock(services.database.engine, holder=worker_name())
    presence = SchedulerPresence(services.clock, scheduler_lock.holder)

    app = build_web_app(services, dispatcher=dispatcher, scheduler_presence=presence)
    if addon is not None:
        addon.extend(app)
    await _serve_http(stack, app, settings.http_host, settings.http_port)

    _start_scheduler(stack, services, scheduler_lock, presence)
    worker = build_delivery_worker(services)
    stack.push_async_callback(close_worker, worker)
    _in_background(stack, "delivery", lambda stopping: run_delivery(worker, stopping))
    _start_mail(stack, services)
    await _receive_replies(stack, services)

    await _publish_commands_or_log(bot, services)
    webhook = webhook_for(settings, services.secret_key)
    await _start_receiving(bot, dispatcher, webhook)
    log.info(
        "ediary-bot is running: %s, HTTP on %s:%s, database %s",
        "webhook" if webhook else "long polling",
        settings.http_host,
        settings.http_port,
        services.database.dialect,
    )
    if addon is not None:
        await addon.started()
    if webhook is None:
        await _poll_until(stop, dispatcher, bot)
    else:
        await stop.wait()
    log.info("stopping")


def _start_scheduler(
    stack: contextlib.AsyncExitStack,
    services: Services,
    lock: InstanceLock,
    presence: SchedulerPresence,
) -> None:
    """The jobs run in the one instance holding the scheduler lock (the others wait for it)."""
    scheduler = build_scheduler()
    add_housekeeping_jobs(scheduler, services)
    add_push_jobs(scheduler, services)
    _in_background(
        stack,
        "scheduler",
        lambda stopping: run_scheduler_when_holding(scheduler, lock, stopping, presence=presence),
    )


def _share_reply_limits(stack: contextlib.AsyncExitStack, services: Services) -> None:
    """With Redis, replies and edits keep to the limiter every worker shares."""
    settings = services.settings
    if not settings.redis_url:
        return
    from bot.middlewares.shared_rate_limit import share_reply_limits

    replies = share_reply_limits(services.require_bot(), settings.redis_url, settings.delivery_rate)
    stack.push_async_callback(replies.close)


async def _serve_http(
    stack: contextlib.AsyncExitStack, app: web.Application, host: str, port: int
) -> None:
    runner = web.AppRunner(app, access_log_class=SecretMaskingAccessLogger)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        raise StartupFailed(
            f"cannot listen on {host}:{port} ({error.strerror}): another program (or another "
            "ediary run) uses it; stop it or set HTTP_PORT"
        ) from None


async def _poll_until(stop: asyncio.Event, dispatcher: Dispatcher, bot: Bot) -> None:
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
    )
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not polling.done():
            with contextlib.suppress(RuntimeError):  # polling had not started yet
                await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        stop.set()  # whatever ended first, the rest of the process stops too


async def _publish_commands_or_log(bot: Bot, services: Services) -> None:
    try:
        await publish_commands(bot, services.i18n)
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


def _start_mail(stack: contextlib.AsyncExitStack, services: Services) -> None:
    """The mail worker beside the Telegram one, when ``SMTP_URL`` is set."""
    mail = build_mail_worker(services)
    if mail is not None:
        _in_background(stack, "mail", lambda stopping: run_mail_delivery(mail, stopping))
        log.info("mail delivery at %g letters a second", mail.rate)


async def _receive_replies(stack: contextlib.AsyncExitStack, services: Services) -> None:
    """Families' replies to letters, when ``MAIL_INBOUND`` is set. Here and not in ``ediary
    worker``: like the HTTP server it is an address the outside world connects to (the
    school's mail server forwards to it), and a worker on a machine of its own listens for
    nothing; what a reply becomes goes through the outbox, which any worker delivers.
    Stopped before the delivery workers, as Telegram's updates are."""
    inbound = build_inbound_mail(services)
    if inbound is None:
        return
    try:
        await inbound.start()
    except OSError as error:
        raise StartupFailed(
            f"cannot receive replies on {inbound.host}:{inbound.port} ({error.strerror}): "
            "another program uses it, or the address is not this machine's; change MAIL_INBOUND"
        ) from None
    stack.push_async_callback(inbound.close)
    log.info(
        "receiving replies to letters on %s:%s for %s",
        inbound.host,
        inbound.port,
        inbound.receiver.addresses.domain,
    )


async def serve_worker(services: Services, *, stop: asyncio.Event | None = None) -> None:
    """``ediary worker``: only the delivery workers (for extra machines): Telegram's, and the
    mail worker beside it when ``SMTP_URL`` is set (letters are claimed with a lease, so
    workers on several machines share them like pushes). Until SIGINT or SIGTERM (or
    ``stop``)."""
    async with _lifecycle(services, stop) as (stack, stopping):
        worker = build_delivery_worker(services)
        stack.push_async_callback(close_worker, worker)
        _start_mail(stack, services)
        log.info(
            "delivery worker %s is running at %g messages a second%s",
            worker.name,
            worker.limits.per_second,
            " (paid broadcasts)" if worker.limits.paid_broadcast else "",
        )
        await run_delivery(worker, stopping)
