"""``ediary admin add|list|remove``: a school's administrators in the bot."""

from __future__ import annotations

from typing import Any

import click

from bot.cli.common import (
    EXIT_FAILED,
    cli_actor,
    fail,
    print_json,
    ready,
    run_async,
    school_named,
    services_from,
)
from bot.linking.access import add_admin, remove_admin, school_admins


@click.group("admin")
def admin_group() -> None:
    """School administrators in the bot."""


@admin_group.command("add")
@click.option("--school", "school_ref", required=True)
@click.option("--telegram-id", type=click.IntRange(1), required=True)
@click.pass_context
def admin_add(ctx: click.Context, school_ref: str, telegram_id: int) -> None:
    """Make a Telegram user an administrator of the school."""
    services = services_from(ctx)

    async def run() -> bool:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            return await add_admin(uow, services.clock, school, telegram_id, actor=cli_actor())

    added = run_async(run())
    click.echo("administrator added" if added else "already an administrator of this school")


@admin_group.command("list")
@click.option("--school", "school_ref", required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def admin_list(ctx: click.Context, school_ref: str, as_json: bool) -> None:
    """The school's administrators in the bot."""
    services = services_from(ctx)

    async def run() -> list[dict[str, Any]]:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            return [
                {
                    "telegram_id": admin.telegram_user_id,
                    "since": admin.since.isoformat(),
                    "active": admin.active,
                }
                for admin in await school_admins(uow, school)
            ]

    admins = run_async(run())
    if as_json:
        print_json(admins)
        return
    if not admins:
        click.echo("no administrators (add one: ediary admin add --school S --telegram-id ID)")
    for admin in admins:
        blocked = "" if admin["active"] else "  (has blocked the bot)"
        click.echo(f"{admin['telegram_id']:<14} since {admin['since'][:10]}{blocked}")


@admin_group.command("remove")
@click.option("--school", "school_ref", required=True)
@click.option("--telegram-id", type=click.IntRange(1), required=True)
@click.pass_context
def admin_remove(ctx: click.Context, school_ref: str, telegram_id: int) -> None:
    """End a Telegram user's administration of the school (kept in the audit trail)."""
    services = services_from(ctx)

    async def run() -> bool:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            return await remove_admin(uow, services.clock, school, telegram_id, actor=cli_actor())

    if not run_async(run()):
        fail(f"{telegram_id} is not an administrator of this school", EXIT_FAILED)
    click.echo("administrator removed")
