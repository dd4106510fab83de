"""A family's reply to a letter, relayed to the class teacher as the Telegram relay does.

The receiver (:mod:`bot.mail.inbound`) has checked the reply address and taken the text
out of the message; here the rules are the relay's: the same length limit, a push with
the «Reply» button to every account of the teacher, a thread per writer, child and
teacher. Whom a reply is from comes from the signed address alone, and is looked up again
now: a family whose consent was withdrawn, who left e-mail, whose address was refused or
who no longer represents the child writes to nobody.

A reply to an ordinary letter (the address names the guardian or the adult student) goes
to the class teacher of each of their children (one message per teacher, naming the
children it concerns); a reply to a teacher's answer (it names the thread) continues that
conversation only.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.mail.conversations import concerns, family_of
from bot.mail.recipients import Recipient, reachable_by_mail
from bot.presentation.relay import FamilyMessage
from bot.teachers.relay import RelayRefused, check_text, queue_for_teachers
from db.models import OutboxChannel, RelayThread, SchoolClass, Student
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


class ReplyOutcome(enum.Enum):
    RELAYED = "relayed"
    EMPTY = "empty"  # nothing written above the quoted letter: ignored
    TOO_LONG = "too long"  # above the relay's limit: the sender is told (a bounce)
    UNAVAILABLE = "unavailable"  # the writer may no longer write (consent, form, child)
    NO_TEACHER = "no teacher"  # no class teacher in the bot to read it


@dataclass(frozen=True)
class _Conversation:
    thread: RelayThread
    children: list[tuple[Student, SchoolClass]]


async def relay_reply(
    uow: UnitOfWork, clock: Clock, i18n: I18n, *, subject: str, text: str
) -> ReplyOutcome:
    """Relay the reply of the person (or thread) the reply address names; commits."""
    try:
        body = check_text(text)
    except RelayRefused:
        return ReplyOutcome.TOO_LONG if text.strip() else ReplyOutcome.EMPTY
    conversations = await _conversations(uow, clock, subject)
    if conversations is None:
        return ReplyOutcome.UNAVAILABLE
    now = clock.now()
    relayed = 0
    for conversation in conversations:
        thread = conversation.thread
        teachers = await uow.finals.staff_accounts(thread.school_id, teacher_id=thread.teacher_id)
        if not teachers:
            continue
        view = await _family_message(uow, conversation, body)
        await queue_for_teachers(uow, i18n, thread, view, teachers, now)
        relayed += 1
    if not relayed:
        await uow.rollback()  # threads made for nobody to read are not kept
        return ReplyOutcome.NO_TEACHER
    await uow.commit()
    return ReplyOutcome.RELAYED


async def _conversations(uow: UnitOfWork, clock: Clock, subject: str) -> list[_Conversation] | None:
    """The threads the reply goes to; None when its writer may not write."""
    kind, number = subject[0], int(subject[1:])
    now = clock.now()
    if kind == "t":
        return await _thread_conversation(uow, number, now)
    writer = (kind, number)
    if not await _may_write(uow, writer, now):
        return None
    children = await _children(uow, writer)
    if not children:
        return None  # unlinked from every child: nobody to write about
    by_teacher: dict[int, list[tuple[Student, SchoolClass]]] = defaultdict(list)
    for student, school_class in children:
        if school_class.class_teacher_id is not None:
            by_teacher[school_class.class_teacher_id].append((student, school_class))
    return [
        _Conversation(await _thread(uow, clock, writer, theirs[0][0], teacher_id), theirs)
        for teacher_id, theirs in sorted(by_teacher.items())
    ]


async def _thread_conversation(
    uow: UnitOfWork, thread_id: int, now: datetime
) -> list[_Conversation] | None:
    """A reply to a teacher's answer: that thread, while its family may still write."""
    thread = await uow.teachers.thread(thread_id)
    if thread is None or thread.channel != OutboxChannel.EMAIL:
        return None
    writer = family_of(thread)
    if not await _may_write(uow, writer, now) or not await concerns(uow, writer, thread.student_id):
        return None
    student = await uow.linking.get_student(thread.student_id)
    assert student is not None
    return [_Conversation(thread, [(student, await uow.linking.class_of(student))])]


async def _may_write(uow: UnitOfWork, writer: Recipient, now: datetime) -> bool:
    """The writer gets letters now: the answer can go back the same way."""
    return writer in await reachable_by_mail(uow, [writer], now)


async def _children(uow: UnitOfWork, writer: Recipient) -> list[tuple[Student, SchoolClass]]:
    role, person_id = writer
    if role == "g":
        return [(s, c) for _, s, c in await uow.linking.guardian_pairs(guardian_id=person_id)]
    student = await uow.linking.get_student(person_id)
    if student is None:
        return []
    return [(student, await uow.linking.class_of(student))]


async def _thread(
    uow: UnitOfWork, clock: Clock, writer: Recipient, student: Student, teacher_id: int
) -> RelayThread:
    guardian_id = writer[1] if writer[0] == "g" else None
    thread = await uow.teachers.find_mail_thread(guardian_id, student.id, teacher_id)
    if thread is not None:
        return thread
    now = clock.now()
    return await uow.teachers.add_thread(
        RelayThread(
            school_id=student.school_id,
            channel=OutboxChannel.EMAIL,
            family_account_id=None,
            student_id=student.id,
            teacher_id=teacher_id,
            guardian_id=guardian_id,
            messages=0,
            created_at=now,
            last_message_at=now,
        )
    )


async def _family_message(uow: UnitOfWork, conversation: _Conversation, body: str) -> FamilyMessage:
    thread = conversation.thread
    guardian = await uow.linking.get_guardian(thread.guardian_id) if thread.guardian_id else None
    classes = dict.fromkeys(school_class.name for _, school_class in conversation.children)
    return FamilyMessage(
        thread_id=thread.id,
        child=", ".join(student.full_name for student, _ in conversation.children),
        class_name=", ".join(classes),
        guardian=guardian.full_name if guardian is not None else None,
        acknowledging=None,
        text=body,
        by_letter=True,
    )
