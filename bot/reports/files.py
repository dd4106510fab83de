"""A report's files as plain data (what ``documents`` renders), and their rendering in the
worker processes of ``render_pool``: the PDF and the workbook side by side."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass

from bot.reports.charts import BarChart, bar_chart_png
from bot.reports.documents import Report, Sheet, render_pdf, render_xlsx
from bot.reports.render_pool import in_render_pool


@dataclass(frozen=True)
class ReportFiles:
    """What a report's PDF and XLSX are made of; built in the parent from the database."""

    report: Report
    sheets: tuple[Sheet, ...]
    chart: BarChart | None = None  # drawn, then shown under the last section of the PDF


@dataclass(frozen=True)
class RenderedFiles:
    pdf: bytes
    xlsx: bytes
    chart_png: bytes | None


def render_pdf_with_chart(report: Report, chart: BarChart | None) -> tuple[bytes, bytes | None]:
    """The PDF, and the chart's PNG it shows (in a worker process: a module-level function
    of plain data, as the pool pickles it)."""
    if chart is None:
        return render_pdf(report), None
    png = bar_chart_png(chart)
    *others, last = report.sections
    sections = [*others, dataclasses.replace(last, image_png=png)]
    return render_pdf(dataclasses.replace(report, sections=sections)), png


async def render_files(files: ReportFiles) -> RenderedFiles:
    """The PDF and the workbook, each in a worker of the pool, at the same time."""
    (pdf, png), xlsx = await asyncio.gather(
        in_render_pool(render_pdf_with_chart, files.report, files.chart),
        in_render_pool(render_xlsx, list(files.sheets)),
    )
    return RenderedFiles(pdf=pdf, xlsx=xlsx, chart_png=png)
