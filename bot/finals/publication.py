"""Final grades published by the journal → one message per child and reader.

Runs as a scheduler job over the journal's change records, in one transaction with
consuming them. Grades of the same period arriving in later syncs update the message the
family already has (an edit, or a rewrite while it is still queued) as long as it is not
acknowledged; after that, or when a deferred grade becomes final, a short follow-up goes
out. Never one message per grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.digests.audience import Reader, readers
from bot.digests.preferences import after_quiet_hours
from bot.finals.by_mail import tell_by_mail
from bot.finals.content import Content, compare, content_of, lines_of
from bot.mail.recipients import mail_readers, own_mail_readers
from bot.presentation.final_grades import (
    acknowledgement_keyboard,
    period_title,
    render_final_grades,
    render_follow_up,
)
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import translator
from db.models import FinalGradeNotice, OutboxStatus
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

BATCH = 2000


@dataclass(frozen=True)
class Publication:
    """What one reader must be told about one child's period."""

    school_id: int
    timezone: str
    student_id: int
    child: str
    period: str
    content: Content


async def publish_final_grades(uow: UnitOfWork, clock: Clock, i18n: I18n) -> int:
    """Queue the final-grade messages for what the journal published; returns how many
    messages (new, edits and follow-ups) were queued."""
    now = clock.now()
    records = await uow.changes.unconsumed(["final_grade"], now, BATCH)
    pairs: set[tuple[int, int]] = set()
    for record in records:
        item = record.details.get("after") or record.details.get("before") or {}
        if record.student_id is not None and item.get("period_id"):
            pairs.add((record.student_id, int(item["period_id"])))
    ordered = sorted(pairs)
    grades = await uow.finals.grades_of(ordered)
    notices = await uow.finals.notices_for(ordered)
    periods = await uow.finals.periods(sorted({p for _, p in ordered}))
    children = {s for s, _ in ordered}
    audience = await readers(uow, children, now)
    # Families whose agreed form includes e-mail get a letter too (issue 17), and so does
    # an adult student whose own form does: for information, as their Telegram message.
    by_mail = await mail_readers(uow, children, now)
    for student_id, recipient in (await own_mail_readers(uow, children, now)).items():
        by_mail.setdefault(student_id, []).append(recipient)
    mail_notices = await uow.mail.email_notices_for(ordered)
    students, _subjects, _teachers = await uow.changes.names(
        students=sorted({s for s, _ in ordered}), subjects=[], teachers=[]
    )
    zones = {r.school_id: (await uow.schools.get(r.school_id)).timezone for r in records}
    school_of = {r.student_id: r.school_id for r in records if r.student_id is not None}
    queued = 0
    for student_id, period_id in ordered:
        period = periods[period_id]
        school_id = school_of[student_id]
        publication = Publication(
            school_id=school_id,
            timezone=zones[school_id],
            student_id=student_id,
            child=students.get(student_id, ""),
            period=period_title(period.name, period.starts_on, period.ends_on),
            content=content_of(grades.get((student_id, period_id), [])),
        )
        for reader in audience.get(student_id, []):
            notice = notices.get((reader.account_id, student_id, period_id))
            queued += await _tell(uow, i18n, clock, reader, publication, period_id, notice)
        for recipient in by_mail.get(student_id, []):
            queued += await tell_by_mail(
                uow, i18n, now, recipient, school_id=school_id, timezone=publication.timezone,
                student_id=student_id, child=publication.child, period=publication.period,
                period_id=period_id, period_ends_on=period.ends_on, content=publication.content,
                notice=mail_notices.get((recipient.key, student_id, period_id)),
            )  # fmt: skip
    await uow.changes.mark_consumed([r.id for r in records], now)
    await uow.commit()
    return queued


async def _tell(
    uow: UnitOfWork,
    i18n: I18n,
    clock: Clock,
    reader: Reader,
    publication: Publication,
    period_id: int,
    notice: FinalGradeNotice | None,
) -> int:
    if notice is None:
        if not publication.content:
            return 0
        notice = await _first_notice(uow, clock, reader, publication, period_id)
        await _queue_main(uow, i18n, clock, reader, publication, notice)
        return 1
    change = compare(notice.content, publication.content)
    if not (change.changed or change.removed):
        return 0  # the same grades sent again: nothing to tell
    acknowledged = notice.acknowledged_version == notice.version
    notice.version += 1
    notice.content = publication.content
    notice.updated_at = clock.now()
    queued = 0
    if not acknowledged:
        queued += await _refresh_main(uow, i18n, clock, reader, publication, notice)
    if acknowledged or change.resolved:
        # The family has read the first message (or must not miss a late final grade):
        # a short message with only what is new, to acknowledge again.
        shown = change.changed if acknowledged else change.resolved
        late_only = shown == change.resolved  # only late finals: say so in the title
        await _queue_follow_up(uow, i18n, clock, reader, publication, notice, shown, late_only)
        queued += 1
    return queued


async def _first_notice(
    uow: UnitOfWork, clock: Clock, reader: Reader, publication: Publication, period_id: int
) -> FinalGradeNotice:
    now = clock.now()
    notice = FinalGradeNotice(
        school_id=publication.school_id,
        account_id=reader.account_id,
        student_id=publication.student_id,
        period_id=period_id,
        guardian_id=reader.guardian_id,
        content=publication.content,
        version=1,
        created_at=now,
        updated_at=now,
    )
    uow.finals.add_notice(notice)
    await uow.finals.flush()
    return notice


async def _queue_follow_up(
    uow: UnitOfWork,
    i18n: I18n,
    clock: Clock,
    reader: Reader,
    publication: Publication,
    notice: FinalGradeNotice,
    shown: list[str],
    late_only: bool,
) -> None:
    text = telegram_html(
        render_follow_up(
            translator(i18n, reader.language),
            child=publication.child,
            period=publication.period,
            lines=lines_of(publication.content, shown),
            resolved=late_only,
        )
    )
    await _queue(
        uow,
        i18n,
        clock,
        reader,
        publication,
        notice,
        kind="final_grades_followup",
        key=f"final:{notice.id}:{notice.version}:followup",
        text=text,
    )


def _main_text(i18n: I18n, reader: Reader, publication: Publication) -> str:
    rendered = render_final_grades(
        translator(i18n, reader.language),
        child=publication.child,
        period=publication.period,
        lines=lines_of(publication.content),
        asks_acknowledgement=reader.guardian_id is not None,
    )
    return telegram_html(rendered)


async def _queue_main(
    uow: UnitOfWork,
    i18n: I18n,
    clock: Clock,
    reader: Reader,
    publication: Publication,
    notice: FinalGradeNotice,
) -> None:
    key = f"final:{notice.id}:{notice.version}"
    await _queue(
        uow,
        i18n,
        clock,
        reader,
        publication,
        notice,
        kind="final_grades",
        key=key,
        text=_main_text(i18n, reader, publication),
    )
    row = await uow.outbox.by_key(key)
    notice.message_outbox_id = row.id if row else None


async def _refresh_main(
    uow: UnitOfWork,
    i18n: I18n,
    clock: Clock,
    reader: Reader,
    publication: Publication,
    notice: FinalGradeNotice,
) -> int:
    """The message the family has, brought up to date: rewritten while still queued,
    edited once sent, sent anew if it never arrived."""
    original = await uow.outbox.get(notice.message_outbox_id or 0)
    text = _main_text(i18n, reader, publication)
    if original is not None and original.status == OutboxStatus.PENDING:
        original.payload = {**original.payload, "text": text}
        return 0
    if original is None or original.status in (OutboxStatus.DEAD, OutboxStatus.CANCELLED):
        await _queue_main(uow, i18n, clock, reader, publication, notice)
        return 1
    await _queue(
        uow,
        i18n,
        clock,
        reader,
        publication,
        notice,
        kind="final_grades",
        key=f"final:{notice.id}:{notice.version}",
        text=text,
        edit_of=original.id,
    )
    return 1


async def _queue(
    uow: UnitOfWork,
    i18n: I18n,
    clock: Clock,
    reader: Reader,
    publication: Publication,
    notice: FinalGradeNotice,
    *,
    kind: str,
    key: str,
    text: str,
    edit_of: int | None = None,
) -> None:
    now = clock.now()
    buttons = None
    if reader.guardian_id is not None:  # only a legal representative acknowledges
        buttons = acknowledgement_keyboard(
            translator(i18n, reader.language), notice_id=notice.id, student_id=notice.student_id
        )
    extra: dict[str, int] = {"notice_id": notice.id}
    if edit_of is not None:
        extra["edit_of"] = edit_of
    await uow.outbox.queue(
        account_id=reader.account_id,
        school_id=publication.school_id,
        kind=kind,
        key=key,
        text=text,
        reply_markup=buttons,
        # Not the family's to switch off; at night it waits for the morning only.
        due_at=after_quiet_hours(reader.preferences, now, publication.timezone),
        urgent=True,
        now=now,
        extra=extra,
        student_id=notice.student_id,
    )
