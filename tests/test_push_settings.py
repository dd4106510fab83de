"""/settings for pushes through the real Dispatcher, and what the choices do to pushes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.digests.preferences import PushKind, PushPreferences
from bot.handlers.settings import (
    BriefHourChoice,
    CalendarChoice,
    MonitoringChoice,
    PushModeChoice,
    QuietHoursChoice,
    RiskThresholdChoice,
    SummaryHourChoice,
)
from db.database import Database
from db.models import OutboxMessage, TelegramAccount
from tests.diary_fixtures import button_texts, sent
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import TEACHER, school_with_teacher
from tests.test_change_pushes import FATHER, deliver, family, grade, run_job, sync


async def stored(database: Database) -> PushPreferences:
    async with database.unit_of_work() as uow:
        account = (
            await uow.session.execute(
                select(TelegramAccount).where(TelegramAccount.telegram_user_id == FATHER.id)
            )
        ).scalar_one()
        return PushPreferences.from_settings(account.settings)


def edited(calls: Sequence[object]) -> EditMessageText:
    return next(call for call in calls if isinstance(call, EditMessageText))


async def test_settings_show_and_switch_the_choices(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    shown = sent(await father.send("/settings"))
    assert shown.text is not None
    assert shown.text.startswith("<b>Настройки</b>\nЯзык интерфейса:\n\n<b>Уведомления</b>\n")
    assert "• Оценки: сразу" in shown.text
    assert "• Новое домашнее задание: выключено" in shown.text
    assert "Тихие часы: 21:00–08:00" in shown.text
    assert button_texts(shown) == [
        "✓ Русский",
        "English",
        "Оценки: сразу",
        "Изменения расписания: сразу",
        "Новое домашнее задание: выключено",
        "Рекомендации: сразу",
        "Прогноз за неделю: сразу",
        "Предупреждения о рисках: сразу",
        "Вечером — о завтрашнем дне: включено",
        "Сводка в 19:00",
        "О завтрашнем дне в 19:00",
        "Тихие часы: 21:00–08:00",
        "Риск: только при прогнозе 2",
        "📅 Ссылка на календарь",
        "✉️ Почта и форма доставки",  # a linked parent's e-mail and form of delivery
    ]

    change = edited(await father.click(PushModeChoice(kind="grades", mode="summary")))
    assert "Оценки: в ежедневной сводке" in button_texts(change)
    change = edited(await father.click(SummaryHourChoice(hour=20)))
    assert "Сводка в 20:00" in button_texts(change)
    # The button steps through the thresholds: none → 3.0 → 3.5.
    await father.press("Риск: только при прогнозе 2")
    change = edited(await father.click(RiskThresholdChoice(value="3.5")))
    assert "Риск: средний балл ниже 3.5" in button_texts(change)
    change = edited(await father.click(QuietHoursChoice(preset="22-7")))
    assert change.text is not None
    assert "Тихие часы: 22:00–07:00" in change.text
    preferences = await stored(database)
    assert (preferences.modes[PushKind.GRADES], preferences.summary_hour, preferences.quiet) == (
        "summary",
        20,
        "22-7",
    )
    assert preferences.risk_threshold == "3.5"


@pytest.mark.parametrize(
    "forged",
    [
        PushModeChoice(kind="homework", mode="instant"),  # homework is summary-only
        PushModeChoice(kind="final_grades", mode="off"),  # not the family's to switch off
        PushModeChoice(kind="grades", mode="loud"),
        SummaryHourChoice(hour=25),
        SummaryHourChoice(hour=3),  # not one of the offered hours
        QuietHoursChoice(preset="0-24"),
        PushModeChoice(kind="evening_brief", mode="summary"),  # on or off only
        RiskThresholdChoice(value="2.9"),
        BriefHourChoice(hour=4),
        CalendarChoice(action="delete-all"),
    ],
)
async def test_a_forged_settings_button_changes_nothing(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    forged: CallbackData,
) -> None:
    await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    calls = await father.forge(forged)
    refusal = next(call for call in calls if isinstance(call, AnswerCallbackQuery))
    assert refusal.show_alert is True
    assert refusal.text == "Эта настройка недоступна."
    assert not any(isinstance(call, EditMessageText) for call in calls)
    assert await stored(database) == PushPreferences()


async def test_the_daily_summary_gathers_marks_and_homework_into_one_message(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    await father.click(PushModeChoice(kind="grades", mode="summary"))
    await father.click(PushModeChoice(kind="homework", mode="summary"))
    bot.session.clear()
    await sync(database, clock, school, {"grades": [grade("n1", "5")]})
    homework = {
        "external_id": "hw9",
        "class_id": "5a",
        "subject_id": "rus",
        "assigned_on": "2026-09-01",
        "due_on": "2026-09-03",
        "text": "Упражнение <12>",
    }
    await sync(database, clock, school, {"homework": [homework]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 2
    async with database.unit_of_work() as uow:
        due = set((await uow.session.execute(select(OutboxMessage.due_at))).scalars())
    assert due == {datetime(2026, 9, 1, 16, 0, tzinfo=UTC)}  # 19:00 in Moscow
    assert await deliver(database, bot, clock) == []  # nothing before the summary hour
    clock.set(datetime(2026, 9, 1, 16, 0, tzinfo=UTC))
    assert await deliver(database, bot, clock) == [
        "🗒 <b>Сводка за 01.09</b>\n\n"
        "<b>Новые оценки: Иванов Пётр Сергеевич</b>\n• Математика: <b>5</b>\n\n"
        "📚 <b>Домашнее задание: Иванов Пётр Сергеевич</b>\n"
        "Русский язык (к 03.09): Упражнение &lt;12&gt;"
    ]


async def test_switched_off_kinds_are_not_queued_and_homework_is_off_by_default(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    # The button steps through the modes: at once → in the summary → off.
    await father.press("Рекомендации: сразу")
    await father.click(PushModeChoice(kind="recommendation", mode="off"))
    bot.session.clear()
    advice = {
        "external_id": "r9",
        "student_id": "s1",
        "teacher_id": "t1",
        "subject_id": "math",
        "date": "2026-09-01",
        "text": "Больше читать",
    }
    homework = {
        "external_id": "hw9",
        "class_id": "5a",
        "subject_id": "rus",
        "assigned_on": "2026-09-01",
        "due_on": "2026-09-03",
        "text": "Упражнение 12",
    }
    await sync(database, clock, school, {"recommendations": [advice], "homework": [homework]})
    assert await run_job(database, clock, i18n) == 0
    assert await deliver(database, bot, clock) == []


async def test_no_quiet_hours_means_marks_go_out_at_night(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school = await family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/settings")
    # The button steps through the presets: 21–8 → 22–7 → 20–9 → none.
    await father.press("Тихие часы: 21:00–08:00")
    await father.press("Тихие часы: 22:00–07:00")
    await father.click(QuietHoursChoice(preset="off"))
    bot.session.clear()
    clock.set(datetime(2026, 9, 1, 19, 0, tzinfo=UTC))  # 22:00 in Moscow
    await sync(database, clock, school, {"grades": [grade("late", "4")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 1
    texts = await deliver(database, bot, clock)
    assert len(texts) == 1
    assert bot.session.calls(SendMessage)[0].chat_id == FATHER.id


async def test_class_teachers_switch_the_reading_summary_and_families_cannot(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    shown = sent(await teacher.send("/settings"))
    assert button_texts(shown)[-1] == "📊 Сводка о просмотре дневника: включено"
    change = edited(await teacher.click(MonitoringChoice(on=False)))
    assert button_texts(change)[-1] == "📊 Сводка о просмотре дневника: выключено"
    async with database.unit_of_work() as uow:
        account = await uow.accounts.by_telegram_user(TEACHER.id)
        assert account is not None
        assert account.settings["monitoring_summary"] is False
    family_view = sent(await father.send("/settings"))
    assert not any(text.startswith("📊") for text in button_texts(family_view))
    calls = await father.forge(MonitoringChoice(on=False))
    refusal = next(call for call in calls if isinstance(call, AnswerCallbackQuery))
    assert refusal.show_alert is True
    async with database.unit_of_work() as uow:
        account = await uow.accounts.by_telegram_user(FATHER.id)
        assert account is not None
        assert "monitoring_summary" not in account.settings
