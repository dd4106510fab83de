"""A family's conversation with the class teacher by letter: who the family of a thread is,
whether it may still write about the child, and the teacher's answer queued as a letter.

The answer goes through the mail outbox like any letter part (the same worker, rate and
retries; the recipient looked up again when sending), in the family's language, rendered
as the Telegram answer is (a letter leaves its «Reply» button out; its footer says that a
reply to the letter reaches the teacher instead). The part names its thread, and the
worker gives the letter that thread's reply address.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.mail.letter_parts import REPLY_THREAD, queue_part
from bot.mail.recipients import Recipient, reachable_by_mail
from bot.presentation.relay import TeacherReply, render_teacher_reply, teacher_reply_subject
from bot.presentation.translation import translator
from db.models import RelayThread
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n


def family_of(thread: RelayThread) -> Recipient:
    """Who writes by letter in this thread: the guardian, or the adult student themself."""
    if thread.guardian_id is not None:
        return ("g", thread.guardian_id)
    return ("s", thread.student_id)


async def concerns(uow: UnitOfWork, recipient: Recipient, student_id: int) -> bool:
    """The person still represents the child (or is the student): a guardian unlinked from
    the child by the journal writes about them no more."""
    role, person_id = recipient
    if role == "s":
        return person_id == student_id and await uow.linking.get_student(student_id) is not None
    pairs = await uow.linking.guardian_pairs(guardian_id=person_id)
    return any(student.id == student_id for _, student, _ in pairs)


async def queue_answer_letter(
    uow: UnitOfWork, i18n: I18n, thread: RelayThread, view: TeacherReply, now: datetime
) -> bool:
    """Queue the teacher's answer to the family by letter; False (nothing queued) when the
    family may no longer get one: consent withdrawn, form or address changed, child
    unlinked. The caller commits."""
    recipient = family_of(thread)
    if not await concerns(uow, recipient, thread.student_id):
        return False
    reachable = (await reachable_by_mail(uow, [recipient], now)).get(recipient)
    if reachable is None:
        return False
    _ = translator(i18n, reachable.language)
    thread.messages += 1
    thread.last_message_at = now
    await queue_part(
        uow, recipient, school_id=thread.school_id, kind="relay",
        key=f"relay:{thread.id}:{thread.messages}:mail",
        subject=teacher_reply_subject(_, view.teacher), rendered=render_teacher_reply(view, _),
        locale=reachable.language, due_at=now, now=now, student_id=thread.student_id,
        **{REPLY_THREAD: thread.id},
    )  # fmt: skip
    return True
