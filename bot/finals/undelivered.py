"""A family whose final grades did not reach it within 24 hours, and why (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    NO_CONSENT = "no_consent"
    NOT_LINKED = "not_linked"
    BLOCKED = "blocked"
    FAILED = "failed"
    PENDING = "pending"
    # The letter's address was refused for good by the mail server (a 5xx).
    ADDRESS_INVALID = "address_invalid"


@dataclass(frozen=True)
class Undelivered:
    class_id: int
    class_name: str
    period_id: int
    period_name: str
    guardian: str
    child: str
    reason: Reason
    error: str | None = None
