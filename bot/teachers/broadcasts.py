"""Announcements of the class teacher (their own classes) or an admin (any class, or the
whole school) to parents, students or both, through the outbox; with delivery and read
figures (duty 11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.digests.audience import Reader, readers_with_mail, students_in_reach
from bot.digests.preferences import after_quiet_hours
from bot.mail.letter_parts import queue_part
from bot.mail.recipients import MailRecipient
from bot.presentation.broadcasts import AnnouncementView, BroadcastFigures, render_announcement
from bot.presentation.mail import announcement_subject
from bot.presentation.telegram import telegram_html, telegram_keyboard
from bot.presentation.text import telegram_length
from bot.presentation.translation import N_, translator
from bot.teachers.audience import WHOLE_SCHOOL, Audience
from db.models import AccountRole, Broadcast, OutboxStatus, School, SchoolClass
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

MAX_TEXT = 3500  # the header and the button fit within Telegram's 4096


class BroadcastRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # a msgid for the sender


@dataclass(frozen=True)
class Sender:
    account_id: int
    school: School
    name: str
    teacher_id: int | None
    is_admin: bool
    classes: tuple[SchoolClass, ...]  # what they may address

    def may_address(self, class_id: int) -> bool:
        if class_id == WHOLE_SCHOOL:
            return self.is_admin
        return any(c.id == class_id for c in self.classes)

    def class_name(self, class_id: int) -> str | None:
        return next((c.name for c in self.classes if c.id == class_id), None)


async def sender_of(uow: UnitOfWork, telegram_user_id: int) -> Sender | None:
    """The account as a sender of announcements: a linked class teacher or an admin."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None or not account.is_active:
        return None
    for link in await uow.linking.active_links(account.id):
        if link.role == AccountRole.ADMIN:
            school = await uow.schools.get(link.school_id)
            classes = await uow.teachers.classes_of_school(school.id)
            return Sender(account.id, school, school.name, None, True, tuple(classes))
    for link in await uow.linking.active_links(account.id):
        if link.role == AccountRole.TEACHER and link.teacher_id is not None:
            teacher = await uow.linking.get_teacher(link.teacher_id)
            classes = await uow.linking.classes_of_teacher(link.teacher_id)
            if teacher is None or not classes:
                continue  # a subject teacher without a class of their own
            school = await uow.schools.get(link.school_id)
            return Sender(account.id, school, teacher.full_name, teacher.id, False, tuple(classes))
    return None


def check_text(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise BroadcastRefused(N_("The announcement is empty; please write some text."))
    if telegram_length(body) > MAX_TEXT:
        raise BroadcastRefused(N_("The announcement is too long: at most 3500 characters."))
    return body


async def recipients(
    uow: UnitOfWork, sender: Sender, class_id: int, audience: Audience, now: datetime
) -> list[Reader]:
    """Who would receive it now: active accounts with a granted consent, once each, and
    those on e-mail (a family, or an adult student counted among the students)."""
    if not sender.may_address(class_id):
        raise BroadcastRefused(N_("You cannot address this class."))
    if class_id == WHOLE_SCHOOL:
        students = set(await students_in_reach(uow, sender.school.id))
    else:
        by_class = await uow.changes.students_of_classes([class_id])
        students = set(by_class.get(class_id, []))
    wanted = {
        Audience.GUARDIANS: (True,),
        Audience.STUDENTS: (False,),
        Audience.BOTH: (True, False),
    }[audience]
    # Once per account, and once per family or adult student on e-mail (issue 17).
    found: dict[tuple[int, MailRecipient | None], Reader] = {}
    for group in (await readers_with_mail(uow, students, now)).values():
        for reader in group:
            if (reader.guardian_id is not None) in wanted:
                found.setdefault((reader.account_id, reader.mail_to), reader)
    return list(found.values())


def announcement_view(
    sender: Sender, class_id: int, text: str, broadcast_id: int | None = None
) -> AnnouncementView:
    return AnnouncementView(
        school=sender.school.name,
        class_name=None if class_id == WHOLE_SCHOOL else sender.class_name(class_id) or "",
        teacher=None if sender.is_admin else sender.name,
        text=text,
        broadcast_id=broadcast_id,
    )


async def _queue_announcement(
    uow: UnitOfWork,
    i18n: I18n,
    now: datetime,
    sender: Sender,
    broadcast: Broadcast,
    reader: Reader,
    view: AnnouncementView,
) -> None:
    _ = translator(i18n, reader.language)
    announcement = render_announcement(view, _)
    if reader.mail_to is not None:
        role, person_id = reader.mail_to.key
        await queue_part(
            uow, reader.mail_to.key, school_id=sender.school.id, kind="broadcast",
            key=f"broadcast:{broadcast.id}:mail:{role}{person_id}",
            subject=announcement_subject(_, view.teacher or view.school), rendered=announcement,
            locale=reader.language, due_at=now, now=now, broadcast_id=broadcast.id,
        )  # fmt: skip
        return
    await uow.outbox.queue(
        account_id=reader.account_id,
        school_id=sender.school.id,
        kind="broadcast",
        key=f"broadcast:{broadcast.id}:{reader.account_id}",
        text=telegram_html(announcement),
        reply_markup=telegram_keyboard(announcement),
        # Not the family's to switch off; at night it waits for the morning.
        due_at=after_quiet_hours(reader.preferences, now, sender.school.timezone),
        urgent=False,
        now=now,
        extra={"broadcast_id": broadcast.id},
    )


async def send_broadcast(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    sender: Sender,
    *,
    class_id: int,
    audience: Audience,
    text: str | None,
) -> Broadcast:
    """Checked again here (the preview may be stale); one outbox row per recipient."""
    body = check_text(text)
    now = clock.now()
    readers_now = await recipients(uow, sender, class_id, audience, now)
    if not readers_now:
        raise BroadcastRefused(N_("Nobody would receive it: no linked families there yet."))
    broadcast = await uow.teachers.add_broadcast(
        Broadcast(
            school_id=sender.school.id,
            class_id=None if class_id == WHOLE_SCHOOL else class_id,
            author_account_id=sender.account_id,
            author_name=sender.name,
            audience=audience.value,
            text=body,
            recipients=len(readers_now),
            created_at=now,
        )
    )
    view = announcement_view(sender, class_id, body, broadcast.id)
    for reader in readers_now:
        await _queue_announcement(uow, i18n, now, sender, broadcast, reader, view)
    uow.audit.record(
        at=now,
        actor=f"telegram-account:{sender.account_id}",
        action="broadcast.sent",
        school_id=sender.school.id,
        subject_type="broadcast",
        subject_id=broadcast.id,
        details={"class_id": class_id, "audience": audience.value, "recipients": len(readers_now)},
    )
    await uow.commit()
    return broadcast


async def mark_read(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, broadcast_id: int
) -> bool:
    """Record that this account read it; False for a broadcast that was never sent to it."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None or not await uow.teachers.was_sent_to(broadcast_id, account.id):
        return False
    await uow.teachers.mark_read(broadcast_id, account.id, clock.now())
    await uow.commit()
    return True


async def recent_broadcasts(uow: UnitOfWork, sender: Sender) -> list[BroadcastFigures]:
    class_ids = None if sender.is_admin else [c.id for c in sender.classes]
    found = await uow.teachers.recent_broadcasts(sender.school.id, class_ids)
    ids = [b.id for b, _ in found]
    delivery = await uow.teachers.delivery_counts(ids)
    reads = await uow.teachers.read_counts(ids)
    figures = []
    for broadcast, class_name in found:
        counts = delivery.get(broadcast.id, {})
        figures.append(
            BroadcastFigures(
                created_at=broadcast.created_at,
                class_name=class_name,
                text=broadcast.text,
                recipients=broadcast.recipients,
                delivered=counts.get(OutboxStatus.SENT.value, 0),
                failed=counts.get(OutboxStatus.DEAD.value, 0),
                waiting=counts.get(OutboxStatus.PENDING.value, 0)
                + counts.get(OutboxStatus.CLAIMED.value, 0),
                read=reads.get(broadcast.id, 0),
            )
        )
    return figures
