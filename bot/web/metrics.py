"""``GET /metrics``: the delivery figures for Prometheus."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.clock import Clock
from bot.digests.status import delivery_status, prometheus_text
from bot.web.health import DATABASE_KEY

CLOCK_KEY = web.AppKey("clock", Clock)


async def metrics(request: web.Request) -> web.Response:
    async with request.app[DATABASE_KEY].unit_of_work() as uow:
        status = await delivery_status(uow, request.app[CLOCK_KEY])
    response = web.Response(body=prometheus_text(status))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def add_metrics_routes(app: web.Application, clock: Clock) -> None:
    app[CLOCK_KEY] = clock
    app.router.add_get("/metrics", metrics)
