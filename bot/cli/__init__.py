"""The ``ediary`` command (also ``python -m bot``): one module per group of sub-commands,
all working on the services of ``bot.services`` (``ctx.obj``, see ``common.py``)."""

from __future__ import annotations

import click

from bot.cli.admins import admin_group
from bot.cli.common import prepare_context
from bot.cli.exchange import demo_command, import_command
from bot.cli.finals import finals_group
from bot.cli.linking import codes_group, consent_group
from bot.cli.operations import migrate_command, run, status_command, worker_command
from bot.cli.reports import reports_group
from bot.cli.schools import periods_group, school_group


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


main.add_command(run)
main.add_command(worker_command)
main.add_command(status_command)
main.add_command(migrate_command)
main.add_command(school_group)
main.add_command(periods_group)
main.add_command(import_command)
main.add_command(demo_command)
main.add_command(consent_group)
main.add_command(codes_group)
main.add_command(admin_group)
main.add_command(finals_group)
main.add_command(reports_group)
