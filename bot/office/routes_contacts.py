"""A class's contact data and the form of delivery each family agreed to: thin routes over
:mod:`bot.office.contacts`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.contacts.listing import FamilyContact
from bot.contacts.register import ContactError
from bot.office.contacts import (
    ContactChange,
    apply_change,
    class_contacts,
    parse_change,
    person_key,
)
from bot.office.staff import class_of_staff
from bot.office.web import Page, office_page, see_other
from bot.presentation.office_contacts import (
    channel_label,
    contact_refusal,
    contacts_texts,
    statement_label,
)
from bot.presentation.office_page import state_label, when_text
from db.models import SchoolClass

# Read as typed: an address or a reference with a line break in it is refused, not trimmed.
_RAW_FIELDS = ("email", "document")
_FIELDS = ("person", "action", "channel", "form", "brief_shown", "evening_brief")


def _row(contact: FamilyContact, page: Page) -> dict[str, Any]:
    recorded = ""
    if contact.recorded_at is not None:
        recorded = when_text(contact.recorded_at, page.staff.school.timezone, page.locale)
    return {
        "key": person_key(contact),
        "name": contact.name,
        "student": contact.student,
        "adult": contact.role == "student",
        "consent": state_label(contact.consent.value if contact.consent else None, page._),
        "telegram": contact.telegram,
        "email": contact.email or "",
        "chosen": channel_label(contact.chosen.value if contact.chosen else None, page._),
        "effective": channel_label(contact.effective.value, page._),
        "effective_value": contact.effective.value,
        "statement": statement_label(contact.form.value if contact.form else None, page._),
        "document": contact.document_ref or "",
        "recorded": recorded,
        "evening_brief": contact.evening_brief,
    }


async def _chosen_class(page: Page) -> SchoolClass | None:
    class_id = page.query_int("class")
    if class_id is None:  # none chosen yet: the first of theirs
        return page.staff.classes[0] if page.staff.classes else None
    return await class_of_staff(page.uow, page.staff, class_id)


async def _contacts(
    page: Page,
    school_class: SchoolClass | None,
    *,
    person: str = "",
    errors: dict[str, str] | None = None,
) -> web.Response:
    contacts = (
        await class_contacts(page.uow, page.services.clock, page.staff, school_class)
        if school_class
        else []
    )
    if page.request.query.get("saved") == "1":
        page.notices.append(contacts_texts(page._)["saved_contact"])
    entered: dict[str, Any] = {
        name: (page.form.get(name, "") if page.form else "")
        for name in ("email", "channel", "form", "document")
    }
    entered["evening_brief"] = bool(page.form and page.form.get("evening_brief") == "1")
    return page.render(
        "contacts.html",
        {
            "texts": contacts_texts(page._),
            "school_class": school_class,
            "families": [_row(contact, page) for contact in contacts],
            "channels": [
                (c, channel_label(c, page._)) for c in ("telegram", "email", "both", "paper")
            ],
            "statement_forms": [(f, statement_label(f, page._)) for f in ("paper", "electronic")],
            "person": person,
            "errors": errors or {},
            "entered": entered,
        },
        status=400 if errors else 200,
    )


@office_page()
async def contacts_page(page: Page) -> web.StreamResponse:
    return await _contacts(page, await _chosen_class(page))


@office_page()
async def change_page(page: Page) -> web.StreamResponse:
    assert page.form is not None
    school_class = await _chosen_class(page)
    fields = {
        name: value
        for name in (*_FIELDS, *_RAW_FIELDS)
        if isinstance(value := page.form.get(name, ""), str)
    }
    change = parse_change({k: v if k in _RAW_FIELDS else v.strip() for k, v in fields.items()})
    if not isinstance(change, ContactChange):
        person, problems = change
        errors = {field: page._(msgid) for field, msgid in problems.items()}
        return await _contacts(page, school_class, person=person, errors=errors)
    try:
        await apply_change(page.uow, page.services.clock, page.staff, change)
    except ContactError as error:  # refused before anything was added: nothing to undo
        errors = {error.field: contact_refusal(error.reason, page._)}
        return await _contacts(page, school_class, person=change.person, errors=errors)
    target = (
        f"/office/contacts?class={school_class.id}&saved=1" if school_class else "/office/contacts"
    )
    return see_other(target)


def add_contacts_routes(app: web.Application) -> None:
    app.router.add_get("/office/contacts", contacts_page)
    app.router.add_post("/office/contacts", change_page)
