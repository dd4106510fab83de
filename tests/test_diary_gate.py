"""The diary's gate as a pure rule over an account's links (one statement loads them)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.diary.service import context_of
from db.models import AccountRole, ConsentState
from db.repositories.family_links import FamilyLink

NOW = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)  # already 2 December in Novosibirsk


def link(student_id: int, consent: ConsentState | None, *, active: bool = True,
         guardian_id: int | None = 7, zone: str = "Asia/Novosibirsk") -> FamilyLink:  # fmt: skip
    return FamilyLink(
        account_active=active, link_id=student_id * 10, role=AccountRole.GUARDIAN,
        guardian_id=guardian_id, student_id=student_id, student_name=f"Child {student_id}",
        class_id=student_id + 100, class_name="5А", school_id=1, timezone=zone,
        school_settings={"forecast_minimum_marks": 5}, consent=consent,
    )  # fmt: skip


def test_the_first_granted_child_in_the_schools_own_day() -> None:
    context = context_of([link(1, ConsentState.GRANTED), link(2, ConsentState.GRANTED)], None, NOW)
    assert context is not None
    assert context.child.student_id == 1
    assert [c.student_id for c in context.children] == [1, 2]
    assert context.today == date(2026, 12, 2)
    assert context.guardian_ids == (7,)
    assert context.settings is not None
    assert context.settings.forecast_minimum_marks == 5


def test_a_withdrawn_consent_hides_that_child_only() -> None:
    links = [link(1, ConsentState.WITHDRAWN), link(2, ConsentState.GRANTED)]
    context = context_of(links, None, NOW)
    assert context is not None
    assert [c.student_id for c in context.children] == [2]
    assert context_of(links, 1, NOW) is None  # asked for by id: still refused


def test_nothing_for_a_blocked_account_no_consent_or_a_foreign_child() -> None:
    assert context_of([link(1, ConsentState.GRANTED, active=False)], None, NOW) is None
    assert context_of([link(1, None)], None, NOW) is None
    assert context_of([link(1, ConsentState.REFUSED)], None, NOW) is None
    assert context_of([link(1, ConsentState.GRANTED)], 999, NOW) is None
    assert context_of([], None, NOW) is None
