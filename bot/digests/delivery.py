"""The delivery worker: sends due outbox rows within Telegram's limits, and never loses one.

A row is claimed with a lease; if the worker dies the lease runs out and another worker
takes the row again. Each outcome is committed as soon as it is known.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup

from bot.clock import Clock
from bot.digests.retry import MAX_ATTEMPTS, backoff
from bot.presentation.text import MESSAGE_LIMIT, telegram_length
from db.database import Database
from db.models import OutboxMessage, OutboxStatus, TelegramAccount

Sleep = Callable[[float], Awaitable[None]]
MERGE_SEPARATOR = "\n\n"
# A read time-out leaves the outcome unknown; such a push is tried again once only.
TIMED_OUT = "read time-out: outcome unknown"
log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    blocked: int = 0
    timed_out: int = 0  # the outcome is unknown: Telegram may or may not have delivered


@dataclass
class RateLimits:
    """Telegram allows about 30 messages a second per bot and one a second per chat."""

    per_second: float = 25.0
    per_chat_interval: float = 1.0


@dataclass
class DeliveryWorker:
    database: Database
    bot: Bot
    clock: Clock
    name: str = "worker"
    limits: RateLimits = field(default_factory=RateLimits)
    lease: timedelta = timedelta(minutes=2)
    batch: int = 100
    sleep: Sleep = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    _last_send: float = field(default=float("-inf"), init=False)
    _last_by_chat: dict[int, float] = field(default_factory=dict, init=False)

    async def deliver_due(self) -> DeliveryReport:
        """Claim one batch of due rows and deliver it, several for one chat as one message."""
        report = DeliveryReport()
        now = self.clock.now()
        async with self.database.unit_of_work() as uow:
            claimed = await uow.outbox.claim(
                worker=self.name, now=now, lease_until=now + self.lease, limit=self.batch
            )
            await uow.commit()
        groups = merge_for_chats(
            [
                (m.id, m.account_id, m.payload["text"], bool(m.payload.get("reply_markup")))
                for m, _ in claimed
            ]
        )
        for index, (account_id, message_ids) in enumerate(groups):
            if await self._deliver(message_ids, account_id, report):
                # Telegram asked the whole bot to wait: give the rest back for later.
                await self._release([i for _, ids in groups[index + 1 :] for i in ids])
                break
        return report

    async def _pace(self, chat_id: int) -> None:
        gap = (
            max(
                self._last_send + 1 / self.limits.per_second,
                self._last_by_chat.get(chat_id, float("-inf")) + self.limits.per_chat_interval,
            )
            - self.monotonic()
        )
        if gap > 0:
            await self.sleep(gap)
        self._last_send = self._last_by_chat[chat_id] = self.monotonic()

    async def _deliver(
        self, message_ids: list[int], account_id: int, report: DeliveryReport
    ) -> bool:
        """Send rows for one chat and record what happened; True when Telegram asked to pause."""
        async with self.database.unit_of_work() as uow:
            account = await uow.outbox.account(account_id)
            messages = [m for m in [await uow.outbox.get(i) for i in message_ids] if m is not None]
            # Cancelled meanwhile (consent withdrawn), or our lease ran out and another worker
            # took the row: not ours to send.
            ours = [
                m
                for m in messages
                if m.status == OutboxStatus.CLAIMED and m.claimed_by == self.name
            ]
            if account is None or not ours:
                return False
            paused = await self._attempt(ours, account, report)
            await uow.commit()
            return paused

    async def _attempt(
        self, messages: list[OutboxMessage], account: TelegramAccount, report: DeliveryReport
    ) -> bool:
        now = self.clock.now()
        count = len(messages)
        text = MERGE_SEPARATOR.join(m.payload["text"] for m in messages)
        markup = _markup(messages[0].payload.get("reply_markup")) if count == 1 else None
        for message in messages:
            message.attempts += 1
        for _migration in range(2):  # a group chat that became a supergroup: once more
            await self._pace(account.chat_id)
            try:
                sent = await self.bot.send_message(
                    chat_id=account.chat_id, text=text, reply_markup=markup
                )
            except TelegramMigrateToChat as error:
                account.chat_id = error.migrate_to_chat_id
                continue
            except TelegramRetryAfter as error:
                for message in messages:
                    message.status = OutboxStatus.PENDING
                    message.due_at = now + timedelta(seconds=error.retry_after)
                    message.attempts -= 1  # Telegram's pacing is not the push's failure
                report.retried += count
                return True
            except TelegramForbiddenError as error:
                # Blocked by the user: stop every push to them until they write again.
                account.is_active, account.blocked_at = False, now
                self._finish(messages, OutboxStatus.DEAD, f"blocked: {error.message}")
                report.blocked += count
                return False
            except TelegramBadRequest as error:
                self._finish(messages, OutboxStatus.DEAD, f"bad request: {error.message}")
                report.dead += count
                return False
            except (TelegramServerError, TelegramNetworkError) as error:
                timed_out = isinstance(error, TelegramNetworkError) and is_timeout(error)
                report.timed_out += count if timed_out else 0
                for message in messages:
                    if timed_out and message.last_error == TIMED_OUT:
                        # A second read time-out: it may well have arrived twice already;
                        # a third copy is worse than none.
                        self._finish([message], OutboxStatus.DEAD, TIMED_OUT + ", twice")
                        report.dead += 1
                    elif message.attempts >= MAX_ATTEMPTS:
                        self._finish([message], OutboxStatus.DEAD, f"gave up: {error}")
                        report.dead += 1
                    else:
                        message.status = OutboxStatus.PENDING
                        message.last_error = TIMED_OUT if timed_out else str(error)
                        message.due_at = now + backoff(message.attempts)
                        report.retried += 1
                return False
            for message in messages:
                message.status, message.sent_at = OutboxStatus.SENT, now
                message.telegram_message_id = sent.message_id
                message.lease_expires_at = None
            report.sent += count
            return False
        self._finish(messages, OutboxStatus.DEAD, "chat migrated twice")
        report.dead += count
        return False

    @staticmethod
    def _finish(messages: list[OutboxMessage], status: OutboxStatus, error: str) -> None:
        for message in messages:
            message.status, message.last_error, message.lease_expires_at = status, error, None

    async def _release(self, message_ids: list[int]) -> None:
        async with self.database.unit_of_work() as uow:
            for message_id in message_ids:
                message = await uow.outbox.get(message_id)
                if message is not None and message.status == OutboxStatus.CLAIMED:
                    message.status, message.lease_expires_at = OutboxStatus.PENDING, None
            await uow.commit()


def is_timeout(error: TelegramNetworkError) -> bool:
    # aiogram turns a read time-out into TelegramNetworkError("Request timeout error").
    return isinstance(error.__cause__, TimeoutError) or "timeout" in error.message.lower()


def merge_for_chats(
    rows: list[tuple[int, int, str, bool]], limit: int = MESSAGE_LIMIT
) -> list[tuple[int, list[int]]]:
    """(row id, account id, text, has buttons) in due order → (account, row ids) sends.

    Plain pushes for one chat that are due together become one message, up to Telegram's
    limit; a push with buttons always goes alone (its buttons belong to its text).
    """
    sends: list[tuple[int, list[int]]] = []
    open_for: dict[int, tuple[int, int]] = {}  # account → (index in sends, length so far)
    for row_id, account_id, text, has_buttons in rows:
        size = telegram_length(text)
        if not has_buttons and account_id in open_for:
            index, length = open_for[account_id]
            grown = length + telegram_length(MERGE_SEPARATOR) + size
            if grown <= limit:
                sends[index][1].append(row_id)
                open_for[account_id] = (index, grown)
                continue
        sends.append((account_id, [row_id]))
        if has_buttons:
            open_for.pop(account_id, None)
        else:
            open_for[account_id] = (len(sends) - 1, size)
    return sends


def _markup(raw: object) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.model_validate(raw) if raw else None


async def run_delivery(worker: DeliveryWorker, stop: asyncio.Event, *, idle: float = 1.0) -> None:
    """Deliver until ``stop`` is set; a failing pass is logged and retried, never fatal."""
    while not stop.is_set():
        try:
            report = await worker.deliver_due()
        except Exception:
            log.exception("delivery pass failed; retrying")
            report = DeliveryReport()
        if report.timed_out:
            log.warning("%d push(es) timed out; their outcome is unknown", report.timed_out)
        if report.sent or report.retried or report.dead or report.blocked:
            continue  # there may be more due right away
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=idle)
