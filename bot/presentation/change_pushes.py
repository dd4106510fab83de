"""The pushes a family reads when the journal changes: new or changed marks, a lesson
moved, cancelled or substituted, new homework, a teacher's recommendation; and the
heading of the daily summary that gathers the pushes a reader wants once a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.presentation.rendered import Bold, Bullets, Inline, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


@dataclass(frozen=True)
class MarkChange:
    """One mark's net change over a batch: added (no ``before``), removed (no ``after``)
    or changed."""

    subject: str
    before: str | None  # the mark as written in the journal
    after: str | None
    work_type: str = ""  # of an added mark
    date: str = ""  # ISO, of a removed mark


@dataclass(frozen=True)
class MarksPush:
    child: str
    changes: tuple[MarkChange, ...]


class LessonChange(StrEnum):
    SUBSTITUTED = "substituted"
    MOVED = "moved"
    CANCELLED = "cancelled"
    CHANGED = "changed"


@dataclass(frozen=True)
class LessonPush:
    child: str
    date: str  # ISO, as the journal keeps it
    number: str
    subject: str
    change: LessonChange
    teacher: str = ""
    substitute: str = ""
    moved_to_date: str = ""  # ISO
    moved_to_number: str = ""


@dataclass(frozen=True)
class HomeworkPush:
    child: str
    subject: str
    due_on: str  # ISO
    text: str


@dataclass(frozen=True)
class AdvicePush:
    child: str
    teacher: str
    subject: str  # empty when the recommendation is not about one subject
    text: str


ChangePush = MarksPush | LessonPush | HomeworkPush | AdvicePush


def render_change_push(view: ChangePush, _: Translator) -> Rendered:
    if isinstance(view, MarksPush):
        return render_marks_push(view, _)
    if isinstance(view, LessonPush):
        return render_lesson_push(view, _)
    if isinstance(view, HomeworkPush):
        return render_homework_push(view, _)
    return render_advice_push(view, _)


def render_marks_push(view: MarksPush, _: Translator) -> Rendered:
    only_new = all(change.before is None for change in view.changes)
    title = (_("New marks: {child}") if only_new else _("Changes in marks: {child}")).format(
        child=view.child
    )
    items = tuple(_mark_line(change, _) for change in view.changes)
    return Rendered((paragraph(Bold(title)), Bullets(items)))


def _mark_line(change: MarkChange, _: Translator) -> tuple[Inline, ...]:
    if change.before is None:
        work = f" ({change.work_type})" if change.work_type else ""
        return (f"{change.subject}: ", Bold(change.after or ""), *((work,) if work else ()))
    if change.after is None:
        removed = _("{subject}: the mark {value} of {date} was removed").format(
            subject=change.subject, value=change.before, date=short_date(change.date)
        )
        return (removed,)
    return (f"{change.subject}: {change.before} → ", Bold(change.after))


def render_lesson_push(view: LessonPush, _: Translator) -> Rendered:
    title = _("Schedule change: {child}, {date}").format(
        child=view.child, date=short_date(view.date)
    )
    if view.change is LessonChange.SUBSTITUTED:
        what = _("substitution: {substitute} instead of {teacher}").format(
            substitute=view.substitute, teacher=view.teacher
        )
    elif view.change is LessonChange.MOVED:
        what = _("moved to {day}, lesson {number}").format(
            day=short_date(view.moved_to_date), number=view.moved_to_number
        )
    elif view.change is LessonChange.CANCELLED:
        what = _("cancelled")
    else:
        what = _("changed")
    return Rendered(
        (paragraph("🔁 ", Bold(title)), paragraph(f"{view.number}. {view.subject} — {what}"))
    )


def render_homework_push(view: HomeworkPush, _: Translator) -> Rendered:
    title = _("Homework for {child}").format(child=view.child)
    due = _("due {date}").format(date=short_date(view.due_on))
    return Rendered(
        (paragraph("📚 ", Bold(title)), paragraph(f"{view.subject} ({due}): {view.text}"))
    )


def render_advice_push(view: AdvicePush, _: Translator) -> Rendered:
    title = _("Recommendation for {child} from {teacher}").format(
        child=view.child, teacher=view.teacher
    )
    subject: tuple[Inline, ...] = (f" · {view.subject}",) if view.subject else ()
    return Rendered((paragraph("💬 ", Bold(title), *subject), Paragraph((view.text,))))


def short_date(iso: str) -> str:
    """dd.mm of an ISO date; anything else as it came (the journal's data is not ours)."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d.%m")
    except ValueError:
        return iso


def render_summary_header(day: dt.date, _: Translator) -> Rendered:
    """The first row of a reader's daily summary, the pushes they chose to get together."""
    title = _("Daily summary for {date}").format(date=day.strftime("%d.%m"))
    return Rendered((paragraph("🗒 ", Bold(title)),))
