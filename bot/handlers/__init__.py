"""Telegram handlers: thin — parse the update, call a service, render with i18n."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    broadcast,
    contact_settings,
    diary,
    errors,
    finals,
    language,
    linking,
    menu,
    office,
    relay,
    reports,
    settings,
    start,
    teacher_menu,
)


def build_router() -> Router:
    root = Router(name="handlers")
    # Errors of every handler below end here: logged with a reference, the person answered.
    root.include_router(errors.build_router())
    # First: while writing to the teacher, a message is the text to send.
    root.include_router(relay.build_router())
    root.include_router(broadcast.build_router())
    # While an e-mail address is awaited, a message is the address.
    root.include_router(contact_settings.build_router())
    # Before /start: a /start with a code is a link request.
    root.include_router(linking.build_router())
    root.include_router(start.build_router())
    root.include_router(language.build_router())
    root.include_router(settings.build_router())
    root.include_router(diary.build_router())
    root.include_router(menu.build_router())
    root.include_router(teacher_menu.build_router())
    root.include_router(reports.build_router())
    root.include_router(office.build_router())
    # Before the fallback: a text reply to final grades is an acknowledgement.
    root.include_router(finals.build_router())
    # Must stay last: it answers any private message nobody else took.
    root.include_router(start.build_fallback_router())
    return root
