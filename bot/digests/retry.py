"""When to try a failed push again (pure)."""

from __future__ import annotations

import random
from datetime import timedelta

BASE = timedelta(seconds=10)
CAP = timedelta(hours=1)
MAX_ATTEMPTS = 6


def backoff(attempt: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential from 10 s, capped at an hour, with full jitter so that many failed
    pushes do not all come back at the same instant."""
    ceiling = min(CAP, BASE * (2 ** max(0, attempt - 1)))
    share: float = (rng or random.SystemRandom()).uniform(0.5, 1.0)
    return timedelta(seconds=ceiling.total_seconds() * share)
