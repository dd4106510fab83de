"""Reports: the form (report, class, period or dates, file) and the download. Thin:
:mod:`bot.office.reports` checks the choice and builds the file."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.office.reports import (
    ReportChoice,
    ReportRefused,
    build_report,
    report_choice,
    report_kinds,
)
from bot.office.web import Page, office_page
from bot.presentation.office_forms import reports_texts
from bot.schools.settings import SchoolSettings


async def _reports(
    page: Page, *, errors: dict[str, str] | None = None, status: int = 200
) -> web.StreamResponse:
    today = page.services.clock.now().astimezone(ZoneInfo(page.staff.school.timezone)).date()
    weeks = SchoolSettings.of(page.staff.school).statements_every_weeks
    entered = {name: page.field(name) if page.form else "" for name in
               ("kind", "class", "period", "first", "last", "format")}  # fmt: skip
    texts = reports_texts(page._)
    return page.render(
        "reports.html",
        {
            "texts": texts,
            "kinds": [(kind.value, texts[kind.value]) for kind in report_kinds(page.staff)],
            "periods": await page.uow.reports.periods(page.staff.school.id),
            "entered": {
                **entered,
                "first": entered["first"] or (today - dt.timedelta(days=7 * weeks - 1)).isoformat(),
                "last": entered["last"] or today.isoformat(),
                "format": entered["format"] or "pdf",
            },
            "errors": {key: page._(msgid) for key, msgid in (errors or {}).items()},
        },
        status=status,
    )


@office_page()
async def reports_page(page: Page) -> web.StreamResponse:
    return await _reports(page)


@office_page()
async def download_page(page: Page) -> web.StreamResponse:
    names = ("kind", "class", "period", "first", "last", "format")
    choice = await report_choice(page.uow, page.staff, {name: page.field(name) for name in names})
    if not isinstance(choice, ReportChoice):
        return await _reports(page, errors=choice, status=400)
    services = page.services
    try:
        file = await build_report(
            page.uow, services.i18n, page.locale, services.clock, page.staff, choice
        )
    except ReportRefused as refused:
        page.notices.append(page._(refused.reason))
        return await _reports(page)
    return web.Response(
        body=file.content,
        content_type=file.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename, safe='')}",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def add_reports_routes(app: web.Application) -> None:
    app.router.add_get("/office/reports", reports_page)
    app.router.add_post("/office/reports", download_page)
