"""The schema from ``alembic upgrade head`` on both databases: complete, constrained, UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

import db.models  # noqa: F401
from db.base import Base
from db.database import Database
from db.migrate import current_revisions, head_revisions, upgrade
from db.models import (
    EducationLevel,
    FinalGrade,
    FinalGradeStatus,
    Period,
    PeriodKind,
    School,
    SchoolClass,
    Student,
    Subject,
)

NOW = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)


def school(name: str = "Школа № 1") -> School:
    return School(name=name, timezone="Europe/Moscow", settings={}, created_at=NOW)


def stamps() -> dict[str, datetime]:
    return {"created_at": NOW, "updated_at": NOW}


async def test_migrated_schema_matches_the_models(database: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    assert await current_revisions(database.engine) == head_revisions()


async def test_every_table_exists(database: Database) -> None:
    async with database.engine.connect() as connection:
        tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    expected = {
        "school", "period", "subject", "teacher", "school_class", "student", "guardian",
        "guardian_student", "curriculum_row", "lesson", "grade", "homework", "assessment",
        "holiday", "recommendation", "final_grade", "consent_record", "link_code",
        "telegram_account", "account_link", "outbox_message", "audit_event",
    }  # fmt: skip
    assert expected <= tables


async def test_hot_read_indexes_exist(database: Database) -> None:
    def indexes(connection: Connection, table: str) -> list[list[str | None]]:
        return [index["column_names"] for index in inspect(connection).get_indexes(table)]

    async with database.engine.connect() as connection:
        grade = await connection.run_sync(indexes, "grade")
        lesson = await connection.run_sync(indexes, "lesson")
    assert ["student_id", "date"] in grade
    assert ["class_id", "date"] in lesson


async def test_upgrading_again_changes_nothing(database: Database) -> None:
    await upgrade(database.engine)
    assert await current_revisions(database.engine) == head_revisions()


async def test_external_id_is_unique_per_school_not_globally(database: Database) -> None:
    async with database.unit_of_work() as uow:
        first, second = school("Первая"), school("Вторая")
        uow.session.add_all([first, second])
        await uow.session.flush()
        uow.session.add_all(
            [
                Subject(school_id=first.id, external_id="math", name="Математика", **stamps()),
                Subject(school_id=second.id, external_id="math", name="Математика", **stamps()),
            ]
        )
        await uow.commit()
        uow.session.add(Subject(school_id=first.id, external_id="math", name="Алгебра", **stamps()))
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    async with database.unit_of_work() as uow:
        owner = school()
        uow.session.add(owner)
        await uow.session.flush()
        uow.session.add(
            Student(
                school_id=owner.id,
                external_id="s1",
                full_name="Иванов Иван",
                class_id=999_999,
                **stamps(),
            )
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_deferred_final_grade_needs_a_date_and_no_value(database: Database) -> None:
    async with database.unit_of_work() as uow:
        owner = school()
        uow.session.add(owner)
        await uow.session.flush()
        period = Period(
            school_id=owner.id,
            external_id="q1",
            name="I четверть",
            kind=PeriodKind.QUARTER,
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 10, 24),
            **stamps(),
        )
        subject = Subject(school_id=owner.id, external_id="m", name="Математика", **stamps())
        klass = SchoolClass(
            school_id=owner.id, external_id="5a", name="5А", level=EducationLevel.BASIC, **stamps()
        )
        uow.session.add_all([period, subject, klass])
        await uow.session.flush()
        student = Student(
            school_id=owner.id,
            external_id="s",
            full_name="Петрова Анна",
            class_id=klass.id,
            **stamps(),
        )
        uow.session.add(student)
        await uow.session.flush()
        common = {
            "school_id": owner.id, "student_id": student.id, "subject_id": subject.id,
            "period_id": period.id, **stamps(),
        }  # fmt: skip
        uow.session.add(
            FinalGrade(external_id="ok", status=FinalGradeStatus.DEFERRED,
                       deferred_until=date(2027, 1, 20), **common)
        )  # fmt: skip
        await uow.session.flush()
        uow.session.add(
            FinalGrade(external_id="bad", status=FinalGradeStatus.DEFERRED, value="5", **common)
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_timestamps_come_back_in_utc_and_naive_ones_are_refused(database: Database) -> None:
    moscow = timezone(timedelta(hours=3))
    async with database.unit_of_work() as uow:
        stored = School(
            name="Школа", timezone="Europe/Moscow", settings={"forecast": [4.5, 3.5, 2.5]},
            created_at=datetime(2026, 9, 1, 9, 0, tzinfo=moscow),
        )  # fmt: skip
        uow.session.add(stored)
        await uow.commit()
        school_id = stored.id
    async with database.unit_of_work() as uow:
        loaded = (
            await uow.session.execute(select(School).where(School.id == school_id))
        ).scalar_one()
        assert loaded.created_at == datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
        assert loaded.created_at.utcoffset() == timedelta(0)
        assert loaded.settings == {"forecast": [4.5, 3.5, 2.5]}
        uow.session.add(
            School(name="Наивная", timezone="UTC", settings={}, created_at=datetime(2026, 9, 1))  # noqa: DTZ001
        )
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.session.flush()


async def test_enum_values_outside_the_vocabulary_are_refused(database: Database) -> None:
    async with database.unit_of_work() as uow:
        owner = school()
        uow.session.add(owner)
        await uow.session.flush()
        uow.session.add(
            Period(
                school_id=owner.id, external_id="x", name="?", kind="fortnight",
                starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 14), **stamps(),
            )
        )  # fmt: skip
        with pytest.raises(StatementError, match="fortnight"):
            await uow.session.flush()
