"""The forecast as the regular digest pushes it: the diary's forecast under a chart icon,
so it stands out among the day's other pushes."""

from __future__ import annotations

from bot.diary.views import DiaryContext, ForecastView
from bot.presentation.forecast import render_forecast
from bot.presentation.rendered import Paragraph, Rendered, paragraph
from bot.presentation.translation import Translator


def render_forecast_digest(
    context: DiaryContext, view: ForecastView | None, _: Translator
) -> Rendered:
    forecast = render_forecast(context, view, _)
    first, *rest = forecast.blocks
    if isinstance(first, Paragraph):  # the forecast's heading, which the icon leads
        return Rendered((Paragraph(("📈 ", *first.parts)), *rest), forecast.buttons)
    return Rendered((paragraph("📈"), *forecast.blocks), forecast.buttons)
