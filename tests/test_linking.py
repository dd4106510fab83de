"""Linking by one-time code through the real dispatcher: consent, limits, privacy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.handlers.linking import ConsentChoice, UnlinkChoice, WithdrawStep
from bot.linking.access import may_see_student
from bot.linking.codes import (
    ALPHABET,
    LENGTH,
    format_code,
    looks_like_code,
    new_code,
    normalize_code,
)
from bot.linking.erasure import erase_withdrawn_accounts
from db.database import Database
from db.models import (
    AccountLink,
    AuditEvent,
    ConsentForm,
    ConsentRecord,
    ConsentState,
    OutboxMessage,
    OutboxStatus,
    Student,
    TelegramAccount,
)
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.linking_fixtures import issue, school_with_families

MOTHER = TelegramUser(id=5001, first_name="Мария")
FATHER = TelegramUser(id=5002, first_name="Сергей")
STRANGER = TelegramUser(id=5009, first_name="Кто-то")


def texts(calls: Sequence[object]) -> list[str]:
    return [call.text for call in calls if isinstance(call, SendMessage)]


def buttons(calls: Sequence[object]) -> list[str]:
    markups = [
        c.reply_markup
        for c in calls
        if isinstance(c, SendMessage) and isinstance(c.reply_markup, InlineKeyboardMarkup)
    ]
    return [button.text for markup in markups for row in markup.inline_keyboard for button in row]


async def scalar(database: Database, statement: object) -> object:
    async with database.unit_of_work() as uow:
        return (await uow.session.execute(statement)).scalar_one()  # type: ignore[call-overload]


async def student_id(database: Database, external_id: str) -> int:
    value = await scalar(database, select(Student.id).where(Student.external_id == external_id))
    assert isinstance(value, int)
    return value


async def active_links(database: Database) -> int:
    value = await scalar(
        database, select(func.count(AccountLink.id)).where(AccountLink.ended_at.is_(None))
    )
    assert isinstance(value, int)
    return value


def test_code_format_is_readable_and_random() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01IO") & set(ALPHABET)
    assert len(ALPHABET) ** LENGTH >= 2**60
    assert format_code("K7QFM2XD9HTB") == "K7QF-M2XD-9HTB"
    assert normalize_code(" k7qf m2xd-9htb ") == "K7QFM2XD9HTB"
    assert normalize_code("К7QF-М2XD-9НТВ") == "K7QFM2XD9HTB"  # Cyrillic twins
    assert normalize_code("K7QF-M2XD-9HT0") is None
    assert not looks_like_code("что задали?")


async def test_deep_link_with_consent_granted_in_the_bot(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = next(
        c
        for c in await issue(database, clock, school, "guardian", "g1")
        if c.child and c.child.startswith("Иванов Пётр")
    )
    chat = BotConversation(dispatcher, bot, MOTHER)
    calls = await chat.send(f"/start {code.compact}")
    shown = "\n".join(texts(calls))
    assert "Согласие на обработку персональных данных" in shown
    assert "МБОУ СОШ № 7" in shown
    assert buttons(calls) == ["Согласен", "Не согласен"]
    assert await active_links(database) == 0  # nothing before «Согласен»

    calls = await chat.click(ConsentChoice(agree=True))
    assert any(isinstance(call, EditMessageReplyMarkup) for call in calls)
    answer = texts(calls)[-1]
    assert "Согласие записано" in answer
    assert "Готово! Вы подключены к дневнику: <b>Иванов Пётр Сергеевич</b>, класс 5А" in answer
    record = await scalar(database, select(ConsentRecord))
    assert isinstance(record, ConsentRecord)
    assert (record.state, record.form) == (ConsentState.GRANTED, ConsentForm.ELECTRONIC)
    assert record.telegram_user_id == MOTHER.id
    assert len(record.text_hash) == 64
    assert await may_see_student_for(database, MOTHER.id, "s1")
    assert not await may_see_student_for(database, MOTHER.id, "s2")


async def may_see_student_for(database: Database, telegram_id: int, external_id: str) -> bool:
    sid = await student_id(database, external_id)
    async with database.unit_of_work() as uow:
        return await may_see_student(uow, telegram_id, sid)


async def test_refused_consent_links_nothing_and_blocks_new_codes(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    chat = BotConversation(dispatcher, bot, FATHER)
    await chat.send(code.code)  # typed, with dashes
    calls = await chat.click(ConsentChoice(agree=False))
    assert "Вы отказались от согласия" in texts(calls)[-1]
    assert await active_links(database) == 0
    refused = await scalar(database, select(ConsentRecord.state))
    assert refused == ConsentState.REFUSED
    with pytest.raises(Exception, match="refused consent: no code issued"):
        await issue(database, clock, school, "guardian", "g2")


async def test_typed_codes_in_any_case_and_spacing_link_two_children(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    codes = await issue(database, clock, school, "guardian", "g1")
    assert len(codes) == 2
    chat = BotConversation(dispatcher, bot, MOTHER)
    await chat.send(codes[0].code.lower().replace("-", " "))
    await chat.click(ConsentChoice(agree=True))
    # The consent is the guardian's: the second child links without asking again.
    calls = await chat.send(codes[1].compact)
    assert texts(calls)[-1].startswith("Готово!")
    assert await active_links(database) == 2
    calls = await chat.send("/children")
    assert len(buttons(calls)) == 2


async def test_two_parents_link_one_child(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    mother_code = next(
        c
        for c in await issue(database, clock, school, "guardian", "g1")
        if c.child == "Иванов Пётр Сергеевич"
    )
    father_code = (await issue(database, clock, school, "guardian", "g2"))[0]
    for user, code in ((MOTHER, mother_code), (FATHER, father_code)):
        chat = BotConversation(dispatcher, bot, user)
        await chat.send(f"/start {code.compact}")
        await chat.click(ConsentChoice(agree=True))
    assert await may_see_student_for(database, MOTHER.id, "s1")
    assert await may_see_student_for(database, FATHER.id, "s1")
    assert not await may_see_student_for(database, STRANGER.id, "s1")


@pytest.mark.parametrize("spoil", ["expired", "used", "revoked", "wrong"])
async def test_unusable_codes_get_one_answer(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock, spoil: str
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "teacher", "t1"))[0]
    text = code.compact
    if spoil == "expired":
        clock.advance(timedelta(days=31))
    elif spoil == "used":
        first = BotConversation(dispatcher, bot, FATHER)
        assert texts(await first.send(text))[-1].startswith("Готово!")
    elif spoil == "revoked":
        await issue(database, clock, school, "teacher", "t1")  # re-issue revokes
    else:
        text = "ABCD-EFGH-JKMN"
    links_before = await active_links(database)
    calls = await BotConversation(dispatcher, bot, STRANGER).send(text)
    assert texts(calls) == [
        "Этот код не принят. Проверьте его и попробуйте ещё раз или попросите новый у классного "
        "руководителя: код действует один раз и ограниченное время. Осталось 4 попытки."
    ]
    assert await active_links(database) == links_before


async def test_five_failures_lock_and_the_lock_ends(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    good = (await issue(database, clock, school, "teacher", "t1"))[0]
    chat = BotConversation(dispatcher, bot, STRANGER)
    for attempt in range(4):
        assert "Этот код не принят" in texts(await chat.send(f"ABCD-EFGH-JK{attempt + 2}N"))[0]
    locked = texts(await chat.send("ABCD-EFGH-JKMN"))[0]
    assert locked == "Слишком много неверных кодов. Попробуйте снова через 15 минут."
    # Even the right code is refused while locked ...
    assert "Слишком много" in texts(await chat.send(good.compact))[0]
    assert await active_links(database) == 0
    clock.advance(timedelta(minutes=15, seconds=1))
    # ... and accepted once the lock has ended.
    assert texts(await chat.send(good.compact))[-1].startswith("Готово! Вы подключены как учитель")


async def test_teacher_linking_names_the_classes(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "teacher", "t1"))[0]
    calls = await BotConversation(dispatcher, bot, TelegramUser(id=5100)).send(code.code)
    assert texts(calls)[-1].startswith(
        "Готово! Вы подключены как учитель: <b>Смирнова Ольга Петровна</b>, МБОУ СОШ № 7. "
        "Классный руководитель: 5А."
    )
    assert await may_see_student_for(database, 5100, "s2")  # a student of their class


async def test_withdrawal_stops_everything(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    codes = await issue(database, clock, school, "guardian", "g1")
    chat = BotConversation(dispatcher, bot, MOTHER)
    await chat.send(codes[0].compact)
    await chat.click(ConsentChoice(agree=True))
    await chat.send(codes[1].compact)
    async with database.unit_of_work() as uow:
        account = (await uow.session.execute(select(TelegramAccount))).scalar_one()
        uow.session.add(
            OutboxMessage(
                account_id=account.id,
                idempotency_key="grade:1:1",
                kind="grade",
                payload={},
                due_at=clock.now(),
                created_at=clock.now(),
            )
        )
        await uow.commit()

    privacy = await chat.send("/privacy")
    assert "Согласие: дано, в электронной форме" in texts(privacy)[0]
    assert buttons(privacy) == ["Отозвать согласие"]
    ask = await chat.click(WithdrawStep(step="ask"))
    assert buttons(ask) == ["Да, отозвать", "Отмена"]
    done = await chat.click(WithdrawStep(step="confirm"))
    assert "Согласие отозвано" in texts(done)[-1]
    assert "Бумажные выписки" in texts(done)[-1]

    assert await active_links(database) == 0
    assert not await may_see_student_for(database, MOTHER.id, "s1")
    status = await scalar(database, select(OutboxMessage.status))
    assert status == OutboxStatus.CANCELLED
    states = await scalar(
        database, select(ConsentRecord.state).order_by(ConsentRecord.id.desc()).limit(1)
    )
    assert states == ConsentState.WITHDRAWN
    # A code issued before cannot bring the data back: the refusal is on record now.
    again = await issue_or_error(database, clock, school)
    assert "withdrawn consent" in again


async def issue_or_error(database: Database, clock: FakeClock, school: object) -> str:
    try:
        await issue(database, clock, school, "guardian", "g1")  # type: ignore[arg-type]
    except Exception as error:
        return str(error)
    return "issued"


async def test_a_forged_unlink_button_changes_nothing(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send(code.compact)
    await father.click(ConsentChoice(agree=True))
    link_id = await scalar(database, select(AccountLink.id))
    assert isinstance(link_id, int)
    stranger = BotConversation(dispatcher, bot, STRANGER)
    await stranger.send("/start")
    calls = await stranger.forge(UnlinkChoice(link_id=link_id))
    refusal = next(call for call in calls if isinstance(call, AnswerCallbackQuery))
    assert refusal.show_alert is True
    assert refusal.text == "Эта привязка не ваша или уже завершена."
    assert await active_links(database) == 1
    # The owner can unlink it, with the button /children shows him.
    await father.send("/children")
    calls = await father.click(UnlinkChoice(link_id=link_id))
    assert await active_links(database) == 0


async def test_unlinking_a_child_cancels_only_that_childs_queued_pushes(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    codes = await issue(database, clock, school, "guardian", "g1")  # one per child
    chat = BotConversation(dispatcher, bot, MOTHER)
    await chat.send(codes[0].compact)
    await chat.click(ConsentChoice(agree=True))
    await chat.send(codes[1].compact)
    async with database.unit_of_work() as uow:
        account = (await uow.session.execute(select(TelegramAccount))).scalar_one()
        links = list(
            (await uow.session.execute(select(AccountLink).order_by(AccountLink.id))).scalars()
        )
        for link in links:
            await uow.outbox.queue(
                account_id=account.id,
                school_id=school.id,
                kind="grades",
                key=f"grades:{link.student_id}",
                text="Новые оценки",
                reply_markup=None,
                due_at=clock.now(),
                urgent=False,
                now=clock.now(),
                student_id=link.student_id,
            )
        await uow.commit()
    await chat.send("/children")
    await chat.click(UnlinkChoice(link_id=links[0].id))
    async with database.unit_of_work() as uow:
        rows = (
            await uow.session.execute(
                select(OutboxMessage.student_id, OutboxMessage.status).order_by(OutboxMessage.id)
            )
        ).all()
    assert [(student, status) for student, status in rows] == [
        (links[0].student_id, OutboxStatus.CANCELLED),
        (links[1].student_id, OutboxStatus.PENDING),
    ]


async def test_a_consent_button_without_a_pending_code_is_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    chat = BotConversation(dispatcher, bot, STRANGER)
    await chat.send("/start")
    calls = await chat.forge(ConsentChoice(agree=True))
    refusal = next(call for call in calls if isinstance(call, AnswerCallbackQuery))
    assert refusal.text == "Запрос устарел. Отправьте код ещё раз."
    assert await active_links(database) == 0
    count = await scalar(database, select(func.count(ConsentRecord.id)))
    assert count == 0


async def test_what_the_channel_kept_is_erased_30_days_after_withdrawal(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send(code.compact)
    await father.click(ConsentChoice(agree=True))
    await father.send("/privacy")
    await father.click(WithdrawStep(step="ask"))
    await father.click(WithdrawStep(step="confirm"))

    async with database.unit_of_work() as uow:
        clock.advance(timedelta(days=29))
        assert await erase_withdrawn_accounts(uow, clock) == 0
    async with database.unit_of_work() as uow:
        clock.advance(timedelta(days=2))
        assert await erase_withdrawn_accounts(uow, clock) == 1
    assert await scalar(database, select(func.count(TelegramAccount.id))) == 0
    actors = await scalar(
        database,
        select(func.count(AuditEvent.id)).where(AuditEvent.actor == f"telegram:{FATHER.id}"),
    )
    assert actors == 0
    # The consent history stays, as the school's proof.
    states = await scalar(database, select(func.count(ConsentRecord.id)))
    assert states == 2
