"""The ``ediary`` command (also ``python -m bot``)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

import click

from bot.config import ConfigurationError, Settings, load_settings
from bot.runtime import DatabaseUnavailable, migrate, serve

EXIT_CONFIGURATION = 2
EXIT_UNAVAILABLE = 1


def fail(message: str, code: int) -> None:
    click.echo(f"ediary: {message}", err=True)
    sys.exit(code)


def settings_from(ctx: click.Context) -> Settings:
    try:
        return load_settings(ctx.obj["env_file"])
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
        raise  # unreachable: fail() exits


def run_async(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        asyncio.run(coroutine)
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    except DatabaseUnavailable as error:
        fail(str(error), EXIT_UNAVAILABLE)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # aiogram logs every handled update at INFO; that is noise, and it names users.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)


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
    configure_logging(settings.log_level)
    try:
        settings.require_bot_token()
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    run_async(serve(settings))


@main.command("migrate")
@click.pass_context
def migrate_command(ctx: click.Context) -> None:
    """Upgrade the database schema to the newest revision."""
    settings = settings_from(ctx)
    configure_logging(settings.log_level)
    run_async(migrate(settings))
    click.echo("database is up to date")
