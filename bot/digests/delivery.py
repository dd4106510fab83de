"""The delivery worker: sends due outbox rows within Telegram's limits, and never loses one.

A row is claimed with a lease; if the worker dies the lease runs out and another worker
takes the row again. Each outcome is committed as soon as it is known.

Sends to different chats run concurrently: each chat is a lane that sends its messages in
order, one a second, and every lane takes its turn from one pacer that spaces the starts of
all sends at the bot's rate. A slow answer or a chat's one-second spacing therefore holds up
only that chat, and enough sends are in flight to reach the rate over a real network. What
the lanes ask of the database at the same moment (is this row still ours? this one was
sent) goes in one transaction (a group commit), so the database's cost per message falls as
the rate rises, and on SQLite only one of the worker's transactions writes at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

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
from db.models import OutboxMessage, OutboxStatus
from db.unit_of_work import UnitOfWork

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")
MERGE_SEPARATOR = "\n\n"
# A read time-out leaves the outcome unknown; such a push is tried again once only.
TIMED_OUT = "read time-out: outcome unknown"
# aiogram's HTTP session opens at most 100 connections; more sends in flight would only queue.
MAX_IN_FLIGHT = 100
# A pass claims about this many seconds of sending: its tail (the last answers, a chat's
# spacing) is then a small share of it, and it is far inside the lease.
PASS_SECONDS = 4.0
# How many turns late the pacer may catch up on (a burst of at most that many at once).
PACER_SLACK = 2
# No send starts this close to the end of the lease: the answer (aiogram waits up to 60 s
# for one) must come while the row is still ours, or another worker could take the row and
# send it again.
LEASE_MARGIN = timedelta(seconds=60)
log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    blocked: int = 0
    timed_out: int = 0  # the outcome is unknown: Telegram may or may not have delivered
    rate_limited: int = 0  # answers 429 (retry after): each paused the bot


@dataclass
class RateLimits:
    """Telegram allows about 30 messages a second per bot (up to 1000 with paid broadcasts,
    charged in Stars) and one a second per chat."""

    per_second: float = 25.0
    per_chat_interval: float = 1.0
    paid_broadcast: bool = False
    # Sends awaiting Telegram's answer at once; by default enough for answers that take a
    # quarter of a second at ``per_second``.
    in_flight: int | None = None

    def max_in_flight(self) -> int:
        if self.in_flight is not None:
            return self.in_flight
        return max(4, min(MAX_IN_FLIGHT, math.ceil(self.per_second / 4)))


class _Together(Generic[T]):
    """Runs the jobs that arrive while a batch of them is running as the next batch, in one
    unit of work and one commit; one batch at a time."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._waiting: list[tuple[Callable[[UnitOfWork], Awaitable[T]], asyncio.Future[T]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def run(self, job: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((job, future))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self._database.unit_of_work() as uow:
                    results = [await job(uow) for job, _ in batch]
                    await uow.commit()
            except Exception as error:
                # Nothing of the batch was committed: every job in it failed.
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():  # its caller may have been cancelled
                    future.set_result(result)


@dataclass(frozen=True)
class _Send:
    """One message as read just before it goes: the rows still ours."""

    message_ids: list[int]
    text: str
    markup: InlineKeyboardMarkup | None


class _Result(enum.Enum):
    SENT = "sent"
    RATE_LIMITED = "rate limited"  # 429: back to pending after retry_after
    BLOCKED = "blocked"
    REFUSED = "refused"  # a permanent error: dead at once
    FAILED = "failed"  # 5xx or network: back off and retry, up to a limit


@dataclass(frozen=True)
class _Outcome:
    result: _Result
    migrated_to: int | None = None  # the chat's new id, when Telegram moved it
    telegram_message_id: int | None = None
    retry_after: int = 0
    error: str = ""
    timed_out: bool = False


@dataclass
class _Pass:
    """One claimed batch on its way out."""

    report: DeliveryReport
    in_flight: asyncio.Semaphore
    lease_ends: float  # monotonic: no send starts after this
    reads: _Together[_Send | None]
    writes: _Together[None]
    # Set when Telegram asks the bot to wait: no new sends in this pass, and lanes waiting
    # for their chat or their turn stop waiting.
    pause: asyncio.Event = field(default_factory=asyncio.Event)
    unsent: list[int] = field(default_factory=list)  # claimed rows to give back


@dataclass
class DeliveryWorker:
    database: Database
    bot: Bot
    clock: Clock
    name: str = "worker"
    limits: RateLimits = field(default_factory=RateLimits)
    lease: timedelta = timedelta(minutes=2)
    batch: int | None = None  # rows claimed per pass; by default PASS_SECONDS at the rate
    sleep: Sleep = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    _next_start: float = field(default=float("-inf"), init=False)
    _resume_at: float = field(default=float("-inf"), init=False)
    _chat_free_at: dict[int, float] = field(default_factory=dict, init=False)
    _turns: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    @property
    def batch_size(self) -> int:
        return self.batch or max(100, math.ceil(self.limits.per_second * PASS_SECONDS))

    def paused_for(self) -> float:
        """Seconds left of the pause Telegram asked for (retry after), 0 when none."""
        return max(0.0, self._resume_at - self.monotonic())

    async def deliver_due(self) -> DeliveryReport:
        """Claim one batch of due rows and deliver it, several for one chat as one message."""
        if (pause := self.paused_for()) > 0:
            # Claiming now would only hold rows other workers could send after the pause.
            await self.sleep(pause)
        now = self.clock.now()
        claimed_at = self.monotonic()
        async with self.database.unit_of_work() as uow:
            claimed = await uow.outbox.claim(
                worker=self.name, now=now, lease_until=now + self.lease, limit=self.batch_size
            )
            await uow.commit()
        chat_of = {account.id: account.chat_id for _, account in claimed}
        groups = merge_for_chats(
            [
                (m.id, m.account_id, m.payload["text"], bool(m.payload.get("reply_markup")))
                for m, _ in claimed
            ]
        )
        lanes: dict[int, list[tuple[int, list[int]]]] = {}
        for account_id, message_ids in groups:
            lanes.setdefault(chat_of[account_id], []).append((account_id, message_ids))
        self._forget_quiet_chats()
        run = _Pass(
            report=DeliveryReport(),
            in_flight=asyncio.Semaphore(self.limits.max_in_flight()),
            lease_ends=claimed_at + (self.lease - LEASE_MARGIN).total_seconds(),
            reads=_Together(self.database),
            writes=_Together(self.database),
        )
        # return_exceptions: a lane that fails must not cancel the others mid-send, which
        # would leave a delivered message unrecorded (and sent again after the lease).
        outcomes = await asyncio.gather(
            *(self._lane(run, chat_id, sends) for chat_id, sends in lanes.items()),
            return_exceptions=True,
        )
        if run.unsent:
            await self._release(run.unsent)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return run.report

    async def _lane(self, run: _Pass, chat_id: int, sends: list[tuple[int, list[int]]]) -> None:
        """One chat's messages, in due order, one after the other."""
        for index, (account_id, message_ids) in enumerate(sends):
            outcome = await self._deliver(run, chat_id, account_id, message_ids)
            if outcome is None:
                run.unsent.extend(i for _, ids in sends[index:] for i in ids)
                return
            if isinstance(outcome, _Outcome) and outcome.migrated_to is not None:
                chat_id = outcome.migrated_to

    def _forget_quiet_chats(self) -> None:
        now = self.monotonic()
        self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}

    async def _wait_for_chat(self, run: _Pass, chat_id: int) -> None:
        await self._nap(run, self._chat_free_at.get(chat_id, float("-inf")) - self.monotonic())

    async def _nap(self, run: _Pass, seconds: float) -> None:
        """Sleep, but wake at once when Telegram pauses the bot: the pass then ends as soon as
        the sends in flight are answered, instead of after every lane's wait."""
        if seconds <= 0 or run.pause.is_set():
            return
        nap = asyncio.ensure_future(self.sleep(seconds))
        paused = asyncio.ensure_future(run.pause.wait())
        try:
            await asyncio.wait({nap, paused}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            nap.cancel()
            paused.cancel()

    async def _wait_for_turn(self, run: _Pass) -> None:
        """The pacer: sends start 1/per_second apart.

        Lanes take their turns one at a time, first come first served. A turn that comes a
        little late (the event loop was busy) keeps to the schedule, so the rate is kept; one
        that comes later than ``PACER_SLACK`` turns restarts the schedule, so the sends behind
        it do not burst to catch up.
        """
        interval = 1 / self.limits.per_second
        async with self._turns:
            scheduled = max(self._next_start, self._resume_at)
            await self._nap(run, scheduled - self.monotonic())
            self._next_start = max(scheduled, self.monotonic() - PACER_SLACK * interval) + interval

    async def _deliver(
        self, run: _Pass, chat_id: int, account_id: int, message_ids: list[int]
    ) -> _Outcome | bool | None:
        """Send rows for one chat as one message and commit what happened: the outcome, False
        when none of the rows is ours any more, None when the bot is paused (or the lease is
        ending) and they were not sent."""
        if run.pause.is_set():
            return None
        send = await run.reads.run(functools.partial(self._ours, message_ids))
        if send is None:
            return False
        outcome = await self._attempt(run, chat_id, send)
        if outcome is None:
            return None
        record = functools.partial(self._record, run.report, account_id, send, outcome)
        await run.writes.run(record)
        return outcome

    async def _ours(self, message_ids: list[int], uow: UnitOfWork) -> _Send | None:
        # The chat id comes from the claim, seconds old: an account is only ever deleted with
        # its rows, and a migrated chat is followed by its lane.
        messages = [m for m in [await uow.outbox.get(i) for i in message_ids] if m is not None]
        # Cancelled meanwhile (consent withdrawn), or our lease ran out and another worker
        # took the row: not ours to send.
        ours = [
            m for m in messages if m.status == OutboxStatus.CLAIMED and m.claimed_by == self.name
        ]
        if not ours:
            return None
        return _Send(
            message_ids=[m.id for m in ours],
            text=MERGE_SEPARATOR.join(m.payload["text"] for m in ours),
            markup=_markup(ours[0].payload.get("reply_markup")) if len(ours) == 1 else None,
        )

    async def _attempt(self, run: _Pass, chat_id: int, send: _Send) -> _Outcome | None:
        """Send it and say what happened; None when it was not sent (paused, lease ending)."""
        paid = True if self.limits.paid_broadcast else None  # None: left out of the request
        migrated_to: int | None = None
        for _migration in range(2):  # a group chat that became a supergroup: once more
            await self._wait_for_chat(run, chat_id)
            async with run.in_flight:
                if not run.pause.is_set():  # else the turn would come only after the pause
                    await self._wait_for_turn(run)
                if run.pause.is_set() or self.monotonic() >= run.lease_ends:
                    return None
                target = chat_id
                try:
                    sent = await self.bot.send_message(
                        chat_id=target,
                        text=send.text,
                        reply_markup=send.markup,
                        allow_paid_broadcast=paid,
                    )
                except TelegramMigrateToChat as error:
                    chat_id = migrated_to = error.migrate_to_chat_id
                    continue
                except TelegramRetryAfter as error:
                    # The whole bot must wait: stop starting sends, and start none before then.
                    run.pause.set()
                    self._resume_at = max(self._resume_at, self.monotonic() + error.retry_after)
                    return _Outcome(
                        _Result.RATE_LIMITED, migrated_to, retry_after=error.retry_after
                    )
                except TelegramForbiddenError as error:
                    return _Outcome(_Result.BLOCKED, migrated_to, error=f"blocked: {error.message}")
                except TelegramBadRequest as error:
                    return _Outcome(
                        _Result.REFUSED, migrated_to, error=f"bad request: {error.message}"
                    )
                except (TelegramServerError, TelegramNetworkError) as error:
                    timed_out = isinstance(error, TelegramNetworkError) and is_timeout(error)
                    return _Outcome(
                        _Result.FAILED, migrated_to, error=str(error), timed_out=timed_out
                    )
                finally:
                    # Counted from the answer, not the start: however long the request took
                    # on the way, the next one reaches Telegram a full interval later.
                    self._chat_free_at[target] = self.monotonic() + self.limits.per_chat_interval
            return _Outcome(_Result.SENT, migrated_to, telegram_message_id=sent.message_id)
        return _Outcome(_Result.REFUSED, migrated_to, error="chat migrated twice")

    async def _record(
        self,
        report: DeliveryReport,
        account_id: int,
        send: _Send,
        outcome: _Outcome,
        uow: UnitOfWork,
    ) -> None:
        """Write what happened to one message's rows (in a group commit)."""
        now = self.clock.now()
        messages = [m for m in [await uow.outbox.get(i) for i in send.message_ids] if m]
        count = len(messages)
        changes_account = outcome.migrated_to is not None or outcome.result is _Result.BLOCKED
        account = await uow.outbox.account(account_id) if changes_account else None
        if account is not None and outcome.migrated_to is not None:
            account.chat_id = outcome.migrated_to
        if outcome.result is _Result.RATE_LIMITED:
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
            case _Result.SENT:
                for message in messages:
                    message.status, message.sent_at = OutboxStatus.SENT, now
                    message.telegram_message_id = outcome.telegram_message_id
                    message.lease_expires_at = None
                report.sent += count
            case _Result.BLOCKED:
                # Blocked by the user: stop every push to them until they write again.
                if account is not None:
                    account.is_active, account.blocked_at = False, now
                self._finish(messages, OutboxStatus.DEAD, outcome.error)
                report.blocked += count
            case _Result.REFUSED:
                self._finish(messages, OutboxStatus.DEAD, outcome.error)
                report.dead += count
            case _Result.FAILED:
                self._failed(messages, outcome, report, now)

    def _failed(
        self,
        messages: list[OutboxMessage],
        outcome: _Outcome,
        report: DeliveryReport,
        now: datetime,
    ) -> None:
        """5xx or network: back off and try again, up to a limit."""
        report.timed_out += len(messages) if outcome.timed_out else 0
        for message in messages:
            if outcome.timed_out and message.last_error == TIMED_OUT:
                # A second read time-out: it may well have arrived twice already; a third
                # copy is worse than none.
                self._finish([message], OutboxStatus.DEAD, TIMED_OUT + ", twice")
                report.dead += 1
            elif message.attempts >= MAX_ATTEMPTS:
                self._finish([message], OutboxStatus.DEAD, f"gave up: {outcome.error}")
                report.dead += 1
            else:
                message.status = OutboxStatus.PENDING
                message.last_error = TIMED_OUT if outcome.timed_out else outcome.error
                message.due_at = now + backoff(message.attempts)
                report.retried += 1

    @staticmethod
    def _finish(messages: list[OutboxMessage], status: OutboxStatus, error: str) -> None:
        for message in messages:
            message.status, message.last_error, message.lease_expires_at = status, error, None

    async def _release(self, message_ids: list[int]) -> None:
        async with self.database.unit_of_work() as uow:
            for message_id in message_ids:
                message = await uow.outbox.get(message_id)
                if (
                    message is not None
                    and message.status == OutboxStatus.CLAIMED
                    and message.claimed_by == self.name
                ):
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
        if (pause := worker.paused_for()) > 0:
            # Telegram asked the bot to wait; a stop still ends the wait at once.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
            continue
        try:
            report = await worker.deliver_due()
        except Exception:
            log.exception("delivery pass failed; retrying")
            report = DeliveryReport()
        if report.timed_out:
            log.warning("%d push(es) timed out; their outcome is unknown", report.timed_out)
        if report.rate_limited:
            log.warning("Telegram asked to slow down (%d times)", report.rate_limited)
        if report.sent or report.retried or report.dead or report.blocked:
            continue  # there may be more due right away
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=idle)
