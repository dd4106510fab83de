"""Quiet hours (pure rule)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digests.quiet_hours import release_time

MOSCOW = "Europe/Moscow"  # UTC+3 all year


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 9, 1, 12, 0, tzinfo=UTC), datetime(2026, 9, 1, 12, 0, tzinfo=UTC)),
        # 22:30 in Moscow → 08:00 next morning (05:00 UTC)
        (datetime(2026, 9, 1, 19, 30, tzinfo=UTC), datetime(2026, 9, 2, 5, 0, tzinfo=UTC)),
        # 02:00 in Moscow → 08:00 the same morning
        (datetime(2026, 9, 1, 23, 0, tzinfo=UTC), datetime(2026, 9, 2, 5, 0, tzinfo=UTC)),
        # exactly 08:00 is no longer quiet; exactly 21:00 is
        (datetime(2026, 9, 2, 5, 0, tzinfo=UTC), datetime(2026, 9, 2, 5, 0, tzinfo=UTC)),
        (datetime(2026, 9, 1, 18, 0, tzinfo=UTC), datetime(2026, 9, 2, 5, 0, tzinfo=UTC)),
    ],
)
def test_release_in_the_schools_zone(utc: datetime, expected: datetime) -> None:
    assert release_time(utc, MOSCOW) == expected


def test_quiet_hours_that_do_not_wrap_midnight() -> None:
    noon = datetime(2026, 9, 1, 10, 30, tzinfo=UTC)  # 13:30 in Moscow
    released = release_time(noon, MOSCOW, quiet_from=time(13, 0), quiet_until=time(15, 0))
    assert released == datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


# Naive bounds are what hypothesis takes; the instants get UTC below.
@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)))  # noqa: DTZ001
def test_release_is_never_earlier_and_never_quiet(naive: datetime) -> None:
    now = naive.replace(tzinfo=UTC)
    released = release_time(now, MOSCOW)
    assert released >= now
    assert (released - now).total_seconds() <= 11 * 3600
    assert release_time(released, MOSCOW) == released
