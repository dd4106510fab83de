"""Running and watching the service: ``ediary run``, ``worker``, ``status``, ``migrate``."""

from __future__ import annotations

from dataclasses import asdict

import click

from bot.cli.common import (
    EXIT_CONFIGURATION,
    EXIT_FAILED,
    clock_from,
    fail,
    print_json,
    ready,
    run_async,
    services_from,
    settings_from,
)
from bot.config import ConfigurationError
from bot.database_startup import migrate
from bot.digests.status import DeliveryStatus, delivery_status


@click.command()
@click.option("--check", is_flag=True, help="Check the token, the database and Telegram; exit.")
@click.option(
    "--demo",
    is_flag=True,
    help="Load the demo school into an empty database; with no BOT_TOKEN, --try.",
)
@click.option(
    "--try",
    "try_it",
    is_flag=True,
    help="Chat with the bot in a browser page, through a built-in Telegram stand-in.",
)
@click.pass_context
def run(ctx: click.Context, check: bool, demo: bool, try_it: bool) -> None:
    """Migrate the database, then run the bot, the HTTP server and the scheduler."""
    settings = settings_from(ctx)
    if try_it or (demo and settings.bot_token is None and not check):
        _run_try(ctx)
        return
    _require_bot_token(ctx)
    # The dispatcher and every handler load only to run.
    from bot.runtime import StartupFailed, freeze_start_up_objects, preflight, serve

    try:
        if check:
            username = run_async(preflight(services_from(ctx)))
            click.echo(f"ready: the database is up to date and Telegram answers as @{username}")
            return
        freeze_start_up_objects()
        if demo:
            from bot.trying.mode import DemoWhenEmpty

            run_async(serve(services_from(ctx), addon=DemoWhenEmpty()))
        else:
            run_async(serve(services_from(ctx)))
    except StartupFailed as error:
        fail(str(error), EXIT_FAILED)


def _run_try(ctx: click.Context) -> None:
    from bot.runtime import StartupFailed
    from bot.trying.mode import run_try
    from bot.trying.personas import TryModeUnavailable

    try:
        run_async(run_try(settings_from(ctx), clock=clock_from(ctx), announce=click.echo))
    except (StartupFailed, TryModeUnavailable) as error:
        fail(str(error), EXIT_FAILED)


@click.command("worker")
@click.pass_context
def worker_command(ctx: click.Context) -> None:
    """Run only the delivery worker (several may run on several machines)."""
    _require_bot_token(ctx)
    from bot.runtime import StartupFailed, freeze_start_up_objects, serve_worker

    freeze_start_up_objects()
    try:
        run_async(serve_worker(services_from(ctx)))
    except StartupFailed as error:
        fail(str(error), EXIT_FAILED)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def status_command(ctx: click.Context, as_json: bool) -> None:
    """Queue depth and delivery outcomes of the last hour and day."""
    services = services_from(ctx)

    async def read() -> DeliveryStatus:
        async with ready(services), services.database.unit_of_work() as uow:
            return await delivery_status(uow, services.clock)

    status = run_async(read())
    if as_json:
        print_json(asdict(status))
        return
    oldest = status.oldest_pending_seconds
    click.echo(f"queue: {status.pending} pending, {status.claimed} being sent")
    click.echo(f"scheduler: {status.scheduler_holder or 'no instance holds it'}")
    click.echo(f"oldest due push waiting: {'-' if oldest is None else f'{oldest:.0f} s'}")
    click.echo(
        f"last hour: {status.sent_last_hour} sent, {status.dead_last_hour} dead, "
        f"{status.retrying_last_hour} retrying"
    )
    click.echo(
        f"last day:  {status.sent_last_day} sent, {status.dead_last_day} dead, "
        f"{status.retrying_last_day} retrying"
    )
    click.echo(
        "unknown outcome after a crash (sent again, perhaps twice): "
        f"{status.unknown_after_crash_last_hour} in the last hour, "
        f"{status.unknown_after_crash_last_day} in the last day"
    )


@click.command("migrate")
@click.pass_context
def migrate_command(ctx: click.Context) -> None:
    """Upgrade the database schema to the newest revision."""
    settings = settings_from(ctx)
    run_async(migrate(settings))
    click.echo("database is up to date")


def _require_bot_token(ctx: click.Context) -> None:
    try:
        settings_from(ctx).require_bot_token()
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
