"""The letter settings link in every letter's footer and the evening brief by letter, on
both databases: a GET shows and changes nothing, only a POST changes the choice (audited);
a bad answer, a forged, expired or foreign link, or a withdrawn consent change nothing; the
brief reaches a family on e-mail at the in-process SMTP server only when it chose it, and
only while its form includes e-mail and its consent stands."""

from __future__ import annotations

import re
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.app import build_web_app
from bot.contacts.register import record_contact
from bot.services import Services
from bot.web.mail import CONTENT_SECURITY_POLICY
from db.database import Database
from db.models import (
    AuditEvent,
    ConsentState,
    ContactForm,
    DeliveryChannel,
    MailPreference,
    School,
)
from tests.conftest import ClientFactory
from tests.doubles.clock import FakeClock
from tests.doubles.recording_session import RecordingBot
from tests.mail_fixtures import (
    PUBLIC_URL,
    Received,
    RunningSink,
    address,
    grant,
    mail_worker,
    send_all,
    smtp_sink,
)
from tests.test_change_pushes import deliver, family, grade, run_job, sync
from tests.test_evening_brief import EVENING, WEEK, briefs

__all__ = ["smtp_sink"]
MOTHER = "maria@example.ru"
FATHER = "sergey@example.ru"
_SETTINGS_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/mail/settings/[A-Za-z0-9._-]+)")


def settings_path(letter: Received) -> str:
    """The path of the letter's settings link, the same in both parts."""
    plain, html = letter.message.get_body(("plain",)), letter.message.get_body(("html",))
    assert plain is not None
    assert html is not None
    [in_text] = _SETTINGS_LINK.findall(plain.get_content())
    assert _SETTINGS_LINK.findall(html.get_content()) == [in_text]
    return str(in_text)


async def mailed_family(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, sink: RunningSink,
) -> tuple[School, Received]:  # fmt: skip
    """The father (g2) in Telegram; the mother (g1) known only by her address, sent a letter
    with the news of a mark."""
    school = await family(dispatcher, bot, database, clock)
    await grant(database, clock, school, "g1")
    await address(database, clock, school, "g1", MOTHER)
    await sync(database, clock, school, {"grades": [grade("n1", "5")]})
    clock.advance(timedelta(minutes=11))
    assert await run_job(database, clock, i18n) == 2
    await deliver(database, bot, clock)
    bot.session.clear()
    assert (await send_all(mail_worker(database, clock, i18n, sink))).sent == 1
    [letter] = sink.sink.received
    sink.sink.received.clear()
    return school, letter


async def choices(database: Database) -> list[tuple[int | None, bool, str]]:
    async with database.unit_of_work() as uow:
        rows = await uow.session.execute(select(MailPreference).order_by(MailPreference.id))
        return [(row.guardian_id, row.evening_brief, row.changed_by) for row in rows.scalars()]


async def changes(database: Database) -> list[dict[str, object]]:
    async with database.unit_of_work() as uow:
        found = await uow.session.execute(
            select(AuditEvent.details)
            .where(AuditEvent.action == "contact.preference_changed")
            .order_by(AuditEvent.id)
        )
        return list(found.scalars())


async def test_a_get_shows_the_choice_and_only_a_post_changes_it(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    school, letter = await mailed_family(dispatcher, bot, database, clock, i18n, smtp_sink)
    path = settings_path(letter)
    async with database.unit_of_work() as uow:
        mother = await uow.linking.guardian(school.id, "g1")
    assert mother is not None
    assert path.startswith(f"/mail/settings/settings.g{mother.id}.")
    client = await client_for(build_web_app(services))

    for _ in range(2):  # a mail scanner opening the link twice changes nothing
        shown = await client.get(path)
        assert shown.status == 200
        page = await shown.text()
        assert "Письма для Иванова Мария Николаевна" in page
        assert '<input type="radio" name="evening_brief" value="off" checked>' in page
        assert '<input type="radio" name="evening_brief" value="on">' in page
        assert "<script" not in page
    assert shown.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert shown.headers["Cache-Control"] == "no-store"
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    assert shown.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert await choices(database) == []
    assert await changes(database) == []

    chosen = await client.post(path, data={"evening_brief": "on"})
    assert chosen.status == 200
    page = await chosen.text()
    assert "Сохранено. Вечернее письмо о завтрашнем дне: отправляется каждый учебный вечер." in page
    assert '<input type="radio" name="evening_brief" value="on" checked>' in page
    assert chosen.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert await choices(database) == [(mother.id, True, "system:mail:settings")]
    assert await changes(database) == [{"evening_brief": True, "via": "letter"}]
    assert (await client.post(path, data={"evening_brief": "on"})).status == 200
    assert len(await changes(database)) == 1  # the same answer again: no change to audit

    for bad in ({"evening_brief": "yes"}, {"evening_brief": ""}, {}, {"evening_brief": "on\n"}):
        refused = await client.post(path, data=bad)
        assert refused.status == 400, bad
        assert "Выберите один из двух ответов." in await refused.text()
    assert await choices(database) == [(mother.id, True, "system:mail:settings")]
    assert len(await changes(database)) == 1

    assert (await client.post(path, data={"evening_brief": "off"})).status == 200
    assert await choices(database) == [(mother.id, False, "system:mail:settings")]
    assert [c["evening_brief"] for c in await changes(database)] == [True, False]


async def test_a_forged_expired_foreign_or_withdrawn_link_is_refused(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    school, letter = await mailed_family(dispatcher, bot, database, clock, i18n, smtp_sink)
    path = settings_path(letter)
    unsubscribe = letter.header("List-Unsubscribe").strip("<>").removeprefix(PUBLIC_URL)
    client = await client_for(build_web_app(services))
    head, mac = path.rsplit(".", 1)
    purpose, subject, expiry = head.removeprefix("/mail/settings/").split(".")
    wrong = [
        f"{head}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}",  # forged
        f"/mail/settings/{purpose}.g{int(subject[1:]) + 1}.{expiry}.{mac}",  # the father's
        f"/mail/settings/{purpose}.{subject}.{int(expiry) + 86400}.{mac}",  # a later expiry
        unsubscribe.replace("/mail/unsubscribe/", "/mail/settings/"),  # another purpose
        "/mail/settings/x",
    ]
    for url in wrong:
        for method in (client.get, client.post):
            answer = await method(url, data={"evening_brief": "on"})
            assert answer.status == 404, url
            assert "Ссылка недействительна" in await answer.text()
            assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    # The settings link does not unsubscribe either.
    as_unsubscribe = "/mail/unsubscribe/" + path.removeprefix("/mail/settings/")
    assert (await client.post(as_unsubscribe)).status == 404

    sent_at = clock.now()
    clock.advance(timedelta(days=401))  # long after the letter: the link has expired
    assert (await client.get(path)).status == 404
    assert (await client.post(path, data={"evening_brief": "on"})).status == 404
    clock.set(sent_at + timedelta(days=1))
    await grant(database, clock, school, "g1", ConsentState.WITHDRAWN)
    assert (await client.get(path)).status == 404
    assert (await client.post(path, data={"evening_brief": "on"})).status == 404
    assert await choices(database) == []
    assert await changes(database) == []


async def test_the_brief_reaches_a_family_on_e_mail_only_when_chosen(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink, services: Services, client_for: ClientFactory,
) -> None:  # fmt: skip
    school, letter = await mailed_family(dispatcher, bot, database, clock, i18n, smtp_sink)
    await sync(database, clock, school, WEEK)
    worker = mail_worker(database, clock, i18n, smtp_sink)
    clock.set(EVENING)
    assert await briefs(database, clock, i18n, school) == 1  # the father's, in Telegram
    assert len(await deliver(database, bot, clock)) == 1
    assert (await send_all(worker)).sent == 0  # not chosen: no letter

    client = await client_for(build_web_app(services))
    assert (await client.post(settings_path(letter), data={"evening_brief": "on"})).status == 200
    assert await briefs(database, clock, i18n, school) == 1  # now hers too
    assert await briefs(database, clock, i18n, school) == 0  # once per evening
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    [brief] = smtp_sink.sink.received
    assert brief.recipients == [MOTHER]
    assert brief.header("Subject") == "Завтра в школе"
    plain = brief.message.get_body(("plain",))
    assert plain is not None
    content = plain.get_content()
    # Both her children in one letter, once.
    assert content.count("Завтра, ср, 2 сентября") == 1
    assert "Иванов Пётр Сергеевич, 5А" in content
    assert "Петрова Анна Игоревна, 5А" in content
    assert "Дроби <1/2>" in content
    same_person = settings_path(letter).rsplit(".", 2)[0]
    assert settings_path(brief).startswith(same_person + ".")  # the brief's letter has it too

    # Wednesday evening: she chose paper; Thursday evening: e-mail again, but withdrawn.
    clock.set(EVENING + timedelta(days=1))
    await address(database, clock, school, "g1", MOTHER, DeliveryChannel.PAPER)
    assert await briefs(database, clock, i18n, school) == 1  # the father's only
    clock.set(EVENING + timedelta(days=2))
    await address(database, clock, school, "g1", MOTHER, DeliveryChannel.EMAIL)
    await grant(database, clock, school, "g1", ConsentState.WITHDRAWN)
    assert await briefs(database, clock, i18n, school) == 1
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 0
    assert len(smtp_sink.sink.received) == 1


async def test_a_linked_family_on_both_gets_the_brief_twice_when_it_chose_letters(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock,
    i18n: I18n, smtp_sink: RunningSink,
) -> None:  # fmt: skip
    school = await family(dispatcher, bot, database, clock)  # the father, linked
    await sync(database, clock, school, WEEK)
    async with database.unit_of_work() as uow:
        await record_contact(
            uow, clock, school, guardian_ref="g2", student_ref=None, email=FATHER,
            channel=DeliveryChannel.BOTH, form=ContactForm.PAPER, document_ref="№ 3",
            actor="test", evening_brief=True,
        )  # fmt: skip
    clock.set(EVENING)
    assert await briefs(database, clock, i18n, school) == 2  # Telegram and a letter part
    [text] = await deliver(database, bot, clock)
    assert text.startswith("🌙 <b>Завтра, ср, 2 сентября</b>")
    assert (await send_all(mail_worker(database, clock, i18n, smtp_sink))).sent == 1
    assert smtp_sink.sink.received[0].recipients == [FATHER]


def test_the_letter_settings_link_is_masked_in_the_access_log() -> None:
    from bot.web.access_log import mask_secrets

    token = "settings.g12.1900000000.AAAAAAAAAAAAAAAAAAAAAAAA"
    assert mask_secrets(f"/mail/settings/{token}") == "/mail/settings/***"
    assert mask_secrets("/mail/settings/") == "/mail/settings/"
