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
from db.database import Database
from db.models import OutboxMessage, OutboxStatus, TelegramAccount

Sleep = Callable[[float], Awaitable[None]]
log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    blocked: int = 0


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
        """Claim one batch of due rows and deliver it."""
        report = DeliveryReport()
        now = self.clock.now()
        async with self.database.unit_of_work() as uow:
            claimed = await uow.outbox.claim(
                worker=self.name, now=now, lease_until=now + self.lease, limit=self.batch
            )
            await uow.commit()
        for index, (message, account) in enumerate(claimed):
            paused = await self._deliver(message.id, account.id, report)
            if paused:
                # Telegram asked the whole bot to wait: give the rest back for later.
                await self._release([m.id for m, _ in claimed[index + 1 :]])
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

    async def _deliver(self, message_id: int, account_id: int, report: DeliveryReport) -> bool:
        """Send one row and record what happened; True when Telegram asked to pause."""
        async with self.database.unit_of_work() as uow:
            message = await uow.outbox.get(message_id)
            account = await uow.outbox.account(account_id)
            if (
                message is None
                or account is None
                or message.status != OutboxStatus.CLAIMED
                or message.claimed_by != self.name
            ):
                # Cancelled meanwhile (consent withdrawn), or our lease ran out and another
                # worker took the row: it is not ours to send.
                return False
            paused = await self._attempt(message, account, report)
            await uow.commit()
            return paused

    async def _attempt(
        self, message: OutboxMessage, account: TelegramAccount, report: DeliveryReport
    ) -> bool:
        now = self.clock.now()
        message.attempts += 1
        for _migration in range(2):  # a group chat that became a supergroup: once more
            await self._pace(account.chat_id)
            try:
                sent = await self.bot.send_message(
                    chat_id=account.chat_id,
                    text=message.payload["text"],
                    reply_markup=_markup(message.payload.get("reply_markup")),
                )
            except TelegramMigrateToChat as error:
                account.chat_id = error.migrate_to_chat_id
                continue
            except TelegramRetryAfter as error:
                message.status, message.due_at = (
                    OutboxStatus.PENDING,
                    now + timedelta(seconds=error.retry_after),
                )
                message.attempts -= 1  # Telegram's pacing is not the push's failure
                report.retried += 1
                return True
            except TelegramForbiddenError as error:
                # Blocked by the user: stop every push to them until they write again.
                account.is_active, account.blocked_at = False, now
                self._finish(message, OutboxStatus.DEAD, f"blocked: {error.message}")
                report.blocked += 1
                return False
            except TelegramBadRequest as error:
                self._finish(message, OutboxStatus.DEAD, f"bad request: {error.message}")
                report.dead += 1
                return False
            except (TelegramServerError, TelegramNetworkError) as error:
                if message.attempts >= MAX_ATTEMPTS:
                    self._finish(message, OutboxStatus.DEAD, f"gave up: {error}")
                    report.dead += 1
                else:
                    message.status, message.last_error = OutboxStatus.PENDING, str(error)
                    message.due_at = now + backoff(message.attempts)
                    report.retried += 1
                return False
            message.status, message.sent_at = OutboxStatus.SENT, now
            message.telegram_message_id = sent.message_id
            message.lease_expires_at = None
            report.sent += 1
            return False
        self._finish(message, OutboxStatus.DEAD, "chat migrated twice")
        report.dead += 1
        return False

    @staticmethod
    def _finish(message: OutboxMessage, status: OutboxStatus, error: str) -> None:
        message.status, message.last_error, message.lease_expires_at = status, error, None

    async def _release(self, message_ids: list[int]) -> None:
        async with self.database.unit_of_work() as uow:
            for message_id in message_ids:
                message = await uow.outbox.get(message_id)
                if message is not None and message.status == OutboxStatus.CLAIMED:
                    message.status, message.lease_expires_at = OutboxStatus.PENDING, None
            await uow.commit()


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
        if report.sent or report.retried or report.dead or report.blocked:
            continue  # there may be more due right away
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=idle)
