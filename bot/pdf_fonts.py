"""The DejaVu fonts of our PDFs, parsed once per process instead of once per document.

``FPDF.add_font`` parses the whole TrueType file (cmap, metrics, glyph table: about 0.2 s
a face) for every document. The parse cannot simply be shared: when a document is written,
fpdf2 subsets the parsed fontTools ``TTFont`` in place to the glyphs that document used
(``OutputProducer._add_fonts``). So each face is parsed once, by fpdf2 itself, into a
``TTFFont`` that never writes a document; every document then gets its own ``TTFFont``
sharing that parse's read-only metrics (cmap, widths, descriptor), with fresh per-document
state and its own ``TTFont`` unpickled from the parse (a tenth of the parsing time).

The pickle holds the tables fpdf2 read while parsing; fontTools' reader pickles as the
file's name, so a copy reopens the file for any other table it needs (fpdf2 closes it
after writing). Decompiling every table up front instead would be slower: the layout
tables (GSUB, GPOS) that fpdf2 drops unread would be decoded for every document.
"""

from __future__ import annotations

import copy
import pickle
import threading
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.font_type_3 import get_color_font_object
from fpdf.fonts import SubsetMap, TTFFont

# matplotlib ships DejaVu, which covers Cyrillic: no font files of our own to vendor. Only
# the data path is used; pyplot would drag in a GUI backend.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@dataclass(frozen=True)
class _Parsed:
    font: TTFFont  # fpdf2's own parse; its per-document state is never used
    ttfont: bytes  # its fontTools TTFont, every table decompiled, pickled


_parsed: dict[tuple[str, str, Path], _Parsed] = {}
_lock = threading.Lock()


def _parse(family: str, style: str, path: Path) -> _Parsed:
    scratch = FPDF()
    scratch.add_font(family, style, path)
    (font,) = scratch.fonts.values()
    assert isinstance(font, TTFFont)
    if font.is_cff:  # would need fpdf2's PDF 1.6 switch too; our fonts are TrueType
        raise ValueError(f"{path}: only TrueType outlines are supported")
    return _Parsed(font, pickle.dumps(font.ttfont, protocol=pickle.HIGHEST_PROTOCOL))


def _parsed_font(family: str, style: str, path: Path) -> _Parsed:
    key = (family, style, path)
    with _lock:
        if key not in _parsed:
            _parsed[key] = _parse(family, style, path)
        return _parsed[key]


def parse_font(family: str, style: str, file_name: str) -> None:
    """Parse the face now unless it was already (a worker process does as it starts)."""
    _parsed_font(family, style, FONT_DIR / file_name)


def forget_parsed_fonts() -> None:
    """Parse again on next use (tests count the parses)."""
    with _lock:
        for parsed in _parsed.values():
            parsed.font.close()
        _parsed.clear()


def add_font(pdf: FPDF, family: str, style: str, file_name: str) -> None:
    """``pdf.add_font(family, style, FONT_DIR / file_name)``, parsing the file once per
    process."""
    parsed = _parsed_font(family, style, FONT_DIR / file_name)
    font: TTFFont = TTFFont.__new__(TTFFont)
    # Read-only after parsing, shared: what the slots hold, unless replaced below.
    for name in TTFFont.__slots__:
        if hasattr(parsed.font, name):
            setattr(font, name, getattr(parsed.font, name))
    # Per document, as TTFFont.__init__ would make them: its index among the document's
    # fonts, the TTFont the document's subset is cut from, and what the text has used.
    font.i = len(pdf.fonts) + 1
    font.ttfont = pickle.loads(parsed.ttfont)  # noqa: S301 - our own bytes, this process
    font.cw = copy.copy(parsed.font.cw)  # a defaultdict: reads of missing glyphs add keys
    font.glyph_ids = dict(parsed.font.glyph_ids)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    font.color_font = (
        get_color_font_object(pdf, font, font.palette_index) if pdf.render_color_fonts else None
    )
    pdf.fonts[font.fontkey] = font
