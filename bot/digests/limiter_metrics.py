"""What the shared limiter did in this process, for ``GET /metrics``: how often and how
long sends waited for the bot's limiter, how many 429s paused every sender, and whether this
process lost Redis and keeps to its share of the rate meanwhile."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

# A registry of its own: /metrics also serves figures read from the database per scrape.
LIMITER_REGISTRY = CollectorRegistry(auto_describe=True)
WAITS = Counter(
    "ediary_rate_limiter_waits",
    "Times a send was told to wait by the bot's shared limiter.",
    ["sender"],
    registry=LIMITER_REGISTRY,
)
WAITED_SECONDS = Counter(
    "ediary_rate_limiter_wait_seconds",
    "Seconds sends were told to wait by the bot's shared limiter.",
    ["sender"],
    registry=LIMITER_REGISTRY,
)
PAUSES = Counter(
    "ediary_rate_limiter_pauses",
    "429 answers (retry_after) that paused every sender of the bot.",
    ["sender"],
    registry=LIMITER_REGISTRY,
)
DEGRADED = Gauge(
    "ediary_rate_limiter_degraded",
    "1 while Redis is unreachable and this process keeps to its share of the rate.",
    registry=LIMITER_REGISTRY,
)


def waited(sender: str, seconds: float) -> None:
    if seconds > 0:
        WAITS.labels(sender).inc()
        WAITED_SECONDS.labels(sender).inc(seconds)


def limiter_metrics_text() -> bytes:
    return generate_latest(LIMITER_REGISTRY)
