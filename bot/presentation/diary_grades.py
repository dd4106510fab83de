"""The diary's marks: a week's or a period's grades by subject, one subject drilled into,
and the caption of the trend chart.

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

from decimal import Decimal

from bot.diary.views import DiaryContext, GradesView, MarkLine, SubjectMarks, SubjectView
from bot.grading.forecast import rounded_average
from bot.presentation.headings import header_parts, separated
from bot.presentation.numbers_and_days import day_name, decimal_text
from bot.presentation.rendered import (
    Block,
    Bold,
    Bullets,
    Gap,
    Inline,
    Paragraph,
    Rendered,
    paragraph,
)
from bot.presentation.translation import Translator


def render_grades(context: DiaryContext, view: GradesView | None, _: Translator) -> Rendered:
    """A week's marks, or the current period's (``view.period`` set); None: no period."""
    blocks: list[Block] = [Paragraph(header_parts(_("Grades"), context))]
    if view is None:
        blocks += [Gap(), paragraph(_("There is no current period in the journal data."))]
        return Rendered(tuple(blocks))
    span = f"{day_name(view.first, _.locale)} — {day_name(view.last, _.locale)}"
    blocks += [paragraph(f"{view.period}: {span}" if view.period else span), Gap()]
    if not view.subjects:
        empty = _("No marks in this period yet.") if view.period else _("No marks this week.")
        blocks.append(paragraph(empty))
    blocks += separated(_subject_marks(entry, _) for entry in view.subjects)
    return Rendered(tuple(blocks))


def _subject_marks(entry: SubjectMarks, _: Translator) -> list[Block]:
    title: list[Inline] = [Bold(entry.subject)]
    if entry.average is not None:
        title.append(" · " + _("average {average}").format(average=average(entry.average, _)))
    marks = tuple(_mark(mark, _, with_weight=True) for mark in entry.marks)
    return [Paragraph(tuple(title)), Bullets(marks)]


def average(value: float, _: Translator) -> str:
    # Rounded as the forecast rounds it, so the two views never disagree.
    return decimal_text(Decimal(rounded_average(value)), "0.00", _.locale)


def _mark(mark: MarkLine, _: Translator, *, with_weight: bool) -> tuple[Inline, ...]:
    """«5 — Tue, 1 September, class work, weight 2»."""
    details = [day_name(mark.date, _.locale)]
    if mark.work_type:
        details.append(mark.work_type)
    if with_weight and mark.weight != 1:
        weight = decimal_text(mark.weight, "0.##", _.locale)
        details.append(_("weight {weight}").format(weight=weight))
    return (Bold(mark.value), " — " + ", ".join(details))


def render_subject(context: DiaryContext, view: SubjectView, _: Translator) -> Rendered:
    """One subject over the current period: marks, average and the lessons' topics."""
    blocks: list[Block] = [Paragraph(header_parts(view.subject, context))]
    if view.period:
        blocks.append(paragraph(view.period))
    blocks.append(Gap())
    if not view.marks:
        blocks.append(paragraph(_("No marks in this period yet.")))
    blocks.append(Bullets(tuple(_mark(mark, _, with_weight=False) for mark in view.marks)))
    if view.forecast.average is not None:
        shown = average(view.forecast.average, _)
        blocks += [Gap(), paragraph(_("Average: {average}").format(average=shown))]
    if view.topics:
        topics = tuple((f"{day_name(day, _.locale)} — {topic}",) for day, topic in view.topics)
        blocks += [Gap(), paragraph(Bold(_("Lesson topics"))), Bullets(topics)]
    return Rendered(tuple(blocks))


def chart_title(child: str, period: str) -> str:
    """Drawn above the chart (not a message: no markup)."""
    return f"{child} · {period}"


def render_chart_caption(child: str, period: str, _: Translator) -> Rendered:
    caption = _("Weighted average by subject: {child}, {period}")
    return Rendered((paragraph(caption.format(child=child, period=period)),))
