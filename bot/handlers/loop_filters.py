"""Filters that run on the event loop.

aiogram awaits a ``Filter``'s ``__call__`` in place, but runs any other synchronous filter
(a magic ``F`` filter, a plain function or lambda) in a worker thread, every time an update
reaches it: a thread hand-off and back for a check of a few attribute reads. A command
passes several such checks on its way through the routers, and a menu tap up to a dozen,
so they cost more CPU than answering did. Every filter here is a ``Filter``;
``tests/test_loop_filters.py`` checks that no handler has a synchronous one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import F
from aiogram.filters import Filter
from magic_filter import MagicFilter


class OnLoop(Filter):
    """A synchronous check (a magic filter or a function of the event), run in place."""

    def __init__(self, check: MagicFilter | Callable[[Any], object]) -> None:
        self._check: Callable[[Any], object] = (
            check.resolve if isinstance(check, MagicFilter) else check
        )

    async def __call__(self, event: Any) -> bool | dict[str, Any]:
        result = self._check(event)
        # As aiogram reads a filter's result: a dict adds to the handler's arguments.
        return result if isinstance(result, dict) else bool(result)


def _not_a_command(message: Any) -> bool:
    return not (message.text or "").startswith("/")


# A message in a private chat; one that is not a command (/help, /cancel stay commands).
PRIVATE = OnLoop(F.chat.type == "private")
NOT_A_COMMAND = OnLoop(_not_a_command)
