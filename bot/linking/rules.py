"""Pure rules of linking: consent states and the attempt limit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from db.models import ConsentState

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Across accounts: many accounts guessing together (a bot farm) are limited as a crowd.
# Over the limit within the window, code entry stops for the lock's duration, for everyone
# (or for one school's codes), and the school admins are told once.
FLOOD_WINDOW = timedelta(minutes=10)
FLOOD_LOCK = timedelta(minutes=10)
GLOBAL_MAX_FAILURES = 200
SCHOOL_MAX_FAILURES = 50


def may_issue_code(state: ConsentState | None) -> bool:
    """A code may go to someone who consented or has not decided yet (they decide in the
    bot), never to someone who refused or withdrew."""
    return state not in (ConsentState.REFUSED, ConsentState.WITHDRAWN)


def may_receive_data(state: ConsentState | None) -> bool:
    return state == ConsentState.GRANTED


def locked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """When the lock ends, if the recent failures reached the limit; None if not locked.

    The lock lasts until the oldest of the last ``MAX_FAILURES`` failures leaves the window,
    so waiting is always enough and nobody is locked for good.
    """
    recent = sorted(moment for moment in failures if now - moment < FAILURE_WINDOW)
    if len(recent) < MAX_FAILURES:
        return None
    return recent[-MAX_FAILURES] + FAILURE_WINDOW


def failures_left(failures: Sequence[datetime], now: datetime) -> int:
    recent = [moment for moment in failures if now - moment < FAILURE_WINDOW]
    return max(0, MAX_FAILURES - len(recent))


def flooded(failures_in_window: int, limit: int) -> bool:
    """More failures than the crowd limit allows within ``FLOOD_WINDOW``."""
    return failures_in_window > limit


def entry_lock_ends(locked_at: datetime | None, now: datetime) -> datetime | None:
    """When a crowd lock that began at ``locked_at`` ends, if it still holds."""
    if locked_at is None or now >= locked_at + FLOOD_LOCK:
        return None
    return locked_at + FLOOD_LOCK
