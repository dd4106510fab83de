"""``ediary reports …``: the school's reports as files (paper statements, the summary
sheet, curriculum statistics, parent monitoring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from bot.cli.common import (
    CommandFailed,
    print_json,
    ready,
    run_async,
    school_named,
    services_from,
)
from bot.cli.exchange import progress_bar
from bot.clock import Clock
from bot.i18n import DEFAULT_LOCALE, LOCALES
from bot.reports.common import ReportError, check_range, class_of_school
from bot.reports.curriculum import curriculum_draft
from bot.reports.files import RenderedFiles, ReportFiles, render_files
from bot.reports.monitoring import monitoring_draft
from bot.reports.render_pool import RenderBatch
from bot.reports.statements import class_statements
from bot.reports.summary import summary_draft
from bot.services import Services
from db.models import Period, School, SchoolClass
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

# Reads a class's report (in the command's one session) and returns its file stem and what
# its files are made of; the files are rendered in the pool (``bot/reports/render_pool``).
SheetBuilder = Callable[
    [UnitOfWork, "I18n", str, School, SchoolClass, Period, Clock],
    Awaitable[tuple[str, ReportFiles]],
]
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
    services = services_from(ctx)

    async def run() -> dict[str, Any]:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            try:
                check_range(first, last)
                school_class = await class_of_school(uow, school, class_name)
            except ReportError as error:
                raise CommandFailed(str(error)) from error
            with progress_bar() as report:
                report("statements", 0, 1)
                statements = await class_statements(
                    uow, services.i18n, language, school, school_class, first, last
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


async def _classes(uow: UnitOfWork, school: School, class_name: str | None) -> list[SchoolClass]:
    if class_name is None:
        return await uow.teachers.classes_of_school(school.id)
    try:
        return [await class_of_school(uow, school, class_name)]
    except ReportError as error:
        raise CommandFailed(str(error)) from error


async def _period(uow: UnitOfWork, school: School, reference: str) -> Period:
    period = await uow.reports.period(school.id, reference)
    if period is None:
        names = ", ".join(p.name for p in await uow.reports.periods(school.id)) or "none"
        raise CommandFailed(f"no period {reference!r} in this school (periods: {names})")
    return period


def _out_format(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise click.BadParameter("the file must end in .pdf or .xlsx", param_hint="--out")
    return suffix[1:]


def _sheet_command(name: str, help_text: str, build: SheetBuilder) -> click.Command:
    @click.command(name, help=help_text)
    @school_option
    @click.option("--class", "class_name", help="Class name, e.g. 5А (default: every class).")
    @click.option("--period", "period_ref", required=True, help="Period id or name (or the year).")
    @click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(path_type=Path),
        help="FILE.pdf or FILE.xlsx; a directory when every class is asked for.",
    )
    @language_option
    @json_option
    @click.pass_context
    def command(
        ctx: click.Context,
        school_ref: str,
        class_name: str | None,
        period_ref: str,
        out: Path,
        language: str,
        as_json: bool,
    ) -> None:
        services = services_from(ctx)
        many = class_name is None
        kind = "xlsx" if many else _out_format(out)
        if many:
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise click.BadParameter(f"cannot create {out}: {error.strerror}") from error

        request = _SheetRequest(name, school_ref, class_name, period_ref, language, out, kind)
        written = run_async(_write_sheets(services, request, build))
        if as_json:
            print_json(written)
            return
        for item in written:
            click.echo(f"{item['class']:<6} → {item['out']}")

    return command


@dataclass(frozen=True)
class _SheetRequest:
    name: str
    school_ref: str
    class_name: str | None  # None: every class, into the directory ``out``
    period_ref: str
    language: str
    out: Path
    kind: str


async def _write_sheets(
    services: Services, request: _SheetRequest, build: SheetBuilder
) -> list[dict[str, Any]]:
    """Every class read in turn, each one's files rendering in the pool while the next is
    read; the bar counts the classes rendered."""
    async with ready(services), services.database.unit_of_work() as uow:
        school = await school_named(uow, request.school_ref)
        classes = await _classes(uow, school, request.class_name)
        period = await _period(uow, school, request.period_ref)
        stems: list[str] = []
        with progress_bar() as report:
            report(request.name, 0, len(classes))

            def rendered_so_far(done: int) -> None:
                report(request.name, done, len(classes))

            async with RenderBatch[RenderedFiles](on_done=rendered_so_far) as batch:
                for school_class in classes:
                    stem, files = await build(
                        uow, services.i18n, request.language, school, school_class, period,
                        services.clock,
                    )  # fmt: skip
                    stems.append(stem)
                    batch.start(render_files(files))
                rendered = await batch.results()
        return [
            written
            for school_class, stem, files in zip(classes, stems, rendered, strict=True)
            for written in _write_sheet(request, school_class.name, stem, files)
        ]


def _write_sheet(
    request: _SheetRequest, class_name: str, stem: str, files: RenderedFiles
) -> list[dict[str, Any]]:
    many = request.class_name is None
    written = []
    for suffix, content in (("xlsx", files.xlsx), ("pdf", files.pdf)):
        if many or suffix == request.kind:
            path = request.out / f"{stem}.{suffix}" if many else request.out
            _write(path, content)
            written.append({"class": class_name, "out": str(path)})
    return written


async def _summary(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
    clock: Clock,
) -> tuple[str, ReportFiles]:
    sheet = await summary_draft(uow, i18n, locale, school, school_class, period)
    return sheet.filename_stem, sheet.files


async def _curriculum(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
    clock: Clock,
) -> tuple[str, ReportFiles]:
    statistics = await curriculum_draft(uow, i18n, locale, school, school_class, period)
    return statistics.filename_stem, statistics.files


reports_group.add_command(
    _sheet_command(
        "summary",
        "The summary sheet of final grades (students × subjects, deferrals marked).",
        _summary,
    )
)
reports_group.add_command(
    _sheet_command(
        "curriculum",
        "Lessons against the curriculum and the results (успеваемость, качество знаний).",
        _curriculum,
    )
)


async def _monitoring(
    uow: UnitOfWork,
    i18n: I18n,
    locale: str,
    school: School,
    school_class: SchoolClass,
    period: Period,
    clock: Clock,
) -> tuple[str, ReportFiles]:
    today = clock.now().astimezone(ZoneInfo(school.timezone)).date()
    report = await monitoring_draft(uow, i18n, locale, school, school_class, period, today)
    return report.filename_stem, report.files


reports_group.add_command(
    _sheet_command(
        "monitoring",
        "Parents reading current grades per week (twice / fewer / never / no access), and "
        "the acknowledgements of the period's final grades.",
        _monitoring,
    )
)
