"""The delivery worker: sends due outbox rows within Telegram's limits, and never loses one.

A row is claimed with a lease; if the worker dies the lease runs out and another worker
takes the row again. Each outcome is committed as soon as it is known.

Sends to different chats run concurrently: each chat is a lane that sends its messages in
order, one a second, and every lane takes its turn from one pacer that spaces the starts of
all sends at the bot's rate. A slow answer or a chat's one-second spacing therefore holds up
only that chat, and enough sends are in flight to reach the rate over a real network. What
the lanes ask of the database (are these rows still ours? these were sent) goes through the
pass's ledger (``delivery_ledger``): one check for all unsent rows at most every two
seconds, and the outcomes written together about every second, so a pass costs a few
statements whatever the number of messages in it.

Passes overlap a little: once all but the last tenth of a second's sends of a pass have
had their turns, ``run_delivery`` claims the next while the last answers come (at a
thousand a second that tail and the claim were a sixth of a second between passes, 4% of
the rate). A chat's lane in the next pass waits for its lane in the one before, so its
messages still go in order and a second apart; a pause Telegram asks for stops the lanes
of every pass.
"""

from __future__ import annotations

import asyncio
import logging
import math
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

from bot.clock import Clock
from bot.digests.delivery_ledger import PassLedger
from bot.digests.delivery_outcomes import (
    DeliveryReport,
    Outcome,
    SendResult,
    outcome_changes,
)
from bot.digests.merging import MERGE_SEPARATOR, goes_alone, merge_for_chats
from bot.digests.rate_limits import RateLimits
from bot.digests.shared_pacing import SharedPacing
from bot.digests.shared_rate import PACED_BY_WORKER
from bot.digests.telegram_sends import OutgoingMessage, inline_markup, is_timeout, send_to_telegram
from bot.digests.turns import TurnQueue
from db.database import Database
from db.repositories.outbox import ClaimedPush

Sleep = Callable[[float], Awaitable[None]]
# A pass claims about this many seconds of sending: its tail (the last answers, a chat's
# spacing) is then a small share of it, and it is far inside the lease.
PASS_SECONDS = 4.0
# How late the pacer may catch up on, in turns or, at high rates, in seconds: at most
# that many sends start at once (4 at 1000 a second: a larger burst, spread by the
# network's jitter, crowds a second that is full already).
PACER_SLACK = 2
PACER_SLACK_SECONDS = 0.004
# How many seconds' worth of turns a late pacer makes up afterwards, a quarter faster.
PACER_CATCH_UP_SECONDS = 0.02
# The next pass is claimed this many seconds' worth of turns before this one's last, so
# that its lanes queue for their turns behind this pass's last ones.
DEAL_AHEAD_SECONDS = 0.1
# No send starts this close to the end of the lease: the answer (aiogram waits up to 60 s
# for one) must come while the row is still ours, or another worker could take the row and
# send it again.
LEASE_MARGIN = timedelta(seconds=60)
log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Pass:
    """One claimed batch on its way out."""

    report: DeliveryReport
    in_flight: asyncio.Semaphore
    lease_ends: float  # monotonic: no send starts after this
    ledger: PassLedger
    pushes: dict[int, ClaimedPush]  # the claimed rows by id
    # What edits replace: row id → (account, Telegram message id), read after the claim;
    # and the rows this pass sent, row id → Telegram message id.
    originals: dict[int, tuple[int, int | None]]
    sent: dict[int, int] = field(default_factory=dict)
    documents: dict[int, tuple[str, bytes]] = field(default_factory=dict)  # id → (name, bytes)
    # Set when Telegram asks the bot to wait: no new sends in this pass, and lanes waiting
    # for their chat or their turn stop waiting.
    pause: asyncio.Event = field(default_factory=asyncio.Event)
    unsent: list[int] = field(default_factory=list)  # claimed rows to give back
    # Set once all sends but the last ``ahead`` have had their turns (or will have none):
    # the next pass may be claimed, its lanes queueing for turns behind these.
    dealt: asyncio.Event = field(default_factory=asyncio.Event)
    to_deal: int = 0
    ahead: int = 0  # how many turns before the last the pass counts as dealt out

    def dealt_out(self, sends: int = 1) -> None:
        self.to_deal -= sends
        if self.to_deal <= self.ahead:
            self.dealt.set()

    def stop_sending(self) -> None:
        """No more sends start in this pass (the bot is paused, or the database away)."""
        self.pause.set()
        self.dealt.set()


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
    # The bot's limiter shared with every worker and instance (REDIS_URL); else local pacing.
    shared: SharedPacing | None = None
    _resume_at: float = field(default=float("-inf"), init=False)
    _chat_free_at: dict[int, float] = field(default_factory=dict, init=False)
    _turns: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _local_turns: TurnQueue = field(init=False)
    _live: list[_Pass] = field(default_factory=list, init=False)  # passes under way
    _lanes: dict[int, asyncio.Future[None]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._local_turns = TurnQueue(self.monotonic, self.sleep)

    @property
    def batch_size(self) -> int:
        return self.batch or max(100, math.ceil(self.limits.per_second * PASS_SECONDS))

    async def close_pacer(self) -> None:
        await self._local_turns.close()

    def _stop_sending(self) -> None:
        """Every pass under way starts no more sends; lanes waiting for a turn go now, to
        give their rows back."""
        for run in self._live:
            run.stop_sending()
        self._local_turns.release_all()

    def paused_for(self) -> float:
        """Seconds left of the pause Telegram asked for (retry after), 0 when none."""
        return max(0.0, self._resume_at - self.monotonic())

    async def deliver_due(self, dealt: asyncio.Event | None = None) -> DeliveryReport:
        """Claim one batch of due rows and deliver it, several for one chat as one message.

        ``dealt`` is set once every send of the batch has had its turn (the answers may
        still be on their way), or when the pass ends."""
        try:
            return await self._deliver_pass(dealt or asyncio.Event())
        finally:
            if dealt is not None:
                dealt.set()

    async def _deliver_pass(self, dealt: asyncio.Event) -> DeliveryReport:
        pause = self.paused_for()
        if self.shared is not None:  # a 429 another worker or instance was given
            pause = max(pause, await self.shared.paused_for())
        if pause > 0:
            # Claiming now would only hold rows other workers could send after the pause.
            await self.sleep(pause)
        run = await self._claim(dealt)
        chat_of = {push.account_id: push.chat_id for push in run.pushes.values()}
        groups = merge_for_chats(
            [
                (p.id, p.account_id, p.payload["text"], goes_alone(p.payload))
                for p in run.pushes.values()
            ]
        )
        lanes: dict[int, list[tuple[int, list[int]]]] = {}
        for account_id, message_ids in groups:
            lanes.setdefault(chat_of[account_id], []).append((account_id, message_ids))
        self._forget_quiet_chats()
        run.to_deal = len(groups)
        run.ahead = math.floor(self.limits.per_second * DEAL_AHEAD_SECONDS)
        self._live.append(run)
        try:
            # return_exceptions: a lane that fails must not cancel the others mid-send, which
            # would leave a delivered message unrecorded (and sent again after the lease).
            outcomes = await asyncio.gather(
                *(self._lane(run, chat_id, sends) for chat_id, sends in lanes.items()),
                return_exceptions=True,
            )
        finally:
            self._live.remove(run)
        await run.ledger.finish(run.unsent)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        return run.report

    async def _claim(self, dealt: asyncio.Event) -> _Pass:
        """Claim a batch, with what its edits replace and the documents it carries."""
        now = self.clock.now()
        claimed_at = self.monotonic()
        async with self.database.unit_of_work() as uow:
            claimed = await uow.outbox.claim(
                worker=self.name, now=now, lease_until=now + self.lease, limit=self.batch_size
            )
            await uow.commit()
            if self.shared is not None and self.shared.degraded:
                self.shared.count_live_workers(await uow.outbox.other_claimants(self.name, now))
            payloads = [push.payload for push in claimed]
            originals = await uow.outbox.sent_as(
                {int(p["edit_of"]) for p in payloads if p.get("edit_of")}
            )
            documents: dict[int, tuple[str, bytes]] = {}
            for document_id in {int(p["document_id"]) for p in payloads if p.get("document_id")}:
                stored = await uow.documents.get(document_id)
                if stored is not None:  # else deleted with its school: nothing to send
                    documents[document_id] = (stored.filename, stored.content)
        return _Pass(
            report=DeliveryReport(),
            in_flight=asyncio.Semaphore(self.limits.max_in_flight()),
            lease_ends=claimed_at + (self.lease - LEASE_MARGIN).total_seconds(),
            ledger=PassLedger(
                self.database, self.name, [push.id for push in claimed], self.monotonic
            ),
            pushes={push.id: push for push in claimed},
            originals=originals,
            documents=documents,
            dealt=dealt,
        )

    async def _lane(self, run: _Pass, chat_id: int, sends: list[tuple[int, list[int]]]) -> None:
        """One chat's messages, in due order, one after the other, after what the pass
        before still sends to the chat."""
        PACED_BY_WORKER.set(True)  # this lane's task only: its sends have their slots
        lane = chat_id  # (the chat may move to a supergroup on the way)
        before = self._lanes.get(lane)
        done = self._lanes[lane] = asyncio.get_running_loop().create_future()
        try:
            if before is not None:
                await asyncio.wait({before})  # how it ended is that pass's to report
            for index, (account_id, message_ids) in enumerate(sends):
                outcome = await self._deliver(run, chat_id, account_id, message_ids)
                if outcome is None:
                    run.unsent.extend(i for _, ids in sends[index:] for i in ids)
                    run.dealt_out(len(sends) - index - 1)  # (this one was counted)
                    return
                if isinstance(outcome, Outcome) and outcome.migrated_to is not None:
                    chat_id = outcome.migrated_to
        finally:
            done.set_result(None)
            if self._lanes.get(lane) is done:
                del self._lanes[lane]

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

    async def _wait_for_turn(self, run: _Pass, chat_id: int) -> None:
        """The pacer: sends start 1/per_second apart, from the shared limiter when there is
        one (every worker's sends together), else here (:class:`TurnQueue`), first come
        first served. A turn that comes a little late (the event loop was busy) keeps to
        the schedule, so the rate is kept; turns later than ``PACER_SLACK`` are lost, so
        the sends behind them do not burst to catch up.
        """
        if self.shared is not None:
            async with self._turns:  # one lane at a time asks Redis
                while (wait := await self.shared.turn(chat_id)) is not None:
                    if wait <= 0 or run.pause.is_set() or self.monotonic() >= run.lease_ends:
                        return
                    await self._nap(run, wait)
            # Redis is away: this worker's share of the rate, paced here.
        per_second = self.limits.per_second
        interval = 1 / (self.shared.share_of(per_second) if self.shared else per_second)
        slack = max(PACER_SLACK * interval, PACER_SLACK_SECONDS)
        await self._local_turns.turn(interval, slack, self._resume_at, PACER_CATCH_UP_SECONDS)

    async def _deliver(
        self, run: _Pass, chat_id: int, account_id: int, message_ids: list[int]
    ) -> Outcome | bool | None:
        """Send rows for one chat as one message and commit what happened: the outcome, False
        when none of the rows is ours any more, None when the bot is paused (or the lease is
        ending) and they were not sent."""
        if run.pause.is_set():
            run.dealt_out()
            return None
        try:
            send = self._prepare(run, await run.ledger.still_ours(message_ids))
            if send is None:
                run.dealt_out()
                return False
            outcome = await self._attempt(run, chat_id, send)
            if outcome is None:
                return None
            pushes = [run.pushes[i] for i in send.message_ids]
            changes = outcome_changes(run.report, account_id, pushes, outcome, self.clock.now())
            if outcome.telegram_message_id is not None:
                run.sent.update(dict.fromkeys(send.message_ids, outcome.telegram_message_id))
            await run.ledger.record(changes)
        except Exception:
            self._stop_sending()  # the database is away: start nothing that cannot be recorded
            raise
        return outcome

    def _prepare(self, run: _Pass, ours: list[int]) -> OutgoingMessage | None:
        """The message for the rows still ours (cancelled meanwhile, e.g. consent withdrawn:
        not ours to send)."""
        if not ours:
            return None
        pushes = [run.pushes[i] for i in ours]
        first = pushes[0].payload
        edit_message_id = document = None
        if len(pushes) == 1 and first.get("edit_of"):
            original = int(first["edit_of"])
            account_id, edit_message_id = run.originals.get(original, (None, None))
            # Only a message that reached this same account can be edited; otherwise (it
            # never arrived) the new text goes as a message of its own.
            if account_id != pushes[0].account_id:
                edit_message_id = None
            elif original in run.sent:  # sent in this same pass
                edit_message_id = run.sent[original]
        if len(pushes) == 1 and first.get("document_id"):
            document = run.documents.get(int(first["document_id"]))
            if document is None:
                return None  # deleted with its school: nothing to send
        return OutgoingMessage(
            message_ids=ours,
            text=MERGE_SEPARATOR.join(p.payload["text"] for p in pushes),
            markup=inline_markup(first.get("reply_markup")) if len(pushes) == 1 else None,
            edit_message_id=edit_message_id,
            document=document,
        )

    async def _attempt(self, run: _Pass, chat_id: int, send: OutgoingMessage) -> Outcome | None:
        """Send it and say what happened; None when it was not sent (paused, lease ending)."""
        paid = True if self.limits.paid_broadcast else None  # None: left out of the request
        migrated_to: int | None = None
        for attempt in range(2):  # a group chat that became a supergroup: once more
            await self._wait_for_chat(run, chat_id)
            async with run.in_flight:
                if not run.pause.is_set():  # else the turn would come only after the pause
                    await self._wait_for_turn(run, chat_id)
                if attempt == 0:
                    run.dealt_out()
                if run.pause.is_set() or self.monotonic() >= run.lease_ends:
                    return None
                target = chat_id
                try:
                    message_id = await send_to_telegram(self.bot, target, send, paid)
                except TelegramMigrateToChat as error:
                    chat_id = migrated_to = error.migrate_to_chat_id
                    continue
                except TelegramRetryAfter as error:
                    # The whole bot must wait: stop starting sends, and start none before then.
                    self._stop_sending()
                    self._resume_at = max(self._resume_at, self.monotonic() + error.retry_after)
                    if self.shared is not None:  # and every other sender of the bot too
                        await self.shared.pause(error.retry_after)
                    return Outcome(
                        SendResult.RATE_LIMITED, migrated_to, retry_after=error.retry_after
                    )
                except TelegramForbiddenError as error:
                    return Outcome(
                        SendResult.BLOCKED, migrated_to, error=f"blocked: {error.message}"
                    )
                except TelegramBadRequest as error:
                    return Outcome(
                        SendResult.REFUSED, migrated_to, error=f"bad request: {error.message}"
                    )
                except (TelegramServerError, TelegramNetworkError) as error:
                    timed_out = isinstance(error, TelegramNetworkError) and is_timeout(error)
                    return Outcome(
                        SendResult.FAILED, migrated_to, error=str(error), timed_out=timed_out
                    )
                finally:
                    # Counted from the answer, not the start: however long the request took
                    # on the way, the next one reaches Telegram a full interval later.
                    self._chat_free_at[target] = self.monotonic() + self.limits.per_chat_interval
            return Outcome(SendResult.SENT, migrated_to, telegram_message_id=message_id)
        return Outcome(SendResult.REFUSED, migrated_to, error="chat migrated twice")
