"""``GET /healthz``: can this instance reach its database, and does some instance run the
scheduler? What an orchestrator or a load balancer needs to decide on a restart."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.health.scheduler_presence import SchedulerPresence
from bot.web.keys import SERVICES_KEY
from db.database import Database
from db.locks import LockHolder, find_lock_holder

SCHEDULER_PRESENCE_KEY = web.AppKey("scheduler_presence", SchedulerPresence)
# The check answers quickly or not at all: a health check that hangs is a failed one.
CHECK_TIMEOUT = 5.0

log = logging.getLogger(__name__)


async def _holder(database: Database) -> LockHolder | None:
    async with database.unit_of_work() as uow:
        await uow.ping()
        return await find_lock_holder(uow.session)


def _scheduler(presence: SchedulerPresence, holder: LockHolder | None) -> str:
    """Where the scheduler runs, as the database tells (the lock is gone with a lost
    connection before this instance notices)."""
    if holder is not None and holder.name is None:  # SQLite: this one process, if it runs it
        here = presence.held_here
    else:
        here = holder is not None and holder.name == presence.name
    if here:
        presence.mark_held_here(True)
        return "held here"
    if holder is not None and holder.name is not None:
        presence.mark_held_elsewhere()
        return "held elsewhere"
    return f"none for {presence.none_for().total_seconds():.0f} s"


async def healthz(request: web.Request) -> web.Response:
    database = request.app[SERVICES_KEY].database
    presence = request.app.get(SCHEDULER_PRESENCE_KEY)
    body: dict[str, str] = {"status": "ok", "database": "ok"}
    healthy = True
    try:
        holder = await asyncio.wait_for(_holder(database), CHECK_TIMEOUT)
    except Exception as error:
        log.debug("health check: database unreachable: %s", error)
        body["database"] = "unreachable"
        holder, healthy = None, False
    if presence is not None:
        if healthy:
            body["scheduler"] = _scheduler(presence, holder)
        else:  # nothing is known while the database is away; the time without one runs on
            body["scheduler"] = f"none for {presence.none_for().total_seconds():.0f} s"
        healthy = healthy and not presence.gone()
    if not healthy:
        body["status"] = "unavailable"
    return web.json_response(body, status=200 if healthy else 503)


def add_health_routes(app: web.Application, presence: SchedulerPresence | None = None) -> None:
    if presence is not None:
        app[SCHEDULER_PRESENCE_KEY] = presence
    app.router.add_get("/healthz", healthz)
