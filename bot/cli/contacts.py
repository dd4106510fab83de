"""``ediary contacts …``: the families' e-mail addresses and agreed forms of delivery."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import click

from bot.cli.common import (
    CommandFailed,
    cli_actor,
    print_json,
    ready,
    run_async,
    school_named,
    services_from,
)
from bot.contacts.listing import FamilyContact, UnknownClass, family_contacts
from bot.contacts.register import ContactError, RecordedContact, record_contact, remove_contact
from bot.services import Services
from db.models import ContactForm, DeliveryChannel, School
from db.unit_of_work import UnitOfWork

# The command line records what reached the school; "bot" is the family's own confirmation.
SCHOOL_FORMS = [ContactForm.PAPER.value, ContactForm.ELECTRONIC.value]


@click.group("contacts")
def contacts_group() -> None:
    """E-mail addresses from the families' statements, and the form of delivery they agreed to
    (the history is append-only)."""


def person_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        [
            click.option("--school", "school_ref", required=True, help="School id or name."),
            click.option("--guardian", "guardian_ref", help="The guardian's external id."),
            click.option("--student", "student_ref", help="An adult student's external id."),
        ]
    ):
        command = option(command)
    return command


@contacts_group.command("set")
@person_options
@click.option("--email", help="The address from the family's statement.")
@click.option(
    "--channel",
    type=click.Choice([channel.value for channel in DeliveryChannel]),
    help="The form of delivery the family agreed to.",
)
@click.option("--form", type=click.Choice(SCHOOL_FORMS), default="paper", show_default=True,
              help="How the statement reached the school.")  # fmt: skip
@click.option("--document", "document_ref", help='The statement, e.g. "№ 14 от 02.09.2026".')
@click.option(
    "--evening-brief/--no-evening-brief",
    default=None,
    help="Whether the evening brief about tomorrow goes by letter too (off unless chosen).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def contacts_set(
    ctx: click.Context,
    school_ref: str,
    guardian_ref: str | None,
    student_ref: str | None,
    email: str | None,
    channel: str | None,
    form: str,
    document_ref: str | None,
    evening_brief: bool | None,
    as_json: bool,
) -> None:
    """Record an address, the agreed form of delivery, the evening brief by letter, or any of
    them together (under a granted consent)."""

    async def change(uow: UnitOfWork, services: Services, school: School) -> RecordedContact:
        return await record_contact(
            uow, services.clock, school, guardian_ref=guardian_ref, student_ref=student_ref,
            email=email, channel=DeliveryChannel(channel) if channel else None,
            form=ContactForm(form), document_ref=document_ref, actor=cli_actor(),
            evening_brief=evening_brief,
        )  # fmt: skip

    _report(run_async(_change(services_from(ctx), school_ref, change)), as_json)


@contacts_group.command("remove")
@person_options
@click.option("--document", "document_ref", help='The statement, e.g. "№ 15 от 03.09.2026".')
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def contacts_remove(
    ctx: click.Context,
    school_ref: str,
    guardian_ref: str | None,
    student_ref: str | None,
    document_ref: str | None,
    as_json: bool,
) -> None:
    """Remove the person's address (the history keeps the entry)."""

    async def change(uow: UnitOfWork, services: Services, school: School) -> RecordedContact:
        return await remove_contact(
            uow, services.clock, school, guardian_ref=guardian_ref, student_ref=student_ref,
            document_ref=document_ref, actor=cli_actor(),
        )  # fmt: skip

    _report(run_async(_change(services_from(ctx), school_ref, change)), as_json)


Change = Callable[[UnitOfWork, Services, School], Awaitable[RecordedContact]]


async def _change(services: Services, school_ref: str, change: Change) -> RecordedContact:
    async with ready(services), services.database.unit_of_work() as uow:
        school = await school_named(uow, school_ref)
        try:
            return await change(uow, services, school)
        except ContactError as error:
            raise CommandFailed(str(error)) from error


def _report(recorded: RecordedContact, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "who": recorded.who,
                "email": recorded.email,
                "channel": recorded.channel.value if recorded.channel else None,
                "form": recorded.form.value,
                "document": recorded.document_ref,
                "recorded_at": recorded.recorded_at.isoformat(),
                "evening_brief": recorded.evening_brief,
            }
        )
        return
    address = recorded.email or "no e-mail address"
    chosen = recorded.channel.value if recorded.channel else "not chosen"
    brief = "yes" if recorded.evening_brief else "no"
    click.echo(
        f"{recorded.who}: {address}, form of delivery {chosen}, evening brief by letter {brief}"
    )


@contacts_group.command("list")
@click.option("--school", "school_ref", required=True)
@click.option("--class", "class_name", help="Only this class, e.g. 5А.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def contacts_list(
    ctx: click.Context, school_ref: str, class_name: str | None, as_json: bool
) -> None:
    """Every family with its address, the chosen form, the form its deliveries take and
    whether the evening brief goes by letter ("brief")."""
    services = services_from(ctx)

    async def run() -> list[FamilyContact]:
        async with ready(services), services.database.unit_of_work() as uow:
            school = await school_named(uow, school_ref)
            try:
                return await family_contacts(uow, school, services.clock.now(), class_name)
            except UnknownClass as error:
                raise CommandFailed(str(error)) from error

    rows = run_async(run())
    if as_json:
        print_json([_row_json(row) for row in rows])
        return
    for row in rows:
        chosen = row.chosen.value if row.chosen else "—"
        click.echo(
            f"{row.class_name:<6} {row.student:<35} {row.name:<35} {row.email or '—':<30} "
            f"{chosen:<8} {row.effective.value:<8} {'brief' if row.evening_brief else '—'}"
        )


def _row_json(row: FamilyContact) -> dict[str, Any]:
    return {
        "role": row.role,
        "external_id": row.external_id,
        "name": row.name,
        "student": row.student,
        "class": row.class_name,
        "consent": row.consent.value if row.consent else None,
        "telegram": row.telegram,
        "email": row.email,
        "chosen": row.chosen.value if row.chosen else None,
        "effective": row.effective.value,
        "form": row.form.value if row.form else None,
        "document": row.document_ref,
        "recorded_at": row.recorded_at.isoformat() if row.recorded_at else None,
        "recorded_by": row.recorded_by,
        "evening_brief": row.evening_brief,
    }
