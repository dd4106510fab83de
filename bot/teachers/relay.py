"""Messages between a family and the class teacher, through the bot.

Neither side ever sees the other's Telegram account: each message is a push from the bot
with a «Reply» button bound to the thread, and each reply is checked against the thread's
two sides. A family may also write by replying to a letter (:mod:`bot.mail.replies`); the
teacher then reads it the same way and the answer goes back by letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.linking.access import may_see_student
from bot.mail.conversations import queue_answer_letter
from bot.presentation.relay import (
    FamilyMessage,
    TeacherReply,
    render_family_message,
    render_teacher_reply,
)
from bot.presentation.telegram import telegram_html, telegram_keyboard
from bot.presentation.text import telegram_length
from bot.presentation.translation import N_, translator
from db.models import AccountRole, OutboxChannel, RelayThread, TelegramAccount
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

# Room for the header within Telegram's 4096 characters.
MAX_TEXT = 3500


class RelayRefused(Exception):
    """The message cannot go: ``reason`` is a msgid for the sender."""

    def __init__(self, reason: str, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry  # the sender may correct the text and send again


def check_text(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise RelayRefused(N_("The message is empty; please write some text."), retry=True)
    if telegram_length(body) > MAX_TEXT:
        raise RelayRefused(
            N_("The message is too long: at most 3500 characters, please."), retry=True
        )
    return body


async def open_family_thread(
    uow: UnitOfWork, clock: Clock, telegram_user_id: int, student_id: int
) -> RelayThread | None:
    """The thread of this account and child with the child's class teacher (made on first
    use); None when the account may not write about this child or there is no class
    teacher."""
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None or not await may_see_student(uow, telegram_user_id, student_id):
        return None
    link = next(
        (
            link
            for link in await uow.linking.active_links(account.id)
            if link.student_id == student_id
            and link.role in (AccountRole.GUARDIAN, AccountRole.STUDENT)
        ),
        None,
    )
    student = await uow.linking.get_student(student_id)
    if link is None or student is None:
        return None
    school_class = await uow.linking.class_of(student)
    if school_class.class_teacher_id is None:
        return None
    thread = await uow.teachers.find_thread(account.id, student_id, school_class.class_teacher_id)
    if thread is None:
        now = clock.now()
        thread = await uow.teachers.add_thread(
            RelayThread(
                school_id=student.school_id,
                family_account_id=account.id,
                student_id=student_id,
                teacher_id=school_class.class_teacher_id,
                guardian_id=link.guardian_id if link.role == AccountRole.GUARDIAN else None,
                messages=0,
                created_at=now,
                last_message_at=now,
            )
        )
        await uow.commit()
    return thread


@dataclass(frozen=True)
class Relayed:
    recipients: int


async def _family_side(
    uow: UnitOfWork, telegram_user_id: int, thread: RelayThread
) -> TelegramAccount | None:
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if account is None or account.id != thread.family_account_id:
        return None
    if not await may_see_student(uow, telegram_user_id, thread.student_id):
        return None
    return account


async def _family_message(
    uow: UnitOfWork, thread: RelayThread, body: str, acknowledging: str | None
) -> FamilyMessage:
    """What the class teacher reads: whose child, which class, from whom."""
    student = await uow.linking.get_student(thread.student_id)
    guardian = await uow.linking.get_guardian(thread.guardian_id) if thread.guardian_id else None
    assert student is not None
    school_class = await uow.linking.class_of(student)
    return FamilyMessage(
        thread_id=thread.id,
        child=student.full_name,
        class_name=school_class.name,
        guardian=guardian.full_name if guardian is not None else None,
        acknowledging=acknowledging,
        text=body,
    )


async def relay_from_family(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    *,
    telegram_user_id: int,
    thread_id: int,
    text: str | None,
    acknowledging: str | None = None,
) -> Relayed:
    """Queue the family's message for every account of the class teacher; the caller
    shows the outcome. ``acknowledging`` names the period whose final grades the message
    acknowledges, if it does."""
    body = check_text(text)
    thread = await uow.teachers.thread(thread_id)
    if thread is None or await _family_side(uow, telegram_user_id, thread) is None:
        raise RelayRefused(N_("This conversation is not available to you."))
    teachers = await uow.finals.staff_accounts(thread.school_id, teacher_id=thread.teacher_id)
    if not teachers:
        raise RelayRefused(
            N_("The class teacher is not in the bot yet; please contact the school.")
        )
    view = await _family_message(uow, thread, body, acknowledging)
    await queue_for_teachers(uow, i18n, thread, view, teachers, clock.now())
    await uow.commit()
    return Relayed(len(teachers))


async def queue_for_teachers(
    uow: UnitOfWork,
    i18n: I18n,
    thread: RelayThread,
    view: FamilyMessage,
    teachers: list[TelegramAccount],
    now: datetime,
) -> None:
    """Queue the family's message as a push with the «Reply» button to each of the
    teacher's accounts (in the teacher's language); the caller commits."""
    thread.messages += 1
    thread.last_message_at = now
    for teacher in teachers:
        message = render_family_message(view, translator(i18n, teacher.language or "ru"))
        await uow.outbox.queue(
            account_id=teacher.id,
            school_id=thread.school_id,
            kind="relay",
            key=f"relay:{thread.id}:{thread.messages}:{teacher.id}",
            text=telegram_html(message),
            reply_markup=telegram_keyboard(message),
            due_at=now,
            urgent=True,
            now=now,
            extra={"thread_id": thread.id},
        )


async def relay_from_teacher(
    uow: UnitOfWork,
    clock: Clock,
    i18n: I18n,
    *,
    telegram_user_id: int,
    thread_id: int,
    text: str | None,
) -> Relayed:
    """Queue the teacher's answer to the family: a push to its account, or a letter when
    the family wrote by letter (through the mail outbox, with a reply address of its own
    so that the conversation can go on)."""
    body = check_text(text)
    thread = await uow.teachers.thread(thread_id)
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if thread is None or account is None or not await _is_thread_teacher(uow, account, thread):
        raise RelayRefused(N_("This conversation is not available to you."))
    teacher = await uow.linking.get_teacher(thread.teacher_id)
    student = await uow.linking.get_student(thread.student_id)
    assert teacher is not None
    assert student is not None
    view = TeacherReply(
        thread_id=thread.id, teacher=teacher.full_name, child=student.full_name, text=body
    )
    if thread.channel == OutboxChannel.EMAIL:
        if not await queue_answer_letter(uow, i18n, thread, view, clock.now()):
            raise RelayRefused(N_("This family can no longer receive messages by e-mail."))
    elif not await _queue_answer_push(uow, i18n, thread, view, clock.now()):
        raise RelayRefused(N_("This family can no longer receive messages in the bot."))
    await uow.commit()
    return Relayed(1)


async def _queue_answer_push(
    uow: UnitOfWork, i18n: I18n, thread: RelayThread, view: TeacherReply, now: datetime
) -> bool:
    """Queue the answer to the family's account; False when it may no longer have it."""
    assert thread.family_account_id is not None
    family = await uow.outbox.account(thread.family_account_id)
    if (
        family is None
        or not family.is_active
        or not await may_see_student(uow, family.telegram_user_id, thread.student_id)
    ):
        return False
    message = render_teacher_reply(view, translator(i18n, family.language or "ru"))
    thread.messages += 1
    thread.last_message_at = now
    await uow.outbox.queue(
        account_id=family.id,
        school_id=thread.school_id,
        kind="relay",
        key=f"relay:{thread.id}:{thread.messages}:{family.id}",
        student_id=thread.student_id,
        text=telegram_html(message),
        reply_markup=telegram_keyboard(message),
        due_at=now,
        urgent=True,
        now=now,
        extra={"thread_id": thread.id},
    )
    return True


async def _is_thread_teacher(
    uow: UnitOfWork, account: TelegramAccount, thread: RelayThread
) -> bool:
    return any(
        link.role == AccountRole.TEACHER and link.teacher_id == thread.teacher_id
        for link in await uow.linking.active_links(account.id)
    )


async def side_of(uow: UnitOfWork, telegram_user_id: int, thread_id: int) -> str | None:
    """ "family" or "teacher" when this account may write in the thread, else None."""
    thread = await uow.teachers.thread(thread_id)
    account = await uow.accounts.by_telegram_user(telegram_user_id)
    if thread is None or account is None or not account.is_active:
        return None
    if await _family_side(uow, telegram_user_id, thread) is not None:
        return "family"
    if await _is_thread_teacher(uow, account, thread):
        return "teacher"
    return None
