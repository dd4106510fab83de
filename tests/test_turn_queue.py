"""The worker's own pacer (:class:`TurnQueue`): turns an interval apart, first come first
served; a dealer that comes back late hands out only the slack's worth at once; a pause's
end is waited for; a pause releases every waiting lane."""

from __future__ import annotations

import asyncio
import itertools

from bot.digests.turns import TurnQueue
from tests.doubles.fake_time import FakeTime

INTERVAL = 0.001  # 1000 a second
SLACK = 0.004


class SteppingTime(FakeTime):
    """A sleep that lets the lanes already given a turn run, then moves the fake clock."""

    async def sleep(self, seconds: float) -> None:
        for _ in range(3):
            await asyncio.sleep(0)
        await super().sleep(seconds)


async def lanes_through(queue: TurnQueue, time: FakeTime, count: int) -> list[tuple[int, float]]:
    """``count`` lanes asking at once; each notes when its turn came."""
    came: list[tuple[int, float]] = []

    async def lane(number: int) -> None:
        await queue.turn(INTERVAL, SLACK, float("-inf"))
        came.append((number, time.now))

    await asyncio.gather(*(lane(number) for number in range(count)))
    return came


async def test_turns_come_in_order_an_interval_apart() -> None:
    time = SteppingTime()
    queue = TurnQueue(time.monotonic, time.sleep)
    came = await lanes_through(queue, time, 50)
    assert [number for number, _ in came] == list(range(50))
    starts = [at for _, at in came]
    gaps = [round(later - earlier, 6) for earlier, later in itertools.pairwise(starts)]
    # An idle pacer allows the slack's worth at once (as a token bucket does), then the rate.
    burst = round(SLACK / INTERVAL)
    assert gaps == [0.0] * burst + [INTERVAL] * (49 - burst)
    await queue.close()


async def test_a_late_dealer_hands_out_only_the_slacks_worth_at_once() -> None:
    time = SteppingTime()
    queue = TurnQueue(time.monotonic, time.sleep)
    await lanes_through(queue, time, 1)  # the schedule has begun
    came: list[float] = []

    async def lane() -> None:
        await queue.turn(INTERVAL, SLACK, float("-inf"))
        came.append(time.now)

    waiting = [asyncio.ensure_future(lane()) for _ in range(40)]
    time.now += 0.050  # the event loop was away for 50 ms: 50 turns fell due meanwhile
    await asyncio.gather(*waiting)
    at_once = sum(1 for at in came if at == came[0])
    # Four milliseconds' worth (and the turn due now), not the fifty missed; then the rest
    # an interval apart again.
    assert at_once == round(SLACK / INTERVAL) + 1
    rest = came[at_once:]
    assert [round(b - a, 6) for a, b in itertools.pairwise(rest)] == [INTERVAL] * (len(rest) - 1)
    await queue.close()


class StallingTime(SteppingTime):
    """The event loop comes back to the pacer 50 ms late once, on its third sleep."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        await super().sleep(seconds + (0.050 if self.sleeps == 3 else 0.0))


async def test_missed_turns_are_made_up_a_quarter_faster_up_to_the_catch_up() -> None:
    time = StallingTime()
    queue = TurnQueue(time.monotonic, time.sleep)
    catch_up = 0.02
    came: list[float] = []

    async def lane() -> None:
        await queue.turn(INTERVAL, SLACK, float("-inf"), catch_up)
        came.append(time.now)

    await asyncio.gather(*(lane() for _ in range(300)))
    gaps = [round(later - earlier, 6) for earlier, later in itertools.pairwise(came)]
    stall = gaps.index(max(gaps))
    assert gaps[stall] == round(0.050 + INTERVAL, 6)  # then the slack's worth at once
    after = gaps[stall + 1 :]
    faster = [gap for gap in after if gap == round(INTERVAL / 1.25, 6)]
    # 20 of the 46 ms missed are made up, 0.2 ms a turn: a hundred turns at 1.25 times the
    # rate, then the rate again.
    assert after[:4] == [0.0] * 4
    assert after[4 : 4 + len(faster)] == faster
    assert len(faster) == round(catch_up / (INTERVAL - INTERVAL / 1.25))
    assert set(after[4 + len(faster) :]) == {INTERVAL}
    # No second holds more than the rate's worth, the slack and the catch-up.
    assert max(sum(1 for at in came if start <= at < start + 1) for start in came) <= 1000


async def test_no_turn_before_the_pause_ends() -> None:
    time = FakeTime()
    queue = TurnQueue(time.monotonic, time.sleep)
    resume_at = time.now + 1.0
    await queue.turn(INTERVAL, SLACK, resume_at)
    assert time.now >= resume_at
    await queue.close()


async def test_a_pause_releases_every_waiting_lane_and_cancelled_ones_take_no_turn() -> None:
    time = FakeTime()
    slept: list[float] = []

    async def slow_sleep(seconds: float) -> None:  # a real wait, so lanes queue up
        slept.append(seconds)
        await asyncio.sleep(3600)

    queue = TurnQueue(time.monotonic, slow_sleep)
    first = asyncio.ensure_future(queue.turn(INTERVAL, SLACK, time.now + 10))
    cancelled = asyncio.ensure_future(queue.turn(INTERVAL, SLACK, float("-inf")))
    last = asyncio.ensure_future(queue.turn(INTERVAL, SLACK, float("-inf")))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert slept
    assert not first.done()
    cancelled.cancel()
    queue.release_all()
    await asyncio.wait_for(asyncio.gather(first, last), timeout=1)
    assert cancelled.cancelled()
    await queue.close()
