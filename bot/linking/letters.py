"""Printable letters with one-time link codes (PRODUCT.md duty 2): one A4 page per letter.

Pure document generation: every human text arrives translated, nothing here touches the
database, the bot or the network. The page holds the code in a box and a QR deep link, so a
parent can link either by typing the code or by scanning.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import segno
from fpdf import FPDF, Align, XPos, YPos
from fpdf.enums import MethodReturnValue
from fpdf.fonts import TTFFont

from bot.pdf_fonts import add_font

_SANS, _MONO = "DejaVuSans", "DejaVuSansMono"

_PT = 25.4 / 72  # mm per typographic point
_LEADING = 1.3
_MARGIN_X, _MARGIN_TOP, _MARGIN_BOTTOM = 18.0, 14.0, 14.0
_PAGE_W, _PAGE_H = 210.0, 297.0
_CONTENT_W = _PAGE_W - 2 * _MARGIN_X
_QR_MM = 50.0  # big enough for any phone camera, small enough to leave room for the text
_RIGHT_W = 66.0  # the QR column; wider than the QR so the printed link fits on one or two lines
_LEFT_W = _CONTENT_W - _RIGHT_W - 6
# Text shrinks in these steps before anything is cut; below ~70 % a printed letter gets hard
# to read, so from there on the long texts are truncated instead.
_SCALES = (1.0, 0.92, 0.85, 0.78, 0.72)
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Letter:
    school_name: str
    recipient_name: str  # the guardian, the student, or the teacher the code is for
    role: Literal["guardian", "student", "teacher"]
    child_name: str | None  # the student's name (guardian and student letters); None for teachers
    class_name: str | None  # e.g. "7Б"; None for teachers (see teacher_classes)
    code: str  # e.g. "K7QF-M2XD-9HTB" (already formatted)
    expires_on: datetime.date
    deep_link: str  # https://t.me/<bot>?start=<code without dashes>
    teacher_classes: tuple[str, ...] = ()  # the classes a teacher's code opens, if any


@dataclass(frozen=True)
class LetterTexts:
    """All human text, already translated by the caller (the i18n catalogs)."""

    title: str
    greeting: str
    body: str  # paragraphs separated by blank lines
    code_label: str
    expires: str
    consent_summary: str
    footer: str
    # Labels in front of the names; empty means the bare value is printed.
    recipient_label: str = ""
    child_label: str = ""
    class_label: str = ""


@dataclass
class _Block:
    text: str
    size: float  # points at scale 1
    bold: bool = False
    align: Align = Align.L
    gap: float = 0.0  # mm after the block
    max_lines: int = 1000
    min_lines: int = 1  # truncation never goes below this
    grey: int = 0
    rule_above: bool = False  # a thin line that sets the fine print apart
    lines: list[str] = field(default_factory=list)
    scale: float = 1.0

    @property
    def line_h(self) -> float:
        return self.size * self.scale * _PT * _LEADING

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_h + self.gap + (3.0 if self.rule_above else 0.0)


def render_letters(
    letters: Sequence[tuple[Letter, LetterTexts]],
    *,
    created_at: datetime.datetime | None = None,
) -> bytes:
    """One A4 PDF with exactly one page per letter, in the given order.

    Pass ``created_at`` to get byte-identical output for equal input; without it the PDF
    carries the current time as its creation date.
    """
    if not letters:
        raise ValueError("no letters to render")
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    # DejaVu covers Cyrillic; parsed once per process.
    add_font(pdf, _SANS, "", "DejaVuSans.ttf")
    add_font(pdf, _SANS, "B", "DejaVuSans-Bold.ttf")
    add_font(pdf, _MONO, "", "DejaVuSansMono.ttf")
    # A page break would silently split a letter across two sheets; the fitting below makes
    # sure the content ends above the bottom margin instead.
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN_X, _MARGIN_TOP, _MARGIN_X)
    pdf.set_title(_clean(pdf, letters[0][1].title, _SANS, ""))
    pdf.set_creator("ediary-bot")
    if created_at is not None:
        pdf.set_creation_date(created_at)
    for letter, texts in letters:
        pdf.add_page()
        _render_page(pdf, letter, texts)
    return bytes(pdf.output())


def _render_page(pdf: FPDF, letter: Letter, texts: LetterTexts) -> None:
    head = [
        _Block(letter.school_name, 11, bold=True, align=Align.C, gap=3, max_lines=2),
        _Block(texts.title, 16, bold=True, align=Align.C, gap=5, max_lines=3),
    ]
    people = [(texts.recipient_label, letter.recipient_name)]
    if letter.child_name:
        people.append((texts.child_label, letter.child_name))
    if letter.class_name:
        people.append((texts.class_label, letter.class_name))
    if letter.teacher_classes:
        people.append((texts.class_label, ", ".join(letter.teacher_classes)))
    for label, value in people:
        head.append(_Block(_one_line(f"{label} {value}"), 11, max_lines=2))
    head[-1].gap = 4
    head += [
        _Block(texts.greeting, 11, bold=True, gap=2, max_lines=2),
        _Block(texts.body, 10.5, gap=5, min_lines=2),
    ]
    consent = _Block(texts.consent_summary, 7.5, gap=2, min_lines=2, grey=70, rule_above=True)
    footer = _Block(texts.footer, 8.5, min_lines=1, grey=70)
    blocks = [*head, consent, footer]

    code_h = _code_block(pdf, letter, texts, draw=False)
    available = _PAGE_H - _MARGIN_TOP - _MARGIN_BOTTOM - code_h
    for scale in _SCALES:
        for block in blocks:
            block.scale = scale
            block.lines = _wrap(pdf, block)
        if sum(b.height for b in blocks) <= available:
            break
    else:
        # Even the smallest type is too long: cut the least essential text first. Names,
        # title and code are never cut beyond their caps, the consent summary goes first.
        for block in [consent, head[-1], footer, *reversed(head[:-1])]:
            excess = sum(b.height for b in blocks) - available
            if excess <= 0:
                break
            drop = min(math.ceil(excess / block.line_h), len(block.lines) - block.min_lines)
            if drop > 0:
                _truncate(pdf, block, len(block.lines) - drop)

    pdf.set_y(_MARGIN_TOP)
    for block in head:
        _draw(pdf, block)
    _code_block(pdf, letter, texts, draw=True)
    for block in (consent, footer):
        _draw(pdf, block)


def _code_block(pdf: FPDF, letter: Letter, texts: LetterTexts, *, draw: bool) -> float:
    """The code in a box with the expiry under it, the QR beside; returns its height in mm."""
    x0, y0 = _MARGIN_X, pdf.get_y()
    label = _Block(texts.code_label, 11, bold=True, gap=1.5, max_lines=2)
    label.lines = _wrap(pdf, label, _LEFT_W)
    # The code is printed as large as fits the column: a mistyped character wastes an attempt.
    code = _clean(pdf, _one_line(letter.code), _MONO, "")
    size = 24.0
    pdf.set_font(_MONO, "", size)
    while size > 6 and pdf.get_string_width(code) > _LEFT_W - 12:
        size -= 1
        pdf.set_font(_MONO, "", size)
    box_w = min(_LEFT_W, pdf.get_string_width(code) + 12)
    box_h = size * _PT * 2.0
    expiry = _Block(texts.expires, 10, max_lines=3)
    expiry.lines = _wrap(pdf, expiry, _LEFT_W)
    link = _Block(_one_line(letter.deep_link), 7, grey=70, max_lines=3)
    pdf.set_font(_SANS, "", link.size)
    while link.size > 5 and pdf.get_string_width(link.text) > _RIGHT_W - 2:
        link.size -= 0.5  # one line if at all possible: a wrapped URL is hard to retype
        pdf.set_font(_SANS, "", link.size)
    link.lines = _wrap(pdf, link, _RIGHT_W)
    left_h = label.height + box_h + 3 + expiry.height
    right_h = _QR_MM + 1 + link.height
    if draw:
        _draw(pdf, label, x=x0, width=_LEFT_W)
        pdf.set_font(_MONO, "", size)
        pdf.set_line_width(0.6)
        pdf.set_x(x0)
        pdf.cell(box_w, box_h, code, border=1, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_line_width(0.2)
        pdf.set_y(pdf.get_y() + 3)
        _draw(pdf, expiry, x=x0, width=_LEFT_W)
        qr_x = _PAGE_W - _MARGIN_X - _RIGHT_W
        png = _qr_png(letter.deep_link)
        pdf.image(
            png,
            x=qr_x + (_RIGHT_W - _QR_MM) / 2,
            y=y0,
            w=_QR_MM,
            h=_QR_MM,
            link=letter.deep_link,
            alt_text=letter.deep_link,
        )
        pdf.set_y(y0 + _QR_MM + 1)
        _draw(pdf, link, x=qr_x, width=_RIGHT_W, align=Align.C, link=letter.deep_link)
        pdf.set_xy(_MARGIN_X, y0 + max(left_h, right_h) + 6)
    return max(left_h, right_h) + 6


def _qr_png(deep_link: str) -> io.BytesIO:
    # make_qr, not make: segno would pick a Micro QR for short data, which phones do not read.
    qr = segno.make_qr(deep_link, error="m")
    buffer = io.BytesIO()
    # 10 px per module and the standard 4-module quiet zone keep it decodable when extracted.
    qr.save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return buffer


def _wrap(pdf: FPDF, block: _Block, width: float = _CONTENT_W) -> list[str]:
    family = _SANS
    style = "B" if block.bold else ""
    block.text = _clean(pdf, block.text, family, style)
    if not block.text.strip():
        return []
    pdf.set_font(family, style, block.size * block.scale)
    lines = pdf.multi_cell(
        width, block.line_h, block.text, dry_run=True, output=MethodReturnValue.LINES
    )
    if not isinstance(lines, list):  # narrows fpdf2's union return type
        raise TypeError(f"unexpected multi_cell result: {lines!r}")
    block.lines = [str(line) for line in lines]
    if len(block.lines) > block.max_lines:
        _truncate(pdf, block, block.max_lines, width)
    return block.lines


def _truncate(pdf: FPDF, block: _Block, keep: int, width: float = _CONTENT_W) -> None:
    """Keep ``keep`` lines; the last one ends in an ellipsis so the cut is visible."""
    pdf.set_font(_SANS, "B" if block.bold else "", block.size * block.scale)
    lines = block.lines[:keep]
    while lines and not lines[-1].strip():
        lines.pop()  # do not end a cut text on an empty paragraph line
    if not lines:
        block.lines = []
        return
    last = lines[-1].rstrip()
    room = width - 2 * pdf.c_margin
    while last and pdf.get_string_width(last + _ELLIPSIS) > room:
        last = last[:-1]
    lines[-1] = last.rstrip() + _ELLIPSIS
    block.lines = lines


def _draw(
    pdf: FPDF,
    block: _Block,
    *,
    x: float = _MARGIN_X,
    width: float = _CONTENT_W,
    align: Align | None = None,
    link: str | None = None,
) -> None:
    if block.rule_above and block.lines:
        pdf.set_draw_color(160)
        pdf.line(_MARGIN_X, pdf.get_y() + 1, _PAGE_W - _MARGIN_X, pdf.get_y() + 1)
        pdf.set_draw_color(0)
        pdf.set_y(pdf.get_y() + 3)
    pdf.set_font(_SANS, "B" if block.bold else "", block.size * block.scale)
    pdf.set_text_color(block.grey)
    for line in block.lines:
        pdf.set_x(x)
        pdf.cell(
            width,
            block.line_h,
            line,
            align=align or block.align,
            link=link or "",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.set_text_color(0)
    pdf.set_y(pdf.get_y() + block.gap)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clean(pdf: FPDF, text: str, family: str, style: str) -> str:
    """Drop what the font cannot draw, so no empty boxes and no fpdf2 missing-glyph noise.

    Symbols (emoji and the like) and invisible marks vanish; an unknown letter becomes "?" so
    that a name never silently loses a letter.
    """
    font = pdf.fonts[f"{family.lower()}{style}"]
    cmap = font.cmap if isinstance(font, TTFFont) else {}
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    for char in text.replace("\t", " "):
        category = unicodedata.category(char)
        if char == "\n" or (ord(char) in cmap and category[0] != "C"):
            out.append(char)
        elif category[0] in "LN" or category == "Zs":
            out.append(" " if category == "Zs" else "?")
    # A dropped emoji between two words would otherwise leave a double space behind.
    return re.sub(" {2,}", " ", "".join(out))
