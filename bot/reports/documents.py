"""Rendering of report documents: A4 PDF (fpdf2) and XLSX (openpyxl) from plain tables.

Pure document generation: every text arrives translated and ready, nothing here touches
the database or the bot. A report is a list of sections; each section starts on a new
page, and its tables break across pages with their heading row repeated.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from fpdf import FPDF, FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.pdf_fonts import add_font, parse_font

_FONT = "DejaVuSans"
_FACES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"))  # DejaVu covers Cyrillic
_MARGIN = 12.0
_HEADINGS = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
Cell = str | int | float | None
# The narrowest column fpdf can fill: padding plus a two-digit number or a wide letter at the
# table's 9 pt; narrower columns make fpdf refuse to lay out a single character.
_MIN_COLUMN = 8.0


@dataclass(frozen=True)
class Table:
    headings: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    widths: tuple[float, ...]  # relative column widths
    title: str = ""
    empty: str = ""  # printed instead of an empty table; nothing when blank
    align_right_from: int | None = None  # numeric columns from this index on
    # Columns repeated on each page when a table is too wide for one (e.g. № and the name).
    key_columns: int = 1


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = ()  # under the title: who, which class, which dates
    tables: tuple[Table, ...] = ()
    image_png: bytes | None = None  # a chart, full width, after the tables
    closing: tuple[str, ...] = ()  # after everything: e.g. the signature line


@dataclass
class Report:
    title: str  # the document's metadata title
    sections: list[Section] = field(default_factory=list)
    landscape: bool = False


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def parse_fonts() -> None:
    """Parse the faces the PDFs use, once per process (a worker process as it starts)."""
    for style, file_name in _FACES:
        parse_font(_FONT, style, file_name)


def render_pdf(report: Report) -> bytes:
    pdf = FPDF(orientation="L" if report.landscape else "P", unit="mm", format="A4")
    pdf.set_title(report.title)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN)
    for style, file_name in _FACES:
        add_font(pdf, _FONT, style, file_name)
    width = pdf.w - 2 * _MARGIN
    for section in report.sections:
        pdf.add_page()
        pdf.set_font(_FONT, "B", 13)
        pdf.multi_cell(width, 6.5, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, "", 10)
        for line in section.lines:
            pdf.multi_cell(width, 5.2, line, new_x="LMARGIN", new_y="NEXT")
        for table in section.tables:
            _table(pdf, table, width)
        if section.image_png is not None:
            pdf.ln(3)
            pdf.image(io.BytesIO(section.image_png), w=width)
        if section.closing:
            pdf.ln(6)
            pdf.set_font(_FONT, "", 10)
            for line in section.closing:
                pdf.multi_cell(width, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _table(pdf: FPDF, table: Table, width: float) -> None:
    pdf.ln(3)
    if table.title:
        pdf.set_font(_FONT, "B", 11)
        pdf.multi_cell(width, 6, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 9)
    if not table.rows:
        if table.empty:
            pdf.multi_cell(width, 5, table.empty, new_x="LMARGIN", new_y="NEXT")
        return
    for part in column_parts(table, width):
        _grid(pdf, part, width)
        pdf.ln(2)


def _grid(pdf: FPDF, table: Table, width: float) -> None:
    with pdf.table(
        col_widths=fitted_widths(table.widths, width),
        width=width,
        headings_style=_HEADINGS,
        line_height=4.6,
        text_align="LEFT",
        repeat_headings=1,
        padding=1,
    ) as grid:
        heading = grid.row()
        for text in table.headings:
            heading.cell(text)
        for values in table.rows:
            row = grid.row()
            for index, value in enumerate(values):
                right = table.align_right_from is not None and index >= table.align_right_from
                row.cell(_text(value), align="RIGHT" if right else "LEFT")


def column_parts(table: Table, width: float, minimum: float = _MIN_COLUMN) -> list[Table]:
    """The table as one or more tables that each fit the width with every column at least
    ``minimum`` wide; each part repeats the key columns (a class of 25 subjects prints on
    two pages side by side instead of failing)."""
    fit = int(width // minimum)
    if len(table.headings) <= fit:
        return [table]
    keys = list(range(min(table.key_columns, fit - 1)))
    others = list(range(len(keys), len(table.headings)))
    step = fit - len(keys)
    return [
        _columns(table, keys + others[start : start + step])
        for start in range(0, len(others), step)
    ]


def _columns(table: Table, chosen: list[int]) -> Table:
    right = table.align_right_from
    return Table(
        headings=tuple(table.headings[i] for i in chosen),
        rows=[[row[i] for i in chosen] for row in table.rows],
        widths=tuple(table.widths[i] for i in chosen),
        title=table.title,
        empty=table.empty,
        align_right_from=None if right is None else sum(1 for i in chosen if i < right),
        key_columns=table.key_columns,
    )


def fitted_widths(
    relative: Sequence[float], width: float, minimum: float = _MIN_COLUMN
) -> tuple[float, ...]:
    """Column widths in proportion to ``relative`` summing to ``width``, none under
    ``minimum`` (the narrow ones are raised and the others share what is left)."""
    if len(relative) * minimum > width:
        raise ValueError("the columns cannot fit: split the table first")
    fixed: set[int] = set()
    while True:
        free = width - minimum * len(fixed)
        share = sum(r for i, r in enumerate(relative) if i not in fixed) or 1.0
        widths = [minimum if i in fixed else free * r / share for i, r in enumerate(relative)]
        narrow = {i for i, w in enumerate(widths) if i not in fixed and w < minimum}
        if not narrow:
            return tuple(widths)
        fixed |= narrow


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters, no []:*?/\ (Excel's rules)
    lines: tuple[str, ...]  # above the table
    table: Table
    extra: tuple[Table, ...] = ()  # further tables under the first, a blank row between


def render_xlsx(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title))
        row = 1
        for line in sheet.lines:
            worksheet.cell(row=row, column=1, value=line).font = Font(bold=row == 1)
            row += 1
        for table in (sheet.table, *sheet.extra):
            row = _sheet_table(worksheet, table, row + 1)
        for index, relative in enumerate(sheet.table.widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = max(6, relative * 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_table(worksheet: Worksheet, table: Table, row: int) -> int:
    if table.title:
        worksheet.cell(row=row, column=1, value=table.title).font = Font(bold=True)
        row += 1
    for column, text in enumerate(table.headings, start=1):
        cell = worksheet.cell(row=row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.rows:
        row += 1
        for column, value in enumerate(values, start=1):
            worksheet.cell(row=row, column=column, value=value)
    if not table.rows and table.empty:
        row += 1
        worksheet.cell(row=row, column=1, value=table.empty)
    return row + 1


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in title)
    return cleaned[:31] or "-"
