"""Charts of the reports, drawn with matplotlib from plain data (in a worker process: see
``render_pool``), so the figure's labels arrive translated and nothing here reads the
database."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


@dataclass(frozen=True)
class BarChart:
    """Two bars per category, side by side (e.g. planned and conducted lessons)."""

    title: str
    categories: tuple[str, ...]
    first_label: str
    first: tuple[float, ...]
    second_label: str
    second: tuple[float, ...]


def bar_chart_png(chart: BarChart) -> bytes:
    # A bare Figure with the Agg canvas: no pyplot global state, safe in a server process.
    figure = Figure(figsize=(9, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(chart.categories))
    axes.bar([p - 0.2 for p in positions], chart.first, 0.4, label=chart.first_label)
    axes.bar([p + 0.2 for p in positions], chart.second, 0.4, label=chart.second_label)
    axes.set_xticks(list(positions), chart.categories)
    axes.set_title(chart.title)
    axes.legend()
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
