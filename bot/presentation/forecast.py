"""The forecast of final success as text: the diary's /forecast and the weekly digest.

Translated with the translator it is given (the reader's language).
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from bot.diary.forecast_view import ForecastView, SubjectForecast
from bot.diary.service import DiaryContext
from bot.grading.forecast import rounded_average
from bot.presentation.headings import header
from bot.presentation.lessons import day_name
from bot.presentation.text import escape
from bot.presentation.translation import Translator


def forecast_line(item: SubjectForecast, view: ForecastView, _: Translator) -> str:
    locale = _.locale
    result = item.forecast
    line = f"<b>{escape(item.subject)}</b>: "
    if not result.enough or result.predicted is None:
        return line + _("not enough marks for a forecast ({count} of {minimum})").format(
            count=result.marks, minimum=view.minimum_marks
        )
    average = rounded_average(result.average or 0, thresholds=view.thresholds)
    shown = format_decimal(Decimal(average), "0.00", locale=locale)
    mark = ("⚠️ " if result.predicted <= 2 else "") + str(result.predicted)
    line += _("average {average}, forecast {mark}").format(average=shown, mark=mark)
    if result.next_mark is not None and result.fives_to_next:
        line += "\n   " + _.ngettext(
            "one more 5 and it will be {mark}",
            "{count} more 5s and it will be {mark}",
            result.fives_to_next,
        ).format(count=result.fives_to_next, mark=result.next_mark)
    return line


def forecast_text(context: DiaryContext, view: ForecastView | None, _: Translator) -> str:
    locale = _.locale
    lines = [header(_("Forecast"), context)]
    if view is None:
        return "\n".join([*lines, "", _("There is no current period in the journal data.")])
    period = f"{day_name(view.starts_on, locale)} — {day_name(view.ends_on, locale)}"
    lines += [f"{escape(view.period)}: {period}", ""]
    if not view.subjects:
        lines.append(_("No marks in this period yet."))
    lines += [forecast_line(item, view, _) for item in view.subjects]
    return "\n".join(lines)
