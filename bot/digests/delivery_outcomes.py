"""What a send's outcome does to its outbox rows (and the account): sent, paused by
Telegram, blocked, refused for good, or failed for now with a backoff."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.digests.retry import MAX_ATTEMPTS, backoff
from db.models import OutboxMessage, OutboxStatus
from db.unit_of_work import UnitOfWork

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


async def record_outcome(
    report: DeliveryReport,
    account_id: int,
    message_ids: list[int],
    outcome: Outcome,
    now: datetime,
    uow: UnitOfWork,
) -> None:
    """Write what happened to one message's rows (in a group commit)."""
    messages = [m for m in [await uow.outbox.get(i) for i in message_ids] if m]
    count = len(messages)
    changes_account = outcome.migrated_to is not None or outcome.result is SendResult.BLOCKED
    account = await uow.outbox.account(account_id) if changes_account else None
    if account is not None and outcome.migrated_to is not None:
        account.chat_id = outcome.migrated_to
    if outcome.result is SendResult.RATE_LIMITED:
        # Telegram's pacing is not the push's failure: no attempt is counted.
        for message in messages:
            message.status = OutboxStatus.PENDING
            message.due_at = now + timedelta(seconds=outcome.retry_after)
        report.retried += count
        report.rate_limited += 1
        return
    for message in messages:
        message.attempts += 1
    match outcome.result:
        case SendResult.SENT:
            for message in messages:
                message.status, message.sent_at = OutboxStatus.SENT, now
                message.telegram_message_id = outcome.telegram_message_id
                message.lease_expires_at = None
            report.sent += count
        case SendResult.BLOCKED:
            # Blocked by the user: stop every push to them until they write again.
            if account is not None:
                account.is_active, account.blocked_at = False, now
            _finish(messages, OutboxStatus.DEAD, outcome.error)
            report.blocked += count
        case SendResult.REFUSED:
            _finish(messages, OutboxStatus.DEAD, outcome.error)
            report.dead += count
        case SendResult.FAILED:
            _failed(messages, outcome, report, now)


def _failed(
    messages: list[OutboxMessage],
    outcome: Outcome,
    report: DeliveryReport,
    now: datetime,
) -> None:
    """5xx or network: back off and try again, up to a limit."""
    report.timed_out += len(messages) if outcome.timed_out else 0
    for message in messages:
        if outcome.timed_out and message.last_error == TIMED_OUT:
            # A second read time-out: it may well have arrived twice already; a third
            # copy is worse than none.
            _finish([message], OutboxStatus.DEAD, TIMED_OUT + ", twice")
            report.dead += 1
        elif message.attempts >= MAX_ATTEMPTS:
            _finish([message], OutboxStatus.DEAD, f"gave up: {outcome.error}")
            report.dead += 1
        else:
            message.status = OutboxStatus.PENDING
            message.last_error = TIMED_OUT if outcome.timed_out else outcome.error
            message.due_at = now + backoff(message.attempts)
            report.retried += 1


def _finish(messages: list[OutboxMessage], status: OutboxStatus, error: str) -> None:
    for message in messages:
        message.status, message.last_error, message.lease_expires_at = status, error, None
