"""Where a family stands with a period's final grades, as data (pure): what the class
teacher's summary lists, computed in :mod:`bot.finals.family_states`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FamilyState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    WAITING = "waiting"  # delivered, not acknowledged yet
    REMINDED = "reminded"  # still not acknowledged after the reminder
    UNDELIVERED = "undelivered"  # queued, failed or the bot is blocked
    NO_ACCESS = "no_access"  # no linked account with a consent: paper


@dataclass(frozen=True)
class FamilyLine:
    guardian: str
    child: str
    state: FamilyState
    at: datetime | None = None  # when acknowledged, or reminded
