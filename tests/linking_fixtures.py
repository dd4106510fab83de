"""A synced small school with codes, for linking tests."""

from __future__ import annotations

from datetime import date

from bot.exchange.service import sync_document
from bot.linking.issuing import IssuedCode, Target, issue_codes
from bot.schools.service import create_school
from db.database import Database
from db.models import School
from tests.conftest import SECRET_KEY
from tests.doubles.clock import FakeClock
from tests.exchange_documents import small_school


async def school_with_families(database: Database, clock: FakeClock) -> School:
    """The small school, plus a second child (s2) for guardian g1 and a second guardian g2."""
    document = small_school()
    document["guardians"] = [
        {"external_id": "g1", "full_name": "Иванова Мария Николаевна", "student_ids": ["s1", "s2"]},
        {"external_id": "g2", "full_name": "Иванов Сергей Петрович", "student_ids": ["s1"]},
    ]
    async with database.unit_of_work() as uow:
        school, _ = await create_school(
            uow, clock, SECRET_KEY, name="МБОУ СОШ № 7", timezone="Europe/Moscow", actor="test"
        )
        await sync_document(
            uow, clock, school, document, source="test", document_sha256="-", actor="test"
        )
    return school


async def issue(
    database: Database, clock: FakeClock, school: School, target: Target, reference: str
) -> list[IssuedCode]:
    async with database.unit_of_work() as uow:
        result = await issue_codes(
            uow,
            clock,
            SECRET_KEY,
            school,
            target,
            reference,
            actor="test",
        )
    return result.issued


async def born(database: Database, school: School, student: str, day: date | None) -> int:
    """The journal's date of birth of the student (as an exchange upload would set it); the
    student's id."""
    async with database.unit_of_work() as uow:
        found = await uow.linking.student(school.id, student)
        assert found is not None
        found.birth_date = day
        await uow.commit()
        return found.id
