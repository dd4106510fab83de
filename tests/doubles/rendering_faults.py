"""Stand-ins for ``render_pdf`` that misbehave inside a report worker process: slow, failing
or dying. Module-level functions, since the pool pickles what it runs by name; the worker
imports this module and runs them there, not in the test's process."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.reports.documents import Report, render_pdf


def slow_pdf(started: Path, seconds: float, report: Report) -> bytes:
    """The real PDF, after saying (a file) that rendering began and taking ``seconds``."""
    started.write_text(str(os.getpid()))
    time.sleep(seconds)
    return render_pdf(report)


def failing_pdf(report: Report) -> bytes:
    raise ValueError(f"the layout of {report.title!r} failed in worker {os.getpid()}")


def dying_pdf(report: Report) -> bytes:
    os._exit(3)  # as a worker killed by the kernel for memory would vanish
