"""GET /calendar/{token}.ics: the account's private calendar feed (404 for anything else)."""

from __future__ import annotations

from aiohttp import web

from bot.calendar_feed.service import render_feed
from bot.web.keys import SERVICES_KEY


async def calendar_feed(request: web.Request) -> web.Response:
    services = request.app[SERVICES_KEY]
    token = request.match_info["token"]
    async with services.database.unit_of_work() as uow:
        body = await render_feed(uow, services.clock, services.i18n, services.secret_key, token)
    if body is None:
        # The same answer for a wrong, revoked or orphaned token: nothing to guess from.
        raise web.HTTPNotFound(text="no such calendar")
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=900"},
    )


def add_calendar_routes(app: web.Application) -> None:
    app.router.add_get("/calendar/{token}.ics", calendar_feed)
