"""What every ``ediary`` sub-command shares: the services (``ctx.obj``), one-line failures,
the database migrated before use."""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from bot.clock import Clock, SystemClock
from bot.config import ConfigurationError, Settings, load_settings
from bot.database_startup import DatabaseUnavailable, migrate_database, prepare_sqlite_directory
from bot.services import Services, build_services

if TYPE_CHECKING:
    from db.models import School
    from db.unit_of_work import UnitOfWork

EXIT_FAILED = 1
EXIT_CONFIGURATION = 2
T = TypeVar("T")


class CommandFailed(Exception):
    """A command that cannot do what was asked; ``str()`` is the one line to show."""


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"ediary: {message}", err=True)
    sys.exit(code)


def settings_from(ctx: click.Context) -> Settings:
    try:
        settings = load_settings(ctx.obj["env_file"])
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    configure_logging(settings.log_level)
    return settings


def prepare_context(ctx: click.Context, env_file: str) -> None:
    """What the root command puts in ``ctx.obj`` for its sub-commands. A test may pass its own
    ``obj`` with a fake ``clock``; everything else a command reads from settings."""
    ctx.ensure_object(dict)
    named = ctx.get_parameter_source("env_file") is not click.core.ParameterSource.DEFAULT
    if named and not Path(env_file).is_file():
        # Only the default .env may be absent: a named file that is not there is a typo.
        raise click.BadParameter(f"{env_file} does not exist", param_hint="--env-file")
    ctx.obj["env_file"] = env_file
    ctx.obj.setdefault("clock", SystemClock())


def services_from(ctx: click.Context) -> Services:
    """The command's services, built once from the settings with the context's clock (a
    test passes its fake one); a bad setting is one line and exit code 2."""
    root = ctx.find_root()
    if "services" not in root.obj:
        settings = settings_from(ctx)
        try:
            root.obj["services"] = build_services(settings, clock=clock_from(ctx))
        except ConfigurationError as error:
            fail(str(error), EXIT_CONFIGURATION)
    services: Services = root.obj["services"]
    return services


@asynccontextmanager
async def ready(services: Services) -> AsyncIterator[Services]:
    """The services with the database migrated to the newest schema (cheap when it is);
    closed when the command is done."""
    prepare_sqlite_directory(services.settings)
    try:
        await migrate_database(services.database)
        yield services
    finally:
        await services.close()


async def school_named(uow: UnitOfWork, reference: str) -> School:
    """The school by id or name; an unknown one is the command's one-line failure."""
    from bot.schools.service import SchoolError, find_school

    try:
        return await find_school(uow, reference)
    except SchoolError as error:
        raise CommandFailed(str(error)) from error


def clock_from(ctx: click.Context) -> Clock:
    """The one clock every command reads time from (never a ``SystemClock()`` of its own, so
    tests run the commands at any instant they choose)."""
    clock: Clock = ctx.find_root().obj["clock"]
    return clock


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except ConfigurationError as error:
        fail(str(error), EXIT_CONFIGURATION)
    except (DatabaseUnavailable, CommandFailed) as error:
        fail(str(error), EXIT_FAILED)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # aiogram logs every handled update at INFO; that is noise, and it names users.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    # Alembic announces every migration context at INFO; commands print their own result.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # fpdf2's font subsetting logs a line per table it prunes, for every PDF.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def cli_actor() -> str:
    """Who ran the command, for the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
