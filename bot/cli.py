"""The ``ediary`` command (also ``python -m bot``)."""

from __future__ import annotations

from dataclasses import asdict

import click

from bot.command_line import (
    EXIT_CONFIGURATION,
    clock_from,
    fail,
    prepare_context,
    print_json,
    ready,
    run_async,
    services_from,
    settings_from,
)
from bot.config import ConfigurationError
from bot.database_startup import migrate
from bot.digests.status import DeliveryStatus, delivery_status
from bot.exchange.cli import demo_command, import_command
from bot.finals.cli import finals_group
from bot.linking.cli import admin_group, codes_group, consent_group
from bot.reports.cli import reports_group
from bot.runtime import serve, serve_worker
from bot.schools.cli import school_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--env-file",
    default=".env",
    show_default=True,
    help="Read settings from this file as well as from the environment.",
)
@click.pass_context
def main(ctx: click.Context, env_file: str) -> None:
    """ediary-bot: the Telegram channel of a school's electronic diary."""
    prepare_context(ctx, env_file)


@main.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Migrate the database, then run the bot, the HTTP server and the scheduler."""
    settings = settings_from(ctx)
    try:
        settings.require_bot_token()
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    run_async(serve(settings, clock=clock_from(ctx)))


@main.command("worker")
@click.pass_context
def worker_command(ctx: click.Context) -> None:
    """Run only the delivery worker (several may run on several machines)."""
    settings = settings_from(ctx)
    try:
        settings.require_bot_token()
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    run_async(serve_worker(settings, clock=clock_from(ctx)))


@main.command("status")
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


@main.command("migrate")
@click.pass_context
def migrate_command(ctx: click.Context) -> None:
    """Upgrade the database schema to the newest revision."""
    settings = settings_from(ctx)
    run_async(migrate(settings))
    click.echo("database is up to date")


main.add_command(school_group)
main.add_command(import_command)
main.add_command(demo_command)
main.add_command(consent_group)
main.add_command(codes_group)
main.add_command(admin_group)
main.add_command(finals_group)
main.add_command(reports_group)
