"""/forecast, the list sections, the menu, drilling in and the query budget."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher
from aiogram.methods import EditMessageText, SendMessage, SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, ReplyKeyboardMarkup
from sqlalchemy import event

from bot.diary.sections import Section
from bot.exchange.service import sync_document
from bot.handlers.diary import RENDERERS
from bot.handlers.diary_common import ChartRequest, DiaryNav, SubjectNav
from db.database import Database
from tests.diary_fixtures import (
    FATHER,
    MOTHER,
    button_texts,
    linked_family,
    sent,
    student_id,
)
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser


async def test_forecast_of_the_current_period(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    marks = [("5", 1), ("4", 1), ("4", 1)]  # 13/3 = 4.33 → 4; one more 5 gives 18/4 = 4.5 → 5
    document = {
        "grades": [
            {
                "external_id": f"f{i}",
                "student_id": "s1",
                "subject_id": "rus",
                "date": "2026-09-01",
                "value": value,
                "weight": weight,
            }
            for i, (value, weight) in enumerate(marks)
        ]
    }
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, document, source="test", document_sha256="-", actor="test"
        )
    answer = sent(await BotConversation(dispatcher, bot, FATHER).send("/forecast"))
    lines = answer.text.split("\n")
    assert lines[0] == "<b>Прогноз</b> · Иванов Пётр Сергеевич, 5А"
    assert lines[1] == "I четверть: вт, 1 сентября — сб, 24 октября"
    # Subjects that cannot be assessed come first.
    assert lines[3] == "<b>Математика</b>: мало оценок для прогноза (1 из 3)"
    assert lines[4] == "<b>Русский язык</b>: средний балл 4,33, прогноз 4"
    assert lines[5] == "   ещё 1 пятёрка — и будет 5"
    # One child: nothing to switch, nothing to page; the chart of the period's trend.
    assert button_texts(answer) == ["📈 График"]
    petr = await student_id(database, "s1")
    calls = await BotConversation(dispatcher, bot, FATHER).click(ChartRequest(student=petr))
    photo = next(call for call in calls if isinstance(call, SendPhoto))
    assert isinstance(photo.photo, BufferedInputFile)
    assert photo.photo.data.startswith(b"\x89PNG")
    assert photo.caption == "Средний балл по предметам: Иванов Пётр Сергеевич, I четверть"
    # Someone else's child: refused, nothing drawn.
    anna = await student_id(database, "s2")
    calls = await BotConversation(dispatcher, bot, FATHER).forge(ChartRequest(student=anna))
    assert not any(isinstance(call, SendPhoto) for call in calls)


async def test_tests_teachers_holidays_recommendations_and_finals(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    finals = {
        "final_grades": [
            {
                "external_id": "fg1",
                "student_id": "s2",
                "subject_id": "math",
                "period_id": "q1",
                "value": "5",
                "status": "final",
            },
            {
                "external_id": "fg2",
                "student_id": "s2",
                "subject_id": "rus",
                "period_id": "q1",
                "status": "deferred",
                "deferred_until": "2027-01-20",
                "reason": "болезнь <справка>",
            },
        ]
    }
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, finals, source="test", document_sha256="-", actor="test"
        )
    mother = BotConversation(dispatcher, bot, MOTHER)

    tests = sent(await mother.send("/tests")).text
    assert (
        "📝 вс, 20 сентября — <b>Математика</b>: контрольная работа («Натуральные числа»)" in tests
    )

    teachers = sent(await mother.send("/teachers")).text.split("\n")
    assert "Классный руководитель: Смирнова Ольга Петровна" in teachers
    assert "<b>Математика</b> — Смирнова Ольга Петровна" in teachers
    assert "<b>Русский язык</b> — Кузнецов Игорь Васильевич" in teachers

    holidays = sent(await mother.send("/holidays")).text
    assert "👉 <b>Осенние каникулы: 25 октября — 3 ноября</b>" in holidays

    # Anna's sections: open one, then switch to her with the button under it.
    await mother.send("/recommendations")
    anna = await student_id(database, "s2")
    calls = await mother.click(DiaryNav(section="r", student=anna, day="2026-09-01"))
    recommendations = next(c for c in calls if isinstance(c, EditMessageText)).text or ""
    assert "<b>вт, 1 сентября</b> · Математика, Смирнова Ольга Петровна" in recommendations
    assert "Повторить таблицу умножения" in recommendations

    await mother.send("/finals")
    calls = await mother.click(DiaryNav(section="n", student=anna, day="2026-09-01"))
    finals_text = next(c for c in calls if isinstance(c, EditMessageText)).text or ""
    assert "<b>I четверть</b>" in finals_text
    assert "• Математика — <b>5</b>" in finals_text
    assert "• Русский язык — отсрочка до 20.01.2027 (болезнь &lt;справка&gt;)" in finals_text


async def test_a_long_answer_is_split_within_telegrams_limit(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    long_text = "Повторить правила и выполнить упражнения. " * 200  # ~8,400 characters
    homework = {
        "homework": [
            {
                "external_id": f"long{i}",
                "class_id": "5a",
                "subject_id": "rus",
                "assigned_on": "2026-09-01",
                "due_on": "2026-09-02",
                "text": long_text[:9000],
            }
            for i in range(2)
        ]
    }
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, homework, source="test", document_sha256="-", actor="test"
        )
    calls = await BotConversation(dispatcher, bot, FATHER).send("/homework")
    messages = [call for call in calls if isinstance(call, SendMessage)]
    assert len(messages) >= 4
    assert all(len(message.text) <= 4096 for message in messages)
    assert messages[-1].reply_markup is not None  # the buttons come with the last part


async def test_the_menu_buttons_open_sections_in_the_readers_language(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    help_message = sent(await father.send("/help"))
    assert isinstance(help_message.reply_markup, ReplyKeyboardMarkup)
    labels = [b.text for row in help_message.reply_markup.keyboard for b in row]
    assert labels[:3] == ["📊 Оценки", "📅 Расписание", "📚 Домашнее задание"]
    assert sent(await father.send("📅 Расписание")).text.startswith("<b>Расписание</b>")
    english = BotConversation(dispatcher, bot, TelegramUser(id=FATHER.id, language_code="en"))
    assert sent(await english.send("📊 Grades")).text.startswith("<b>Grades</b>")


SECTION_COMMANDS = [
    "/grades",
    "/schedule",
    "/homework",
    "/forecast",
    "/tests",
    "/teachers",
    "/holidays",
    "/recommendations",
    "/finals",
]


@pytest.mark.parametrize("command", SECTION_COMMANDS)
async def test_each_answer_costs_a_fixed_number_of_queries(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    command: str,
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    mother = BotConversation(dispatcher, bot, MOTHER)

    async def statements() -> int:
        count = 0

        def counter(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(database.engine.sync_engine, "before_cursor_execute", counter)
        try:
            await mother.send(command)
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", counter)
        return count

    few = await statements()
    more = {
        "grades": [
            {
                "external_id": f"n{i}",
                "student_id": "s1",
                "subject_id": subject,
                "date": "2026-09-01",
                "value": "4",
            }
            for i, subject in enumerate(["math", "rus"] * 20)
        ],
        "lessons": [
            {
                "external_id": f"nl{i}",
                "class_id": "5a",
                "subject_id": "math",
                "teacher_id": "t2",
                "date": "2026-09-01",
                "number": 5 + i,
                "status": "substituted",
                "substitute_teacher_id": "t1",
            }
            for i in range(5)
        ],
        "homework": [
            {
                "external_id": f"nh{i}",
                "class_id": "5a",
                "subject_id": "rus",
                "assigned_on": "2026-09-01",
                "due_on": "2026-09-02",
                "text": "упр. 1",
            }
            for i in range(10)
        ],
        "recommendations": [
            {
                "external_id": f"nr{i}",
                "student_id": "s1",
                "teacher_id": "t2",
                "date": "2026-09-01",
                "text": "Читать",
            }
            for i in range(10)
        ],
    }
    async with database.unit_of_work() as uow:
        await sync_document(
            uow, clock, school, more, source="test", document_sha256="-", actor="test"
        )
    assert await statements() == few
    assert few <= 4, few


async def test_drilling_into_a_subject_shows_its_marks_and_topics(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    answer = sent(await father.send("/grades"))
    assert "🔎 Математика" in button_texts(answer)
    assert isinstance(answer.reply_markup, InlineKeyboardMarkup)
    subject_button = next(
        b for row in answer.reply_markup.inline_keyboard for b in row if b.text == "🔎 Математика"
    )
    assert subject_button.callback_data is not None
    calls = await father.click(subject_button.callback_data)
    edited = next(call for call in calls if isinstance(call, EditMessageText))
    assert edited.text is not None
    assert edited.text.startswith("<b>Математика</b> · Иванов Пётр Сергеевич, 5А")
    assert "• <b>5</b> — вт, 1 сентября, ответ на уроке" in edited.text
    assert "• вт, 1 сентября — Натуральные числа" in edited.text
    assert button_texts(edited) == ["« Назад к оценкам"]
    # A subject id of another school, or another family's child: refused.
    petr = await student_id(database, "s1")
    anna = await student_id(database, "s2")
    for forged in (
        SubjectNav(student=petr, subject=999_999, day="2026-09-01"),
        SubjectNav(student=anna, subject=1, day="2026-09-01"),
    ):
        calls = await father.forge(forged)
        assert not any(isinstance(call, EditMessageText) for call in calls)


async def test_week_schedule_and_grades_of_the_period(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    day = sent(await father.send("/schedule"))
    assert "Неделя" in button_texts(day)
    petr = await student_id(database, "s1")
    calls = await father.click(DiaryNav(section="w", student=petr, day="2026-09-01"))
    week = next(call for call in calls if isinstance(call, EditMessageText))
    assert week.text is not None
    assert "<b>вт, 1 сентября</b>" in week.text
    assert "<b>ср, 2 сентября</b>" in week.text
    assert "5. ↩️ Русский язык — перенесён сюда с вт, 1 сентября" in week.text
    assert "День" in button_texts(week)

    # «For the period» is under the grades (the week's schedule offers «Day» instead).
    await father.send("/grades")
    calls = await father.click(DiaryNav(section="p", student=petr, day="2026-09-01"))
    period = next(call for call in calls if isinstance(call, EditMessageText))
    assert period.text is not None
    assert "I четверть: вт, 1 сентября — сб, 24 октября" in period.text
    assert "• <b>5</b> — вт, 1 сентября, ответ на уроке" in period.text
    assert "За неделю" in button_texts(period)


async def test_homework_by_subject_and_settings(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    answer = sent(await father.send("/homework"))
    assert isinstance(answer.reply_markup, InlineKeyboardMarkup)
    button = next(
        b for row in answer.reply_markup.inline_keyboard for b in row if b.text == "🔎 Математика"
    )
    assert button.callback_data is not None
    calls = await father.click(button.callback_data)
    edited = next(call for call in calls if isinstance(call, EditMessageText))
    assert edited.text is not None
    assert edited.text.startswith("<b>Домашнее задание: Математика</b>")
    assert "<b>На ср, 2 сентября</b>" in edited.text
    assert button_texts(edited) == ["« Назад к домашнему заданию"]

    settings = sent(await father.send("/settings"))
    assert settings.text is not None
    assert settings.text.startswith("<b>Настройки</b>\nЯзык интерфейса:")
    assert button_texts(settings)[:2] == ["✓ Русский", "English"]


def test_every_section_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Section)


async def test_a_long_section_reached_by_a_button_continues_instead_of_being_cut(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    task = ("Повторить правила и выполнить упражнения. " * 200)[:4000]
    homework = [
        {"external_id": f"long{i}", "class_id": "5a", "subject_id": "rus",
         "assigned_on": "2026-09-01", "due_on": "2026-09-02", "text": task}
        for i in range(3)
    ]  # fmt: skip
    async with database.unit_of_work() as uow:
        await sync_document(uow, clock, school, {"homework": homework}, source="test",
                            document_sha256="-", actor="test")  # fmt: skip
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/homework")  # tomorrow, 2 September: long
    await father.press("«")  # 1 September: short, edited into the message with the buttons
    calls = await father.press("»")  # back to the long day
    edits = [call for call in calls if isinstance(call, EditMessageText)]
    sends = [call for call in calls if isinstance(call, SendMessage)]
    assert len(edits) == 1
    assert edits[0].reply_markup is None  # the buttons move to the last part
    assert sends
    assert sends[-1].reply_markup is not None
    parts = [edits[0].text or "", *(call.text for call in sends)]
    assert all(len(part) <= 4096 for part in parts)
    assert sum(part.count(task.strip()) for part in parts) == 3  # every task, whole
