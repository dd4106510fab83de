"""Acknowledging final grades (button, text), the teacher's summary, reminders and the
24-hour report — through the real Dispatcher and the delivery worker."""

from __future__ import annotations

import json
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.finals.buttons import FinalAck
from bot.finals.guarantee import report_undelivered, why_undelivered
from bot.finals.reminders import remind_unacknowledged
from bot.finals.undelivered import Reason
from bot.linking.access import add_admin
from bot.teachers.buttons import RelayReply
from db.database import Database
from db.models import (
    ConsentState,
    FinalGradeAck,
    FinalGradeNotice,
    OutboxMessage,
    OutboxStatus,
    School,
    TelegramAccount,
)
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.finals_fixtures import (
    TEACHER,
    deliver_all,
    final,
    publish,
    school_with_teacher,
    sent_to,
    summaries,
)
from tests.test_change_pushes import FATHER
from tests.test_linking_cli import ediary

ADMIN = TelegramUser(id=9500, first_name="Директор")


async def notice(database: Database) -> FinalGradeNotice:
    async with database.unit_of_work() as uow:
        return (await uow.session.execute(select(FinalGradeNotice))).scalar_one()


async def ack_rows(database: Database) -> list[tuple[str, str | None]]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(FinalGradeAck.via, FinalGradeAck.text).order_by(FinalGradeAck.id)
        )
        return [(via, text) for via, text in rows.all()]


async def published(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> tuple[School, BotConversation, BotConversation]:
    school, father, teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    return school, father, teacher


async def test_ack_by_button_updates_the_buttons_and_the_teachers_summary(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, father, _teacher = await published(dispatcher, bot, database, clock, i18n)
    assert await summaries(database, clock, i18n, school) == 1
    [summary] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert summary.text is not None
    assert "Ознакомлены: 0 из 1" in summary.text
    assert "⏳ <b>Ещё не ознакомились</b> (1)" in summary.text
    # The mother of the same child has no access: she needs paper.
    assert "📄 <b>Нет доступа к боту: нужна бумажная выписка</b> (1)\n" in summary.text
    assert "• Иванова Мария Николаевна (Иванов Пётр Сергеевич)" in summary.text

    clock.advance(timedelta(hours=1))  # 10:00 in Moscow
    calls = await father.click(FinalAck(notice=(await notice(database)).id))
    answer = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert answer.text == "Спасибо! Классный руководитель увидит, что вы ознакомились."
    markup = next(c for c in calls if isinstance(c, EditMessageReplyMarkup)).reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    assert markup.inline_keyboard[0][0].text == "☑️ Ознакомлен(а) 01.09 10:00"
    assert await ack_rows(database) == [("button", None)]

    again = await father.click(FinalAck(notice=(await notice(database)).id))
    answer = next(c for c in again if isinstance(c, AnswerCallbackQuery))
    assert answer.text == "Вы уже ознакомились с этими итоговыми оценками."
    assert await ack_rows(database) == [("button", None)]

    # The summary is edited in place, not sent again.
    assert await summaries(database, clock, i18n, school) == 1
    requests = await deliver_all(database, bot, clock)
    assert sent_to(requests, TEACHER.id) == []
    edits = [r for r in requests if getattr(r, "chat_id", None) == TEACHER.id]
    assert len(edits) == 1
    assert "Ознакомлены: 1 из 1" in edits[0].text
    assert "• Иванов Сергей Петрович (Иванов Пётр Сергеевич) — 01.09 10:00" in edits[0].text
    assert await summaries(database, clock, i18n, school) == 0  # nothing new

    # /finals shows the parent what they acknowledged.
    shown = [c for c in await father.send("/finals") if isinstance(c, SendMessage)]
    assert shown[0].text is not None
    assert "☑️ Вы ознакомились 01.09.2026 10:00" in shown[0].text


async def test_a_forged_or_foreign_ack_button_records_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    _school, father, teacher = await published(dispatcher, bot, database, clock, i18n)
    own = (await notice(database)).id
    for chat, notice_id in ((father, own + 100), (teacher, own)):
        calls = await chat.forge(FinalAck(notice=notice_id))
        refusal = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
        assert refusal.show_alert is True
        assert refusal.text == "Эта кнопка вам недоступна."
        assert not any(isinstance(c, EditMessageReplyMarkup) for c in calls)
    assert await ack_rows(database) == []


async def test_ack_by_text_reply_reaches_the_class_teacher_in_full(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, father, _teacher = await published(dispatcher, bot, database, clock, i18n)
    message_id = bot.session.last_message_id(FATHER.id)
    assert message_id is not None
    calls = await father.reply("Ознакомлены. <b>Вопрос</b> по русскому", to_message_id=message_id)
    thanks = next(c for c in calls if isinstance(c, SendMessage))
    assert thanks.text == "Спасибо! Ваше подтверждение и сообщение переданы классному руководителю."
    assert await ack_rows(database) == [("text", "Ознакомлены. <b>Вопрос</b> по русскому")]
    [relayed] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert relayed.text == (
        "✉️ <b>Сообщение от Иванов Сергей Петрович, родитель: Иванов Пётр Сергеевич (5А)</b>\n"
        "🎓 Ознакомление с итоговыми оценками: I четверть\n\n"
        "Ознакомлены. &lt;b&gt;Вопрос&lt;/b&gt; по русскому"
    )
    assert str(FATHER.id) not in relayed.text
    assert isinstance(relayed.reply_markup, InlineKeyboardMarkup)
    reply = relayed.reply_markup.inline_keyboard[0][0]
    assert reply.text == "↩️ Ответить"
    assert reply.callback_data is not None
    assert RelayReply.unpack(reply.callback_data).thread > 0
    # …and the acknowledgement itself counts in the running summary.
    assert await summaries(database, clock, i18n, school) == 1
    [summary] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert summary.text is not None
    assert "Ознакомлены: 1 из 1" in summary.text


async def test_one_reminder_after_the_delay_then_the_summary_lists_the_family(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, _father, _teacher = await published(dispatcher, bot, database, clock, i18n)
    async with database.unit_of_work() as uow:
        stored = await uow.session.get(School, school.id)
        assert stored is not None
        stored.settings = {**stored.settings, "final_ack_reminder_days": 2}
        await uow.commit()
        school = stored

    async def remind() -> int:
        async with database.unit_of_work() as uow:
            fresh = await uow.session.get(School, school.id)
            assert fresh is not None
            return await remind_unacknowledged(uow, clock, i18n, fresh)

    clock.advance(timedelta(days=1, hours=23))
    assert await remind() == 0  # not yet
    clock.advance(timedelta(hours=2))
    assert await remind() == 1
    assert await remind() == 0  # one reminder only
    [reminder] = sent_to(await deliver_all(database, bot, clock), FATHER.id)
    assert reminder.text is not None
    assert reminder.text.startswith(
        "⏰ <b>Напоминание: итоговые оценки — Иванов Пётр Сергеевич</b>"
    )
    assert isinstance(reminder.reply_markup, InlineKeyboardMarkup)
    assert reminder.reply_markup.inline_keyboard[0][0].text == "✅ Ознакомлен(а)"
    await summaries(database, clock, i18n, school)
    [summary] = sent_to(await deliver_all(database, bot, clock), TEACHER.id)
    assert summary.text is not None
    assert "⏰ <b>Не ознакомились после напоминания</b> (1)" in summary.text


async def test_the_24_hour_report_lists_undeliverable_families(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    async with database.unit_of_work() as uow:
        await add_admin(uow, clock, school, ADMIN.id, actor="test")
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    bot.session.queue_error(SendMessage, 403, "Forbidden: bot was blocked by the user")
    await deliver_all(database, bot, clock)

    async def report() -> int:
        async with database.unit_of_work() as uow:
            return await report_undelivered(uow, clock, i18n, school)

    clock.advance(timedelta(hours=23))
    assert await report() == 0  # within the 24 hours
    clock.advance(timedelta(hours=2))
    assert await report() == 2  # the class teacher and the admin
    assert await report() == 0  # the same list is reported once
    requests = await deliver_all(database, bot, clock)
    [to_teacher] = sent_to(requests, TEACHER.id)
    [to_admin] = sent_to(requests, ADMIN.id)
    assert to_teacher.text == to_admin.text
    assert to_teacher.text == (
        "❗ <b>Итоговые оценки не доставлены за 24 часа</b>\n"
        "Пожалуйста, передайте этим семьям итоговые оценки на бумаге.\n\n"
        "<b>5А · I четверть</b>\n"
        "• Иванов Сергей Петрович (Иванов Пётр Сергеевич) — заблокировали бота\n"
        "• Иванова Мария Николаевна (Иванов Пётр Сергеевич) — нет согласия на электронную форму"
    )
    async with database.unit_of_work() as uow:
        assert (await uow.session.execute(select(func.count(FinalGradeAck.id)))).scalar_one() == 0


async def test_the_cli_prints_the_24_hour_report(
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    i18n: I18n,
    cli_runner: CliRunner,
    database_url: URL,
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    await deliver_all(database, bot, clock)
    clock.advance(timedelta(days=2))  # the command reads the same clock
    result = await ediary(
        cli_runner, database_url, "finals", "undelivered", "--school", "1", "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["guardian"], r["reason"]) for r in rows] == [
        ("Иванова Мария Николаевна", "no_consent")
    ]
    plain = await ediary(cli_runner, database_url, "finals", "undelivered", "--school", "1")
    assert "no_consent" in plain.output


def test_why_undelivered_names_the_first_cause_the_school_can_act_on() -> None:
    active, blocked = TelegramAccount(is_active=True), TelegramAccount(is_active=False)
    sent = OutboxMessage(status=OutboxStatus.SENT)
    dead = OutboxMessage(status=OutboxStatus.DEAD, last_error="Forbidden: bot was blocked")
    granted = ConsentState.GRANTED
    assert why_undelivered(granted, [active, blocked], [dead, sent]) is None
    assert why_undelivered(ConsentState.WITHDRAWN, [active], [None]) == (Reason.NO_CONSENT, None)
    assert why_undelivered(None, [], []) == (Reason.NO_CONSENT, None)
    assert why_undelivered(granted, [], []) == (Reason.NOT_LINKED, None)
    assert why_undelivered(granted, [blocked], [dead]) == (Reason.BLOCKED, None)
    assert why_undelivered(granted, [active], [dead]) == (
        Reason.FAILED,
        "Forbidden: bot was blocked",
    )
    assert why_undelivered(granted, [active], [None]) == (Reason.PENDING, None)
