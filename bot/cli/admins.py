"""``ediary admin add|list|remove``: a school's administrators in the bot."""

from __future__ import annotations

from typing import Any

import click

from bot.cli.common import (
    EXIT_FAILED,
    CommandFailed,
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


@admin_group.command("login-link")
@click.option("--school", "school_ref", required=True)
@click.option("--telegram-id", type=click.IntRange(1), required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def admin_login_link(ctx: click.Context, school_ref: str, telegram_id: int, as_json: bool) -> None:
    """A one-time link that signs an administrator or class teacher in to the office
    console (valid for 10 minutes, works once); later they send /office to the bot."""
    from bot.office.signing_in import issue_sign_in_link
    from bot.office.staff import staff_schools

    services = services_from(ctx)

    async def run() -> dict[str, Any]:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            found = [s for s in await staff_schools(uow, telegram_id) if s.school.id == school.id]
            if not found:
                raise CommandFailed(
                    f"{telegram_id} is neither an administrator nor a linked class teacher of "
                    f"this school (add one: ediary admin add --school {school.id} "
                    f"--telegram-id {telegram_id})"
                )
            link = await issue_sign_in_link(
                uow,
                services.clock,
                services.secret_key,
                services.settings,
                found[0],
                actor=cli_actor(),
            )
            return {"url": link.url, "expires_at": link.expires_at.isoformat()}

    result = run_async(run())
    if as_json:
        print_json(result)
        return
    click.echo(result["url"])
    click.echo(f"opens the office console once, until {result['expires_at']}", err=True)
