"""A group commit: the database work that concurrent senders ask for at the same moment
goes in one unit of work and one commit, one batch at a time (on SQLite only one of the
worker's transactions then writes at once)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from db.database import Database
from db.unit_of_work import UnitOfWork

T = TypeVar("T")


class GroupCommit(Generic[T]):
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
