"""The office console's overview and consent register: what each role sees, recording
paper decisions for several families, the history, and refusals of other classes' ids."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import func, select

from bot.app import build_web_app
from bot.services import Services
from db.models import ConsentRecord, ConsentState
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


@pytest.fixture
async def place(services: Services) -> OfficeSchool:
    return await office_school(services.database, services.clock)  # type: ignore[arg-type]


@pytest.fixture
async def signed_in_as(services: Services, place: OfficeSchool) -> AsyncIterator[Browsers]:
    opened: list[Client] = []

    async def open_as(telegram_id: int) -> Client:
        client = await browser(build_web_app(services))
        opened.append(client)
        school = place.other if telegram_id == 7004 else place.school
        await signed_in(client, services, telegram_id, school)
        return client

    yield open_as
    for client in opened:
        await client.close()


async def consent_count(services: Services) -> int:
    async with services.database.unit_of_work() as uow:
        count = await uow.session.scalar(select(func.count()).select_from(ConsentRecord))
    return int(count or 0)


def decision(csrf: str, *guardians: int, **changes: str) -> dict[str, object]:
    return {
        "csrf": csrf,
        "guardian": [str(g) for g in guardians],
        "state": "granted",
        "form": "paper",
        "number": "12",
        "date": "2026-08-31",
        **changes,
    }


async def test_the_overview_counts_families_by_state(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    first = await guardian_id(services, place.school, "g1")
    csrf = await csrf_for(admin)
    five_a = await class_id(services, place.school, "5А")
    recorded = await admin.post(
        f"/office/register?class={five_a}",
        data=decision(csrf, first, state="refused"),
        allow_redirects=False,
    )
    assert recorded.status == 303
    page = await (await admin.get("/office/")).text()
    # 5А: g1 refused, g2 no record; 6Б: g3 no record.
    assert "<td>0</td><td>0</td><td>1</td><td>0</td><td>1</td>" in page
    assert "<td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>" in page


async def test_recording_for_several_families_at_once(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    five_a = await class_id(services, place.school, "5А")
    g1 = await guardian_id(services, place.school, "g1")
    g2 = await guardian_id(services, place.school, "g2")
    csrf = await csrf_for(admin, f"/office/register?class={five_a}")
    response = await admin.post(f"/office/register?class={five_a}", data=decision(csrf, g1, g2))
    assert response.status == 200
    page = await response.text()
    assert "Записано для 2 семей." in page
    assert page.count("согласие есть, не подключены") == 2
    async with services.database.unit_of_work() as uow:
        records = list((await uow.session.execute(select(ConsentRecord))).scalars())
    assert {r.state for r in records} == {ConsentState.GRANTED}
    assert {r.document_ref for r in records} == {"№ 12 от 31.08.2026"}
    assert {r.recorded_by for r in records} == {f"office:{ADMIN_ID}"}


async def test_history_is_append_only(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    five_a = await class_id(services, place.school, "5А")
    g1 = await guardian_id(services, place.school, "g1")
    csrf = await csrf_for(admin)
    await admin.post(f"/office/register?class={five_a}", data=decision(csrf, g1))
    await admin.post(
        f"/office/register?class={five_a}",
        data=decision(csrf, g1, state="withdrawn", number="14", date="2026-09-01"),
    )
    history = await admin.get(f"/office/families/{g1}")
    assert history.status == 200
    text = await history.text()
    assert text.index("№ 14 от 01.09.2026") < text.index("№ 12 от 31.08.2026")  # newest first
    assert "отозвано" in text
    assert await consent_count(services) == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"state": "maybe"}, "state", "Выберите решение."),
        ({"form": "oral"}, "form", "Выберите: бумажная или электронная форма."),
        ({"number": ""}, "number", "Укажите номер документа."),
        ({"number": "1" * 51}, "number", "Номер — не длиннее 50 символов."),
        ({"date": "31.08.2026"}, "date", "Укажите дату документа."),
        ({"date": "2026-09-02"}, "date", "Дата — не раньше чем год назад и не в будущем."),
        ({"date": "2024-01-01"}, "date", "Дата — не раньше чем год назад и не в будущем."),
    ],
)
async def test_a_bad_decision_is_refused_next_to_its_field(
    services: Services, place: OfficeSchool, signed_in_as: Browsers,
    changes: dict[str, str], field: str, message: str,
) -> None:  # fmt: skip
    admin = await signed_in_as(ADMIN_ID)
    five_a = await class_id(services, place.school, "5А")
    g1 = await guardian_id(services, place.school, "g1")
    csrf = await csrf_for(admin)
    response = await admin.post(
        f"/office/register?class={five_a}", data=decision(csrf, g1, **changes)
    )
    assert response.status == 400
    page = await response.text()
    assert message in page
    assert "Ничего не сохранено" in page
    if field in ("number", "date"):
        assert f'id="{field}-error"' in page
    assert await consent_count(services) == 0


async def test_no_family_chosen_is_refused(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    csrf = await csrf_for(admin)
    response = await admin.post("/office/register", data=decision(csrf))
    assert response.status == 400
    assert "Отметьте хотя бы одну семью." in await response.text()
    assert await consent_count(services) == 0


async def test_a_teacher_sees_only_their_class(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)
    overview = await (await teacher.get("/office/")).text()
    assert "5А" in overview
    assert "6Б" not in overview
    six_b = await class_id(services, place.school, "6Б")
    assert (await teacher.get(f"/office/register?class={six_b}")).status == 403
    foreign = await class_id(services, place.other, "5А")
    assert (await teacher.get(f"/office/register?class={foreign}")).status == 404
    assert (await teacher.get("/office/register?class=999999")).status == 404
    g3 = await guardian_id(services, place.school, "g3")  # a family of 6Б
    assert (await teacher.get(f"/office/families/{g3}")).status == 403
    stranger_family = await guardian_id(services, place.other, "g1")
    assert (await teacher.get(f"/office/families/{stranger_family}")).status == 404
    assert (await teacher.get("/office/families/abc")).status == 404


async def test_a_teacher_cannot_record_for_another_class(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(OTHER_TEACHER_ID)  # class teacher of 6Б
    g1 = await guardian_id(services, place.school, "g1")  # a family of 5А
    g3 = await guardian_id(services, place.school, "g3")
    stranger_family = await guardian_id(services, place.other, "g1")
    csrf = await csrf_for(teacher)
    # One foreign family among their own: nothing at all is recorded.
    refused = await teacher.post("/office/register", data=decision(csrf, g3, g1))
    assert refused.status == 403
    missing = await teacher.post("/office/register", data=decision(csrf, g3, stranger_family))
    assert missing.status == 404
    assert await consent_count(services) == 0
    # Their own family: recorded.
    own = await teacher.post("/office/register", data=decision(csrf, g3), allow_redirects=False)
    assert own.status == 303
    assert await consent_count(services) == 1


async def test_a_teacher_cannot_open_admin_pages(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)
    page = await (await teacher.get("/office/")).text()
    assert "/office/settings" not in page
    assert "/office/audit" not in page
