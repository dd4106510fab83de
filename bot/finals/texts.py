"""The final-grade messages in the reader's language (jobs run outside any update)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from bot.finals.buttons import FinalAck, WriteTeacher
from bot.finals.content import FinalLine
from bot.presentation.keyboards import keyboard
from bot.presentation.text import escape
from bot.presentation.translation import translator


def period_title(name: str, starts_on: dt.date, ends_on: dt.date) -> str:
    return f"{escape(name)} ({starts_on:%d.%m.%Y} – {ends_on:%d.%m.%Y})"


def line_text(i18n: I18n, locale: str, line: FinalLine) -> str:
    _ = translator(i18n, locale)
    subject = escape(line.subject)
    if not line.deferred:
        return f"• {subject}: <b>{escape(line.value or '')}</b>"
    until = line.deferred_until.strftime("%d.%m.%Y") if line.deferred_until else "—"
    deferral = _("deferred until {date}").format(date=until)
    reason = f" ({escape(line.reason)})" if line.reason else ""
    return f"• {subject}: {escape(deferral)}{reason}"


def final_grades_text(
    i18n: I18n,
    locale: str,
    *,
    child: str,
    period: str,
    lines: list[FinalLine],
    asks_acknowledgement: bool,
) -> str:
    _ = translator(i18n, locale)
    title = _("Final grades: {child}").format(child=child)
    parts = [f"🎓 <b>{escape(title)}</b>", period]
    parts += [line_text(i18n, locale, line) for line in lines] or [_("No final grades.")]
    if asks_acknowledgement:
        parts += ["", _("Please confirm with the button that you have seen them, or reply.")]
    return "\n".join(parts)


def follow_up_text(
    i18n: I18n, locale: str, *, child: str, period: str, lines: list[FinalLine], resolved: bool
) -> str:
    _ = translator(i18n, locale)
    title = (
        _("A deferred final grade is in: {child}")
        if resolved
        else _("Final grades updated: {child}")
    ).format(child=child)
    parts = [f"🎓 <b>{escape(title)}</b>", period, *[line_text(i18n, locale, x) for x in lines]]
    parts += ["", _("Please confirm with the button that you have seen them, or reply.")]
    return "\n".join(parts)


def reminder_text(i18n: I18n, locale: str, *, child: str, period: str) -> str:
    _ = translator(i18n, locale)
    title = _("Reminder: the final grades of {child}").format(child=child)
    body = _(
        "Please confirm that you have seen them: the class teacher is waiting for your "
        "acknowledgement."
    )
    return f"⏰ <b>{escape(title)}</b>\n{period}\n\n{escape(body)}"


def acknowledgement_keyboard(
    i18n: I18n,
    locale: str,
    *,
    notice_id: int,
    student_id: int,
    acknowledged_at: dt.datetime | None = None,
    timezone: str = "Europe/Moscow",
) -> dict[str, Any]:
    _ = translator(i18n, locale)
    if acknowledged_at is None:
        ack = "✅ " + _("Seen, acknowledged")
    else:
        local = acknowledged_at.astimezone(ZoneInfo(timezone))
        ack = "☑️ " + _("Acknowledged {moment}").format(moment=f"{local:%d.%m %H:%M}")
    return keyboard(
        [
            [(ack, FinalAck(notice=notice_id))],
            [("✉️ " + _("Write to the class teacher"), WriteTeacher(student=student_id))],
        ]
    )
