"""Time comes from an injected clock, so jobs and rules can be tested at any instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class AdjustableClock:
    """Another clock moved ahead by hand: the try mode's «now is …» control, so scheduled
    pushes can be seen without waiting for them. It never goes back, because what was
    sent stays sent."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self._ahead = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self._ahead

    @property
    def ahead(self) -> timedelta:
        return self._ahead

    def move_to(self, instant: datetime) -> datetime:
        """Move to ``instant`` (timezone-aware); an instant already past leaves it as is."""
        if instant.tzinfo is None:
            raise ValueError("the clock moves to timezone-aware instants only")
        self._ahead += max(timedelta(0), instant - self.now())
        return self.now()
