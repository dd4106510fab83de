"""A failure that repeats (the database is away, say) is logged without flooding the log.

The first failure is logged with its traceback; while it lasts, one line a minute says how
many attempts failed since; when an attempt succeeds again, one line says after how long.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class FailureLog:
    def __init__(
        self,
        log: logging.Logger,
        what: str,
        *,
        every: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = log
        self._what = what
        self._every = every
        self._monotonic = monotonic
        self._since: float | None = None  # when the current run of failures began
        self._reported_at = 0.0
        self._unreported = 0

    @property
    def failing(self) -> bool:
        return self._since is not None

    def failed(self, error: BaseException) -> None:
        now = self._monotonic()
        if self._since is None:
            self._since = self._reported_at = now
            self._unreported = 0
            self._log.error("%s failed; retrying", self._what, exc_info=error)
            return
        self._unreported += 1
        if now - self._reported_at >= self._every:
            self._log.error(
                "%s still failing for %.0f s (%d more failed attempts, last: %s)",
                self._what, now - self._since, self._unreported, _one_line(error),
            )  # fmt: skip
            self._reported_at, self._unreported = now, 0

    def succeeded(self) -> None:
        if self._since is None:
            return
        self._log.warning("%s recovered after %.0f s", self._what, self._monotonic() - self._since)
        self._since = None


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]
