"""The overview, the consent register and a family's history: thin routes over
:mod:`bot.office.overview` and :mod:`bot.office.register`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.office.overview import overview
from bot.office.register import (
    NO_FAMILY_CHOSEN,
    Family,
    FamilyState,
    PaperDecision,
    class_families,
    family_history,
    parse_decision,
    record_decisions,
)
from bot.office.staff import NotFound, class_of_staff
from bot.office.web import Page, iterate_form_ids, office_page, parse_id, see_other
from bot.presentation.finals_undelivered import reason_text
from bot.presentation.office_page import (
    form_label,
    overview_texts,
    recorded_message,
    register_texts,
    state_label,
    when_text,
)
from db.models import ConsentRecord, SchoolClass

STATES = tuple(FamilyState)


@office_page()
async def overview_page(page: Page) -> web.StreamResponse:
    found = await overview(page.uow, page.services.clock, page.staff)
    rows = [
        {"id": c.id, "name": c.name, "counts": [counts.get(state, 0) for state in STATES]}
        for c, counts in found.classes
    ]
    late = [
        {
            "class": item.class_name,
            "period": item.period_name,
            "child": item.child,
            "guardian": item.guardian,
            "reason": reason_text(item, page._),
        }
        for item in found.undelivered
    ]
    return page.render(
        "overview.html",
        {
            "texts": overview_texts(page._),
            "classes": rows,
            "delivery": found.delivery,
            "late": late,
        },
    )


async def _chosen_class(page: Page) -> SchoolClass | None:
    class_id = page.query_int("class")
    if class_id is None:  # none chosen yet: the first of theirs
        return page.staff.classes[0] if page.staff.classes else None
    return await class_of_staff(page.uow, page.staff, class_id)


def _family_row(family: Family, page: Page) -> dict[str, Any]:
    record = family.consent
    return {
        "guardian_id": family.guardian_id,
        "guardian": family.guardian,
        "child": family.child,
        "state": family.state.value,
        "state_label": state_label(
            None if family.state == FamilyState.NO_RECORD else family.state.value, page._
        ),
        "recorded": _recorded(record, page) if record else "",
        "document": record.document_ref or "" if record else "",
    }


def _recorded(record: ConsentRecord, page: Page) -> str:
    when = when_text(record.recorded_at, page.staff.school.timezone, page.locale)
    return f"{when} · {form_label(record.form.value, page._)}"


async def _register(
    page: Page, *, errors: dict[str, str] | None = None, status: int = 200
) -> web.StreamResponse:
    school_class = await _chosen_class(page)
    if notice := recorded_notice(page):
        page.notices.append(notice)
    families = await class_families(page.uow, school_class) if school_class else []
    today = page.services.clock.now().astimezone(ZoneInfo(page.staff.school.timezone)).date()
    entered = {
        name: page.field(name) if page.form else "" for name in ("state", "form", "number", "date")
    }
    return page.render(
        "register.html",
        {
            "texts": register_texts(page._),
            "school_class": school_class,
            "families": [_family_row(family, page) for family in families],
            "chosen": set(iterate_form_ids(page.fields("guardian"))) if page.form else set(),
            "errors": {key: page._(msgid) for key, msgid in (errors or {}).items()},
            "entered": {
                **entered,
                "form": entered["form"] or "paper",
                "date": entered["date"] or today.isoformat(),  # most forms arrive the day signed
            },
            "today": today.isoformat(),
        },
        status=status,
    )


@office_page()
async def register_page(page: Page) -> web.StreamResponse:
    return await _register(page)


@office_page()
async def record_page(page: Page) -> web.StreamResponse:
    school_class = await _chosen_class(page)
    today = page.services.clock.now().astimezone(ZoneInfo(page.staff.school.timezone)).date()
    decision = parse_decision(
        page.field("state"), page.field("form"), page.field("number"), page.field("date"), today
    )
    guardian_ids = list(iterate_form_ids(page.fields("guardian")))
    if not isinstance(decision, PaperDecision) or not guardian_ids:
        errors = decision if isinstance(decision, dict) else {}
        if not guardian_ids:
            errors["guardian"] = NO_FAMILY_CHOSEN
        return await _register(page, errors=errors, status=400)
    count = await record_decisions(
        page.uow, page.services.clock, page.staff, guardian_ids, decision
    )
    target = f"/office/register?class={school_class.id}" if school_class else "/office/register"
    return see_other(f"{target}&recorded={count}" if school_class else target)


@office_page()
async def family_page(page: Page) -> web.StreamResponse:
    guardian_id = parse_id(page.request.match_info["guardian_id"])
    if guardian_id is None:
        raise NotFound
    history = await family_history(page.uow, page.staff, guardian_id)
    timezone = page.staff.school.timezone
    records = [
        {
            "when": when_text(record.recorded_at, timezone, page.locale),
            "state": state_label(record.state.value, page._),
            "form": form_label(record.form.value, page._),
            "document": record.document_ref or "—",
            "by": record.recorded_by,
            "version": record.text_version,
        }
        for record in history.records
    ]
    return page.render(
        "family.html",
        {
            "texts": register_texts(page._),
            "guardian": history.guardian,
            "children": [f"{s.full_name} ({c.name})" for s, c in history.children],
            "records": records,
        },
    )


def recorded_notice(page: Page) -> str | None:
    count = parse_id(page.request.query.get("recorded"))
    return recorded_message(count, page._) if count else None


def add_register_routes(app: web.Application) -> None:
    app.router.add_get("/office/", overview_page)
    app.router.add_get("/office", overview_page)
    app.router.add_get("/office/register", register_page)
    app.router.add_post("/office/register", record_page)
    app.router.add_get("/office/families/{guardian_id}", family_page)
