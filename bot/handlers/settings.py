"""/settings: the interface language and what to be told when.

Each notification button switches its setting to the next choice; the message is edited in
place to show the new state. A forged or outdated button changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.accounts.service import change_push_preferences, push_preferences
from bot.calendar_feed.service import feed_path, has_feed, issue_feed, revoke_feed
from bot.clock import Clock
from bot.contacts.own_subjects import offers_own_contact
from bot.digests.preferences import (
    BRIEF_HOURS,
    QUIET_PRESETS,
    RISK_THRESHOLDS,
    SUMMARY_HOURS,
    PushKind,
    PushMode,
    PushPreferences,
    next_in,
    next_mode,
)
from bot.handlers.contact_settings import ContactMenu
from bot.handlers.language import LanguageChoice
from bot.i18n import LANGUAGE_NAMES, LOCALES
from bot.presentation.contact_settings import contact_menu_label
from bot.presentation.language import language_label
from bot.presentation.settings import (
    SettingsView,
    calendar_revoked,
    link_a_child_first,
    render_calendar_link,
    render_settings,
    saved,
    setting_unavailable,
    settings_labels,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import Translator, update_translator
from bot.reports.monitoring import monitoring_summary_wanted, set_monitoring_summary
from bot.teachers.broadcasts import sender_of
from db.unit_of_work import UnitOfWork

PreferenceChange = Callable[[PushPreferences], PushPreferences]


class PushModeChoice(CallbackData, prefix="pm"):
    kind: str
    mode: str


class SummaryHourChoice(CallbackData, prefix="sh"):
    hour: int


class QuietHoursChoice(CallbackData, prefix="qh"):
    preset: str


class RiskThresholdChoice(CallbackData, prefix="rt"):
    value: str


class BriefHourChoice(CallbackData, prefix="bh"):
    hour: int


class CalendarChoice(CallbackData, prefix="cal"):
    action: str  # "issue" or "revoke"


class MonitoringChoice(CallbackData, prefix="mon"):
    on: bool


async def settings_view(
    uow: UnitOfWork, telegram_user_id: int, preferences: PushPreferences
) -> SettingsView:
    """The preferences, and the parts of /settings that depend on the account beyond them."""
    staff = await sender_of(uow, telegram_user_id) is not None
    return SettingsView(
        preferences=preferences,
        calendar=await has_feed(uow, telegram_user_id),
        staff=staff,
        monitoring=staff and await monitoring_summary_wanted(uow, telegram_user_id),
        family=await offers_own_contact(uow, telegram_user_id),
    )


def settings_keyboard(view: SettingsView, language: str, _: Translator) -> InlineKeyboardMarkup:
    preferences, labels = view.preferences, settings_labels(view, _)
    builder = InlineKeyboardBuilder()
    for code in LOCALES:
        builder.button(
            text=language_label(LANGUAGE_NAMES[code], current=code == language),
            callback_data=LanguageChoice(code=code),
        )
    for kind, label in labels.modes:
        following = next_mode(kind, preferences.mode(kind))
        builder.button(
            text=label, callback_data=PushModeChoice(kind=kind.value, mode=following.value)
        )
    summary_hour = next_in(SUMMARY_HOURS, preferences.summary_hour)
    builder.button(text=labels.summary_hour, callback_data=SummaryHourChoice(hour=summary_hour))
    brief_hour = next_in(BRIEF_HOURS, preferences.brief_hour)
    builder.button(text=labels.brief_hour, callback_data=BriefHourChoice(hour=brief_hour))
    quiet = next_in(tuple(QUIET_PRESETS), preferences.quiet)
    builder.button(text=labels.quiet, callback_data=QuietHoursChoice(preset=quiet))
    threshold = next_in(RISK_THRESHOLDS, preferences.risk_threshold)
    builder.button(text=labels.threshold, callback_data=RiskThresholdChoice(value=threshold))
    builder.button(text=labels.calendar, callback_data=CalendarChoice(action="issue"))
    rows = [len(LOCALES), *([1] * (len(labels.modes) + 5))]
    if labels.revoke is not None:
        builder.button(text=labels.revoke, callback_data=CalendarChoice(action="revoke"))
        rows.append(1)
    if labels.monitoring is not None:
        builder.button(
            text=labels.monitoring, callback_data=MonitoringChoice(on=not view.monitoring)
        )
        rows.append(1)
    if view.family:
        builder.button(text=contact_menu_label(_), callback_data=ContactMenu())
        rows.append(1)
    builder.adjust(*rows)
    return builder.as_markup()


async def show_settings(message: Message, uow: UnitOfWork) -> None:
    if message.from_user is None:
        return
    _ = update_translator()
    preferences = await push_preferences(uow, message.from_user.id)
    view = await settings_view(uow, message.from_user.id, preferences)
    await message.answer(
        telegram_html(render_settings(view, _)),
        reply_markup=settings_keyboard(view, _.locale, _),
    )


async def _apply(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, change: PreferenceChange
) -> None:
    _ = update_translator()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    try:
        preferences = await change_push_preferences(
            uow, clock, telegram_user_id=query.from_user.id, chat_id=chat_id, change=change
        )
    except ValueError:
        await query.answer(setting_unavailable(_), show_alert=True)
        return
    await query.answer(saved(_))
    await _redraw(query, uow, preferences)


async def _redraw(query: CallbackQuery, uow: UnitOfWork, preferences: PushPreferences) -> None:
    if query.message is not None:
        _ = update_translator()
        view = await settings_view(uow, query.from_user.id, preferences)
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=telegram_html(render_settings(view, _)),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=settings_keyboard(view, _.locale, _),
        )


async def set_push_mode(
    query: CallbackQuery, callback_data: PushModeChoice, uow: UnitOfWork, clock: Clock
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        # Unknown kinds and modes raise ValueError: a forged button.
        return preferences.with_mode(PushKind(callback_data.kind), PushMode(callback_data.mode))

    await _apply(query, uow, clock, change)


async def set_summary_hour(
    query: CallbackQuery,
    callback_data: SummaryHourChoice,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        if callback_data.hour not in SUMMARY_HOURS:
            raise ValueError(f"no summary at {callback_data.hour}")
        return preferences.with_summary_hour(callback_data.hour)

    await _apply(query, uow, clock, change)


async def set_quiet_hours(
    query: CallbackQuery,
    callback_data: QuietHoursChoice,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        return preferences.with_quiet(callback_data.preset)

    await _apply(query, uow, clock, change)


async def set_risk_threshold(
    query: CallbackQuery,
    callback_data: RiskThresholdChoice,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        return preferences.with_risk_threshold(callback_data.value)

    await _apply(query, uow, clock, change)


async def set_brief_hour(
    query: CallbackQuery,
    callback_data: BriefHourChoice,
    uow: UnitOfWork,
    clock: Clock,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        return preferences.with_brief_hour(callback_data.hour)

    await _apply(query, uow, clock, change)


async def calendar_chosen(
    query: CallbackQuery,
    callback_data: CalendarChoice,
    uow: UnitOfWork,
    clock: Clock,
    secret_key: str,
    public_url: str | None = None,
) -> None:
    _ = update_translator()
    if callback_data.action == "revoke":
        revoked = await revoke_feed(uow, clock, query.from_user.id)
        await query.answer(calendar_revoked(revoked, _))
    elif callback_data.action == "issue":
        token = await issue_feed(uow, clock, secret_key, query.from_user.id)
        if token is None:
            await query.answer(link_a_child_first(_), show_alert=True)
            return
        await query.answer()
        if query.message is not None:
            url = f"{public_url.rstrip('/')}{feed_path(token)}" if public_url else None
            await query.message.answer(telegram_html(render_calendar_link(url, _)))
    else:
        await query.answer(setting_unavailable(_), show_alert=True)
        return
    await _redraw(query, uow, await push_preferences(uow, query.from_user.id))


async def monitoring_chosen(
    query: CallbackQuery, callback_data: MonitoringChoice, uow: UnitOfWork
) -> None:
    _ = update_translator()
    if await sender_of(uow, query.from_user.id) is None:
        # Only class teachers and admins get the summary: a forged button for anyone else.
        await query.answer(setting_unavailable(_), show_alert=True)
        return
    await set_monitoring_summary(uow, query.from_user.id, callback_data.on)
    await query.answer(saved(_))
    await _redraw(query, uow, await push_preferences(uow, query.from_user.id))


def build_router() -> Router:
    router = Router(name="settings")
    router.message.register(show_settings, Command("settings"))
    router.callback_query.register(set_push_mode, PushModeChoice.filter())
    router.callback_query.register(set_summary_hour, SummaryHourChoice.filter())
    router.callback_query.register(set_quiet_hours, QuietHoursChoice.filter())
    router.callback_query.register(set_risk_threshold, RiskThresholdChoice.filter())
    router.callback_query.register(set_brief_hour, BriefHourChoice.filter())
    router.callback_query.register(calendar_chosen, CalendarChoice.filter())
    router.callback_query.register(monitoring_chosen, MonitoringChoice.filter())
    return router
