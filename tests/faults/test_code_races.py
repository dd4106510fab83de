"""One-time codes under concurrency: one code links one account, and the wrong-code limit
holds when guesses arrive at once (polling and webhook, both databases)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.handlers.linking import ConsentChoice
from bot.linking.access import add_admin
from bot.linking.codes import format_code
from bot.linking.issuing import IssuedCode, record_consent
from bot.linking.rules import (
    FLOOD_LOCK,
    GLOBAL_MAX_FAILURES,
    SCHOOL_MAX_FAILURES,
    entry_lock_ends,
    flooded,
)
from bot.services import Services
from db.database import Database
from db.models import (
    AccountLink,
    AuditEvent,
    ConsentForm,
    ConsentState,
    OutboxMessage,
    School,
)
from tests.conftest import ClientFactory, with_webhook
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser, message_update_data
from tests.linking_fixtures import issue, school_with_families

WEBHOOK_URL, SECRET = "https://bot.example.org/hook", "s3cr3t"
PARENTS = [TelegramUser(id=7100 + n, first_name=f"Родитель {n}") for n in range(5)]
NOT_ACCEPTED = "Этот код не принят"


async def count(database: Database, statement: Any) -> int:
    async with database.unit_of_work() as uow:
        return int((await uow.session.execute(statement)).scalar_one())


async def guardian_code_with_paper_consent(database: Database, clock: FakeClock) -> IssuedCode:
    """A code for g2 (one child), whose paper consent the school recorded: no consent step."""
    school = await school_with_families(database, clock)
    await paper_consent(database, clock, school, "g2")
    [code] = await issue(database, clock, school, "guardian", "g2")
    return code


async def paper_consent(database: Database, clock: FakeClock, school: School, ref: str) -> None:
    async with database.unit_of_work() as uow:
        await record_consent(
            uow, clock, school, guardian_ref=ref, student_ref=None, state=ConsentState.GRANTED,
            form=ConsentForm.PAPER, document_ref="№ 1", actor="test",
        )  # fmt: skip


async def links_of_code(database: Database) -> int:
    """Links made with a code (an admin's link comes from the command line)."""
    return await count(
        database, select(func.count(AccountLink.id)).where(AccountLink.link_code_id.is_not(None))
    )


def answers(bot: RecordingBot) -> list[str]:
    return [call.text for call in bot.session.calls(SendMessage)]


async def test_five_accounts_sending_one_code_at_once_link_one(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    code = await guardian_code_with_paper_consent(database, clock)
    chats = [BotConversation(dispatcher, bot, parent) for parent in PARENTS]
    await asyncio.gather(*(chat.send(f"/start {code.compact}") for chat in chats))
    assert await links_of_code(database) == 1
    sent = answers(bot)
    assert sum("Готово!" in text for text in sent) == 1
    assert sum(NOT_ACCEPTED in text for text in sent) == 4


async def test_five_consents_to_one_code_at_once_link_one(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    [code] = await issue(database, clock, school, "guardian", "g2")
    chats = [BotConversation(dispatcher, bot, parent) for parent in PARENTS]
    for chat in chats:  # each is shown the consent text for the same code
        await chat.send(f"/start {code.compact}")
    await asyncio.gather(*(chat.click(ConsentChoice(agree=True)) for chat in chats))
    assert await links_of_code(database) == 1
    assert sum("Готово!" in text for text in answers(bot)) == 1


async def test_five_webhook_requests_with_one_code_link_one(
    services: Services,
    dispatcher: Dispatcher,
    bot: RecordingBot,
    database: Database,
    clock: FakeClock,
    client_for: ClientFactory,
) -> None:
    code = await guardian_code_with_paper_consent(database, clock)
    client = await client_for(
        build_web_app(with_webhook(services, WEBHOOK_URL, SECRET), dispatcher=dispatcher)
    )
    responses = await asyncio.gather(
        *(
            client.post(
                "/hook",
                json=message_update_data(f"/start {format_code(code.compact)}", user=parent),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            for parent in PARENTS
        )
    )
    assert [response.status for response in responses] == [200] * 5
    assert await links_of_code(database) == 1
    assert sum("Готово!" in text for text in answers(bot)) == 1


async def test_fifty_guesses_at_once_check_at_most_five_codes(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    guesser = BotConversation(dispatcher, bot, TelegramUser(id=7200))
    guesses = [f"/start {n:04d}ABCDEFGH".replace("0", "A").replace("1", "B") for n in range(50)]
    await asyncio.gather(*(guesser.send(guess) for guess in guesses))
    checked = await count(
        database, select(func.count(AuditEvent.id)).where(AuditEvent.action == "link.failed")
    )
    assert 1 <= checked <= 5
    sent = answers(bot)
    assert len(sent) == 50  # every guess is answered
    assert sum("Слишком много неверных кодов" in text for text in sent) >= 45
    assert await links_of_code(database) == 0


ADMIN = TelegramUser(id=7300, first_name="Завуч")


async def seed_failures(
    database: Database, clock: FakeClock, n: int, *, school_id: int | None = None
) -> None:
    """Failed attempts of ``n`` different accounts a moment ago (a crowd of guessers)."""
    async with database.unit_of_work() as uow:
        for k in range(n):
            uow.audit.record(
                at=clock.now() - timedelta(minutes=1), actor=f"telegram:{900000 + k}",
                action="link.failed", school_id=school_id, details={"reason": "unknown"},
            )  # fmt: skip
        await uow.commit()


async def test_a_crowd_of_guessers_pauses_code_entry_for_everyone_and_alerts_once(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    async with database.unit_of_work() as uow:
        await add_admin(uow, clock, school, ADMIN.id, actor="test")
    await paper_consent(database, clock, school, "g2")
    [code] = await issue(database, clock, school, "guardian", "g2")
    await seed_failures(database, clock, GLOBAL_MAX_FAILURES)

    # The crowd's next wrong code passes the limit: entry stops, for everyone.
    await BotConversation(dispatcher, bot, TelegramUser(id=7301)).send("/start AAAABBBBCCCC")
    parent = BotConversation(dispatcher, bot, PARENTS[0])
    [paused] = texts_of(await parent.send(f"/start {code.compact}"))
    assert "ввод кодов временно приостановлен" in paused
    assert "через 10 минут" in paused
    await BotConversation(dispatcher, bot, TelegramUser(id=7302)).send("/start AAAABBBBDDDD")
    assert await links_of_code(database) == 0

    alerts = await outbox_texts(database, "code_entry_locked")
    assert len(alerts) == 1  # one admin, told once however many guesses follow
    assert "Неверных кодов за последние 10 минут: 201." in alerts[0]
    assert "Ввод кодов подключения приостановлен для всех до 09:10." in alerts[0]

    clock.advance(FLOOD_LOCK)
    [linked] = texts_of(await parent.send(f"/start {code.compact}"))
    assert "Готово!" in linked
    assert await links_of_code(database) == 1


async def test_many_failures_on_one_schools_codes_pause_that_schools_codes(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    await paper_consent(database, clock, school, "g2")
    [old] = await issue(database, clock, school, "guardian", "g2")
    [code] = await issue(database, clock, school, "guardian", "g2")  # revokes the first
    await seed_failures(database, clock, SCHOOL_MAX_FAILURES, school_id=school.id)

    [rejected] = texts_of(
        await BotConversation(dispatcher, bot, TelegramUser(id=7301)).send(f"/start {old.compact}")
    )
    assert NOT_ACCEPTED in rejected
    [paused] = texts_of(
        await BotConversation(dispatcher, bot, PARENTS[0]).send(f"/start {code.compact}")
    )
    assert "ввод кодов временно приостановлен" in paused
    # Codes of other schools (and unknown ones) are still checked as usual.
    [unknown] = texts_of(
        await BotConversation(dispatcher, bot, PARENTS[1]).send("/start AAAABBBBCCCC")
    )
    assert NOT_ACCEPTED in unknown


def texts_of(calls: Sequence[object]) -> list[str]:
    return [call.text for call in calls if isinstance(call, SendMessage)]


async def outbox_texts(database: Database, kind: str) -> list[str]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(OutboxMessage.payload).where(OutboxMessage.kind == kind)
        )
        return [str(payload["text"]) for payload in rows.scalars()]


def test_crowd_lock_rules() -> None:
    now = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
    assert not flooded(GLOBAL_MAX_FAILURES, GLOBAL_MAX_FAILURES)
    assert flooded(GLOBAL_MAX_FAILURES + 1, GLOBAL_MAX_FAILURES)
    assert entry_lock_ends(None, now) is None
    assert entry_lock_ends(now - timedelta(minutes=3), now) == now + timedelta(minutes=7)
    assert entry_lock_ends(now - FLOOD_LOCK, now) is None
