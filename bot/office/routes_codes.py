"""Codes and letters: a class's families with the codes they hold, and the letters' PDF
for the class or one family. Thin: :mod:`bot.office.codes` does the work."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from bot.office.codes import (
    CONFIRM_FIRST,
    CodesRefused,
    families_for_codes,
    issue_letters,
    reissue_needs_confirming,
)
from bot.office.staff import class_of_staff
from bot.office.web import LOCALES, Page, office_page, parse_id
from bot.presentation.office_forms import codes_texts, skipped_message
from bot.presentation.office_page import state_label
from db.models import SchoolClass

REISSUE_CONFIRMATION = "reissue"


async def _codes(page: Page, *, error: str | None = None, status: int = 200) -> web.StreamResponse:
    class_id = page.query_int("class")
    if class_id is None and page.form is not None:
        class_id = parse_id(page.field("class"))
    school_class: SchoolClass | None = None
    if class_id is not None:
        school_class = await class_of_staff(page.uow, page.staff, class_id)
    elif page.staff.classes:  # none chosen yet: the first of theirs
        school_class = page.staff.classes[0]
    families = (
        await families_for_codes(page.uow, page.services.clock, school_class)
        if school_class
        else []
    )
    rows = [
        {
            "guardian_id": item.family.guardian_id,
            "guardian": item.family.guardian,
            "child": item.family.child,
            "state": state_label(
                None if item.family.state.value == "no_record" else item.family.state.value,
                page._,
            ),
            "open_code": item.open_code,
            "may_issue": item.family.state.value not in ("refused", "withdrawn"),
        }
        for item in families
    ]
    return page.render(
        "codes.html",
        {
            "texts": codes_texts(page._),
            "school_class": school_class,
            "families": rows,
            "any_open": any(row["open_code"] for row in rows),
            "error": page._(error) if error else None,
        },
        status=status,
    )


@office_page()
async def codes_page(page: Page) -> web.StreamResponse:
    return await _codes(page)


@office_page()
async def issue_page(page: Page) -> web.StreamResponse:
    language = page.field("language")
    if language not in LOCALES:
        language = page.locale
    guardian_id = parse_id(page.field("guardian")) if page.field("guardian") else None
    class_id = parse_id(page.field("class"))
    if guardian_id is not None:
        class_id = None  # one family: the class field only says which page to go back to
    confirmed = page.field("confirm") == REISSUE_CONFIRMATION
    if not confirmed and await reissue_needs_confirming(
        page.uow, page.services.clock, page.staff, class_id=class_id, guardian_id=guardian_id
    ):
        return await _codes(page, error=CONFIRM_FIRST, status=409)
    try:
        issued = await issue_letters(
            page.uow,
            page.services,
            page.staff,
            class_id=class_id,
            guardian_id=guardian_id,
            language=language,
        )
    except CodesRefused as refused:
        return await _codes(page, error=refused.reason, status=400)
    if issued.pdf is None:
        page.notices.append(skipped_message(len(issued.result.skipped), page._))
        return await _codes(page, status=200)
    name = quote(issued.filename, safe="")
    return web.Response(
        body=issued.pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
            "Cache-Control": "no-store",  # the only copy of the new codes
            "X-Content-Type-Options": "nosniff",
        },
    )


def add_codes_routes(app: web.Application) -> None:
    app.router.add_get("/office/codes", codes_page)
    app.router.add_post("/office/codes", issue_page)
