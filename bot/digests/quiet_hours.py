"""Quiet hours: when a non-urgent push may go out (pure)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


def release_time(
    now: datetime,
    timezone: str,
    *,
    quiet_from: time = QUIET_FROM,
    quiet_until: time = QUIET_UNTIL,
) -> datetime:
    """``now`` if it is outside quiet hours in the school's zone, else the morning's end of
    them (in UTC). Quiet hours may wrap midnight (21:00–08:00) or not (13:00–15:00)."""
    local = now.astimezone(ZoneInfo(timezone))
    clock = local.time()
    wraps = quiet_from > quiet_until
    quiet = (
        (clock >= quiet_from or clock < quiet_until)
        if wraps
        else (quiet_from <= clock < quiet_until)
    )
    if not quiet:
        return now
    release_day = (
        local.date() + timedelta(days=1) if wraps and clock >= quiet_from else local.date()
    )
    release = datetime.combine(release_day, quiet_until, tzinfo=ZoneInfo(timezone))
    return release.astimezone(now.tzinfo)
