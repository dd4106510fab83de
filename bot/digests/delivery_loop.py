"""The delivery worker's loop in ``ediary run`` and ``ediary worker``: pass after pass until
the process stops, never ending on an error.

The next pass is claimed as soon as every send of the one before has had its turn, while
that one's last answers are still coming; so at most two passes are under way, the older
one only waiting for answers (and for chats whose next message is due a second later).
"""

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
    older: asyncio.Future[DeliveryReport] | None = None  # dealt out, answers still coming
    current: asyncio.Future[DeliveryReport] | None = None
    try:
        while not stop.is_set():
            if (pause := worker.paused_for()) > 0:
                # Telegram asked the bot to wait; a stop still ends the wait at once.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)
                continue
            dealt = asyncio.Event()
            current = asyncio.ensure_future(worker.deliver_due(dealt))
            await dealt.wait()  # set at the latest when the pass ends
            if older is not None:
                await _settle(older, failures)
            if not current.done():
                older = current  # it had sends: claim the next while its answers come
                continue
            older = None
            if await _settle(current, failures):
                continue  # there may be more due right away
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle)
    except BaseException:
        # Cancelled: the passes under way go with the loop, as a single pass always did.
        under_way = [delivery for delivery in (older, current) if delivery is not None]
        for delivery in under_way:
            delivery.cancel()
        await asyncio.gather(*under_way, return_exceptions=True)
        raise
    if older is not None:
        await _settle(older, failures)


async def _settle(delivery: asyncio.Future[DeliveryReport], failures: FailureLog) -> bool:
    """Wait for a pass to end and say what it did; True when it sent anything (more may
    be due at once)."""
    try:
        report = await delivery
    except Exception as error:
        failures.failed(error)
        return False
    failures.succeeded()
    if report.timed_out:
        log.warning("%d push(es) timed out; their outcome is unknown", report.timed_out)
    if report.rate_limited:
        log.warning("Telegram asked to slow down (%d times)", report.rate_limited)
    return bool(report.sent or report.retried or report.dead or report.blocked)


async def close_worker(worker: DeliveryWorker) -> None:
    """What the worker holds beyond the database and the bot: its pacer's task and the
    shared limiter's client."""
    await worker.close_pacer()
    if worker.shared is not None:
        await worker.shared.close()
