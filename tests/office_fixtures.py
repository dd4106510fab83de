"""A school with two classes and their class teachers, a second school, and browsers that
sign in to the office console by link, for the console's tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import CookieJar, web
from aiohttp.test_utils import TestClient, TestServer

from bot.exchange.service import sync_document
from bot.linking.access import add_admin
from bot.office.signing_in import issue_sign_in_link
from bot.office.staff import Staff, staff_schools
from bot.schools.service import create_school
from bot.services import Services
from db.database import Database
from db.models import AccountLink, AccountRole, School
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.exchange_documents import small_school

ADMIN_ID = 7001
TEACHER_ID = 7002  # class teacher of 5А
OTHER_TEACHER_ID = 7003  # class teacher of 6Б
STRANGER_ID = 7004  # admin of the other school
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')

Client = TestClient[web.Request, web.Application]


@dataclass(frozen=True)
class OfficeSchool:
    school: School
    other: School  # another school, with its own class and families


def two_class_school() -> dict[str, object]:
    document = small_school()
    document["classes"].append(
        {"external_id": "6b", "name": "6Б", "level": "basic", "class_teacher_id": "t2"}
    )
    document["students"].append(
        {"external_id": "s3", "full_name": "Сидоров Иван", "class_id": "6b"}
    )
    document["guardians"] = [
        {"external_id": "g1", "full_name": "Иванова Мария Николаевна", "student_ids": ["s1"]},
        {"external_id": "g2", "full_name": "Петров Игорь Олегович", "student_ids": ["s2"]},
        {"external_id": "g3", "full_name": "Сидорова Анна Павловна", "student_ids": ["s3"]},
    ]
    return document


async def office_school(database: Database, clock: FakeClock) -> OfficeSchool:
    async with database.unit_of_work() as uow:
        school, _ = await create_school(
            uow, clock, SECRET_KEY, name="МБОУ СОШ № 7", timezone="Europe/Moscow", actor="test"
        )
        await sync_document(
            uow, clock, school, two_class_school(), source="test", document_sha256="-",
            actor="test",
        )  # fmt: skip
        other, _ = await create_school(
            uow, clock, SECRET_KEY, name="Гимназия № 2", timezone="Europe/Moscow", actor="test"
        )
        await sync_document(
            uow, clock, other, small_school(), source="test", document_sha256="-", actor="test"
        )
    async with database.unit_of_work() as uow:
        await add_admin(uow, clock, school, ADMIN_ID, actor="test")
    async with database.unit_of_work() as uow:
        await add_admin(uow, clock, other, STRANGER_ID, actor="test")
    await link_teacher(database, clock, school, "t1", TEACHER_ID)
    await link_teacher(database, clock, school, "t2", OTHER_TEACHER_ID)
    return OfficeSchool(school, other)


async def link_teacher(
    database: Database, clock: FakeClock, school: School, external_id: str, telegram_id: int
) -> None:
    """A teacher linked in the bot, as redeeming a teacher code leaves them."""
    async with database.unit_of_work() as uow:
        teacher = await uow.linking.teacher(school.id, external_id)
        assert teacher is not None
        account = await uow.accounts.add(
            telegram_user_id=telegram_id, chat_id=telegram_id, now=clock.now()
        )
        uow.linking.add_link(
            AccountLink(
                account_id=account.id, school_id=school.id, role=AccountRole.TEACHER,
                teacher_id=teacher.id, linked_at=clock.now(),
            )
        )  # fmt: skip
        await uow.commit()


async def staff_member(services: Services, telegram_id: int, school: School) -> Staff:
    async with services.database.unit_of_work() as uow:
        found = [s for s in await staff_schools(uow, telegram_id) if s.school.id == school.id]
    assert found, f"{telegram_id} is not staff of {school.name}"
    return found[0]


async def sign_in_link(services: Services, telegram_id: int, school: School) -> str:
    """The path of a fresh sign-in link (what /office or the CLI would hand out)."""
    staff = await staff_member(services, telegram_id, school)
    async with services.database.unit_of_work() as uow:
        link = await issue_sign_in_link(
            uow, services.clock, services.secret_key, services.settings, staff, actor="test"
        )
    return urlsplit(link.url).path


async def browser(app: web.Application) -> Client:
    """A client that keeps cookies for 127.0.0.1 (aiohttp's jar refuses IP hosts by default)."""
    client = TestClient(TestServer(app), cookie_jar=CookieJar(unsafe=True))
    await client.start_server()
    return client


async def signed_in(client: Client, services: Services, telegram_id: int, school: School) -> None:
    path = await sign_in_link(services, telegram_id, school)
    response = await client.post(path, allow_redirects=False)
    assert response.status == 303, await response.text()


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


async def csrf_for(client: Client, path: str = "/office/") -> str:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    return csrf_of(await response.text())


async def class_id(services: Services, school: School, name: str) -> int:
    async with services.database.unit_of_work() as uow:
        found = await uow.linking.class_by_name(school.id, name)
    assert found is not None
    return found.id


async def guardian_id(services: Services, school: School, external_id: str) -> int:
    async with services.database.unit_of_work() as uow:
        found = await uow.linking.guardian(school.id, external_id)
    assert found is not None
    return found.id
