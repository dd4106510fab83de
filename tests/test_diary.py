"""/grades, /schedule, /homework through the real dispatcher, on both databases."""

from __future__ import annotations

from fractions import Fraction

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText
from sqlalchemy import func, select

from bot.exchange.service import sync_document
from bot.grading.forecast import WeightedMark, weighted_average
from bot.handlers.diary_common import DiaryNav
from db.database import Database
from db.models import ReadingLogEntry
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


async def test_grades_of_the_week_with_the_child_switcher(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    mother = BotConversation(dispatcher, bot, MOTHER)
    answer = sent(await mother.send("/grades"))
    assert answer.text.startswith("<b>Оценки</b> · Иванов Пётр Сергеевич, 5А")
    assert "<b>Математика</b> · средний балл 5,00" in answer.text
    assert "• <b>5</b> — вт, 1 сентября, ответ на уроке" in answer.text
    assert button_texts(answer) == [
        "«",
        "Сегодня",
        "»",
        "За период",
        "🔎 Математика",
        "Петрова Анна Игоревна",
    ]

    anna = await student_id(database, "s2")
    calls = await mother.click(DiaryNav(section="g", student=anna, day="2026-09-01"))
    edited = next(call for call in calls if isinstance(call, EditMessageText))
    assert edited.text is not None
    assert edited.text.startswith("<b>Оценки</b> · Петрова Анна Игоревна, 5А")
    assert "• <b>4-</b> — вт, 1 сентября, самостоятельная работа, вес 2" in edited.text
    assert "средний балл 4,00" in edited.text

    calls = await mother.click(DiaryNav(section="g", student=anna, day="2026-09-08"))
    edited = next(call for call in calls if isinstance(call, EditMessageText))
    assert edited.text is not None
    assert "На этой неделе оценок нет." in edited.text


async def test_viewing_grades_is_logged_once_a_day(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    mother = BotConversation(dispatcher, bot, MOTHER)
    await mother.send("/grades")
    await mother.send("/grades")
    async with database.unit_of_work() as uow:
        rows = (await uow.session.execute(select(func.count(ReadingLogEntry.id)))).scalar_one()
    assert rows == 1


async def test_schedule_marks_substitutions_moves_and_cancellations(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    answer = sent(await father.send("/schedule"))
    lines = answer.text.split("\n")
    assert lines[1] == "вт, 1 сентября"
    assert "1. 08:30–09:15 Математика — Смирнова Ольга Петровна, каб. 204" in lines
    assert (
        "2. Русский язык — 🔁 замена: Смирнова Ольга Петровна вместо Кузнецов Игорь Васильевич, "
        "каб. 101"
    ) in lines
    assert "3. ❌ <s>Математика</s> — отменён" in lines
    assert "4. ↪️ <s>Русский язык</s> — перенесён на ср, 2 сентября, 5-й урок" in lines

    petr = await student_id(database, "s1")
    calls = await father.click(DiaryNav(section="s", student=petr, day="2026-09-02"))
    edited = next(call for call in calls if isinstance(call, EditMessageText))
    assert edited.text is not None
    assert "5. ↩️ Русский язык — перенесён сюда с вт, 1 сентября" in edited.text


async def test_homework_for_tomorrow_shows_journal_text_literally(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    answer = sent(await BotConversation(dispatcher, bot, FATHER).send("/homework"))
    assert "На ср, 2 сентября" in answer.text
    assert "№ 5 &lt;b&gt;и&lt;/b&gt; № 7 &amp; доклад" in answer.text
    assert "<b>Математика</b>" in answer.text


async def test_a_forged_button_for_another_child_is_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await linked_family(dispatcher, bot, database, clock)
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send("/grades")
    anna = await student_id(database, "s2")  # the father is linked to Пётр only
    for forged in (
        DiaryNav(section="g", student=anna, day="2026-09-01"),
        DiaryNav(section="g", student=await student_id(database, "s1"), day="not-a-date"),
        DiaryNav(section="x", student=await student_id(database, "s1"), day="2026-09-01"),
    ):
        calls = await father.forge(forged)
        refusal = next(call for call in calls if isinstance(call, AnswerCallbackQuery))
        assert refusal.show_alert is True
        assert refusal.text == "Этот дневник вам недоступен."
        assert not any(isinstance(call, EditMessageText) for call in calls)


async def test_an_account_without_children_is_told_how_to_link(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database
) -> None:
    answer = sent(await BotConversation(dispatcher, bot, TelegramUser(id=6099)).send("/grades"))
    assert answer.text.startswith("Пока никто не подключён.")


async def test_the_weeks_average_is_rounded_as_the_forecast_rounds_it(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await linked_family(dispatcher, bot, database, clock)
    # With the 5 (weight 1) already there: 33/8 = 4.125, half up 4.13 (half to even: 4.12).
    heavy = {
        "external_id": "heavy",
        "student_id": "s1",
        "subject_id": "math",
        "date": "2026-09-01",
        "value": "4",
        "work_type": "контрольная работа",
        "weight": 7,
    }
    async with database.unit_of_work() as uow:
        await sync_document(uow, clock, school, {"grades": [heavy]}, source="test",
                            document_sha256="-", actor="test")  # fmt: skip
    mother = BotConversation(dispatcher, bot, MOTHER)
    # rounded_average, the forecast's own rule (half up, never onto an unreached threshold)
    assert "<b>Математика</b> · средний балл 4,13" in sent(await mother.send("/grades")).text


def test_the_weighted_average_is_exact() -> None:
    marks = [WeightedMark(5, 1), WeightedMark(4, 7)]
    assert weighted_average(marks) == Fraction(33, 8)
    assert weighted_average([WeightedMark(5, 0.1), WeightedMark(4, 0.2)]) == Fraction(13, 3)
    assert weighted_average([]) is None
