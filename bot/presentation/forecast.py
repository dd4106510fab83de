"""The forecast of final success as text: the diary's /forecast and the weekly digest.

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

from decimal import Decimal

from bot.diary.views import DiaryContext, ForecastView, SubjectForecast
from bot.grading.forecast import rounded_average
from bot.presentation.headings import header_parts
from bot.presentation.numbers_and_days import day_name, decimal_text
from bot.presentation.rendered import Block, Bold, Gap, Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


def forecast_blocks(item: SubjectForecast, view: ForecastView, _: Translator) -> list[Block]:
    """A subject's forecast: its line, and what it takes to reach the next mark."""
    result = item.forecast
    subject = Bold(item.subject)
    if not result.enough or result.predicted is None:
        missing = _("not enough marks for a forecast ({count} of {minimum})").format(
            count=result.marks, minimum=view.minimum_marks
        )
        return [paragraph(subject, ": " + missing)]
    average = rounded_average(result.average or 0, thresholds=view.thresholds)
    shown = decimal_text(Decimal(average), "0.00", _.locale)
    mark = ("⚠️ " if result.predicted <= 2 else "") + str(result.predicted)
    line = _("average {average}, forecast {mark}").format(average=shown, mark=mark)
    blocks: list[Block] = [paragraph(subject, ": " + line)]
    if result.next_mark is not None and result.fives_to_next:
        blocks.append(
            paragraph(
                "   "
                + _.ngettext(
                    "one more 5 and it will be {mark}",
                    "{count} more 5s and it will be {mark}",
                    result.fives_to_next,
                ).format(count=result.fives_to_next, mark=result.next_mark)
            )
        )
    return blocks


def render_forecast(context: DiaryContext, view: ForecastView | None, _: Translator) -> Rendered:
    """The forecast of final success: the diary's /forecast and the weekly digest."""
    blocks: list[Block] = [Paragraph(header_parts(_("Forecast"), context))]
    if view is None:
        blocks += [Gap(), paragraph(_("There is no current period in the journal data."))]
        return Rendered(tuple(blocks))
    period = f"{day_name(view.starts_on, _.locale)} — {day_name(view.ends_on, _.locale)}"
    blocks += [paragraph(f"{view.period}: {period}"), Gap()]
    if not view.subjects:
        blocks.append(paragraph(_("No marks in this period yet.")))
    for item in view.subjects:
        blocks += forecast_blocks(item, view, _)
    return Rendered(tuple(blocks))
