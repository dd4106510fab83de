"""``ediary consent …`` and ``ediary codes issue``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

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
from bot.i18n import LOCALES
from bot.linking.issuing import IssueResult, LinkingError, issue_codes, record_consent
from bot.schools.service import SchoolError, find_school
from bot.services import Services
from db.models import ConsentForm, ConsentRecord, ConsentState

if TYPE_CHECKING:
    pass


async def bot_username(services: Services) -> str:
    settings = services.settings
    if settings.bot_username:
        return settings.bot_username
    if services.bot is None:
        raise CommandFailed(
            "BOT_USERNAME is not set (and no BOT_TOKEN to ask Telegram): set "
            "BOT_USERNAME=<the bot's username> for the links in the letters"
        )
    try:
        me = await services.bot.get_me()
    except Exception as error:
        message = f"cannot ask Telegram for the bot's username ({error}); set BOT_USERNAME"
        raise CommandFailed(message) from error
    if not me.username:
        raise CommandFailed("the bot has no username; set BOT_USERNAME")
    return me.username


class PendingLetters:
    """The letters' PDF, written beside its destination before the codes are committed and
    moved into place after: the new codes are never committed without their only copy."""

    def __init__(self, destination: Path | None, services: Services) -> None:
        self._destination = destination
        self._services = services
        self._written: Path | None = None
        self.kept = False

    @property
    def wanted(self) -> bool:
        return self._destination is not None

    def write(
        self, result: IssueResult, language: str, school_name: str, username: str | None
    ) -> None:
        if self._destination is None or not result.issued or not username:
            return
        # The PDF, QR and font libraries load only when letters are asked for.
        from bot.linking.letter_texts import letter_for
        from bot.linking.letters import render_letters

        i18n = self._services.i18n
        content = render_letters(
            [letter_for(i18n, language, school_name, issued, username) for issued in result.issued]
        )
        target = self._destination
        try:
            with tempfile.NamedTemporaryFile(
                dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
            ) as file:
                self._written = Path(file.name)
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            self.discard()
            raise CommandFailed(
                f"cannot write {target}: {error.strerror}; no codes were issued and the "
                "earlier ones still work"
            ) from error

    def keep(self) -> None:
        if self._written is None or self._destination is None:
            return
        written, self._written = self._written, None
        try:
            os.replace(written, self._destination)
        except OSError as error:
            # The codes are committed: the file left behind is their only copy, so keep it.
            raise CommandFailed(
                f"the codes were issued, but {self._destination} could not be written "
                f"({error.strerror}); the letters are in {written}"
            ) from error
        self.kept = True

    def discard(self) -> None:
        if self._written is not None:
            self._written.unlink(missing_ok=True)
            self._written = None


COMMAND_NAMES = {
    ConsentState.GRANTED: "grant",
    ConsentState.REFUSED: "refuse",
    ConsentState.WITHDRAWN: "withdraw",
}


def consent_command(state: ConsentState) -> click.Command:
    @click.command(COMMAND_NAMES[state])
    @click.option("--school", "school_ref", required=True, help="School id or name.")
    @click.option("--guardian", "guardian_ref", help="The guardian's external id.")
    @click.option("--student", "student_ref", help="The student's external id (adult students).")
    @click.option(
        "--form",
        type=click.Choice([f.value for f in ConsentForm]),
        default="paper",
        show_default=True,
    )
    @click.option(
        "--document", "document_ref", help='Paper form reference, e.g. "№ 12 от 01.09.2026".'
    )
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def record(
        ctx: click.Context,
        school_ref: str,
        guardian_ref: str | None,
        student_ref: str | None,
        form: str,
        document_ref: str | None,
        as_json: bool,
    ) -> None:
        result = run_async(
            _record_consent(
                services_from(ctx),
                school_ref,
                guardian_ref=guardian_ref,
                student_ref=student_ref,
                state=state,
                form=ConsentForm(form),
                document_ref=document_ref,
            )
        )
        if as_json:
            print_json(result)
        else:
            click.echo(
                f"{result['who']}: consent {result['state']} ({result['form']}), "
                f"text version {result['text_version']}"
            )

    record.help = f"Record that consent was {state.value} (the register is append-only)."
    return record


async def _record_consent(
    services: Services,
    school_ref: str,
    *,
    guardian_ref: str | None,
    student_ref: str | None,
    state: ConsentState,
    form: ConsentForm,
    document_ref: str | None,
) -> dict[str, Any]:
    async with ready(services), services.database.unit_of_work() as uow:
        try:
            school = await find_school(uow, school_ref)
            recorded = await record_consent(
                uow,
                services.clock,
                school,
                guardian_ref=guardian_ref,
                student_ref=student_ref,
                state=state,
                form=form,
                document_ref=document_ref,
                actor=cli_actor(),
            )
        except (SchoolError, LinkingError) as error:
            raise CommandFailed(str(error)) from error
    return {
        "who": recorded.who,
        "state": recorded.state.value,
        "form": recorded.form.value,
        "recorded_at": recorded.recorded_at.isoformat(),
        "text_version": recorded.text_version,
    }


@click.group("consent")
def consent_group() -> None:
    """The consent register (152-ФЗ art. 9)."""


for _state in ConsentState:
    consent_group.add_command(consent_command(_state))


@consent_group.command("list")
@click.option("--school", "school_ref", required=True)
@click.option("--class", "class_name", help="Only this class, e.g. 5А.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def consent_list(
    ctx: click.Context, school_ref: str, class_name: str | None, as_json: bool
) -> None:
    """Every guardian of the school (or class) with their current consent state."""
    services = services_from(ctx)

    async def run() -> list[dict[str, Any]]:
        async with ready(services), services.database.unit_of_work() as uow:
            try:
                school = await find_school(uow, school_ref)
            except SchoolError as error:
                raise CommandFailed(str(error)) from error
            class_id = None
            if class_name:
                found = await uow.linking.class_by_name(school.id, class_name)
                if found is None:
                    raise CommandFailed(f"no class {class_name!r} in this school")
                class_id = found.id
            pairs = [
                p
                for p in await uow.linking.guardian_pairs(class_id=class_id)
                if p[0].school_id == school.id
            ]
            consents = await uow.linking.current_consents([g.id for g, _, _ in pairs])
            rows = []
            for guardian, student, school_class in pairs:
                record: ConsentRecord | None = consents.get(guardian.id)
                rows.append(
                    {
                        "guardian": guardian.external_id,
                        "guardian_name": guardian.full_name,
                        "student": student.full_name,
                        "class": school_class.name,
                        "state": record.state.value if record else None,
                        "form": record.form.value if record else None,
                        "recorded_at": record.recorded_at.isoformat() if record else None,
                        "recorded_by": record.recorded_by if record else None,
                        "document": record.document_ref if record else None,
                    }
                )
            return rows

    rows = run_async(run())
    if as_json:
        print_json(rows)
        return
    for row in rows:
        state = row["state"] or "—"
        click.echo(f"{row['class']:<6} {row['student']:<35} {row['guardian_name']:<35} {state}")


@click.group("codes")
def codes_group() -> None:
    """One-time link codes."""


@codes_group.command("issue")
@click.option("--school", "school_ref", required=True)
@click.option("--class", "class_name", help="Codes for every guardian of the class.")
@click.option("--guardian", "guardian_ref", help="Codes for one guardian (per child).")
@click.option("--student", "student_ref", help="A code for a student's own account.")
@click.option("--teacher", "teacher_ref", help="A code for a teacher.")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True)
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), help="Printable letters.")
@click.option("--language", type=click.Choice(list(LOCALES)), default="ru", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def codes_issue(
    ctx: click.Context,
    school_ref: str,
    class_name: str | None,
    guardian_ref: str | None,
    student_ref: str | None,
    teacher_ref: str | None,
    days: int,
    pdf: Path | None,
    language: str,
    as_json: bool,
) -> None:
    """Issue codes (re-issuing revokes the person's earlier unused code)."""
    target, reference = _one_target(
        {
            "class": class_name,
            "guardian": guardian_ref,
            "student": student_ref,
            "teacher": teacher_ref,
        }
    )
    services = services_from(ctx)
    letters = PendingLetters(pdf, services)

    try:
        result, username = run_async(
            _issue(services, school_ref, target, reference, days, letters, language)
        )
    except BaseException:
        letters.discard()  # nothing committed: the letters' codes do not exist
        raise
    try:
        letters.keep()
    except CommandFailed as error:
        fail(str(error), EXIT_FAILED)
    if as_json:
        print_json(_issued_json(result, username))
        return
    _echo_issued(result)
    if letters.kept:
        click.echo(f"{len(result.issued)} letter(s) written to {pdf}")


async def _issue(
    services: Services,
    school_ref: str,
    target: str,
    reference: str,
    days: int,
    letters: PendingLetters,
    language: str,
) -> tuple[IssueResult, str | None]:
    async with ready(services), services.database.unit_of_work() as uow:
        # Telegram is asked only when letters need the link; codes alone work offline.
        username = (
            await bot_username(services) if letters.wanted else services.settings.bot_username
        )
        try:
            school = await find_school(uow, school_ref)
            result = await issue_codes(
                uow,
                services.clock,
                services.secret_key,
                school,
                target,  # type: ignore[arg-type]
                reference,
                actor=cli_actor(),
                days=days,
                before_commit=lambda issued: letters.write(issued, language, school.name, username),
            )
        except (SchoolError, LinkingError) as error:
            raise CommandFailed(str(error)) from error
        return result, username


def _one_target(targets: dict[str, str | None]) -> tuple[str, str]:
    chosen = [(name, value) for name, value in targets.items() if value]
    if len(chosen) != 1:
        raise click.UsageError("name exactly one of --class, --guardian, --student, --teacher")
    return chosen[0]


def _issued_json(result: IssueResult, username: str | None) -> dict[str, Any]:
    from bot.linking.letter_texts import deep_link

    return {
        "issued": [
            {
                "code": c.code,
                "role": c.role.value,
                "for": c.recipient,
                "child": c.child,
                "class": c.class_name,
                "expires_at": c.expires_at.isoformat(),
                "link": deep_link(username, c.compact) if username else None,
            }
            for c in result.issued
        ],
        "skipped": [{"who": who, "reason": why} for who, why in result.skipped],
    }


def _echo_issued(result: IssueResult) -> None:
    for issued in result.issued:
        child = f" → {issued.child} ({issued.class_name})" if issued.child else ""
        click.echo(f"{issued.code}  {issued.recipient}{child}")
    for who, why in result.skipped:
        click.echo(f"skipped: {who} ({why})")
