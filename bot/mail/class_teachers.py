"""Telling the class teachers of a person's children what became of their e-mail: the
address refused by the relay, or the family unsubscribed. One message per teacher
account, through the Telegram outbox; the caller commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.mail.recipients import Recipient
from bot.presentation.rendered import Rendered
from bot.presentation.telegram import telegram_html
from bot.presentation.translation import Translator, translator
from db.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

# Renders the message for a teacher, given the children's names with their classes.
Render = Callable[[Translator, str], Rendered]


async def children_of(uow: UnitOfWork, recipient: Recipient) -> list[tuple[int, str, int]]:
    """(student id, "name, class", class id) of the person's children (or the student)."""
    role, person_id = recipient
    if role == "g":
        pairs = await uow.linking.guardian_pairs(guardian_id=person_id)
        return [(s.id, f"{s.full_name}, {c.name}", c.id) for _, s, c in pairs]
    student = await uow.mail.student(person_id)
    if student is None:
        return []
    school_class = await uow.finals.school_class(student.class_id)
    name = school_class.name if school_class else ""
    return [(student.id, f"{student.full_name}, {name}", student.class_id)]


async def tell_class_teachers(
    uow: UnitOfWork,
    i18n: I18n,
    *,
    school_id: int,
    recipient: Recipient,
    key: str,
    render: Render,
    now: datetime,
) -> int:
    """Queue ``render``'s message to the class teachers of the person's children; returns
    how many were queued (0: no class teacher in the bot, and the school sees it in
    ``ediary contacts list``)."""
    children = await children_of(uow, recipient)
    names = "; ".join(name for _, name, _ in children)
    queued = 0
    for class_id in sorted({class_id for _, _, class_id in children}):
        school_class = await uow.finals.school_class(class_id)
        if school_class is None or school_class.class_teacher_id is None:
            continue
        teachers = await uow.finals.staff_accounts(
            school_id, teacher_id=school_class.class_teacher_id
        )
        for teacher in teachers:
            text = telegram_html(render(translator(i18n, teacher.language or "ru"), names))
            queued += await uow.outbox.queue(
                account_id=teacher.id,
                school_id=school_id,
                kind="mail_notice",
                key=f"{key}:{teacher.id}",
                text=text,
                reply_markup=None,
                due_at=now,
                urgent=False,
                now=now,
            )
    return queued
