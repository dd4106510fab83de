"""The delivery worker's loop in ``ediary run`` and ``ediary worker``: pass after pass until
the process stops, never ending on an error."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.digests.delivery import DeliveryWorker
from bot.digests.delivery_outcomes import DeliveryReport
from bot.health.failure_log import FailureLog

log = logging.getLogger("bot.digests.delivery")


async def run_delivery(worker: DeliveryWorker, stop: asyncio.Event, *, idle: float = 1.0) -> None:
    """Deliver until ``stop`` is set; a failing pass is logged and retried, never fatal.

    While the database is away every pass fails: the first failure is logged in full, then
    one line a minute, then one line when delivery works again.
    """
    failures = FailureLog(log, "delivery pass")
    while not stop.is_set():
        if (pause := worker.paused_for()) > 0:
            # Telegram asked the bot to wait; a stop still ends the wait at once.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
            continue
        try:
            report = await worker.deliver_due()
        except Exception as error:
            failures.failed(error)
            report = DeliveryReport()
        else:
            failures.succeeded()
        if report.timed_out:
            log.warning("%d push(es) timed out; their outcome is unknown", report.timed_out)
        if report.rate_limited:
            log.warning("Telegram asked to slow down (%d times)", report.rate_limited)
        if report.sent or report.retried or report.dead or report.blocked:
            continue  # there may be more due right away
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=idle)


async def close_worker(worker: DeliveryWorker) -> None:
    """What the worker holds beyond the database and the bot: its pacer's task and the
    shared limiter's client."""
    await worker.close_pacer()
    if worker.shared is not None:
        await worker.shared.close()
