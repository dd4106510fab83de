"""What the delivery is doing: for ``ediary status`` and ``GET /metrics``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.clock import Clock
from db.locks import lock_holder
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
    figures = await uow.outbox.figures(now)
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


class _StatusCollector(Collector):
    """Hands prometheus-client the figures read for this scrape."""

    def __init__(self, status: DeliveryStatus) -> None:
        self._status = status

    def collect(self) -> Iterator[Metric]:
        status = self._status
        yield GaugeMetricFamily(
            "ediary_outbox_pending", "Pushes waiting to be sent (due or not).", status.pending
        )
        yield GaugeMetricFamily(
            "ediary_outbox_claimed", "Pushes a worker holds right now.", status.claimed
        )
        yield GaugeMetricFamily(
            "ediary_outbox_oldest_due_seconds",
            "Age of the oldest due pending push.",
            status.oldest_pending_seconds or 0,
        )
        outcomes = GaugeMetricFamily(
            "ediary_outbox_outcomes",
            "Pushes by outcome over a window.",
            labels=["window", "outcome"],
        )
        for window, sent, dead, retrying, unknown in (
            ("1h", status.sent_last_hour, status.dead_last_hour, status.retrying_last_hour,
             status.unknown_after_crash_last_hour),
            ("1d", status.sent_last_day, status.dead_last_day, status.retrying_last_day,
             status.unknown_after_crash_last_day),
        ):  # fmt: skip
            outcomes.add_metric([window, "sent"], sent)
            outcomes.add_metric([window, "dead"], dead)
            outcomes.add_metric([window, "retrying"], retrying)
            outcomes.add_metric([window, "unknown_after_crash"], unknown)
        yield outcomes
        held = GaugeMetricFamily(
            "ediary_scheduler_held",
            "1 when an instance holds the scheduler lock (its name in the label).",
            labels=["holder"],
        )
        held.add_metric([status.scheduler_holder or ""], 1 if status.scheduler_holder else 0)
        yield held


def prometheus_text(status: DeliveryStatus) -> bytes:
    """The figures in Prometheus' text format (a registry per scrape: the numbers come
    from the database, shared by every instance, not from this process's counters)."""
    registry = CollectorRegistry()
    registry.register(_StatusCollector(status))
    return generate_latest(registry)
