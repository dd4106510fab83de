"""An adult student's own letters (issue 17), on both databases: a student of 18 or older
whose own effective form is e-mail or both gets their news by letter, one letter per batch,
in their language — marks, final grades (for information: no acknowledgement link),
announcements to students, risk alerts, the forecast digest, the evening brief when chosen
— and, on e-mail only, no Telegram pushes; form Telegram or paper: no letter. A minor or a
student without a date of birth never gets a letter, whatever was recorded; a withdrawn
consent stops the letters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.contacts.register import record_contact
from bot.finals.standing import FamilyState
from bot.finals.summary import class_lines
from bot.handlers.language import LanguageChoice
from bot.mail.letter_parts import queue_part
from bot.mail.recipients import reachable_by_mail
from bot.mail.signed_links import SETTINGS, UNSUBSCRIBE, verify
from bot.presentation.rendered import Rendered, paragraph
from bot.teachers.audience import Audience
from bot.teachers.broadcasts import send_broadcast, sender_of
from db.database import Database
from db.models import (
    ConsentState,
    ContactForm,
    DeliveryChannel,
    FinalGradeNotice,
    OutboxChannel,
    OutboxStatus,
    RiskAlertState,
    School,
)
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.doubles.telegram_updates import TelegramUser
from tests.finals_fixtures import TEACHER, deliver_all, final, link, publish, school_with_teacher
from tests.linking_fixtures import born
from tests.mail_fixtures import (
    PUBLIC_URL,
    Received,
    RunningSink,
    grant_own,
    letter_rows,
    mail_worker,
    own_address,
    send_all,
    smtp_sink,
)
from tests.test_change_pushes import grade, run_job, sync
from tests.test_evening_brief import EVENING, WEEK, briefs
from tests.test_forecast_digest import FRIDAY_EVENING, digests
from tests.test_risk_alerts import alerts

__all__ = ["smtp_sink"]  # the fixture, used by name
ANNA = TelegramUser(id=5002, first_name="Анна")
ANNA_MAIL = "anna@example.ru"
ANNA_NAME = "Петрова Анна Игоревна"
EIGHTEEN_TODAY = date(2008, 9, 1)  # the fake clock starts on 1 September 2026


def mark(external_id: str, value: str, **extra: Any) -> dict[str, Any]:
    """A mark of Anna's (s2)."""
    return {**grade(external_id, value, **extra), "student_id": "s2"}


def plain(letter: Received) -> str:
    body = letter.message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def html(letter: Received) -> str:
    body = letter.message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


async def anna(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    channel: DeliveryChannel | None = DeliveryChannel.EMAIL, *,
    born_on: date | None = EIGHTEEN_TODAY,
) -> tuple[School, BotConversation, int]:  # fmt: skip
    """The school with the father of s1 (g2) and the class teacher in Telegram; Anna (s2)
    linked to herself, born on ``born_on``, with her own address and form on record."""
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    anna_id = await born(database, school, "s2", born_on)
    chat = await link(dispatcher, bot, database, clock, school, ANNA, "student", "s2")
    await own_address(database, clock, school, "s2", ANNA_MAIL, channel)
    return school, chat, anna_id


async def new_marks(
    database: Database, clock: FakeClock, i18n: I18n, school: School, *ids: str
) -> int:
    """Anna gets a 5 for each of ``ids``; the pushes queued once the window has passed."""
    await sync(database, clock, school, {"grades": [mark(i, "5") for i in ids]})
    clock.advance(timedelta(minutes=11))
    return await run_job(database, clock, i18n)


def to_anna(requests: list[Any]) -> list[str]:
    return [r.text for r in requests if isinstance(r, SendMessage) and r.chat_id == ANNA.id]


async def test_an_adult_student_on_e_mail_gets_the_news_by_letter_in_her_language(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, chat, anna_id = await anna(dispatcher, bot, database, clock)
    await chat.send("/settings")
    await chat.click(LanguageChoice(code="en"))
    assert await new_marks(database, clock, i18n, school, "a1", "a2") == 1  # one, by letter
    assert to_anna(await deliver_all(database, bot, clock)) == []  # no Telegram push
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.recipients == [ANNA_MAIL]
    assert letter.header("To") == f"{ANNA_NAME} <{ANNA_MAIL}>"
    assert letter.header("Subject") == "New marks"
    assert f"New marks: {ANNA_NAME}\n• Математика: 5\n• Математика: 5" in plain(letter)
    # The footer's links name her ("s<id>"), not a guardian.
    unsubscribe = letter.header("List-Unsubscribe").strip("<>").rsplit("/", 1)[1]
    signed = verify(SECRET_KEY, UNSUBSCRIBE, unsubscribe, clock.now())
    assert signed is not None
    assert signed.subject == f"s{anna_id}"
    found = re.search(re.escape(PUBLIC_URL) + r"/mail/settings/([A-Za-z0-9._-]+)", plain(letter))
    assert found is not None
    settings = verify(SECRET_KEY, SETTINGS, found.group(1), clock.now())
    assert settings is not None
    assert settings.subject == f"s{anna_id}"


async def test_her_final_grades_come_for_information_and_announcements_to_students(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, _chat, _anna_id = await anna(dispatcher, bot, database, clock)
    await publish(database, clock, i18n, school, [final("f1", "math", "5", student="s2")])
    assert to_anna(await deliver_all(database, bot, clock)) == []
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received
    assert letter.header("Subject").startswith(f"Итоговые оценки: {ANNA_NAME}, ")
    assert "Математика: 5" in plain(letter)
    # Only a legal representative acknowledges: no link, no button, and her letter does
    # not count as her family's in the class teacher's summary.
    assert "/mail/ack/" not in plain(letter)
    assert "Открыть и подтвердить" not in html(letter)
    async with database.unit_of_work() as uow:
        notice = (await uow.session.execute(select(FinalGradeNotice))).scalar_one()
        student = await uow.mail.student(notice.student_id)
        assert student is not None
        lines = await class_lines(uow, student.class_id, notice.period_id)
    assert (notice.channel, notice.account_id, notice.guardian_id) == (
        OutboxChannel.EMAIL, None, None,
    )  # fmt: skip
    assert [line.state for line in lines if line.child == ANNA_NAME] == [FamilyState.NO_ACCESS]
    # A later grade of the period: a new part, the same notice.
    await publish(database, clock, i18n, school, [final("f1", "math", "4", student="s2")])
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    assert "Математика: 4" in plain(smtp_sink.sink.received[1])

    async with database.unit_of_work() as uow:
        sender = await sender_of(uow, TEACHER.id)
        assert sender is not None
        for audience, text in ((Audience.STUDENTS, "Экскурсия"), (Audience.GUARDIANS, "Собрание")):
            broadcast = await send_broadcast(
                uow, clock, i18n, sender, class_id=sender.classes[0].id, audience=audience,
                text=text,
            )  # fmt: skip
            assert broadcast.recipients == 1  # Anna by letter; the father in Telegram
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    announcement = smtp_sink.sink.received[2]
    assert announcement.recipients == [ANNA_MAIL]
    assert "Экскурсия" in plain(announcement)
    assert "Собрание" not in plain(announcement)
    assert to_anna(await deliver_all(database, bot, clock)) == []


async def test_risk_alert_evening_brief_and_forecast_without_a_telegram_link(
    database: Database, clock: FakeClock, i18n: I18n, smtp_sink: RunningSink,
    dispatcher: Dispatcher, bot: RecordingBot,
) -> None:  # fmt: skip
    school, _father, _teacher = await school_with_teacher(dispatcher, bot, database, clock)
    anna_id = await born(database, school, "s2", EIGHTEEN_TODAY)
    await grant_own(database, clock, school, "s2")  # on paper: Anna never uses the bot
    async with database.unit_of_work() as uow:
        await record_contact(
            uow, clock, school, guardian_ref=None, student_ref="s2", email=ANNA_MAIL,
            channel=None, form=ContactForm.PAPER, document_ref="№ 3", actor="test",
            evening_brief=True,
        )  # fmt: skip
    # Without the fixture school's mark of hers (a 4-), so the average is these marks' own.
    failing = [{"external_id": "gr2", "deleted": True}, mark("r1", "2"), mark("r2", "2"),
               mark("r3", "3")]  # fmt: skip
    await sync(database, clock, school, {**WEEK, "grades": failing})
    clock.set(EVENING)
    assert await briefs(database, clock, i18n, school) == 2  # the father's and Anna's
    assert await alerts(database, clock, i18n, school) == 1  # only Anna's marks are bad
    assert await alerts(database, clock, i18n, school) == 0  # the same state: quiet
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [letter] = smtp_sink.sink.received  # both parts due together: one letter
    assert letter.recipients == [ANNA_MAIL]
    assert letter.header("Subject") == "МБОУ СОШ № 7: 2 сообщения из электронного дневника"
    assert f"{ANNA_NAME}, 5А\n1. Математика" in plain(letter)
    assert f"Математика: {ANNA_NAME} — есть риск" in plain(letter)
    async with database.unit_of_work() as uow:
        told = select(RiskAlertState).where(RiskAlertState.state == "failing")
        [state] = list((await uow.session.execute(told)).scalars())
    assert (state.account_id, state.guardian_id, state.reader_student_id, state.student_id) == (
        None, None, anna_id, anna_id,
    )  # fmt: skip

    clock.set(FRIDAY_EVENING)
    assert await digests(database, clock, i18n, school) == 2  # the father's and Anna's
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    digest = smtp_sink.sink.received[1]
    assert digest.header("Subject") == "Прогноз итоговых оценок"
    assert f"Прогноз · {ANNA_NAME}, 5А" in plain(digest)


async def test_form_telegram_both_and_paper(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, _chat, _anna_id = await anna(dispatcher, bot, database, clock, DeliveryChannel.TELEGRAM)
    assert await new_marks(database, clock, i18n, school, "t1") == 1
    assert len(to_anna(await deliver_all(database, bot, clock))) == 1
    assert await letter_rows(database) == []

    await own_address(database, clock, school, "s2", ANNA_MAIL, DeliveryChannel.BOTH)
    assert await new_marks(database, clock, i18n, school, "b1") == 2
    assert len(to_anna(await deliver_all(database, bot, clock))) == 1
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1

    await own_address(database, clock, school, "s2", ANNA_MAIL, DeliveryChannel.PAPER)
    assert await new_marks(database, clock, i18n, school, "p1") == 0  # neither
    assert to_anna(await deliver_all(database, bot, clock)) == []
    assert len(await letter_rows(database)) == 1


async def a_letter_queued_directly(
    database: Database, clock: FakeClock, school: School, anna_id: int
) -> None:
    """A letter part for Anna put in the outbox as a job would: the worker's own check."""
    async with database.unit_of_work() as uow:
        await queue_part(
            uow, ("s", anna_id), school_id=school.id, kind="test", key=f"direct:{clock.now()}",
            subject="x", rendered=Rendered((paragraph("x"),)), locale="ru",
            due_at=clock.now(), now=clock.now(),
        )  # fmt: skip
        await uow.commit()


async def test_a_minor_or_a_student_without_a_birth_date_never_gets_a_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    """The school recorded an address and e-mail for a student by mistake: nothing is
    mailed, and the student's own Telegram pushes go on as if nothing was recorded."""
    school, _chat, anna_id = await anna(
        dispatcher, bot, database, clock, born_on=EIGHTEEN_TODAY + timedelta(days=1)
    )
    for birth_date in (EIGHTEEN_TODAY + timedelta(days=1), None):
        await born(database, school, "s2", birth_date)
        async with database.unit_of_work() as uow:
            assert await reachable_by_mail(uow, [("s", anna_id)], clock.now()) == {}
        assert await new_marks(database, clock, i18n, school, f"m{birth_date}") == 1
        assert len(to_anna(await deliver_all(database, bot, clock))) == 1
        await a_letter_queued_directly(database, clock, school, anna_id)
        report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
        assert (report.sent, report.cancelled) == (0, 1)
    await publish(database, clock, i18n, school, [final("f1", "math", "5", student="s2")])
    assert len(to_anna(await deliver_all(database, bot, clock))) == 1  # in Telegram
    async with database.unit_of_work() as uow:
        sender = await sender_of(uow, TEACHER.id)
        assert sender is not None
        broadcast = await send_broadcast(
            uow, clock, i18n, sender, class_id=sender.classes[0].id,
            audience=Audience.STUDENTS, text="Экскурсия",
        )  # fmt: skip
    assert broadcast.recipients == 1  # her Telegram account
    assert to_anna(await deliver_all(database, bot, clock)) == [
        "📣 <b>5А: классный руководитель Смирнова Ольга Петровна</b>\n\nЭкскурсия"
    ]
    assert [row.kind for row in await letter_rows(database)] == ["test", "test"]
    assert smtp_sink.sink.received == []
    # On her eighteenth birthday her own contact data counts.
    clock.set(datetime(2026, 9, 1, 21, 0, tzinfo=UTC))  # 2 September, 00:00 in Moscow
    await born(database, school, "s2", EIGHTEEN_TODAY + timedelta(days=1))
    assert await new_marks(database, clock, i18n, school, "adult") == 1
    assert to_anna(await deliver_all(database, bot, clock)) == []
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1


async def test_a_withdrawn_consent_stops_her_letters(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school, _chat, _anna_id = await anna(dispatcher, bot, database, clock)
    assert await new_marks(database, clock, i18n, school, "w1") == 1
    await grant_own(database, clock, school, "s2", ConsentState.WITHDRAWN)
    report = await send_all(mail_worker(database, clock, i18n, smtp_sink))
    assert (report.sent, report.cancelled) == (0, 1)
    assert await new_marks(database, clock, i18n, school, "w2") == 0
    assert to_anna(await deliver_all(database, bot, clock)) == []
    assert smtp_sink.sink.received == []
    assert [row.status for row in await letter_rows(database)] == [OutboxStatus.CANCELLED]
