"""The delivery worker's own pacer: sends start ``interval`` apart, first come first served.

One task hands the turns out. When the event loop comes back to it late (at a thousand
messages a second it is busy with the answers), it hands out at once every turn that fell
due meanwhile, up to ``slack`` seconds' worth, and the schedule goes on from there; turns
later than that are lost rather than sent in a burst. (So an idle pacer, too, lets the
slack's worth go at once, as a token bucket of that size would.) Handing turns from lane to lane
through a lock instead costs an event-loop round each, and a busy loop then paces slower
than the rate (about 0.8 of 1000 a second).
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable


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
        self._not_before = float("-inf")
        self._dealer: asyncio.Task[None] | None = None

    async def turn(self, interval: float, slack: float, not_before: float) -> None:
        """Wait for this lane's turn: ``interval`` after the last, not before ``not_before``
        (the end of a pause Telegram asked for)."""
        self._interval, self._slack = interval, slack
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
        while self._waiting:
            now = self._monotonic()
            scheduled = max(self._next_start, self._not_before)
            if scheduled > now:
                await self._sleep(scheduled - now)
                continue
            start = max(scheduled, now - self._slack)
            while self._waiting and start <= now:
                future = self._waiting.popleft()
                if future.done():  # its lane was cancelled: the turn is the next one's
                    continue
                future.set_result(None)
                start += self._interval
            self._next_start = start
