"""Per-account push preferences: modes per kind, the summary hour, quiet hours (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digests.preferences import (
    DEFAULT_MODES,
    PushKind,
    PushMode,
    PushPreferences,
    delivery_time,
    next_mode,
    summary_time,
)

ZONE = "Europe/Moscow"  # UTC+3
DAY = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
NIGHT = datetime(2026, 9, 1, 19, 30, tzinfo=UTC)  # 22:30 in Moscow


def test_defaults_push_at_once_and_homework_never() -> None:
    preferences = PushPreferences()
    assert preferences.mode(PushKind.GRADES) is PushMode.INSTANT
    assert preferences.mode(PushKind.HOMEWORK) is PushMode.OFF
    assert delivery_time(preferences, PushKind.GRADES, DAY, ZONE) == DAY
    assert delivery_time(preferences, PushKind.HOMEWORK, DAY, ZONE) is None


def test_quiet_hours_hold_until_the_morning_unless_urgent() -> None:
    preferences = PushPreferences()
    morning = datetime(2026, 9, 2, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    assert delivery_time(preferences, PushKind.GRADES, NIGHT, ZONE) == morning
    assert delivery_time(preferences, PushKind.LESSONS, NIGHT, ZONE, urgent=True) == NIGHT


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("off", NIGHT),  # no quiet hours at all
        ("22-7", datetime(2026, 9, 2, 4, 0, tzinfo=UTC)),  # 07:00 in Moscow
        ("20-9", datetime(2026, 9, 2, 6, 0, tzinfo=UTC)),  # 09:00 in Moscow
    ],
)
def test_the_accounts_own_quiet_hours(preset: str, expected: datetime) -> None:
    preferences = PushPreferences().with_quiet(preset)
    assert delivery_time(preferences, PushKind.RECOMMENDATIONS, NIGHT, ZONE) == expected


def test_the_summary_waits_for_the_chosen_hour_even_at_night() -> None:
    preferences = PushPreferences().with_mode(PushKind.GRADES, PushMode.SUMMARY)
    assert delivery_time(preferences, PushKind.GRADES, DAY, ZONE) == datetime(
        2026, 9, 1, 16, 0, tzinfo=UTC
    )  # 19:00 in Moscow today
    early = preferences.with_summary_hour(7)
    # 22:30: the next 07:00 is tomorrow's; the account chose that hour, so it is not held.
    assert delivery_time(early, PushKind.GRADES, NIGHT, ZONE) == datetime(
        2026, 9, 2, 4, 0, tzinfo=UTC
    )


def test_summary_time_in_the_schools_zone() -> None:
    assert summary_time(DAY, "Asia/Vladivostok", 19) == datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    assert summary_time(DAY, "Asia/Vladivostok", 18) == datetime(2026, 9, 2, 8, 0, tzinfo=UTC)


def test_off_means_never() -> None:
    preferences = PushPreferences().with_mode(PushKind.FORECAST, PushMode.OFF)
    assert delivery_time(preferences, PushKind.FORECAST, DAY, ZONE) is None


def test_homework_cannot_be_instant_and_bad_choices_are_refused() -> None:
    with pytest.raises(ValueError, match="homework"):
        PushPreferences().with_mode(PushKind.HOMEWORK, PushMode.INSTANT)
    with pytest.raises(ValueError, match="hour"):
        PushPreferences().with_summary_hour(24)
    with pytest.raises(ValueError, match="preset"):
        PushPreferences().with_quiet("0-24")


def test_buttons_cycle_through_the_allowed_modes() -> None:
    assert next_mode(PushKind.GRADES, PushMode.INSTANT) is PushMode.SUMMARY
    assert next_mode(PushKind.GRADES, PushMode.SUMMARY) is PushMode.OFF
    assert next_mode(PushKind.GRADES, PushMode.OFF) is PushMode.INSTANT
    assert next_mode(PushKind.HOMEWORK, PushMode.OFF) is PushMode.SUMMARY
    assert next_mode(PushKind.HOMEWORK, PushMode.SUMMARY) is PushMode.OFF


def test_stored_settings_round_trip_and_garbage_falls_back_to_defaults() -> None:
    chosen = (
        PushPreferences()
        .with_mode(PushKind.HOMEWORK, PushMode.SUMMARY)
        .with_summary_hour(8)
        .with_quiet("off")
    )
    stored = chosen.to_settings({"other": 1})
    assert stored["other"] == 1
    assert PushPreferences.from_settings(stored) == chosen
    garbage = {
        "pushes": {
            "modes": {"homework": "instant", "grades": 5, "lesson": "off"},
            "summary_hour": True,
            "quiet": "always",
        }
    }
    parsed = PushPreferences.from_settings(garbage)
    assert parsed.modes == {**DEFAULT_MODES, PushKind.LESSONS: PushMode.OFF}
    assert parsed.summary_hour == 19
    assert parsed.quiet == "21-8"
    assert PushPreferences.from_settings({"pushes": "x"}) == PushPreferences()
    assert PushPreferences.from_settings(None) == PushPreferences()
