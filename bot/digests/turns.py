"""The delivery worker's own pacer: sends start ``interval`` apart, first come first served.

One task hands the turns out. When the event loop comes back to it late (at a thousand
messages a second it is busy with the answers), it hands out at once every turn that fell
due meanwhile, up to ``slack`` seconds' worth, and the schedule goes on from there. Turns
later than that are not sent in a burst: up to ``catch_up`` seconds' worth of them are made
up afterwards, the next turns coming a quarter faster until they are, and the rest are
lost. So no second ever holds more than the rate's worth and the catch-up's; a loop that
stalls for a collection or a bulk write now and then no longer costs a fifth of the rate.
(An idle pacer, too, lets the slack's worth go at once, as a token bucket of that size
would.) Handing turns from lane to lane
through a lock instead costs an event-loop round each, and a busy loop then paces slower
than the rate (about 0.8 of 1000 a second).
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable

# How much faster turns come while missed ones are made up.
CATCH_UP_PACE = 1.25


class TurnQueue:
    def __init__(
        self, monotonic: Callable[[], float], sleep: Callable[[float], Awaitable[None]]
    ) -> None:
        self._monotonic = monotonic
        self._sleep = sleep
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        self._next_start = float("-inf")
        self._interval = 1.0
        self._slack = 0.0
        self._catch_up = 0.0
        self._behind = 0.0  # seconds of missed turns still to be made up
        self._not_before = float("-inf")
        self._dealer: asyncio.Task[None] | None = None

    async def turn(
        self, interval: float, slack: float, not_before: float, catch_up: float = 0.0
    ) -> None:
        """Wait for this lane's turn: ``interval`` after the last, not before ``not_before``
        (the end of a pause Telegram asked for)."""
        self._interval, self._slack, self._catch_up = interval, slack, catch_up
        self._not_before = max(self._not_before, not_before)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        if self._dealer is None or self._dealer.done():
            self._dealer = asyncio.ensure_future(self._deal())
        await future

    def release_all(self) -> None:
        """Every waiting lane goes now, to find the bot paused and give its rows back."""
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(None)

    async def close(self) -> None:
        self.release_all()
        if self._dealer is not None:
            self._dealer.cancel()
            await asyncio.gather(self._dealer, return_exceptions=True)

    async def _deal(self) -> None:
        dealing = False  # the first round after idling misses nothing: no one was waiting
        while self._waiting:
            now = self._monotonic()
            scheduled = max(self._next_start, self._not_before)
            if scheduled > now:
                await self._sleep(scheduled - now)
                dealing = True  # lanes wait: whatever the sleep overran is missed
                continue
            start = max(scheduled, now - self._slack)
            if dealing:
                self._behind = min(self._catch_up, self._behind + start - scheduled)
            dealing = True
            while self._waiting and start <= now:
                future = self._waiting.popleft()
                if future.done():  # its lane was cancelled: the turn is the next one's
                    continue
                future.set_result(None)
                start += self._interval
            self._next_start = start - self._made_up()

    def _made_up(self) -> float:
        """How much sooner the next turn comes, while missed turns are made up."""
        made_up = min(self._behind, self._interval * (1 - 1 / CATCH_UP_PACE))
        self._behind -= made_up
        return made_up
