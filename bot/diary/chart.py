"""A PNG of each subject's weighted-average trend over the period (matplotlib, no display)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure

from bot.grading.forecast import Thresholds

Point = tuple[dt.date, float]


def running_averages(marks: Sequence[tuple[dt.date, float, float]]) -> list[Point]:
    """(date, score, weight) in date order → the weighted average after each day."""
    points: list[Point] = []
    total = weight = 0.0
    for day, score, mark_weight in sorted(marks):
        total += score * mark_weight
        weight += mark_weight
        if points and points[-1][0] == day:
            points[-1] = (day, total / weight)
        else:
            points.append((day, total / weight))
    return points


def trend_png(
    series: Mapping[str, Sequence[Point]], *, title: str, thresholds: Thresholds
) -> bytes:
    # A bare Figure with the Agg canvas: no pyplot global state, safe in a server process.
    figure = Figure(figsize=(8, 4.5), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for subject, points in sorted(series.items()):
        if points:
            days = [date2num(p[0]) for p in points]  # type: ignore[no-untyped-call]
            axes.plot(days, [p[1] for p in points], marker="o", label=subject)
    for level in (thresholds.three, thresholds.four, thresholds.five):
        axes.axhline(level, color="grey", linewidth=0.6, linestyle="--")
    axes.set_ylim(1.8, 5.2)
    axes.set_title(title)
    axes.xaxis.set_major_formatter(DateFormatter("%d.%m"))  # type: ignore[no-untyped-call]
    axes.grid(alpha=0.2)
    if series:
        axes.legend(loc="lower left", fontsize="small", ncols=2)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
