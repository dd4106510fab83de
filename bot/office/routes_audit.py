"""The audit trail (administrators only): the filter and the events. Thin:
:mod:`bot.office.audit_trail` reads and filters."""

from __future__ import annotations

import json

from aiohttp import web

from bot.office.audit_trail import KINDS, AuditQuery, audit_events, audit_query, school_families
from bot.office.web import Page, office_page
from bot.presentation.office_forms import audit_texts
from bot.presentation.office_page import when_text

FILTER_FIELDS = ("family", "kind", "since", "until")


@office_page(admin_only=True)
async def audit_page(page: Page) -> web.StreamResponse:
    entered = {name: page.request.query.get(name, "").strip() for name in FILTER_FIELDS}
    query = await audit_query(page.uow, page.staff, entered)
    texts = audit_texts(page._)
    errors = {} if isinstance(query, AuditQuery) else query
    events = (
        await audit_events(page.uow, page.staff, query) if isinstance(query, AuditQuery) else []
    )
    timezone = page.staff.school.timezone
    rows = [
        {
            "when": when_text(event.occurred_at, timezone, page.locale),
            "who": event.actor,
            "what": event.action,
            "subject": f"{event.subject_type} {event.subject_id}" if event.subject_type else "",
            "details": json.dumps(event.details, ensure_ascii=False)[:300] if event.details else "",
        }
        for event in events
    ]
    return page.render(
        "audit.html",
        {
            "texts": texts,
            "entered": entered,
            "families": await school_families(page.uow, page.staff),
            "kinds": [(kind, texts[f"kind_{kind}"]) for kind in KINDS],
            "events": rows,
            "errors": {field: texts.get(key, key) for field, key in errors.items()},
        },
        status=400 if errors else 200,
    )


def add_audit_routes(app: web.Application) -> None:
    app.router.add_get("/office/audit", audit_page)
