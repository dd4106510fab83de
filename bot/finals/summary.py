"""The class teacher's running summary of the acknowledgements: one message per class and
period, edited as parents acknowledge (never one message per parent)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.digests.quiet_hours import release_time
from bot.finals.family_states import family_lines
from bot.finals.standing import FamilyLine
from bot.presentation.acknowledgements import AcknowledgementsView, summary_message
from bot.presentation.translation import translator
from db.models import OutboxStatus, School, SchoolClass, TeacherSummary, TelegramAccount
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


async def class_lines(uow: UnitOfWork, class_id: int, period_id: int) -> list[FamilyLine]:
    return family_lines(
        await uow.finals.families_of_class(class_id),
        await uow.finals.students_with_finals(class_id, period_id),
        await uow.finals.class_notices(class_id, period_id),
    )


async def acknowledgements_of(
    uow: UnitOfWork, classes: Sequence[SchoolClass], timezone: str
) -> list[AcknowledgementsView]:
    """Per class (those with published final grades), the latest period's families."""
    found = []
    for school_class in classes:
        period = await uow.finals.latest_final_period(school_class.id)
        if period is not None:
            lines = await class_lines(uow, school_class.id, period.id)
            view = AcknowledgementsView(school_class.name, period.name, tuple(lines), timezone)
            found.append(view)
    return found


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def refresh_summaries(uow: UnitOfWork, clock: Clock, i18n: I18n, school: School) -> int:
    """Queue new or edited summaries where something changed; returns how many."""
    now = clock.now()
    existing = await uow.finals.summaries(school.id, "acks:")
    queued = 0
    for class_id, period_id, changed, sent in await uow.finals.changed_classes(school.id):
        school_class = await uow.finals.school_class(class_id)
        if school_class is None or school_class.class_teacher_id is None:
            continue
        teachers = await uow.finals.staff_accounts(
            school.id, teacher_id=school_class.class_teacher_id
        )
        topic = f"acks:{class_id}:{period_id}"
        latest = max((at for at in (changed, sent) if at is not None), default=now)
        if all(
            (summary := existing.get((t.id, topic))) is not None and summary.updated_at >= latest
            for t in teachers
        ):
            continue  # nothing new since the last summary
        period = (await uow.finals.periods([period_id]))[period_id]
        lines = await class_lines(uow, class_id, period_id)
        view = AcknowledgementsView(school_class.name, period.name, tuple(lines), school.timezone)
        for teacher in teachers:
            text = summary_message(view, translator(i18n, teacher.language or "ru"))
            queued += await _show(
                uow, school, teacher, topic, text, existing.get((teacher.id, topic)), now
            )
    await uow.commit()
    return queued


async def _show(
    uow: UnitOfWork,
    school: School,
    teacher: TelegramAccount,
    topic: str,
    text: str,
    summary: TeacherSummary | None,
    now: datetime,
) -> int:
    digest = _hash(text)
    if summary is not None:
        summary.updated_at = now
        if summary.text_hash == digest:
            return 0
        summary.version += 1
        summary.text_hash = digest
        original = await uow.outbox.get(summary.message_outbox_id or 0)
        if original is not None and original.status == OutboxStatus.PENDING:
            original.payload = {**original.payload, "text": text}
            return 0
        edit_of = (
            original.id if original is not None and original.status != OutboxStatus.DEAD else None
        )
    else:
        summary = await _new_summary(uow, school, teacher, topic, digest, now)
        edit_of = None
    await _queue_summary(uow, school, teacher, summary, text, edit_of, now)
    return 1


async def _new_summary(
    uow: UnitOfWork, school: School, teacher: TelegramAccount, topic: str, digest: str,
    now: datetime,
) -> TeacherSummary:  # fmt: skip
    summary = TeacherSummary(
        school_id=school.id,
        account_id=teacher.id,
        topic=topic,
        text_hash=digest,
        version=1,
        created_at=now,
        updated_at=now,
    )
    uow.finals.add_summary(summary)
    await uow.finals.flush()
    return summary


async def _queue_summary(
    uow: UnitOfWork, school: School, teacher: TelegramAccount, summary: TeacherSummary,
    text: str, edit_of: int | None, now: datetime,
) -> None:  # fmt: skip
    key = f"summary:{summary.id}:{summary.version}"
    await uow.outbox.queue(
        account_id=teacher.id,
        school_id=school.id,
        kind="teacher_summary",
        key=key,
        text=text,
        reply_markup=None,
        # A new message would wake the teacher at night: it waits for the morning. An edit
        # of one already there makes no sound, so it goes at once.
        due_at=now if edit_of is not None else release_time(now, school.timezone),
        urgent=False,
        now=now,
        # Never merged with other pushes: the message is edited in place later.
        extra={"alone": True, **({"edit_of": edit_of} if edit_of else {})},
    )
    if edit_of is None:
        row = await uow.outbox.by_key(key)
        summary.message_outbox_id = row.id if row else None
