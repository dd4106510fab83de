"""GET /calendar/{token}.ics: the account's private calendar feed (404 for anything else)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.utils.i18n import I18n
from aiohttp import web

from bot.calendar_feed.service import render_feed
from bot.clock import Clock
from db.database import Database


@dataclass(frozen=True)
class CalendarConfig:
    database: Database
    clock: Clock
    i18n: I18n
    secret_key: str


CALENDAR_KEY = web.AppKey("calendar", CalendarConfig)


async def calendar_feed(request: web.Request) -> web.Response:
    config = request.app[CALENDAR_KEY]
    token = request.match_info["token"]
    async with config.database.unit_of_work() as uow:
        body = await render_feed(uow, config.clock, config.i18n, config.secret_key, token)
    if body is None:
        # The same answer for a wrong, revoked or orphaned token: nothing to guess from.
        raise web.HTTPNotFound(text="no such calendar")
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=900"},
    )


def add_calendar_routes(app: web.Application, config: CalendarConfig) -> None:
    app[CALENDAR_KEY] = config
    app.router.add_get("/calendar/{token}.ics", calendar_feed)
