"""The ``ediary`` command (also ``python -m bot``): one module per group of sub-commands,
all working on the services of ``bot.services`` (``ctx.obj``, see ``common.py``).

Sub-commands are imported when they are run, not to list them: ``ediary --help``,
``status``, ``school`` or ``consent`` never load the Telegram client, the handlers or the
chart library, so they answer in a fraction of a second.
"""

from __future__ import annotations

import importlib

import click

# name → (module:attribute, the one line ``--help`` shows): listing needs no import.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("bot.cli.operations:run", "Run the bot, the HTTP server, the scheduler and delivery."),
    "worker": ("bot.cli.operations:worker_command", "Run only the delivery worker."),
    "status": ("bot.cli.operations:status_command", "Delivery queue and scheduler status."),
    "migrate": ("bot.cli.operations:migrate_command", "Upgrade the database schema."),
    "school": ("bot.cli.schools:school_group", "Schools, their API tokens and settings."),
    "periods": ("bot.cli.schools:periods_group", "A school's periods (quarters, the year)."),
    "import": ("bot.cli.exchange:import_command", "Import journal data from JSON or XLSX."),
    "demo": ("bot.cli.exchange:demo_command", "Load the demo school through the sync path."),
    "consent": ("bot.cli.linking:consent_group", "The consent register."),
    "codes": ("bot.cli.linking:codes_group", "One-time link codes and printable letters."),
    "contacts": ("bot.cli.contacts:contacts_group", "Families' e-mail addresses and forms."),
    "admin": ("bot.cli.admins:admin_group", "School administrators in the bot."),
    "finals": ("bot.cli.finals:finals_group", "Final grades: undelivered families."),
    "reports": ("bot.cli.reports:reports_group", "Statements, summary sheets, statistics."),
}


class LazyGroup(click.Group):
    """A group whose sub-commands live in modules imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_path, summary) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--env-file",
    default=".env",
    show_default=True,
    help="Read settings from this file as well as from the environment.",
)
@click.pass_context
def main(ctx: click.Context, env_file: str) -> None:
    """ediary-bot: the Telegram channel of a school's electronic diary."""
    from bot.cli.common import prepare_context  # settings and database: not for --help

    prepare_context(ctx, env_file)
