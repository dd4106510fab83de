"""What a send's outcome does to its outbox rows (and the account): sent, paused by
Telegram, blocked, refused for good, or failed for now with a backoff. Pure: the pass's
ledger writes the changes, many outcomes in one statement."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.digests.retry import MAX_ATTEMPTS, backoff
from db.models import OutboxStatus
from db.repositories.outbox import ClaimedPush

# A read time-out leaves the outcome unknown; such a push is tried again once only.
TIMED_OUT = "read time-out: outcome unknown"


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    blocked: int = 0
    timed_out: int = 0  # the outcome is unknown: Telegram may or may not have delivered
    rate_limited: int = 0  # answers 429 (retry after): each paused the bot


class SendResult(enum.Enum):
    SENT = "sent"
    RATE_LIMITED = "rate limited"  # 429: back to pending after retry_after
    BLOCKED = "blocked"
    REFUSED = "refused"  # a permanent error: dead at once
    FAILED = "failed"  # 5xx or network: back off and retry, up to a limit


@dataclass(frozen=True)
class Outcome:
    result: SendResult
    migrated_to: int | None = None  # the chat's new id, when Telegram moved it
    telegram_message_id: int | None = None
    retry_after: int = 0
    error: str = ""
    timed_out: bool = False


@dataclass
class Changes:
    """What outcomes write: columns per outbox row, and per account."""

    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rows or self.accounts)

    def take(self) -> Changes:
        """Everything so far, leaving this empty."""
        taken = Changes(self.rows, self.accounts)
        self.rows, self.accounts = {}, {}
        return taken

    def add(self, other: Changes) -> None:
        """``other``'s changes too; where both change a column, ``other``'s value wins."""
        for target, source in ((self.rows, other.rows), (self.accounts, other.accounts)):
            for row_id, values in source.items():
                target[row_id] = {**target.get(row_id, {}), **values}


def outcome_changes(
    report: DeliveryReport,
    account_id: int,
    pushes: list[ClaimedPush],
    outcome: Outcome,
    now: datetime,
) -> Changes:
    """What one message's outcome does to its rows and its account, counted in ``report``.
    Computed from the rows as claimed: nobody else changes a claimed row's attempts."""
    changes = Changes()
    if outcome.migrated_to is not None:
        changes.accounts[account_id] = {"chat_id": outcome.migrated_to}
    count = len(pushes)
    if outcome.result is SendResult.RATE_LIMITED:
        # Telegram's pacing is not the push's failure: no attempt is counted.
        due_at = now + timedelta(seconds=outcome.retry_after)
        changes.rows = {p.id: {"status": OutboxStatus.PENDING, "due_at": due_at} for p in pushes}
        report.retried += count
        report.rate_limited += 1
        return changes
    match outcome.result:
        case SendResult.SENT:
            sent = {
                "status": OutboxStatus.SENT,
                "sent_at": now,
                "telegram_message_id": outcome.telegram_message_id,
                "lease_expires_at": None,
            }
            changes.rows = {p.id: {**sent, "attempts": p.attempts + 1} for p in pushes}
            report.sent += count
        case SendResult.BLOCKED:
            # Blocked by the user: stop every push to them until they write again.
            account = changes.accounts.setdefault(account_id, {})
            account.update(is_active=False, blocked_at=now)
            changes.rows = {p.id: _dead(p, outcome.error) for p in pushes}
            report.blocked += count
        case SendResult.REFUSED:
            changes.rows = {p.id: _dead(p, outcome.error) for p in pushes}
            report.dead += count
        case SendResult.FAILED:
            changes.rows = {p.id: _failed(p, outcome, report, now) for p in pushes}
    return changes


def _failed(
    push: ClaimedPush, outcome: Outcome, report: DeliveryReport, now: datetime
) -> dict[str, Any]:
    """5xx or network: back off and try again, up to a limit."""
    attempts = push.attempts + 1
    report.timed_out += 1 if outcome.timed_out else 0
    if outcome.timed_out and push.last_error == TIMED_OUT:
        # A second read time-out: it may well have arrived twice already; a third copy is
        # worse than none.
        report.dead += 1
        return _dead(push, TIMED_OUT + ", twice")
    if attempts >= MAX_ATTEMPTS:
        report.dead += 1
        return _dead(push, f"gave up: {outcome.error}")
    report.retried += 1
    return {
        "attempts": attempts,
        "status": OutboxStatus.PENDING,
        "last_error": TIMED_OUT if outcome.timed_out else outcome.error,
        "due_at": now + backoff(attempts),
    }


def _dead(push: ClaimedPush, error: str) -> dict[str, Any]:
    return {
        "attempts": push.attempts + 1,
        "status": OutboxStatus.DEAD,
        "last_error": error,
        "lease_expires_at": None,
    }
