"""``ediary import …`` and ``ediary demo`` (``ediary school …`` is :mod:`bot.cli.schools`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.common import (
    EXIT_FAILED,
    CommandFailed,
    cli_actor,
    fail,
    print_json,
    ready,
    run_async,
    services_from,
)
from bot.exchange.demo import DemoOutcome, load_demo
from bot.exchange.reading import read_file
from bot.exchange.service import MalformedDocument, apply_checked, checked
from bot.exchange.sync import SyncResult
from bot.exchange.validation import DocumentInvalid, ParsedDocument, parse_document
from bot.exchange.workbook import WorkbookError, read_workbook, write_template
from bot.schools.service import SchoolError, find_school, list_schools
from bot.services import Services

__all__ = ["demo_command", "import_command", "progress_bar"]

Locate = Callable[[str], str]


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr for long imports; silent when stderr is not a terminal."""
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:  # fmt: skip
        tasks: dict[str, Any] = {}

        def report(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=total)
            progress.update(tasks[label], completed=done, total=total)

        yield report


def read_document(
    path: Path, report: Callable[[str, int, int], None]
) -> tuple[ParsedDocument, str, Locate]:
    """The validated document of a JSON file (read as a stream, like the exchange API's body)
    or an XLSX workbook, its SHA-256 and its error locator."""
    if path.suffix.lower() != ".xlsx":
        try:
            parsed, sha256 = read_file(str(path))
        except OSError as error:
            raise CommandFailed(f"cannot read {path}: {error.strerror}") from error
        except MalformedDocument as error:
            raise CommandFailed(f"{path}: {error}") from error
        return parsed, sha256, lambda pointer: pointer or "the document"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandFailed(f"cannot read {path}: {error.strerror}") from error
    try:
        workbook = read_workbook(path, progress=lambda sheet, done, total: report(
            f"reading {sheet}", done, total))  # fmt: skip
    except WorkbookError as error:
        raise CommandFailed(str(error)) from error
    digest = hashlib.sha256(data).hexdigest()
    return parse_document(workbook.document), digest, workbook.locate


def describe_problems(error: DocumentInvalid, locate: Locate) -> str:
    lines = [f"{locate(problem.path)}: {problem.message}" for problem in error.problems]
    more = error.total - len(error.problems)
    if more > 0:
        lines.append(f"… and {more} more")
    return "\n".join(lines)


async def import_file(services: Services, path: Path, school_ref: str) -> SyncResult:
    with progress_bar() as report:
        parsed, sha256, locate = read_document(path, report)
        try:
            document = checked(parsed, sha256)
        except DocumentInvalid as error:
            raise CommandFailed(_nothing_imported(error, locate)) from error
        sizes = {name: digest.upserts for name, digest in document.parsed.digests.items()}
        async with ready(services), services.database.unit_of_work() as uow:
            try:
                school = await find_school(uow, school_ref)
            except SchoolError as error:
                document.close()
                raise CommandFailed(str(error)) from error
            try:
                return await apply_checked(
                    uow, services.clock, school, document,
                    source=f"import:{path.suffix.lower().lstrip('.') or 'json'}", actor=cli_actor(),
                    progress=lambda section, done: report(
                        f"applying {section}", done, sizes.get(section, done)),
                )  # fmt: skip
            except DocumentInvalid as error:
                raise CommandFailed(_nothing_imported(error, locate)) from error


def _nothing_imported(error: DocumentInvalid, locate: Locate) -> str:
    return f"nothing was imported; {error.total} problem(s):\n" + describe_problems(error, locate)


def print_result(result: SyncResult) -> None:
    for name, counts in result.counts.items():
        click.echo(
            f"{name:<16} created {counts.created:>7}  updated {counts.updated:>7}  "
            f"deleted {counts.deleted:>7}  unchanged {counts.unchanged:>7}"
        )
    click.echo(f"{result.changes} change(s) recorded for families (sync {result.sync_run_id})")


@click.command("import")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--school", "school_ref", help="The school (id or name) the data belongs to.")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="Write an empty XLSX workbook with the right sheets and headers.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def import_command(
    ctx: click.Context, file: Path | None, school_ref: str | None, template: Path | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Import a sync document from a JSON file or an XLSX workbook (one sheet per section)."""
    if template is not None:
        if template.suffix.lower() != ".xlsx":
            # Excel refuses to open a workbook whose name does not end in .xlsx.
            raise click.BadParameter(
                "the template is a workbook: name it FILE.xlsx", param_hint="--template"
            )
        try:
            write_template(template)
        except WorkbookError as error:
            fail(str(error), EXIT_FAILED)
        click.echo(f"template written to {template}")
        return
    if file is None or school_ref is None:
        raise click.UsageError("give FILE and --school, or --template FILE.xlsx")
    services = services_from(ctx)
    result = run_async(import_file(services, file, school_ref))
    if as_json:
        print_json(result.as_dict())
    else:
        print_result(result)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when any school exists already.")
@click.option("--new-token", is_flag=True, help="Issue a new API token for an existing demo.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable output.")
@click.pass_context
def demo_command(ctx: click.Context, if_empty: bool, new_token: bool, as_json: bool) -> None:
    """Create (idempotently) a demo school with realistic data, through the sync path."""
    services = services_from(ctx)

    async def load() -> DemoOutcome | None:
        async with ready(services), services.database.unit_of_work() as uow:
            if if_empty and await list_schools(uow):
                return None
            return await load_demo(
                uow, services.clock, services.secret_key, actor=cli_actor(), new_token=new_token
            )

    outcome = run_async(load())
    if outcome is None:
        if not as_json:
            click.echo("schools exist already; the demo was not loaded")
        else:
            print_json({"loaded": False})
        return
    if as_json:
        print_json({"loaded": True, "school_id": outcome.school_id, "created": outcome.created,
                    "api_token": outcome.token, **outcome.result.as_dict()})  # fmt: skip
        return
    verb = "created" if outcome.created else "updated"
    click.echo(f"demo school {outcome.school_id} {verb}")
    if outcome.token:
        click.echo(f"API token (shown once): {outcome.token}")
    else:
        click.echo("API token unchanged (rotate it with `ediary demo --new-token`)")
    print_result(outcome.result)
