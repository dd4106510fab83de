"""The ``ediary`` command (also ``python -m bot``)."""

from __future__ import annotations

import click

from bot.command_line import EXIT_CONFIGURATION, fail, run_async, settings_from
from bot.config import ConfigurationError
from bot.exchange.cli import demo_command, import_command, school_group
from bot.linking.cli import admin_group, codes_group, consent_group
from bot.runtime import migrate, serve, serve_worker


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
    ctx.ensure_object(dict)
    ctx.obj["env_file"] = env_file


@main.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Migrate the database, then run the bot, the HTTP server and the scheduler."""
    settings = settings_from(ctx)
    try:
        settings.require_bot_token()
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    run_async(serve(settings))


@main.command("worker")
@click.pass_context
def worker_command(ctx: click.Context) -> None:
    """Run only the delivery worker (several may run on several machines)."""
    settings = settings_from(ctx)
    try:
        settings.require_bot_token()
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    run_async(serve_worker(settings))


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
