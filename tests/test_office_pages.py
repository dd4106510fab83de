"""The office console's working pages: codes and letters, reports, settings and the audit
trail — each form's validation, and who may use it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import select

from bot.app import build_web_app
from bot.services import Services
from db.models import AuditEvent, LinkCode, School
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
BOT_USERNAME = "ediary_school_bot"


@pytest.fixture
async def place(services: Services) -> OfficeSchool:
    return await office_school(services.database, services.clock)  # type: ignore[arg-type]


@pytest.fixture
async def signed_in_as(services: Services, place: OfficeSchool) -> AsyncIterator[Browsers]:
    opened: list[Client] = []
    named = services.with_settings(bot_username=BOT_USERNAME)

    async def open_as(telegram_id: int) -> Client:
        client = await browser(build_web_app(named))
        opened.append(client)
        await signed_in(client, named, telegram_id, place.school)
        return client

    yield open_as
    for client in opened:
        await client.close()


async def actions(services: Services) -> list[str]:
    async with services.database.unit_of_work() as uow:
        result = await uow.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))
    return list(result.scalars())


async def open_codes(services: Services) -> list[LinkCode]:
    async with services.database.unit_of_work() as uow:
        result = await uow.session.execute(
            select(LinkCode).where(LinkCode.revoked_at.is_(None), LinkCode.used_at.is_(None))
        )
    return list(result.scalars())


async def school_settings(services: Services, school: School) -> dict[str, object]:
    async with services.database.unit_of_work() as uow:
        found = await uow.schools.get(school.id)
        return dict(found.settings or {})


# Codes and letters -------------------------------------------------------------------------


async def test_letters_for_a_class_and_the_reissue_warning(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    five_a = await class_id(services, place.school, "5А")
    csrf = await csrf_for(admin, f"/office/codes?class={five_a}")
    response = await admin.post("/office/codes", data={"csrf": csrf, "class": str(five_a)})
    assert response.status == 200
    assert response.content_type == "application/pdf"
    assert (await response.read()).startswith(b"%PDF")
    assert "letters-5" in response.headers["Content-Disposition"]
    assert len(await open_codes(services)) == 2
    # Again: the page warns first, and nothing changes until it is confirmed.
    page = await (await admin.get(f"/office/codes?class={five_a}")).text()
    assert "старое письмо перестанет работать" in page
    again = await admin.post("/office/codes", data={"csrf": csrf, "class": str(five_a)})
    assert again.status == 409
    assert "отметьте, что прежние коды перестанут работать" in await again.text()
    before = {code.id for code in await open_codes(services)}
    confirmed = await admin.post(
        "/office/codes", data={"csrf": csrf, "class": str(five_a), "confirm": "reissue"}
    )
    assert confirmed.content_type == "application/pdf"
    after = {code.id for code in await open_codes(services)}
    assert len(after) == 2
    assert not after & before
    assert (await actions(services)).count("codes.issued") == 2


async def test_a_letter_for_one_family(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)
    g1 = await guardian_id(services, place.school, "g1")
    csrf = await csrf_for(teacher, "/office/codes")
    response = await teacher.post(
        "/office/codes", data={"csrf": csrf, "guardian": str(g1), "language": "en"}
    )
    assert response.content_type == "application/pdf"
    [code] = await open_codes(services)
    assert code.guardian_id == g1


async def test_codes_for_another_class_or_school_are_refused(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(OTHER_TEACHER_ID)  # 6Б
    csrf = await csrf_for(teacher)
    five_a = await class_id(services, place.school, "5А")
    foreign = await class_id(services, place.other, "5А")
    g1 = await guardian_id(services, place.school, "g1")
    assert (await teacher.get(f"/office/codes?class={five_a}")).status == 403
    assert (
        await teacher.post("/office/codes", data={"csrf": csrf, "class": str(five_a)})
    ).status == 403
    assert (
        await teacher.post("/office/codes", data={"csrf": csrf, "class": str(foreign)})
    ).status == 404
    assert (
        await teacher.post("/office/codes", data={"csrf": csrf, "guardian": str(g1)})
    ).status == 403
    assert await open_codes(services) == []


async def test_no_code_for_a_family_that_refused(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    g1 = await guardian_id(services, place.school, "g1")
    csrf = await csrf_for(admin)
    await admin.post(
        "/office/register",
        data={"csrf": csrf, "guardian": str(g1), "state": "refused", "form": "paper",
              "number": "3", "date": "2026-08-30"},
    )  # fmt: skip
    response = await admin.post("/office/codes", data={"csrf": csrf, "guardian": str(g1)})
    assert response.status == 400
    assert "Код не выдан" in await response.text()
    assert await open_codes(services) == []


# Reports -----------------------------------------------------------------------------------


def report(csrf: str, school_class: int, **changes: str) -> dict[str, str]:
    return {"csrf": csrf, "kind": "summary", "class": str(school_class), "period": "q1",
            "first": "2026-08-26", "last": "2026-09-01", "format": "xlsx", **changes}  # fmt: skip


async def test_a_report_is_downloaded_and_audited(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    five_a = await class_id(services, place.school, "5А")
    csrf = await csrf_for(admin, "/office/reports")
    sheet = await admin.post("/office/reports", data=report(csrf, five_a))
    assert sheet.status == 200
    assert sheet.content_type.endswith("spreadsheetml.sheet")
    assert (await sheet.read()).startswith(b"PK")
    statements = await admin.post(
        "/office/reports", data=report(csrf, five_a, kind="statements", format="pdf")
    )
    assert statements.content_type == "application/pdf"
    assert (await actions(services)).count("report.downloaded") == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "gossip"}, "Выберите отчёт."),
        ({"period": "q9"}, "Выберите период."),
        ({"kind": "statements", "format": "xlsx"}, "Бумажные выписки — только PDF"),
        ({"kind": "statements", "format": "pdf", "first": "2026-09-02"}, "Первый день — не позже"),
        ({"kind": "statements", "format": "pdf", "last": "вчера"}, "Укажите обе даты."),
        ({"format": "doc"}, "остальные отчёты — PDF или XLSX"),
    ],
)
async def test_a_bad_report_choice_is_refused(
    services: Services, place: OfficeSchool, signed_in_as: Browsers,
    changes: dict[str, str], message: str,
) -> None:  # fmt: skip
    admin = await signed_in_as(ADMIN_ID)
    five_a = await class_id(services, place.school, "5А")
    csrf = await csrf_for(admin, "/office/reports")
    response = await admin.post("/office/reports", data=report(csrf, five_a, **changes))
    assert response.status == 400
    assert message in await response.text()
    assert "report.downloaded" not in await actions(services)


async def test_a_teacher_gets_reports_of_their_class_only(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)
    five_a = await class_id(services, place.school, "5А")
    six_b = await class_id(services, place.school, "6Б")
    csrf = await csrf_for(teacher, "/office/reports")
    page = await (await teacher.get("/office/reports")).text()
    assert 'value="curriculum"' not in page  # the curriculum statistics are for admins
    refused = await teacher.post("/office/reports", data=report(csrf, five_a, kind="curriculum"))
    assert refused.status == 400
    assert (await teacher.post("/office/reports", data=report(csrf, six_b))).status == 403
    assert (await teacher.post("/office/reports", data=report(csrf, five_a))).status == 200


# Settings ----------------------------------------------------------------------------------


async def test_settings_form_saves_a_change(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    page = await (await admin.get("/office/settings")).text()
    assert "Час, с которого уходит сводка прогноза." in page
    assert "целое число от 0 до 23" in page
    csrf = await csrf_for(admin, "/office/settings")
    response = await admin.post("/office/settings", data={"csrf": csrf, "digest_hour": "20"})
    assert response.status == 200
    assert "Настройки сохранены." in await response.text()
    # Only what changed is stored: the other keys keep following their defaults.
    assert await school_settings(services, place.school) == {"digest_hour": 20}
    assert "school.settings_changed" in await actions(services)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("digest_hour", "25"),
        ("digest_hour", "eighteen"),
        ("digest_weekly", "maybe"),
        ("forecast_thresholds", "[3.5, 4.5, 2.5]"),
        ("statements_every_weeks", "3"),
        ("final_ack_reminder_days", "x" * 300),
    ],
)
async def test_a_bad_setting_is_refused_next_to_its_field(
    services: Services, place: OfficeSchool, signed_in_as: Browsers, key: str, value: str
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    csrf = await csrf_for(admin, "/office/settings")
    response = await admin.post(
        "/office/settings", data={"csrf": csrf, key: value, "digest_weekday": "2"}
    )
    assert response.status == 400
    page = await response.text()
    assert f'id="error-{key}"' in page
    assert page.count("field-error") == 1
    assert await school_settings(services, place.school) == {}  # not even the good one


async def test_settings_and_audit_are_for_admins(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    teacher = await signed_in_as(TEACHER_ID)
    csrf = await csrf_for(teacher)
    assert (await teacher.get("/office/settings")).status == 403
    refused = await teacher.post("/office/settings", data={"csrf": csrf, "digest_hour": "20"})
    assert refused.status == 403
    assert (await teacher.get("/office/audit")).status == 403
    assert await school_settings(services, place.school) == {}


# Audit trail -------------------------------------------------------------------------------


async def test_the_audit_trail_filters_by_family_kind_and_dates(
    services: Services, place: OfficeSchool, signed_in_as: Browsers
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    g1 = await guardian_id(services, place.school, "g1")
    g2 = await guardian_id(services, place.school, "g2")
    csrf = await csrf_for(admin)
    for family, number in ((g1, "101"), (g2, "102")):
        await admin.post(
            "/office/register",
            data={"csrf": csrf, "guardian": str(family), "state": "granted", "form": "paper",
                  "number": number, "date": "2026-08-30"},
        )  # fmt: skip
    everything = await (await admin.get("/office/audit")).text()
    assert "office.signed_in" in everything
    assert everything.count("consent.granted") == 2
    one = await (await admin.get(f"/office/audit?family={g1}")).text()
    assert "№ 101" in one
    assert "№ 102" not in one
    sign_ins = await (await admin.get("/office/audit?kind=office")).text()
    assert "consent.granted" not in sign_ins
    assert "office.signed_in" in sign_ins
    later = await (await admin.get("/office/audit?since=2026-09-02")).text()
    assert "consent.granted" not in later
    today = await (await admin.get("/office/audit?since=2026-09-01&until=2026-09-01")).text()
    assert today.count("consent.granted") == 2


@pytest.mark.parametrize(
    ("query", "status"),
    [("since=tomorrow", 400), ("since=2026-09-02&until=2026-09-01", 400), ("kind=gossip", 400),
     ("family=abc", 400), ("family=999999", 404)],
)  # fmt: skip
async def test_a_bad_audit_filter_is_refused(
    services: Services, place: OfficeSchool, signed_in_as: Browsers, query: str, status: int
) -> None:
    admin = await signed_in_as(ADMIN_ID)
    response = await admin.get(f"/office/audit?{query}")
    assert response.status == status
    if status == 400:
        assert "field-error" in await response.text()
