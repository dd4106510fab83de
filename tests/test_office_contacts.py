"""The office console's contacts page: a class's families with the address, the chosen and
the effective form; recording and removing from a family's statement through the same
service as ``ediary contacts``; refusals next to their field with nothing changed; other
classes' and schools' ids; hostile input."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.linking.issuing import record_consent
from bot.services import Services
from db.models import (
    AuditEvent,
    ConsentForm,
    ConsentState,
    ContactForm,
    ContactRecord,
    DeliveryChannel,
)
from tests.doubles.clock import FakeClock
from tests.linking_fixtures import born
from tests.mail_fixtures import grant
from tests.office_fixtures import (
    ADMIN_ID,
    OTHER_TEACHER_ID,
    TEACHER_ID,
    Client,
    OfficeSchool,
    browser,
    class_id,
    csrf_for,
    guardian_id,
    office_school,
    signed_in,
)

Browsers = Callable[[int], Awaitable[Client]]
MOTHER = "maria@example.ru"


@pytest.fixture
async def place(services: Services) -> OfficeSchool:
    clock = services.clock
    assert isinstance(clock, FakeClock)
    found = await office_school(services.database, clock)
    for family in ("g1", "g3"):  # g2 has no consent on record
        await grant(services.database, clock, found.school, family)
    return found


@pytest.fixture
async def signed_in_as(services: Services, place: OfficeSchool) -> AsyncIterator[Browsers]:
    opened: list[Client] = []

    async def open_as(telegram_id: int) -> Client:
        client = await browser(build_web_app(services))
        opened.append(client)
        await signed_in(client, services, telegram_id, place.school)
        return client

    yield open_as
    for client in opened:
        await client.close()


async def records(services: Services) -> list[ContactRecord]:
    async with services.database.unit_of_work() as uow:
        found = await uow.session.execute(select(ContactRecord).order_by(ContactRecord.id))
        return list(found.scalars())


async def contact_audits(services: Services) -> int:
    async with services.database.unit_of_work() as uow:
        count = await uow.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("contact.%"))
        )
    return int(count or 0)


def change(csrf: str, person: str, **fields: str) -> dict[str, str]:
    return {"csrf": csrf, "person": person, "form": "paper", "action": "record", **fields}


async def five_a_page(services: Services, place: OfficeSchool, client: Client) -> str:
    five_a = await class_id(services, place.school, "5А")
    return f"/office/contacts?class={five_a}"


async def test_the_page_lists_the_class_with_the_effective_form(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)
    response = await teacher.get("/office/contacts")  # the first of their classes
    assert response.status == 200
    page = await response.text()
    assert "Контакты и форма доставки · 5А" in page
    assert "Иванова Мария Николаевна" in page
    assert "Петров Игорь Олегович" in page
    assert "Сидорова Анна Павловна" not in page  # 6Б
    assert page.count('class="effective-paper"') == 2  # nobody linked, no address yet
    assert 'href="/office/contacts" aria-current="page"' in page


async def test_recording_an_address_and_the_agreed_form(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    g1 = await guardian_id(services, place.school, "g1")
    csrf = await csrf_for(admin, path)
    response = await admin.post(
        path,
        data=change(csrf, f"g{g1}", email=" Maria@EXAMPLE.ru ", channel="email",
                    form="electronic", document="№ 14 от 02.09.2026"),
        allow_redirects=False,
    )  # fmt: skip
    assert response.status == 303
    assert response.headers["Location"] == f"{path}&saved=1"
    [record] = await records(services)
    assert record.email == "Maria@example.ru"
    assert record.channel == DeliveryChannel.EMAIL
    assert record.form == ContactForm.ELECTRONIC
    assert record.document_ref == "№ 14 от 02.09.2026"
    assert record.recorded_by == f"office:{ADMIN_ID}"
    assert await contact_audits(services) == 1
    page = await (await admin.get(f"{path}&saved=1")).text()
    assert "Сохранено" in page
    assert "Maria@example.ru" in page
    assert f'<tr id="g{g1}" class="effective-email">' in page
    # Then only the form: the address stays; then the address removed: the rule falls back.
    await admin.post(path, data=change(csrf, f"g{g1}", channel="both"))
    removed = await admin.post(
        path, data=change(csrf, f"g{g1}", action="remove", document="№ 20 от 01.10.2026"),
        allow_redirects=False,
    )  # fmt: skip
    assert removed.status == 303
    _first, second, third = await records(services)
    assert (second.email, second.channel) == ("Maria@example.ru", DeliveryChannel.BOTH)
    assert (third.email, third.document_ref) == (None, "№ 20 от 01.10.2026")
    assert f'<tr id="g{g1}" class="effective-paper">' in await (await admin.get(path)).text()
    audit = await (await admin.get("/office/audit?kind=contacts")).text()
    assert audit.count("contact.recorded") == 2
    assert "contact.removed" in audit


@pytest.mark.parametrize(
    ("person", "fields", "field", "message"),
    [
        ("g2", {"email": MOTHER}, "person",
         "Контактные данные хранятся только при данном согласии"),
        ("g1", {"email": "maria(at)example.ru"}, "email",
         "Этот адрес электронной почты не подходит"),
        ("g1", {"channel": "email"}, "email", "Для электронной почты нужен адрес"),
        ("g1", {"channel": "both"}, "email", "Для электронной почты нужен адрес"),
        ("g1", {}, "email",
         "Укажите адрес, выберите форму доставки или измените вечернее письмо."),
        ("g1", {"email": MOTHER, "document": "№ 1" + "\x00"}, "document",
         "В реквизитах заявления есть скрытый символ."),
        ("g1", {"email": MOTHER, "document": "№" * 201}, "document",
         "Реквизиты заявления — не длиннее 200 символов."),
        ("g1", {"action": "remove"}, "email", "Адреса, который можно удалить, нет."),
        ("g1", {"email": MOTHER, "channel": "pigeon"}, "channel",
         "Выберите форму доставки из списка."),
        ("g1", {"email": MOTHER, "form": "bot"}, "form",
         "Выберите: бумажная или электронная форма."),
    ],
)  # fmt: skip
async def test_a_refusal_is_shown_next_to_its_field_and_nothing_changes(
    services: Services, place: OfficeSchool, signed_in_as: Browsers,
    person: str, fields: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    key = f"g{await guardian_id(services, place.school, person)}"
    csrf = await csrf_for(admin, path)
    response = await admin.post(path, data=change(csrf, key, **fields))
    assert response.status == 400
    page = await response.text()
    assert "Ничего не сохранено" in page
    assert f'<p class="field-error" id="{key}-{field}-error">{message}' in page
    assert await records(services) == []
    assert await contact_audits(services) == 0


async def test_a_form_without_its_csrf_token_changes_nothing(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    g1 = await guardian_id(services, place.school, "g1")
    for token in ("", "forged"):
        response = await admin.post(path, data=change(token, f"g{g1}", email=MOTHER))
        assert response.status == 403
        assert "Форма устарела" in await response.text()
    assert await records(services) == []


async def test_a_teacher_reaches_only_their_own_classes(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)  # class teacher of 5А
    six_b = await class_id(services, place.school, "6Б")
    foreign = await class_id(services, place.other, "5А")
    assert (await teacher.get(f"/office/contacts?class={six_b}")).status == 403
    assert (await teacher.get(f"/office/contacts?class={foreign}")).status == 404
    assert (await teacher.get("/office/contacts?class=999999")).status == 404
    csrf = await csrf_for(teacher, "/office/contacts")
    g3 = await guardian_id(services, place.school, "g3")  # a family of 6Б
    stranger = await guardian_id(services, place.other, "g1")
    assert (await teacher.post("/office/contacts", data=change(csrf, f"g{g3}", email=MOTHER))
            ).status == 403  # fmt: skip
    for person in (f"g{stranger}", "g999999", "x1", "g-1", "", "g" + "9" * 40):
        response = await teacher.post("/office/contacts", data=change(csrf, person, email=MOTHER))
        assert response.status == 404, person
    assert await records(services) == []
    other = await signed_in_as(OTHER_TEACHER_ID)  # 6Б's teacher: their family is theirs
    csrf = await csrf_for(other, "/office/contacts")
    own = await other.post(
        "/office/contacts", data=change(csrf, f"g{g3}", email=MOTHER), allow_redirects=False
    )
    assert own.status == 303
    assert [r.guardian_id for r in await records(services)] == [g3]


@pytest.mark.parametrize(
    "email",
    [
        f"{MOTHER}\r\nBcc: thief@example.com",
        f"{MOTHER}\r\n",  # refused, not trimmed away
        f"{MOTHER}\n",
        "maria@exam\u202eple.ru",
        "a" * 200_000 + "@example.ru",
    ],
)
async def test_hostile_input_is_refused(
    services: Services, place: OfficeSchool, signed_in_as: Browsers, email: str
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    key = f"g{await guardian_id(services, place.school, 'g1')}"
    csrf = await csrf_for(admin, path)
    response = await admin.post(path, data=change(csrf, key, email=email, document="№ 1"))
    assert response.status == 400
    page = await response.text()
    assert f'id="{key}-email-error"' in page
    assert await records(services) == []
    huge = await admin.post(path, data=change(csrf, key, email=MOTHER, document="x" * 300_000))
    assert huge.status == 400
    assert f'id="{key}-document-error"' in await huge.text()
    assert await records(services) == []


async def test_an_adult_students_own_contact_data(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    await born(services.database, place.school, "s2", date(2000, 5, 5))
    async with services.database.unit_of_work() as uow:
        await record_consent(
            uow, services.clock, place.school, guardian_ref=None, student_ref="s2",
            state=ConsentState.GRANTED, form=ConsentForm.PAPER, document_ref=None, actor="test",
        )  # fmt: skip
        student = await uow.linking.student(place.school.id, "s2")
    assert student is not None
    other = await signed_in_as(OTHER_TEACHER_ID)  # 6Б's teacher: s2 is in 5А
    csrf = await csrf_for(other, "/office/contacts")
    refused = await other.post(
        "/office/contacts", data=change(csrf, f"s{student.id}", email=MOTHER)
    )
    assert refused.status == 403
    assert await records(services) == []
    admin = await signed_in_as(ADMIN_ID)
    path = await five_a_page(services, place, admin)
    csrf = await csrf_for(admin, path)
    response = await admin.post(
        path, data=change(csrf, f"s{student.id}", email="petr@example.ru"), allow_redirects=False
    )
    assert response.status == 303
    [record] = await records(services)
    assert (record.student_id, record.guardian_id, record.email) == (
        student.id, None, "petr@example.ru",
    )  # fmt: skip
    page = await (await admin.get(path)).text()
    assert f'<tr id="s{student.id}" class="effective-email">' in page
    assert "совершеннолетний ученик" in page
