"""``GET /healthz``: is this instance alive, and can it reach its database?"""

from __future__ import annotations

from aiohttp import web

from db.database import Database

DATABASE_KEY = web.AppKey("database", Database)


async def healthz(request: web.Request) -> web.Response:
    database = request.app[DATABASE_KEY]
    if await database.is_reachable():
        return web.json_response({"status": "ok", "database": "ok"})
    return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)


def add_health_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
