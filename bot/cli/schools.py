"""``ediary school …``: schools, their exchange API tokens and their settings."""

from __future__ import annotations

import json
from typing import Any

import click

from bot.cli.common import (
    EXIT_CONFIGURATION,
    CommandFailed,
    cli_actor,
    fail,
    print_json,
    ready,
    run_async,
    school_named,
    services_from,
)
from bot.schools.service import (
    SchoolError,
    change_settings,
    create_school,
    find_school,
    list_schools,
    rotate_token,
)
from bot.schools.settings import SchoolSettings
from bot.stored_settings import SettingInvalid, describe, shown, validated_value

# Click's own code for a bad argument: the command line, not the system, is wrong.
EXIT_BAD_ARGUMENT = EXIT_CONFIGURATION


@click.group("school")
def school_group() -> None:
    """Schools, their exchange API tokens and their settings."""


@school_group.command("add")
@click.argument("name")
@click.option("--timezone", default=None, help="IANA zone; DEFAULT_TIMEZONE if not given.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def school_add(ctx: click.Context, name: str, timezone: str | None, as_json: bool) -> None:
    """Create a school and print its API token (shown this once only)."""
    services = services_from(ctx)

    async def add() -> tuple[int, str, str]:
        async with ready(services), services.database.unit_of_work() as uow:
            try:
                school, token = await create_school(
                    uow, services.clock, services.secret_key, name=name,
                    timezone=timezone or services.settings.default_timezone, actor=cli_actor(),
                )  # fmt: skip
            except SchoolError as error:
                raise CommandFailed(str(error)) from error
            return school.id, school.timezone, token

    school_id, zone, token = run_async(add())
    if as_json:
        print_json({"id": school_id, "name": name.strip(), "timezone": zone, "api_token": token})
        return
    click.echo(f"school {school_id} created: {name.strip()} ({zone})")
    click.echo(f"API token (shown once; give it to the journal): {token}")


@school_group.command("token")
@click.argument("school")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def school_token(ctx: click.Context, school: str, as_json: bool) -> None:
    """Issue a new API token for SCHOOL (id or name); the old one stops working."""
    services = services_from(ctx)

    async def rotate() -> tuple[int, str]:
        async with ready(services), services.database.unit_of_work() as uow:
            found = await school_named(uow, school)
            token = await rotate_token(
                uow, services.clock, services.secret_key, found, actor=cli_actor()
            )
            return found.id, token

    school_id, token = run_async(rotate())
    if as_json:
        print_json({"id": school_id, "api_token": token})
    else:
        click.echo(f"new API token for school {school_id} (the old one no longer works): {token}")


@school_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def school_list(ctx: click.Context, as_json: bool) -> None:
    """List the schools."""
    services = services_from(ctx)

    async def load() -> list[dict[str, Any]]:
        async with ready(services), services.database.unit_of_work() as uow:
            return [
                {"id": s.id, "name": s.name, "timezone": s.timezone}
                for s in await list_schools(uow)
            ]

    schools = run_async(load())
    if as_json:
        print_json(schools)
        return
    if not schools:
        click.echo("no schools yet; create one with `ediary school add NAME`")
    for school in schools:
        click.echo(f"{school['id']:>4}  {school['name']}  ({school['timezone']})")


def parse_assignments(assignments: tuple[str, ...]) -> dict[str, object]:
    """``KEY=VALUE`` pairs, each value JSON when it parses as JSON (``18``, ``false``,
    ``[4.5,3.5,2.5]``) and a string otherwise; every one validated, so a bad one changes
    nothing. Exits with a one-line error naming the key."""
    changes: dict[str, object] = {}
    for assignment in assignments:
        key, equals, text = assignment.partition("=")
        key = key.strip()
        if not equals or not key:
            fail(f"{assignment}: give KEY=VALUE, e.g. digest_hour=18", EXIT_BAD_ARGUMENT)
        if key in changes:
            fail(f"{key}: given twice", EXIT_BAD_ARGUMENT)
        try:
            changes[key] = json.loads(text)
        except ValueError:
            changes[key] = text
    try:
        SchoolSettings.updated({}, changes)
    except SettingInvalid as error:
        fail(str(error), EXIT_BAD_ARGUMENT)
    return changes


def print_settings(school_id: int, name: str, stored: dict[str, Any]) -> None:
    """Key, value, default and meaning per setting; then what is stored but not used."""
    values = SchoolSettings.from_stored(stored, school_id=school_id).model_dump(mode="json")
    rows = [("key", "value", "default", "meaning")] + [
        (info.key, shown(values[info.key]), shown(info.default), info.meaning)
        for info in describe(SchoolSettings)
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    click.echo(f"settings of school {school_id} ({name}):")
    for key, value, default, meaning in rows:
        cells = (key.ljust(widths[0]), value.ljust(widths[1]), default.ljust(widths[2]))
        click.echo("  ".join((*cells, meaning)))
    for key, value in stored.items():
        try:
            validated_value(SchoolSettings, key, value)
        except SettingInvalid:
            if key in values:
                click.echo(f"{key}: the stored {shown(value)} is not valid; the default is used")
            else:
                click.echo(f"not a setting, kept as stored: {key} = {shown(value)}")


def print_changes(school_id: int, changed: dict[str, tuple[Any, Any]]) -> None:
    if not changed:
        click.echo(f"school {school_id}: nothing changed")
    for key, (before, after) in changed.items():
        was = "unset (the default)" if before is None else shown(before)
        click.echo(f"school {school_id}: {key} {was} → {shown(after)}")


@school_group.command("settings")
@click.argument("school")
@click.argument("assignments", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object of key → value.")
@click.pass_context
def school_settings(
    ctx: click.Context, school: str, assignments: tuple[str, ...], as_json: bool
) -> None:
    """Show SCHOOL's settings, or set them with KEY=VALUE (all of them or none; a value is
    JSON when it parses as JSON, e.g. forecast_thresholds=[4.5,3.5,2.5], else a string)."""
    changes = parse_assignments(assignments)
    services = services_from(ctx)

    async def apply() -> tuple[int, str, dict[str, Any], dict[str, tuple[Any, Any]]]:
        async with ready(services), services.database.unit_of_work() as uow:
            changed: dict[str, tuple[Any, Any]] = {}
            try:
                found = await find_school(uow, school)
                if changes:
                    changed = await change_settings(
                        uow, services.clock, found, changes, actor=cli_actor()
                    )
            except (SchoolError, SettingInvalid) as error:
                raise CommandFailed(str(error)) from error
            return found.id, found.name, dict(found.settings or {}), changed

    school_id, name, stored, changed = run_async(apply())
    if as_json:
        print_json(SchoolSettings.from_stored(stored, school_id=school_id).model_dump(mode="json"))
    elif changes:
        print_changes(school_id, changed)
    else:
        print_settings(school_id, name, stored)


@click.group("periods")
def periods_group() -> None:
    """A school's periods (quarters, semesters, the year), as the journal sent them."""


@periods_group.command("list")
@click.option("--school", "school_ref", required=True, help="School id or name.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def periods_list(ctx: click.Context, school_ref: str, as_json: bool) -> None:
    """The periods, earliest first: what ``--period`` of the report commands accepts."""
    services = services_from(ctx)

    async def run() -> list[dict[str, Any]]:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            return [
                {
                    "id": period.external_id,
                    "name": period.name,
                    "kind": period.kind.value,
                    "starts_on": period.starts_on.isoformat(),
                    "ends_on": period.ends_on.isoformat(),
                }
                for period in await uow.reports.periods(school.id)
            ]

    periods = run_async(run())
    if as_json:
        print_json(periods)
        return
    if not periods:
        click.echo("no periods yet: the journal sends them (see ediary import / the exchange API)")
    for period in periods:
        dates = f"{period['starts_on']} – {period['ends_on']}"
        click.echo(f"{period['id']:<16} {period['name']:<28} {dates}")
