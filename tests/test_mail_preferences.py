"""The evening brief by letter set by the school, on both databases: ``ediary contacts set
--evening-brief/--no-evening-brief`` and ``contacts list``; the office console's checkbox
(signed in, with its CSRF token, audited, a stale form undoing nothing); refusals that
change nothing; /privacy; erasure with the addresses 30 days after a withdrawal."""

from __future__ import annotations

import json
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import URL

from bot.contacts.register import record_contact
from bot.handlers.linking import ConsentChoice
from bot.linking.erasure import erase_withdrawn_accounts
from bot.services import Services
from db.database import Database
from db.models import AuditEvent, ConsentState, ContactForm, ContactRecord, MailPreference, School
from tests.doubles.clock import FakeClock
from tests.doubles.conversation import BotConversation
from tests.doubles.recording_session import RecordingBot
from tests.linking_fixtures import issue, school_with_families
from tests.office_fixtures import ADMIN_ID, OfficeSchool, csrf_for, guardian_id
from tests.test_contacts import FATHER, consent
from tests.test_contacts_cli import ediary, granted, runner
from tests.test_office_contacts import (
    Browsers,
    change,
    five_a_page,
    place,
    records,
    signed_in_as,
)

__all__ = ["place", "runner", "signed_in_as"]
MOTHER = "maria@example.ru"
CHANGED = "contact.preference_changed"


async def choices(database: Database) -> dict[tuple[str, int], tuple[bool, str]]:
    async with database.unit_of_work() as uow:
        rows = (await uow.session.execute(select(MailPreference))).scalars()
        return {
            ("g", row.guardian_id) if row.guardian_id else ("s", row.student_id or 0): (
                row.evening_brief,
                row.changed_by,
            )
            for row in rows
        }


async def audited(database: Database, action: str = CHANGED) -> list[dict[str, object]]:
    async with database.unit_of_work() as uow:
        found = await uow.session.execute(
            select(AuditEvent.details).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return list(found.scalars())


async def brief(
    database: Database, clock: FakeClock, school: School, guardian: str, chosen: bool,
    email: str | None = None,
) -> None:  # fmt: skip
    async with database.unit_of_work() as uow:
        await record_contact(
            uow, clock, school, guardian_ref=guardian, student_ref=None, email=email,
            channel=None, form=ContactForm.PAPER, document_ref=None, actor="test",
            evening_brief=chosen,
        )  # fmt: skip


async def test_the_command_line_sets_and_lists_the_evening_brief(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    await granted(runner, database_url, "--guardian", "g2")
    await granted(runner, database_url, "--student", "s2")
    chosen = await ediary(
        runner, database_url, "contacts", "set", "--school", "1", "--guardian", "g2",
        "--email", "sergey@mail.ru", "--evening-brief", "--document", "№ 14", "--json",
    )  # fmt: skip
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["evening_brief"] is True
    listed = await ediary(runner, database_url, "contacts", "list", "--school", "1", "--json")
    by_person = {(row["role"], row["external_id"]): row for row in json.loads(listed.stdout)}
    assert by_person[("guardian", "g2")]["evening_brief"] is True
    assert by_person[("guardian", "g1")]["evening_brief"] is False
    text = await ediary(runner, database_url, "contacts", "list", "--school", "1")
    line = next(line for line in text.stdout.splitlines() if "Иванов Сергей" in line)
    assert line.split()[-4:] == ["sergey@mail.ru", "—", "email", "brief"]

    # Only the brief: no new entry in the contact history, the address stays.
    off = await ediary(runner, database_url, "contacts", "set", "--school", "1",
                       "--guardian", "g2", "--no-evening-brief")  # fmt: skip
    assert off.exit_code == 0, off.output
    assert off.stdout == (
        "Иванов Сергей Петрович: sergey@mail.ru, form of delivery not chosen, "
        "evening brief by letter no\n"
    )
    again = await ediary(runner, database_url, "contacts", "set", "--school", "1",
                         "--guardian", "g2", "--no-evening-brief")  # fmt: skip
    assert again.exit_code == 0, again.output
    async with database.unit_of_work() as uow:
        entries = list((await uow.session.execute(select(ContactRecord))).scalars())
        g2 = await uow.linking.guardian(1, "g2")
    assert g2 is not None
    assert [entry.email for entry in entries] == ["sergey@mail.ru"]
    assert [event["evening_brief"] for event in await audited(database)] == [True, False]
    assert (await audited(database))[0]["document"] == "№ 14"
    assert (await choices(database))[("g", g2.id)][0] is False

    # An adult student's own choice, listed even without an address.
    adult = await ediary(runner, database_url, "contacts", "set", "--school", "1",
                         "--student", "s2", "--evening-brief")  # fmt: skip
    assert adult.exit_code == 0, adult.output
    listed = await ediary(runner, database_url, "contacts", "list", "--school", "1", "--json")
    rows = {(row["role"], row["external_id"]): row for row in json.loads(listed.stdout)}
    assert (rows[("student", "s2")]["email"], rows[("student", "s2")]["evening_brief"]) == (
        None,
        True,
    )


async def test_the_command_line_refuses_the_brief_without_a_consent(
    runner: CliRunner, database_url: URL, database: Database, clock: FakeClock
) -> None:
    await school_with_families(database, clock)
    for person, message in (("g1", "no consent on record"), ("g404", "no guardian 'g404'")):
        result = await ediary(runner, database_url, "contacts", "set", "--school", "1",
                              "--guardian", person, "--evening-brief")  # fmt: skip
        assert result.exit_code == 1
        assert result.stderr.startswith("ediary: ")
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
    assert await choices(database) == {}
    assert await audited(database) == []


def row_of(page: str, key: str) -> str:
    start = page.index(f'<tr id="{key}"')
    return page[start : page.index("</tr>", start)]


async def test_the_office_ticks_and_unticks_the_evening_letter(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    g1 = await guardian_id(services, place.school, "g1")
    key = f"g{g1}"
    page = await (await admin.get(path)).text()
    assert '<input type="hidden" name="brief_shown" value="0">' in row_of(page, key)
    csrf = await csrf_for(admin, path)

    ticked = await admin.post(
        path, data=change(csrf, key, brief_shown="0", evening_brief="1", document="№ 5"),
        allow_redirects=False,
    )  # fmt: skip
    assert ticked.status == 303
    assert await records(services) == []  # no address or form: no contact entry
    assert await choices(services.database) == {("g", g1): (True, f"office:{ADMIN_ID}")}
    assert await audited(services.database) == [
        {"evening_brief": True, "form": "paper", "document": "№ 5"}
    ]
    row = row_of(await (await admin.get(path)).text(), key)
    assert 'name="evening_brief" value="1" checked' in row
    assert '<input type="hidden" name="brief_shown" value="1">' in row
    assert "+ вечернее письмо о завтрашнем дне" not in row  # no address: it goes nowhere yet
    audit = await (await admin.get("/office/audit?kind=contacts")).text()
    assert CHANGED in audit

    # A form shown before that change, sent with an address: the choice is not undone.
    stale = change(csrf, key, brief_shown="0", email=MOTHER)
    assert (await admin.post(path, data=stale, allow_redirects=False)).status == 303
    assert [r.email for r in await records(services)] == [MOTHER]
    assert (await choices(services.database))[("g", g1)][0] is True
    row = row_of(await (await admin.get(path)).text(), key)
    assert f'<tr id="{key}" class="effective-email">' in row
    assert "+ вечернее письмо о завтрашнем дне" in row

    unticked = change(csrf, key, brief_shown="1")
    assert (await admin.post(path, data=unticked, allow_redirects=False)).status == 303
    assert (await choices(services.database))[("g", g1)][0] is False
    assert [event["evening_brief"] for event in await audited(services.database)] == [True, False]


async def test_the_office_checkbox_refusals_change_nothing(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    g1 = f"g{await guardian_id(services, place.school, 'g1')}"
    g2 = f"g{await guardian_id(services, place.school, 'g2')}"  # no consent on record
    csrf = await csrf_for(admin, path)
    untouched = await admin.post(path, data=change(csrf, g1, brief_shown="0"))
    assert untouched.status == 400
    assert "Укажите адрес, выберите форму доставки или измените вечернее письмо." in (
        await untouched.text()
    )
    no_consent = await admin.post(path, data=change(csrf, g2, brief_shown="0", evening_brief="1"))
    assert no_consent.status == 400
    page = await no_consent.text()
    assert f'id="{g2}-person-error">Контактные данные хранятся только при данном согласии' in page
    assert 'name="evening_brief" value="1" checked' in row_of(page, g2)  # kept as ticked
    for token in ("", "forged"):
        forged = await admin.post(path, data=change(token, g1, brief_shown="0", evening_brief="1"))
        assert forged.status == 403
    assert (await admin.post("/office/sign-out", data={"csrf": csrf})).status == 200
    signed_out = await admin.post(
        path, data=change(csrf, g1, brief_shown="0", evening_brief="1"), allow_redirects=False
    )
    assert signed_out.status == 401
    assert await choices(services.database) == {}
    assert await audited(services.database) == []


async def test_the_choice_is_erased_30_days_after_a_withdrawal(
    database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    for guardian in ("g1", "g2"):
        await consent(database, clock, school, ConsentState.GRANTED, guardian=guardian)
    await brief(database, clock, school, "g1", True)  # no address: kept while consented
    await brief(database, clock, school, "g2", True, email="sergey@mail.ru")
    await consent(database, clock, school, ConsentState.WITHDRAWN, guardian="g2")
    clock.advance(timedelta(days=29))
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)
    assert len(await choices(database)) == 2
    clock.advance(timedelta(days=2))
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)
        g1 = await uow.linking.guardian(school.id, "g1")
    assert g1 is not None
    assert await choices(database) == {("g", g1.id): (True, "test")}
    assert await audited(database, "contacts.erased") == [{"entries": 1, "letter_choices": 1}]
    async with database.unit_of_work() as uow:
        await erase_withdrawn_accounts(uow, clock)  # idempotent
    assert len(await audited(database, "contacts.erased")) == 1


async def test_privacy_shows_the_brief_chosen_by_letter(
    dispatcher: Dispatcher, bot: RecordingBot, database: Database, clock: FakeClock
) -> None:
    school = await school_with_families(database, clock)
    code = (await issue(database, clock, school, "guardian", "g2"))[0]
    father = BotConversation(dispatcher, bot, FATHER)
    await father.send(code.compact)
    await father.click(ConsentChoice(agree=True))
    await brief(database, clock, school, "g2", True, email="sergey@mail.ru")
    [shown] = [c.text for c in await father.send("/privacy") if isinstance(c, SendMessage)]
    assert "Выбрано по электронной почте: вечернее письмо о завтрашнем дне." in shown
    await brief(database, clock, school, "g2", False)
    [shown] = [c.text for c in await father.send("/privacy") if isinstance(c, SendMessage)]
    assert "вечернее письмо" not in shown
