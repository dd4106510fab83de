"""A delivery pass's account with the database: which of its rows are still its own, and
what became of those it sent, a few statements per second whatever the rate.

Each send used to ask the database whether its rows were still ours and to write its
outcome on its own (three statements a message). Here the pass asks about all of its
unsent rows at once, at most every :data:`RECHECK` seconds, and writes the outcomes that
came in meanwhile together (one UPDATE for all rows that change the same columns) when
:data:`WRITE_EVERY` seconds have passed or :data:`WRITE_BATCH` are waiting, and at the end
of the pass: a group commit over time. One transaction at a time, so on SQLite only one of
the worker's transactions writes at once.

The costs, both bounded: a push cancelled (consent withdrawn) less than :data:`RECHECK`
seconds before its send may still go, and if the worker process dies, what it sent since
its last write is sent again after the lease, counted as of unknown outcome like what it had
in flight (``reclaimed_at``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from bot.digests.delivery_outcomes import Changes
from db.database import Database

# Seconds a check that rows are still ours stays good for (a chat's own spacing is 1 s).
RECHECK = 2.0
# Outcomes are written at least this often (seconds), or when this many are waiting.
WRITE_EVERY = 1.0
WRITE_BATCH = 100


class PassLedger:
    def __init__(
        self,
        database: Database,
        worker: str,
        claimed: Collection[int],
        monotonic: Callable[[], float],
    ) -> None:
        self._database = database
        self._worker = worker
        self._monotonic = monotonic
        self._open = set(claimed)  # claimed and not yet sent (or given up)
        self._lost: set[int] = set()  # cancelled or deleted since the claim
        # The claim itself was the first check, and nothing waits to be written.
        self._checked_at = self._written_at = monotonic()
        self._waiting = Changes()
        self._busy = asyncio.Lock()

    async def still_ours(self, ids: list[int]) -> list[int]:
        """Those of ``ids`` the pass still holds, as the database said at most
        :data:`RECHECK` seconds ago."""
        if self._check_due():
            await self._sync()
        return [row_id for row_id in ids if row_id not in self._lost]

    async def record(self, changes: Changes) -> None:
        """Outcomes to write: now if it is time, else with later ones."""
        self._open.difference_update(changes.rows)
        self._waiting.add(changes)
        if self._write_due():
            await self._sync()

    async def finish(self, unsent: Collection[int]) -> None:
        """Write what is waiting and give back ``unsent`` rows, in one transaction."""
        self._open.clear()
        await self._sync(final=True, release=unsent)

    def _check_due(self) -> bool:
        return bool(self._open) and self._monotonic() - self._checked_at >= RECHECK

    def _write_due(self) -> bool:
        if not self._waiting:
            return False
        waiting = len(self._waiting.rows)
        return waiting >= WRITE_BATCH or self._monotonic() - self._written_at >= WRITE_EVERY

    async def _sync(self, *, final: bool = False, release: Collection[int] = ()) -> None:
        async with self._busy:
            # Another lane may have done it while this one waited for its turn.
            check = self._check_due()
            if not (check or self._write_due() or (final and (self._waiting or release))):
                return
            began = self._monotonic()
            changes, asked = self._waiting.take(), set(self._open) if check else set()
            try:
                async with self._database.unit_of_work() as uow:
                    await uow.outbox.write_accounts(changes.accounts)
                    await uow.outbox.write(changes.rows)
                    await uow.outbox.release(self._worker, release)
                    held = await uow.outbox.held(self._worker, asked)
                    await uow.commit()
            except BaseException:
                # Nothing was written: try again with what comes next, or at the end.
                changes.add(self._waiting)  # the later ones win
                self._waiting = changes
                raise
            self._written_at = began
            if check:
                self._checked_at = began
                self._lost |= asked - held
