"""``ediary reports …``: the school's reports as files (paper statements, the summary
sheet, curriculum statistics, parent monitoring)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from bot.command_line import CommandFailed, open_database, print_json, run_async, settings_from
from bot.exchange.cli import progress_bar
from bot.i18n import DEFAULT_LOCALE, LOCALES, build_i18n
from bot.reports.common import ReportError, check_range, class_of_school
from bot.reports.statements import class_statements
from bot.schools.service import SchoolError, find_school
from db.models import School
from db.unit_of_work import UnitOfWork

school_option = click.option("--school", "school_ref", required=True, help="School id or name.")
language_option = click.option(
    "--language", type=click.Choice(LOCALES), default=DEFAULT_LOCALE, show_default=True
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")


def _date(_ctx: click.Context, _param: click.Parameter, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from error


async def _school(uow: UnitOfWork, reference: str) -> School:
    try:
        return await find_school(uow, reference)
    except SchoolError as error:
        raise CommandFailed(str(error)) from error


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandFailed(f"cannot write {path}: {error.strerror}") from error


@click.group("reports")
def reports_group() -> None:
    """Reports: paper statements, the summary sheet, curriculum statistics, monitoring."""


@reports_group.command("statements")
@school_option
@click.option("--class", "class_name", required=True, help="Class name, e.g. 5А.")
@click.option("--from", "first", required=True, callback=_date, help="First day, YYYY-MM-DD.")
@click.option("--to", "last", required=True, callback=_date, help="Last day, YYYY-MM-DD.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@language_option
@json_option
@click.pass_context
def statements_command(
    ctx: click.Context,
    school_ref: str,
    class_name: str,
    first: dt.date,
    last: dt.date,
    out: Path,
    language: str,
    as_json: bool,
) -> None:
    """A class's paper statements (one A4 section per student whose family has no
    electronic access) as one PDF to print."""
    settings = settings_from(ctx)

    async def run() -> dict[str, Any]:
        async with open_database(settings) as database, database.unit_of_work() as uow:
            school = await _school(uow, school_ref)
            try:
                check_range(first, last)
                school_class = await class_of_school(uow, school, class_name)
            except ReportError as error:
                raise CommandFailed(str(error)) from error
            with progress_bar() as report:
                report("statements", 0, 1)
                statements = await class_statements(
                    uow, build_i18n(), language, school, school_class, first, last
                )
                report("statements", 1, 1)
            _write(out, statements.pdf)
            return {
                "class": school_class.name,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "out": str(out),
                "students": [
                    {"name": item.student.full_name, "reason": item.reason.value}
                    for item in statements.students
                ],
            }

    result = run_async(run())
    if as_json:
        print_json(result)
        return
    click.echo(f"{len(result['students'])} statements for {result['class']} → {result['out']}")
    for student in result["students"]:
        click.echo(f"  {student['name']:<40} {student['reason']}")
