"""The class teacher's side: broadcasts with preview, confirm and cancel, the teacher
guard, read counts, and the family ↔ teacher relay — through the real Dispatcher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select

from bot.finals.buttons import WriteTeacher
from bot.linking.access import add_admin
from bot.teachers.buttons import (
    BroadcastAudience,
    BroadcastClass,
    BroadcastConfirm,
    BroadcastRead,
    RelayReply,
)
from db.database import Database
from db.models import Broadcast, OutboxMessage, SchoolClass
from tests.diary_fixtures import button_texts
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser, message_update_data
from tests.finals_fixtures import (
    MOTHER,
    TEACHER,
    deliver_all,
    final,
    publish,
    school_with_teacher,
    sent_to,
)
from tests.test_change_pushes import FATHER


def only_message(calls: Sequence[object]) -> SendMessage:
    [message] = [c for c in calls if isinstance(c, SendMessage)]
    return message


def alert(calls: Sequence[object]) -> str | None:
    answer = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert answer.show_alert is True
    return answer.text


async def class_id(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return int((await uow.session.execute(select(SchoolClass.id))).scalar_one())


async def outbox_count(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return int((await uow.session.execute(select(func.count(OutboxMessage.id)))).scalar_one())


async def up_to_the_text(teacher: BotConversation, database: Database, audience: str) -> None:
    choose = only_message(await teacher.send("/broadcast"))
    assert button_texts(choose) == ["5А"]
    calls = await teacher.click(BroadcastClass(class_id=await class_id(database)))
    edited = next(c for c in calls if isinstance(c, EditMessageText))
    assert button_texts(edited) == ["Родителям", "Ученикам", "Родителям и ученикам"]
    await teacher.click(BroadcastAudience(audience=audience))


async def test_broadcast_with_preview_confirm_delivery_and_read_counts(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await up_to_the_text(teacher, database, "guardians")
    preview = only_message(await teacher.send("Собрание <завтра> в 18:00 & не опаздывать"))
    assert preview.text == (
        "<b>Предпросмотр</b>\n\n"
        "📣 <b>5А: классный руководитель Смирнова Ольга Петровна</b>\n\n"
        "Собрание &lt;завтра&gt; в 18:00 &amp; не опаздывать\n\n"
        "Получателей: 1 (Родителям)"
    )
    assert button_texts(preview) == ["✅ Отправить", "✖️ Отмена"]
    assert await outbox_count(database) == 0  # nothing before the confirmation
    calls = await teacher.click(BroadcastConfirm(go=True))
    done = next(c for c in calls if isinstance(c, EditMessageText))
    assert done.text == "Отправлено получателям: 1. Доставку и прочтение покажет /broadcasts."

    [announcement] = sent_to(await deliver_all(database, bot, clock), FATHER.id)
    assert announcement.text == (
        "📣 <b>5А: классный руководитель Смирнова Ольга Петровна</b>\n\n"
        "Собрание &lt;завтра&gt; в 18:00 &amp; не опаздывать"
    )
    assert isinstance(announcement.reply_markup, InlineKeyboardMarkup)
    read = announcement.reply_markup.inline_keyboard[0][0]
    assert read.text == "👍 Прочитано"
    assert read.callback_data is not None
    calls = await father.click(read.callback_data)
    thanks = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert thanks.text == "Спасибо! Учитель увидит, что вы прочитали."
    await father.click(read.callback_data)  # twice is still one read

    figures = only_message(await teacher.send("/broadcasts"))
    assert figures.text is not None
    assert "5А" in figures.text
    assert "Собрание &lt;завтра&gt; в 18:00 &amp; не опаздывать" in figures.text
    assert (
        "получателей 1 · доставлено 1 · не доставлено 0 · в очереди 0 · прочитано 1" in figures.text
    )


async def test_a_cancelled_broadcast_sends_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await up_to_the_text(teacher, database, "both")
    await teacher.send("Отменяется")
    calls = await teacher.click(BroadcastConfirm(go=False))
    closed = next(c for c in calls if isinstance(c, EditMessageText))
    assert closed.text == "Отменено, ничего не отправлено."
    async with database.unit_of_work() as uow:
        assert (await uow.session.execute(select(func.count(Broadcast.id)))).scalar_one() == 0
    assert await outbox_count(database) == 0
    # A stale confirmation after the cancel (the buttons are gone) does nothing either.
    await teacher.forge(BroadcastConfirm(go=True))
    assert await outbox_count(database) == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("   ", "Объявление пустое; пожалуйста, напишите текст."),
        ("я" * 3501, "Объявление слишком длинное: не больше 3500 символов."),
    ],
)
async def test_an_empty_or_over_long_broadcast_is_refused_with_a_reason(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    text: str,
    reason: str,
) -> None:
    _school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await up_to_the_text(teacher, database, "guardians")
    assert only_message(await teacher.send(text)).text == reason
    # Still waiting for the text: a good one gets its preview.
    assert (only_message(await teacher.send("Хороший текст")).text or "").startswith(
        "<b>Предпросмотр</b>"
    )
    assert await outbox_count(database) == 0


async def test_a_broadcast_to_nobody_says_so(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await up_to_the_text(teacher, database, "students")  # no student has linked
    answer = only_message(await teacher.send("Экскурсия в пятницу"))
    assert answer.text == "Его никто не получит: там пока нет подключённых семей."
    assert await outbox_count(database) == 0


@pytest.mark.parametrize("forged", [{"class_id": 999}, {"class_id": 0}])
async def test_a_teacher_cannot_address_another_class_or_the_whole_school(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    forged: dict[str, Any],
) -> None:
    _school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await teacher.send("/broadcast")
    calls = await teacher.forge(BroadcastClass(**forged))
    assert alert(calls) == "Этому классу вы писать не можете."
    # Skipping the class step does not help either.
    calls = await teacher.forge(BroadcastAudience(audience="guardians"))
    assert alert(calls) == "Эта кнопка вам недоступна."
    assert await outbox_count(database) == 0


async def test_families_cannot_broadcast_and_foreign_read_buttons_are_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    refusal = only_message(await father.send("/broadcast"))
    assert (
        refusal.text == "Отправлять объявления могут только классные руководители и администрация."
    )
    calls = await father.forge(BroadcastRead(broadcast=1))
    assert alert(calls) == "Эта кнопка вам недоступна."


async def test_the_parent_teacher_relay_both_ways_without_revealing_accounts(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    # The «Write to the class teacher» button comes under the final grades' notice.
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    calls = await father.press("✉️ Написать классному руководителю")
    prompt = only_message(calls)
    # A command while writing is answered as a command and is not sent to the teacher.
    help_text = only_message(await father.send("/help")).text or ""
    assert help_text.startswith("<b>Команды</b>")
    assert prompt.text is not None
    assert prompt.text.startswith("Напишите сообщение классному руководителю")
    # A text that looks like a link code is still the message.
    assert only_message(await father.send("Когда собрание? K7QF-M2XD-9HTB")).text == (
        "Отправлено. Ответ придёт сюда."
    )
    [to_teacher] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert to_teacher.text == (
        "✉️ <b>Сообщение от Иванов Сергей Петрович, родитель: Иванов Пётр Сергеевич (5А)</b>\n\n"
        "Когда собрание? K7QF-M2XD-9HTB"
    )
    assert isinstance(to_teacher.reply_markup, InlineKeyboardMarkup)
    reply = to_teacher.reply_markup.inline_keyboard[0][0].callback_data
    assert reply is not None
    thread = RelayReply.unpack(reply).thread

    # Someone else's «Reply» on the same thread is refused.
    mother = BotConversation(dispatcher, bot, MOTHER)
    assert alert(await mother.forge(RelayReply(thread=thread), message_id=1)) == (
        "Эта переписка вам недоступна."
    )
    await teacher.click(reply)
    assert only_message(await teacher.send("В пятницу в 18:00")).text == (
        "Отправлено. Ответ придёт сюда."
    )
    [to_father] = sent_to(await deliver_all(database, bot, clock), FATHER.id)
    assert to_father.text == (
        "✉️ <b>Ответ классного руководителя: Смирнова Ольга Петровна</b>\n"
        "Иванов Пётр Сергеевич\n\nВ пятницу в 18:00"
    )
    for text in (to_teacher.text, to_father.text):
        assert str(FATHER.id) not in text
        assert str(TEACHER.id) not in text


async def test_writing_about_another_familys_child_is_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    calls = await father.forge(WriteTeacher(student=2))  # Anna is not his
    assert alert(calls) == "Написать классному руководителю сейчас нельзя."
    assert only_message(await father.send("/cancel")).text == "Отменять нечего."


async def test_the_teacher_menu_help_and_acks(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    shown = only_message(await teacher.send("/help"))
    assert shown.text is not None
    assert "<b>Для классных руководителей и администрации</b>" in shown.text
    assert "/broadcast — Отправить объявление семьям" in shown.text
    assert isinstance(shown.reply_markup, ReplyKeyboardMarkup)
    labels = [b.text for row in shown.reply_markup.keyboard for b in row]
    assert labels == ["📣 Объявление", "📬 Объявления", "✅ Ознакомление", "📄 Отчёты"]
    family_help = only_message(await father.send("/help"))
    assert "/broadcast" not in (family_help.text or "")

    assert only_message(await teacher.send("✅ Ознакомление")).text == (
        "Итоговые оценки ваших классов ещё не опубликованы."
    )
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    acks = only_message(await teacher.send("/acks"))
    assert acks.text is not None
    assert acks.text.startswith(
        "📋 <b>Ознакомление с итоговыми оценками: 5А, I четверть</b>\nОзнакомлены: 0 из 1"
    )
    assert only_message(await father.send("/acks")).text == (
        "Это доступно только классным руководителям и администрации."
    )
    # The menu buttons do what /broadcast and /reports do.
    assert button_texts(only_message(await teacher.send("📣 Объявление"))) == ["5А"]
    assert button_texts(only_message(await teacher.send("📄 Отчёты"))) == ["5А"]


async def test_an_admin_may_address_the_whole_school(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    admin_user = TelegramUser(id=9600, first_name="Завуч")
    async with database.unit_of_work() as uow:
        await add_admin(uow, clock, school, admin_user.id, actor="test")
    admin = BotConversation(dispatcher, bot, admin_user)
    assert button_texts(only_message(await admin.send("/broadcast"))) == ["5А", "Вся школа"]
    await admin.click(BroadcastClass(class_id=0))
    await admin.click(BroadcastAudience(audience="both"))
    preview = only_message(await admin.send("Завтра сокращённый день"))
    assert preview.text is not None
    assert "📣 <b>МБОУ СОШ № 7: объявление администрации</b>" in preview.text
    assert "Получателей: 1 (Родителям и ученикам)" in preview.text
    await admin.click(BroadcastConfirm(go=True))
    [sent] = sent_to(await deliver_all(database, bot, clock), FATHER.id)
    assert sent.text == (
        "📣 <b>МБОУ СОШ № 7: объявление администрации</b>\n\nЗавтра сокращённый день"
    )


async def test_a_forwarded_photo_with_a_caption_is_the_announcement(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    _school, _father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await up_to_the_text(teacher, database, "guardians")
    update = message_update_data("", user=teacher.user, date=bot.session.now())
    message = update["message"]
    del message["text"]
    message["caption"] = "Фото с экскурсии: сбор в 9:00"
    message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
    preview = only_message(await teacher.feed(update))
    assert preview.text is not None
    assert "Фото с экскурсии: сбор в 9:00" in preview.text
