"""Who runs the scheduler, as this instance knows it: for ``/healthz``, so an orchestrator
can tell when no instance has run the scheduled pushes for too long."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock

# Longer without any instance holding the scheduler and /healthz answers 503.
SCHEDULER_GONE_AFTER = timedelta(minutes=2)


class SchedulerPresence:
    def __init__(self, clock: Clock, name: str) -> None:
        self._clock = clock
        self.name = name  # this instance's name on the lock (its connection's application_name)
        self.held_here = False
        # Counted from the start: a fresh instance is given the same grace as a hand-over.
        self._last_seen: datetime = clock.now()

    def mark_held_here(self, held: bool) -> None:
        self.held_here = held
        if held:
            self._last_seen = self._clock.now()

    def mark_held_elsewhere(self) -> None:
        self._last_seen = self._clock.now()

    def none_for(self) -> timedelta:
        """How long no instance has been seen holding the scheduler."""
        return self._clock.now() - self._last_seen

    def gone(self) -> bool:
        return self.none_for() > SCHEDULER_GONE_AFTER
