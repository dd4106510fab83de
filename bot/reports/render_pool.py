"""Report documents rendered in a pool of worker processes, so that laying out a PDF or a
workbook never holds up the event loop and the classes of a school render on every core.

What crosses to a worker is plain data (the translated tables of ``documents.Report`` and
``documents.Sheet``, pickled) and a module-level function; what comes back is bytes. The
database is read in the parent, in its own session, before anything is handed over.

One pool per process, started on first use and shut down with the services
(``Services.close``); a later use starts a new one.

**Start method: forkserver where the platform has it, else spawn; never fork.** A process
serving the bot has a running event loop, open sockets (PostgreSQL, Redis, Telegram) and
threads (aiosqlite's, the default executor's); a forked child inherits copies of them all,
and of any lock another thread held at that instant, which then never opens in the child.
The forkserver is a fresh interpreter started once (by fork and exec, which is safe), which
imports the rendering modules (``fpdf2``, ``openpyxl``, ``matplotlib``: about a second) and
the program's main module, and forks each worker from itself: a worker starts in
milliseconds with nothing of the bot's inherited, and a pool started again after a shutdown
reuses the server. Spawn (the fallback,
e.g. on Windows) starts a fresh interpreter per worker, which is as safe, only slower.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Imported once in the forkserver, so each worker is forked with them loaded. "__main__"
# (multiprocessing's default) is the program's script, which every worker would otherwise
# import again on its own.
PRELOAD = ("__main__", "bot.reports.documents", "bot.reports.charts")

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def worker_count() -> int:
    return os.cpu_count() or 1


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def _start_worker() -> None:
    """Run once in each worker as it starts: parse the PDF fonts, so that no document pays
    for the parse (``bot/pdf_fonts.py`` keeps it per process).

    The workers keep the bot's priority: lowered (``os.nice(5)`` was measured), they lost
    the CPU to every other busy process on a shared machine and a school's reports took as
    long as rendering them serially, while the bot's loop, one thread among the workers,
    still gets its share of a core.
    """
    from bot.reports.documents import parse_fonts

    parse_fonts()


def render_pool() -> ProcessPoolExecutor:
    """This process's pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=worker_count(), mp_context=_context(), initializer=_start_worker
            )
        return _pool


def render_pool_running() -> bool:
    return _pool is not None


async def in_render_pool(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a worker process; the caller's event loop keeps running.

    ``function`` must be a module-level function and the arguments plain data (both are
    pickled). An exception raised in the worker is raised here, with the worker's traceback
    as its cause. A worker that died (killed, out of memory) breaks the whole pool: it is
    dropped, the error raised, and the next call starts a new pool.
    """
    pool = render_pool()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)
    except BrokenProcessPool:
        _forget(pool)
        raise


def _forget(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


async def shutdown_render_pool() -> None:
    """Stop the workers, letting the documents being rendered finish (in a thread: the
    wait must not hold up the loop while other parts of the process stop)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


class RenderBatch(Generic[T]):
    """Renderings started one by one while the parent goes on reading the database, so the
    workers lay out one class while the next is read; awaited together, in the order
    started. Leaving the block on an error cancels those not finished."""

    def __init__(self, on_done: Callable[[int], None] | None = None) -> None:
        self._tasks: list[asyncio.Future[T]] = []
        self._done = 0
        self._on_done = on_done  # called with how many have finished (a progress bar)

    def start(self, rendering: Awaitable[T]) -> None:
        task = asyncio.ensure_future(rendering)
        if self._on_done is not None:
            task.add_done_callback(self._count)
        self._tasks.append(task)

    def _count(self, _task: asyncio.Future[T]) -> None:
        self._done += 1
        if self._on_done is not None:
            self._on_done(self._done)

    async def results(self) -> list[T]:
        return list(await asyncio.gather(*self._tasks))

    async def __aenter__(self) -> RenderBatch[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            return
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
