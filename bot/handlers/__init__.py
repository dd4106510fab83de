"""Telegram handlers: thin — parse the update, call a service, render with i18n."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import diary, language, linking, menu, settings, start


def build_router() -> Router:
    root = Router(name="handlers")
    # Before /start: a /start with a code is a link request.
    root.include_router(linking.build_router())
    root.include_router(start.build_router())
    root.include_router(language.build_router())
    root.include_router(settings.build_router())
    root.include_router(diary.build_router())
    root.include_router(menu.build_router())
    # Must stay last: it answers any private message nobody else took.
    root.include_router(start.build_fallback_router())
    return root
