"""The PDF fonts are parsed once per process, and every document still embeds the glyphs it
uses: fpdf2 subsets the parsed font in place, so a document must never get another's."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from pypdf import PdfReader

from bot import pdf_fonts
from bot.linking import letters
from bot.reports.documents import Cell, Report, Section, Table, render_pdf
from tests.test_letters import CREATED, three_letters


class CountingTTFont(ttLib.TTFont):  # type: ignore[misc]
    """fontTools' TTFont, noting the files it parses (module level: fonts are pickled)."""

    opened: ClassVar[list[str]] = []

    def __init__(self, file: Any = None, *args: Any, **kwargs: Any) -> None:
        self.opened.append(Path(str(file)).name)
        super().__init__(file, *args, **kwargs)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The font files fontTools parses from now on (fpdf2 calls ``ttLib.TTFont``)."""
    pdf_fonts.forget_parsed_fonts()
    monkeypatch.setattr(CountingTTFont, "opened", [])
    monkeypatch.setattr(ttLib, "TTFont", CountingTTFont)
    yield CountingTTFont.opened
    pdf_fonts.forget_parsed_fonts()  # no CountingTTFont left behind for other tests


def report(title: str, names: list[str]) -> Report:
    rows: list[list[Cell]] = [[number, name, 5] for number, name in enumerate(names, 1)]
    table = Table(headings=("№", "Ученик", "Оценка"), rows=rows, widths=(1, 6, 2))
    return Report(title=title, sections=[Section(title=title, tables=(table,))])


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_two_pdfs_parse_each_font_file_once_and_keep_their_own_glyphs(
    parses: list[str],
) -> None:
    first = render_pdf(report("Ведомость 5А", ["Иванов Пётр", "Смирнова Анна"]))
    # Letters (and a bold title) the first document never used: a font subset for the
    # first document and then reused would have no glyphs for them.
    second = render_pdf(report("Журнал 9Ц", ["Щукин Эдуард", "Юдина Фёкла", "Ёлкин Жорж"]))
    assert sorted(parses) == ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]
    first_text, second_text = text_of(first), text_of(second)
    assert "Ведомость 5А" in first_text
    assert "Смирнова Анна" in first_text
    for name in ("Журнал 9Ц", "Щукин Эдуард", "Юдина Фёкла", "Ёлкин Жорж"):
        assert name in second_text
    assert "Иванов" not in second_text


def test_letters_are_the_same_bytes_as_with_fonts_parsed_for_each_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    guardian, _, teacher = three_letters()
    letters.render_letters([guardian], created_at=CREATED)
    # The second document from the shared parse: what a long-running process prints.
    shared = letters.render_letters([teacher], created_at=CREATED)

    def parsed_here(pdf: FPDF, family: str, style: str, file_name: str) -> None:
        pdf.add_font(family, style, pdf_fonts.FONT_DIR / file_name)

    monkeypatch.setattr(letters, "add_font", parsed_here)
    assert shared == letters.render_letters([teacher], created_at=CREATED)
