"""What the delivery is doing: for ``ediary status`` and ``GET /metrics``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock
from db.locks import lock_holder

if TYPE_CHECKING:
    from db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DeliveryStatus:
    pending: int
    claimed: int
    oldest_pending_seconds: float | None
    sent_last_hour: int
    dead_last_hour: int
    retrying_last_hour: int
    sent_last_day: int
    dead_last_day: int
    retrying_last_day: int
    # Taken over from a worker that crashed mid-send: sent again, perhaps a second time.
    unknown_after_crash_last_hour: int
    unknown_after_crash_last_day: int
    scheduler_holder: str | None  # which instance runs the scheduler; None: none does


async def delivery_status(uow: UnitOfWork, clock: Clock) -> DeliveryStatus:
    now = clock.now()
    figures = await uow.outbox_figures.figures(now)
    oldest = figures["oldest_due"]
    return DeliveryStatus(
        pending=figures["pending"],
        claimed=figures["claimed"],
        oldest_pending_seconds=(now - oldest).total_seconds() if oldest else None,
        sent_last_hour=figures["last_hour"]["sent"],
        dead_last_hour=figures["last_hour"]["dead"],
        retrying_last_hour=figures["last_hour"]["failed_retrying"],
        sent_last_day=figures["last_day"]["sent"],
        dead_last_day=figures["last_day"]["dead"],
        retrying_last_day=figures["last_day"]["failed_retrying"],
        unknown_after_crash_last_hour=figures["last_hour"]["unknown_after_crash"],
        unknown_after_crash_last_day=figures["last_day"]["unknown_after_crash"],
        scheduler_holder=await lock_holder(uow.session),
    )


def prometheus_text(status: DeliveryStatus) -> bytes:
    """The figures in Prometheus' text format (``GET /metrics``; its client library is
    loaded there, not by ``ediary status``)."""
    from bot.digests.status_metrics import prometheus_text as render

    return render(status)
