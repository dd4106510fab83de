"""The final-grade messages: the grades of a period, a follow-up when they change, the
reminder, and the acknowledgement buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot.finals.buttons import FinalAck, WriteTeacher
from bot.finals.content import FinalLine
from bot.presentation.keyboards import keyboard
from bot.presentation.rendered import Block, Bold, Gap, Inline, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


def period_title(name: str, starts_on: dt.date, ends_on: dt.date) -> str:
    return f"{name} ({starts_on:%d.%m.%Y} – {ends_on:%d.%m.%Y})"


def _line(line: FinalLine, _: Translator) -> Paragraph:
    if not line.deferred:
        return paragraph(f"• {line.subject}: ", Bold(line.value or ""))
    until = line.deferred_until.strftime("%d.%m.%Y") if line.deferred_until else "—"
    deferral = _("deferred until {date}").format(date=until)
    reason = f" ({line.reason})" if line.reason else ""
    return paragraph(f"• {line.subject}: {deferral}{reason}")


def _titled(icon: str, title: str, period: str) -> list[Block]:
    heading: tuple[Inline, ...] = (f"{icon} ", Bold(title))
    return [Paragraph(heading), paragraph(period)]


def render_final_grades(
    _: Translator, *, child: str, period: str, lines: list[FinalLine], asks_acknowledgement: bool
) -> Rendered:
    blocks = _titled("🎓", _("Final grades: {child}").format(child=child), period)
    blocks += [_line(line, _) for line in lines] or [paragraph(_("No final grades."))]
    if asks_acknowledgement:
        please = _("Please confirm with the button that you have seen them, or reply.")
        blocks += [Gap(), paragraph(please)]
    return Rendered(tuple(blocks))


def render_follow_up(
    _: Translator, *, child: str, period: str, lines: list[FinalLine], resolved: bool
) -> Rendered:
    title = (
        _("A deferred final grade is in: {child}")
        if resolved
        else _("Final grades updated: {child}")
    ).format(child=child)
    blocks = _titled("🎓", title, period) + [_line(line, _) for line in lines]
    please = _("Please confirm with the button that you have seen them, or reply.")
    return Rendered((*blocks, Gap(), paragraph(please)))


def render_reminder(_: Translator, *, child: str, period: str) -> Rendered:
    title = _("Reminder: the final grades of {child}").format(child=child)
    body = _(
        "Please confirm that you have seen them: the class teacher is waiting for your "
        "acknowledgement."
    )
    return Rendered((*_titled("⏰", title, period), Gap(), paragraph(body)))


def acknowledgement_keyboard(
    _: Translator,
    *,
    notice_id: int,
    student_id: int,
    acknowledged_at: dt.datetime | None = None,
    timezone: str = "Europe/Moscow",
) -> dict[str, Any]:
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
