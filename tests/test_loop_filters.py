"""No handler has a filter aiogram would run in a worker thread (it does so for every
synchronous filter, on every update that reaches it), and ``OnLoop`` reads a check's result
as aiogram does."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Dispatcher, F, Router

from bot.handlers.loop_filters import NOT_A_COMMAND, PRIVATE, OnLoop
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import message_update


def every_router(router: Router) -> list[Router]:
    found = [router]
    for child in router.sub_routers:
        found += every_router(child)
    return found


def synchronous_filters(dispatcher: Dispatcher) -> list[str]:
    found = []
    for router in every_router(dispatcher):
        for name, observer in router.observers.items():
            for handler in [observer._handler, *observer.handlers]:
                for event_filter in handler.filters or []:
                    if not event_filter.awaitable:
                        found.append(f"{router.name}.{name}: {event_filter.callback!r}")
    return found


def test_every_filter_of_every_handler_runs_on_the_event_loop(dispatcher: Dispatcher) -> None:
    assert synchronous_filters(dispatcher) == []
    # The check can fail: a plain lambda is a synchronous filter.
    probe = Router(name="probe")
    probe.message.register(lambda message: None, lambda message: True)
    dispatcher.include_router(probe)
    found = synchronous_filters(dispatcher)
    assert len(found) == 1
    assert found[0].startswith("probe.message: <function")


async def test_a_menu_tap_takes_no_thread(dispatcher: Dispatcher, bot: RecordingBot) -> None:
    """A tap nobody understands passes every text filter on its way to the fallback."""
    threads: list[str] = []
    real_to_thread = asyncio.to_thread

    async def watched(function: Any, /, *args: Any, **kwargs: Any) -> Any:
        threads.append(repr(function))
        return await real_to_thread(function, *args, **kwargs)

    asyncio.to_thread = watched
    try:
        await dispatcher.feed_update(bot, message_update("hello there", user_id=7))
    finally:
        asyncio.to_thread = real_to_thread
    assert threads == []
    assert bot.session.requests  # it was answered


async def test_on_loop_reads_results_as_aiogram_does() -> None:
    private = message_update("hi", user_id=5).message
    assert private is not None
    assert await PRIVATE(private) is True
    assert await NOT_A_COMMAND(private) is True
    assert await NOT_A_COMMAND(private.model_copy(update={"text": "/help"})) is False
    assert await OnLoop(F.text)(private) is True  # a truthy value counts as passing
    assert await OnLoop(F.caption)(private) is False
    assert await OnLoop(lambda _event: {"found": 1})(private) == {"found": 1}
    group = private.model_copy(update={"chat": private.chat.model_copy(update={"type": "group"})})
    assert await PRIVATE(group) is False
