"""/settings: the interface language and what to be told when.

Each notification button switches its setting to the next choice; the message is edited in
place to show the new state. A forged or outdated button changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.accounts.service import change_push_preferences, push_preferences
from bot.calendar_feed.service import feed_path, has_feed, issue_feed, revoke_feed
from bot.clock import Clock
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
from bot.handlers.language import LanguageChoice
from bot.i18n import LANGUAGE_NAMES, LOCALES
from bot.presentation.text import escape
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


@dataclass(frozen=True)
class Extras:
    """The parts of /settings that depend on the account beyond its push preferences."""

    calendar: bool = False  # has a calendar link
    staff: bool = False  # a class teacher or an admin
    monitoring: bool = True  # wants the weekly reading summary (staff only)


async def extras_of(uow: UnitOfWork, telegram_user_id: int) -> Extras:
    staff = await sender_of(uow, telegram_user_id) is not None
    return Extras(
        calendar=await has_feed(uow, telegram_user_id),
        staff=staff,
        monitoring=staff and await monitoring_summary_wanted(uow, telegram_user_id),
    )


def kind_label(kind: PushKind) -> str:
    labels = {
        PushKind.GRADES: _("Marks"),
        PushKind.LESSONS: _("Schedule changes"),
        PushKind.HOMEWORK: _("New homework"),
        PushKind.RECOMMENDATIONS: _("Recommendations"),
        PushKind.FORECAST: _("Weekly forecast"),
        PushKind.RISK: _("Risk alerts"),
        PushKind.BRIEF: _("Evening brief about tomorrow"),
    }
    return labels[kind]


def mode_label(mode: PushMode, kind: PushKind | None = None) -> str:
    if kind is PushKind.BRIEF and mode is PushMode.INSTANT:
        return _("on")
    labels = {
        PushMode.INSTANT: _("at once"),
        PushMode.SUMMARY: _("in the daily summary"),
        PushMode.OFF: _("off"),
    }
    return labels[mode]


def quiet_label(preset: str) -> str:
    window = QUIET_PRESETS.get(preset)
    if window is None:
        return _("none")
    return f"{window[0]:%H:%M}–{window[1]:%H:%M}"


def threshold_label(value: str) -> str:
    if value == "none":
        return _("Risk alerts for a predicted 2 only")
    return _("Risk alerts under an average of {threshold}").format(threshold=value)


def settings_text(preferences: PushPreferences) -> str:
    title, notifications = _("Settings"), _("Notifications")
    lines = [f"<b>{title}</b>", _("Interface language:"), "", f"<b>{notifications}</b>"]
    lines += [f"• {kind_label(k)}: {mode_label(preferences.mode(k), k)}" for k in PushKind]
    lines.append(_("Daily summary at {hour}:00").format(hour=f"{preferences.summary_hour:02d}"))
    lines.append(_("Evening brief at {hour}:00").format(hour=f"{preferences.brief_hour:02d}"))
    lines.append(_("Quiet hours: {window}").format(window=quiet_label(preferences.quiet)))
    lines.append(threshold_label(preferences.risk_threshold))
    lines.append(
        _(
            "During quiet hours only urgent news (schedule changes for today and tomorrow, "
            "final grades) is sent; the rest comes in the morning. Tap a button to change it."
        )
    )
    return "\n".join(lines)


def settings_keyboard(
    preferences: PushPreferences, language: str, extras: Extras | None = None
) -> InlineKeyboardMarkup:
    extras = extras or Extras()
    calendar = extras.calendar
    builder = InlineKeyboardBuilder()
    for code in LOCALES:
        mark = "✓ " if code == language else ""
        builder.button(
            text=f"{mark}{LANGUAGE_NAMES[code]}", callback_data=LanguageChoice(code=code)
        )
    for kind in PushKind:
        current = preferences.mode(kind)
        builder.button(
            text=f"{kind_label(kind)}: {mode_label(current, kind)}",
            callback_data=PushModeChoice(kind=kind.value, mode=next_mode(kind, current).value),
        )
    builder.button(
        text=_("Summary at {hour}:00").format(hour=f"{preferences.summary_hour:02d}"),
        callback_data=SummaryHourChoice(hour=next_in(SUMMARY_HOURS, preferences.summary_hour)),
    )
    builder.button(
        text=_("Brief at {hour}:00").format(hour=f"{preferences.brief_hour:02d}"),
        callback_data=BriefHourChoice(hour=next_in(BRIEF_HOURS, preferences.brief_hour)),
    )
    builder.button(
        text=_("Quiet hours: {window}").format(window=quiet_label(preferences.quiet)),
        callback_data=QuietHoursChoice(preset=next_in(tuple(QUIET_PRESETS), preferences.quiet)),
    )
    builder.button(
        text=threshold_label(preferences.risk_threshold),
        callback_data=RiskThresholdChoice(
            value=next_in(RISK_THRESHOLDS, preferences.risk_threshold)
        ),
    )
    builder.button(
        text="📅 " + (_("New calendar link") if calendar else _("Calendar link")),
        callback_data=CalendarChoice(action="issue"),
    )
    rows = [len(LOCALES), *([1] * (len(PushKind) + 5))]
    if calendar:
        builder.button(
            text="🚫 " + _("Revoke the calendar link"),
            callback_data=CalendarChoice(action="revoke"),
        )
        rows.append(1)
    if extras.staff:
        state = _("on") if extras.monitoring else _("off")
        builder.button(
            text="📊 " + _("Diary reading summary: {state}").format(state=state),
            callback_data=MonitoringChoice(on=not extras.monitoring),
        )
        rows.append(1)
    builder.adjust(*rows)
    return builder.as_markup()


async def show_settings(message: Message, uow: UnitOfWork, i18n: I18n) -> None:
    if message.from_user is None:
        return
    preferences = await push_preferences(uow, message.from_user.id)
    extras = await extras_of(uow, message.from_user.id)
    await message.answer(
        settings_text(preferences),
        reply_markup=settings_keyboard(preferences, i18n.current_locale, extras),
    )


async def _apply(
    query: CallbackQuery,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    change: PreferenceChange,
) -> None:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    try:
        preferences = await change_push_preferences(
            uow, clock, telegram_user_id=query.from_user.id, chat_id=chat_id, change=change
        )
    except ValueError:
        await query.answer(_("This setting is not available."), show_alert=True)
        return
    await query.answer(_("Saved."))
    await _redraw(query, uow, i18n, preferences)


async def _redraw(
    query: CallbackQuery, uow: UnitOfWork, i18n: I18n, preferences: PushPreferences
) -> None:
    if query.message is not None:
        extras = await extras_of(uow, query.from_user.id)
        await query.bot.edit_message_text(  # type: ignore[union-attr]
            text=settings_text(preferences),
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            reply_markup=settings_keyboard(preferences, i18n.current_locale, extras),
        )


async def set_push_mode(
    query: CallbackQuery, callback_data: PushModeChoice, uow: UnitOfWork, clock: Clock, i18n: I18n
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        # Unknown kinds and modes raise ValueError: a forged button.
        return preferences.with_mode(PushKind(callback_data.kind), PushMode(callback_data.mode))

    await _apply(query, uow, clock, i18n, change)


async def set_summary_hour(
    query: CallbackQuery,
    callback_data: SummaryHourChoice,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        if callback_data.hour not in SUMMARY_HOURS:
            raise ValueError(f"no summary at {callback_data.hour}")
        return preferences.with_summary_hour(callback_data.hour)

    await _apply(query, uow, clock, i18n, change)


async def set_quiet_hours(
    query: CallbackQuery,
    callback_data: QuietHoursChoice,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        return preferences.with_quiet(callback_data.preset)

    await _apply(query, uow, clock, i18n, change)


async def set_risk_threshold(
    query: CallbackQuery,
    callback_data: RiskThresholdChoice,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        return preferences.with_risk_threshold(callback_data.value)

    await _apply(query, uow, clock, i18n, change)


async def set_brief_hour(
    query: CallbackQuery,
    callback_data: BriefHourChoice,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
) -> None:
    def change(preferences: PushPreferences) -> PushPreferences:
        return preferences.with_brief_hour(callback_data.hour)

    await _apply(query, uow, clock, i18n, change)


async def calendar_chosen(
    query: CallbackQuery,
    callback_data: CalendarChoice,
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    secret_key: str,
    public_url: str | None = None,
) -> None:
    if callback_data.action == "revoke":
        revoked = await revoke_feed(uow, clock, query.from_user.id)
        await query.answer(
            _("The calendar link no longer works.") if revoked else _("There was no link.")
        )
    elif callback_data.action == "issue":
        token = await issue_feed(uow, clock, secret_key, query.from_user.id)
        if token is None:
            await query.answer(_("Link a child first."), show_alert=True)
            return
        await query.answer()
        if query.message is not None:
            url = f"{public_url.rstrip('/')}{feed_path(token)}" if public_url else None
            text = (
                _(
                    "Your private calendar link: <code>{url}</code>\nAdd it in your phone's "
                    "calendar as a subscription. Anyone with the link sees your children's "
                    "tests and holidays: do not share it; you can revoke it in /settings."
                ).format(url=escape(url))
                if url
                else _("The calendar needs the server's public address; please ask the school.")
            )
            await query.message.answer(text)
    else:
        await query.answer(_("This setting is not available."), show_alert=True)
        return
    await _redraw(query, uow, i18n, await push_preferences(uow, query.from_user.id))


async def monitoring_chosen(
    query: CallbackQuery, callback_data: MonitoringChoice, uow: UnitOfWork, i18n: I18n
) -> None:
    if await sender_of(uow, query.from_user.id) is None:
        # Only class teachers and admins get the summary: a forged button for anyone else.
        await query.answer(_("This setting is not available."), show_alert=True)
        return
    await set_monitoring_summary(uow, query.from_user.id, callback_data.on)
    await query.answer(_("Saved."))
    await _redraw(query, uow, i18n, await push_preferences(uow, query.from_user.id))


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
