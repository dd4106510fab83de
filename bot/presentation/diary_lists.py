"""The diary's list sections: tests, teachers, holidays, recommendations, final grades.

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.diary.views import (
    DiaryContext,
    FinalLine,
    FinalPeriod,
    HolidayLine,
    RecommendationLine,
    TeachersView,
    TestLine,
    TestsView,
)
from bot.presentation.headings import header_parts, separated
from bot.presentation.numbers_and_days import day_and_month, day_name
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


def render_tests(context: DiaryContext, view: TestsView, _: Translator) -> Rendered:
    """The period's tests; those already written are ticked."""
    blocks: list[Block] = [Paragraph(header_parts(_("Tests"), context))]
    if view.period:
        blocks.append(paragraph(view.period))
    blocks.append(Gap())
    if not view.tests:
        blocks.append(paragraph(_("No tests are scheduled in this period.")))
    blocks += [_test(test, context.today, _) for test in view.tests]
    return Rendered(tuple(blocks))


def _test(test: TestLine, today: dt.date, _: Translator) -> Paragraph:
    mark = "✔️" if test.date < today else "📝"
    topic = f" («{test.topic}»)" if test.topic else ""
    day = day_name(test.date, _.locale)
    return paragraph(f"{mark} {day} — ", Bold(test.subject), f": {test.kind}{topic}")


def render_teachers(context: DiaryContext, view: TeachersView, _: Translator) -> Rendered:
    blocks: list[Block] = [Paragraph(header_parts(_("Teachers"), context)), Gap()]
    if view.class_teacher:
        class_teacher = _("Class teacher: {name}").format(name=view.class_teacher)
        blocks += [paragraph(class_teacher), Gap()]
    if not view.by_subject:
        blocks.append(paragraph(_("The journal has not sent the class's teachers yet.")))
    blocks += [
        paragraph(Bold(subject), " — " + ", ".join(names)) for subject, names in view.by_subject
    ]
    return Rendered(tuple(blocks))


def render_holidays(holidays: Sequence[HolidayLine], _: Translator) -> Rendered:
    """The school year's holidays, the current or next one pointed at."""
    blocks: list[Block] = [paragraph(Bold(_("Holidays"))), Gap()]
    if not holidays:
        blocks.append(paragraph(_("The journal has not sent the holiday schedule yet.")))
    for holiday in holidays:
        text = f"{holiday.name}: {_span(holiday.starts_on, holiday.ends_on, _.locale)}"
        blocks.append(
            paragraph("👉 ", Bold(text)) if holiday.current_or_next else Bullets(((text,),))
        )
    return Rendered(tuple(blocks))


def _span(first: dt.date, last: dt.date, locale: str) -> str:
    start, end = (day_and_month(day, locale) for day in (first, last))
    return f"{start} — {end}"


def render_recommendations(
    context: DiaryContext, items: Sequence[RecommendationLine], _: Translator
) -> Rendered:
    """The teachers' latest recommendations, each under its day and author."""
    blocks: list[Block] = [Paragraph(header_parts(_("Recommendations"), context)), Gap()]
    if not items:
        blocks.append(paragraph(_("No recommendations from the teachers.")))
    blocks += separated(_recommendation(item, _) for item in items)
    return Rendered(tuple(blocks))


def _recommendation(item: RecommendationLine, _: Translator) -> list[Block]:
    about = [item.subject] if item.subject else []
    about.append(item.teacher)
    heading = paragraph(Bold(day_name(item.date, _.locale)), " · " + ", ".join(about))
    return [heading, paragraph(item.text)]


def render_finals(context: DiaryContext, periods: Sequence[FinalPeriod], _: Translator) -> Rendered:
    """The final grades by period, with when the viewer acknowledged them."""
    blocks: list[Block] = [Paragraph(header_parts(_("Final grades"), context)), Gap()]
    if not periods:
        blocks.append(paragraph(_("No final grades yet.")))
    blocks += separated(_final_period(period, context.timezone, _) for period in periods)
    return Rendered(tuple(blocks))


def _final_period(period: FinalPeriod, timezone: str, _: Translator) -> list[Block]:
    blocks: list[Block] = [paragraph(Bold(period.name))]
    blocks.append(Bullets(tuple(_final_grade(grade, _) for grade in period.grades)))
    if period.acknowledged_at is not None:
        moment = period.acknowledged_at.astimezone(ZoneInfo(timezone))
        acknowledged = _("You acknowledged them on {moment}")
        blocks.append(paragraph("☑️ " + acknowledged.format(moment=f"{moment:%d.%m.%Y %H:%M}")))
    return blocks


def _final_grade(grade: FinalLine, _: Translator) -> tuple[Inline, ...]:
    if grade.deferred_until is None:
        return (f"{grade.subject} — ", Bold(grade.value or ""))
    deferred = _("deferred until {date}").format(date=grade.deferred_until.strftime("%d.%m.%Y"))
    reason = f" ({grade.reason})" if grade.reason else ""
    return (f"{grade.subject} — {deferred}{reason}",)
