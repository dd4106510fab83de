"""Final grades (duty 6): publication, merging of later syncs, deferrals, delivery."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Dispatcher
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.finals.buttons import FinalAck, WriteTeacher
from bot.handlers.linking import ConsentChoice
from db.database import Database
from db.models import FinalGradeNotice, OutboxMessage
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.finals_fixtures import (
    MOTHER,
    deliver_all,
    final,
    publish,
    school_with_teacher,
    sent_to,
)
from tests.linking_fixtures import issue
from tests.test_change_pushes import FATHER


def buttons(message: SendMessage | EditMessageText) -> list[tuple[str, str | None]]:
    assert isinstance(message.reply_markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data) for row in message.reply_markup.inline_keyboard for b in row]


async def notice_id(database: Database) -> int:
    async with database.unit_of_work() as uow:
        return int((await uow.session.execute(select(FinalGradeNotice.id))).scalar_one())


async def test_publication_reaches_every_linked_consenting_guardian_with_both_buttons(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    # The mother links too but refuses the consent: she must get nothing.
    code = (await issue(database, clock, school, "guardian", "g1"))[0]
    mother = BotConversation(dispatcher, bot, MOTHER)
    await mother.send(code.compact)
    await mother.click(ConsentChoice(agree=False))
    bot.session.clear()
    queued = await publish(
        database,
        clock,
        i18n,
        school,
        [
            final("f1", "math", "5"),
            final("f2", "rus", None, deferred_until="2027-01-20", reason="болезнь"),
            final("f3", "math", "4", student="s2"),  # Anna: nobody of hers is linked
        ],
    )
    assert queued == 1
    requests = await deliver_all(database, bot, clock)
    assert sent_to(requests, MOTHER.id) == []
    [message] = sent_to(requests, FATHER.id)
    assert message.text == (
        "🎓 <b>Итоговые оценки: Иванов Пётр Сергеевич</b>\n"
        "I четверть (01.09.2026 – 24.10.2026)\n"
        "• Математика: <b>5</b>\n"
        "• Русский язык: отсрочка до 20.01.2027 (болезнь)\n\n"
        "Пожалуйста, подтвердите ознакомление кнопкой или ответьте на это сообщение."
    )
    notice = await notice_id(database)
    assert buttons(message) == [
        ("✅ Ознакомлен(а)", FinalAck(notice=notice).pack()),
        ("✉️ Написать классному руководителю", WriteTeacher(student=1).pack()),
    ]


async def test_a_second_sync_updates_the_unacknowledged_message_instead_of_a_new_one(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    await publish(database, clock, i18n, school, [final("f1", "math", "5")])
    # Still queued: the same row is rewritten, not a second message.
    assert await publish(database, clock, i18n, school, [final("f2", "rus", "4")]) == 0
    first = sent_to(await deliver_all(database, bot, clock), FATHER.id)
    first_message_id = bot.session.last_message_id(FATHER.id)
    assert len(first) == 1
    assert first[0].text is not None
    assert "• Математика: <b>5</b>\n• Русский язык: <b>4</b>" in first[0].text
    # Delivered: a third sync edits the message in place.
    clock.advance(timedelta(minutes=5))
    assert await publish(database, clock, i18n, school, [final("f1", "math", "4")]) == 1
    requests = await deliver_all(database, bot, clock)
    assert sent_to(requests, FATHER.id) == []
    [edit] = [r for r in requests if isinstance(r, EditMessageText)]
    assert edit.chat_id == FATHER.id
    assert edit.message_id == first_message_id
    assert edit.text is not None
    assert "• Математика: <b>4</b>" in edit.text
    # The same document again: nothing at all.
    assert await publish(database, clock, i18n, school, [final("f1", "math", "4")]) == 0
    async with database.unit_of_work() as uow:
        kinds = list((await uow.session.execute(select(OutboxMessage.kind))).scalars())
    assert kinds.count("final_grades") == 2  # the message and its one edit


async def test_a_deferred_grade_that_becomes_final_gets_its_own_short_push(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    deferred = final("f2", "rus", None, deferred_until="2027-01-20", reason="болезнь")
    await publish(database, clock, i18n, school, [final("f1", "math", "5"), deferred])
    await deliver_all(database, bot, clock)
    await father.click(FinalAck(notice=await notice_id(database)))
    bot.session.clear()
    clock.advance(timedelta(days=30))
    assert await publish(database, clock, i18n, school, [final("f2", "rus", "4")]) == 1
    [short] = sent_to(await deliver_all(database, bot, clock), FATHER.id)
    assert short.text == (
        "🎓 <b>Выставлена отложенная итоговая оценка: Иванов Пётр Сергеевич</b>\n"
        "I четверть (01.09.2026 – 24.10.2026)\n"
        "• Русский язык: <b>4</b>\n\n"
        "Пожалуйста, подтвердите ознакомление кнопкой или ответьте на это сообщение."
    )
    # It asks for a new acknowledgement, which the button records.
    assert buttons(short)[0] == (
        "✅ Ознакомлен(а)",
        FinalAck(notice=await notice_id(database)).pack(),
    )
    async with database.unit_of_work() as uow:
        notice = (await uow.session.execute(select(FinalGradeNotice))).scalar_one()
    assert (notice.version, notice.acknowledged_version) == (2, 1)
    await father.click(FinalAck(notice=notice.id))
    async with database.unit_of_work() as uow:
        notice = (await uow.session.execute(select(FinalGradeNotice))).scalar_one()
    assert notice.acknowledged_version == 2


async def test_an_unacknowledged_message_is_edited_and_the_late_grade_still_gets_a_push(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, i18n: I18n
) -> None:
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    deferred = final("f2", "rus", None, deferred_until="2027-01-20")
    await publish(database, clock, i18n, school, [deferred])
    await deliver_all(database, bot, clock)
    bot.session.clear()
    assert await publish(database, clock, i18n, school, [final("f2", "rus", "3")]) == 2
    requests = await deliver_all(database, bot, clock)
    [edit] = [r for r in requests if isinstance(r, EditMessageText)]
    assert edit.text is not None
    assert "• Русский язык: <b>3</b>" in edit.text
    [short] = sent_to(requests, FATHER.id)
    assert short.text is not None
    assert short.text.startswith("🎓 <b>Выставлена отложенная итоговая оценка")
