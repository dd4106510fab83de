"""What an account wants to be told, and when (pure: no I/O).

Per kind of push the account chooses: at once, in the daily summary (at an hour it chooses)
or not at all; and its own quiet hours instead of the school's 21:00–08:00. The choices are
kept under ``pushes`` in ``telegram_account.settings``; anything stored there that does not
parse falls back to its own default, so a bad value can never stop a push that the law
requires.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from bot.digests.quiet_hours import QUIET_FROM, QUIET_UNTIL, release_time
from bot.stored_settings import Report


class PushMode(StrEnum):
    INSTANT = "instant"
    SUMMARY = "summary"
    OFF = "off"


class PushKind(StrEnum):
    """The kinds of push an account may tune; final grades and the teacher's announcements
    are not among them (the regulations require them to arrive)."""

    GRADES = "grades"
    LESSONS = "lesson"
    HOMEWORK = "homework"
    RECOMMENDATIONS = "recommendation"
    FORECAST = "forecast_digest"
    RISK = "risk"
    BRIEF = "evening_brief"


ALL_MODES = (PushMode.INSTANT, PushMode.SUMMARY, PushMode.OFF)
# New homework is a lot of small news: it is only ever part of the summary.
ALLOWED_MODES: dict[PushKind, tuple[PushMode, ...]] = {
    PushKind.GRADES: ALL_MODES,
    PushKind.LESSONS: ALL_MODES,
    PushKind.HOMEWORK: (PushMode.SUMMARY, PushMode.OFF),
    PushKind.RECOMMENDATIONS: ALL_MODES,
    PushKind.FORECAST: ALL_MODES,
    PushKind.RISK: ALL_MODES,
    # The brief is itself a summary at its own hour: on or off.
    PushKind.BRIEF: (PushMode.INSTANT, PushMode.OFF),
}
DEFAULT_MODES: dict[PushKind, PushMode] = {
    PushKind.GRADES: PushMode.INSTANT,
    PushKind.LESSONS: PushMode.INSTANT,
    PushKind.HOMEWORK: PushMode.OFF,
    PushKind.RECOMMENDATIONS: PushMode.INSTANT,
    PushKind.FORECAST: PushMode.INSTANT,
    PushKind.RISK: PushMode.INSTANT,
    PushKind.BRIEF: PushMode.INSTANT,
}
DEFAULT_SUMMARY_HOUR = 19
SUMMARY_HOURS = (7, 8, 12, 15, 17, 18, 19, 20, 21)
# Quiet-hour choices: the school's default, two shifted windows, or none at all.
QUIET_PRESETS: dict[str, tuple[time, time] | None] = {
    "21-8": (QUIET_FROM, QUIET_UNTIL),
    "22-7": (time(22, 0), time(7, 0)),
    "20-9": (time(20, 0), time(9, 0)),
    "off": None,
}
DEFAULT_QUIET = "21-8"
# The weighted average under which the parent wants a risk alert ("none": only the 2s).
RISK_THRESHOLDS = ("none", "3.0", "3.5", "4.0", "4.5")
DEFAULT_BRIEF_HOUR = 19
BRIEF_HOURS = (17, 18, 19, 20, 21)
SETTINGS_KEY = "pushes"


def _ignore(key: str, value: object, must_be: str, default: object) -> None:
    """Tests and old callers read preferences without logging what falls back."""


def _choice(
    stored: dict[str, Any],
    key: str,
    options: Iterable[str],
    default: str,
    report: Report,
    *,
    within: str = SETTINGS_KEY,
) -> str:
    """A stored string among ``options``; absent is the default, anything else reported."""
    if key not in stored:
        return default
    value, allowed = stored[key], tuple(options)
    if isinstance(value, str) and value in allowed:
        return value
    report(f"{within}.{key}", value, "one of " + ", ".join(allowed), default)
    return default


def _hour(stored: dict[str, Any], key: str, default: int, report: Report) -> int:
    value = stored.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23:
        return value
    report(f"{SETTINGS_KEY}.{key}", value, "an integer from 0 to 23", default)
    return default


def _modes(stored: object, report: Report) -> dict[PushKind, PushMode]:
    modes = dict(DEFAULT_MODES)
    if not isinstance(stored, dict):
        if stored is not None:
            report(f"{SETTINGS_KEY}.modes", stored, "an object of a mode per kind", None)
        return modes
    for kind in PushKind:
        allowed = [mode.value for mode in ALLOWED_MODES[kind]]
        default = DEFAULT_MODES[kind].value
        chosen = _choice(stored, kind.value, allowed, default, report, within="pushes.modes")
        modes[kind] = PushMode(chosen)
    return modes


@dataclass(frozen=True)
class PushPreferences:
    modes: dict[PushKind, PushMode] = field(default_factory=lambda: dict(DEFAULT_MODES))
    summary_hour: int = DEFAULT_SUMMARY_HOUR
    quiet: str = DEFAULT_QUIET
    risk_threshold: str = "none"
    brief_hour: int = DEFAULT_BRIEF_HOUR

    @classmethod
    def from_stored(cls, stored: object, report: Report = _ignore) -> PushPreferences:
        """The ``pushes`` part of an account's settings; each part that does not parse is
        reported and falls back to its own default, the others kept."""
        if stored is None:
            return cls()
        if not isinstance(stored, dict):
            report(SETTINGS_KEY, stored, "an object", None)
            return cls()
        return cls(
            modes=_modes(stored.get("modes"), report),
            summary_hour=_hour(stored, "summary_hour", DEFAULT_SUMMARY_HOUR, report),
            quiet=_choice(stored, "quiet", QUIET_PRESETS, DEFAULT_QUIET, report),
            risk_threshold=_choice(stored, "risk_threshold", RISK_THRESHOLDS, "none", report),
            brief_hour=_hour(stored, "brief_hour", DEFAULT_BRIEF_HOUR, report),
        )

    def to_stored(self) -> dict[str, Any]:
        return {
            "modes": {kind.value: mode.value for kind, mode in self.modes.items()},
            "summary_hour": self.summary_hour,
            "quiet": self.quiet,
            "risk_threshold": self.risk_threshold,
            "brief_hour": self.brief_hour,
        }

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> PushPreferences:
        """From a whole settings document, silently (the application reads accounts through
        :class:`bot.accounts.settings.AccountSettings`, which logs what falls back)."""
        return cls.from_stored((settings or {}).get(SETTINGS_KEY))

    def to_settings(self, settings: dict[str, Any] | None) -> dict[str, Any]:
        """A new settings dict (JSON columns are only saved when reassigned)."""
        return {**(settings or {}), SETTINGS_KEY: self.to_stored()}

    def mode(self, kind: PushKind) -> PushMode:
        return self.modes.get(kind, DEFAULT_MODES[kind])

    def with_mode(self, kind: PushKind, mode: PushMode) -> PushPreferences:
        if mode not in ALLOWED_MODES[kind]:
            raise ValueError(f"{kind} cannot be {mode}")
        return replace(self, modes={**self.modes, kind: mode})

    def with_summary_hour(self, hour: int) -> PushPreferences:
        if not 0 <= hour <= 23:
            raise ValueError(f"no hour {hour}")
        return replace(self, summary_hour=hour)

    def with_risk_threshold(self, value: str) -> PushPreferences:
        if value not in RISK_THRESHOLDS:
            raise ValueError(f"no risk threshold {value!r}")
        return replace(self, risk_threshold=value)

    def with_brief_hour(self, hour: int) -> PushPreferences:
        if hour not in BRIEF_HOURS:
            raise ValueError(f"no brief at hour {hour}")
        return replace(self, brief_hour=hour)

    @property
    def threshold(self) -> Fraction | None:
        return None if self.risk_threshold == "none" else Fraction(self.risk_threshold)

    def with_quiet(self, preset: str) -> PushPreferences:
        if preset not in QUIET_PRESETS:
            raise ValueError(f"no quiet-hours preset {preset!r}")
        return replace(self, quiet=preset)


def next_mode(kind: PushKind, current: PushMode) -> PushMode:
    """The mode a settings button switches to: the next allowed one, round."""
    allowed = ALLOWED_MODES[kind]
    index = allowed.index(current) if current in allowed else -1
    return allowed[(index + 1) % len(allowed)]


def next_in(options: tuple[Any, ...], current: Any) -> Any:
    index = options.index(current) if current in options else -1
    return options[(index + 1) % len(options)]


def summary_time(now: datetime, timezone: str, hour: int) -> datetime:
    """The next daily summary at ``hour`` local time, at ``now`` or later (in now's zone)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), time(hour, 0), tzinfo=zone)
    if moment < local:
        moment = datetime.combine(local.date() + timedelta(days=1), time(hour, 0), tzinfo=zone)
    return moment.astimezone(now.tzinfo)


def after_quiet_hours(preferences: PushPreferences, now: datetime, timezone: str) -> datetime:
    """For pushes the family cannot switch off (final grades): only the account's quiet
    hours may hold them, until the morning."""
    window = QUIET_PRESETS.get(preferences.quiet, QUIET_PRESETS[DEFAULT_QUIET])
    if window is None:
        return now
    return release_time(now, timezone, quiet_from=window[0], quiet_until=window[1])


def delivery_time(
    preferences: PushPreferences,
    kind: PushKind,
    now: datetime,
    timezone: str,
    *,
    urgent: bool = False,
    over_cap: bool = False,
) -> datetime | None:
    """When a push of ``kind`` should go out to this account; None when it is switched off.

    In the summary it waits for the summary hour (the account chose that hour, so quiet
    hours do not apply to it); an urgent push goes at once; any other waits out the
    account's quiet hours. ``over_cap``: the account had its day's share of pushes, so a
    push that would go at once waits for the summary instead.
    """
    mode = preferences.mode(kind)
    if over_cap and mode is PushMode.INSTANT and not urgent:
        mode = PushMode.SUMMARY
    if mode is PushMode.OFF:
        return None
    if mode is PushMode.SUMMARY:
        return summary_time(now, timezone, preferences.summary_hour)
    return now if urgent else after_quiet_hours(preferences, now, timezone)
