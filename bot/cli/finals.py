"""``ediary finals undelivered``: the 24-hour report for the school's office, on paper."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from bot.cli.common import (
    print_json,
    ready,
    run_async,
    school_named,
    services_from,
)
from bot.finals.guarantee import undelivered_families


@click.group("finals")
def finals_group() -> None:
    """Final grades: what did not reach families in time."""


@finals_group.command("undelivered")
@click.option("--school", "school_ref", required=True, help="School id or name.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def undelivered(ctx: click.Context, school_ref: str, as_json: bool) -> None:
    """Families whose final grades were not delivered within 24 hours, with the reason:
    hand them the grades on paper."""
    services = services_from(ctx)

    async def run() -> list[dict[str, Any]]:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            items = await undelivered_families(uow, school, services.clock.now())
            return [{**asdict(item), "reason": item.reason.value} for item in items]

    rows = run_async(run())
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("every family received its final grades within 24 hours")
        return
    for row in rows:
        reason = row["reason"] + (f" ({row['error']})" if row["error"] else "")
        click.echo(
            f"{row['class_name']:<6} {row['period_name']:<15} {row['child']:<35} "
            f"{row['guardian']:<35} {reason}"
        )
