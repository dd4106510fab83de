"""The delivery figures in Prometheus' text format, for ``GET /metrics``."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.digests.status import DeliveryStatus


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
