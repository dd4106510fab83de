"""``GET /metrics``: the delivery figures for Prometheus."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.digests.limiter_metrics import limiter_metrics_text
from bot.digests.status import delivery_status, prometheus_text
from bot.web.keys import SERVICES_KEY


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES_KEY]
    async with services.database.unit_of_work() as uow:
        status = await delivery_status(uow, services.clock)
    # The outbox figures are the whole deployment's (read from the database); the limiter's
    # are this process's own.
    response = web.Response(body=prometheus_text(status) + limiter_metrics_text())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def add_metrics_routes(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics)
