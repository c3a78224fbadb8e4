"""The fonts of the login slips: DejaVu Sans and Sans Mono shipped in ``fonts/`` (with their
licence) and embedded; for a character they lack, an installed font that has it (found with
fontconfig's ``fc-list``); a character that no font has is printed as ``MISSING_MARK`` and
reported, never dropped silently."""

from __future__ import annotations

import copy
import functools
import io
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {  # family, style -> file
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("mono", "B"): "DejaVuSansMono-Bold.ttf",
}
MISSING_MARK = "□"  # printed in place of a character no installed font has


# The tables fpdf2 drops when it subsets a font for a PDF (fpdf/output.py, ``_add_fonts``), and
# the OpenType layout tables it drops with them; shaping (HarfBuzz) reads the font file itself.
UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta")


@functools.lru_cache(maxsize=len(FONTS))
def _trimmed_font(path: str) -> bytes:
    """The font file without the tables fpdf2 would drop from the document anyway: each
    document's subsetting then does not read them (the layout tables are most of its time)."""
    font = TTFont(path, recalcTimestamp=False)
    if "GPOS" in font and "kern" in font:  # fontTools' subsetter drops it then (legacy_kern)
        del font["kern"]
    for tag in UNUSED_TABLES:
        if tag in font:
            del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=len(FONTS))
def _parsed_font(family: str, style: str, name: str) -> TTFFont:
    """fpdf2's reading of a shipped font (metrics, widths, character map), once per process:
    it costs about 70 ms a font, which every document paid."""
    scratch = FPDF()
    scratch.add_font(family, style, str(FONT_DIR / name))
    return scratch.fonts[f"{family}{style}"]  # type: ignore[return-value]


def add_shipped_fonts(pdf: FPDF) -> None:
    """Add the shipped fonts to ``pdf``, as ``pdf.add_font`` would, from the reading kept by
    ``_parsed_font``. What a document changes is its own: its subset of glyphs, its index, and
    the font file's tables (fpdf2 subsets them in place when writing the PDF), opened afresh."""
    for (family, style), name in FONTS.items():
        font = copy.copy(_parsed_font(family, style, name))
        font.i = len(pdf.fonts) + 1
        font.ttfont = TTFont(
            io.BytesIO(_trimmed_font(str(font.ttffile))), recalcTimestamp=False, lazy=True
        )
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None  # noqa: SLF001 - the shaping engine's font, opened when needed
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


@functools.lru_cache(maxsize=64)
def font_coverage(path: str) -> frozenset[int]:
    """The code points a font file maps to a glyph."""
    font = TTFont(path, lazy=True, fontNumber=0)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@functools.lru_cache(maxsize=256)
def installed_font_for(char: str) -> str | None:
    """An installed TrueType/OpenType font file that has ``char`` (fontconfig), or None."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run(
            [fc_list, "--format", "%{file}\n", f":charset={ord(char):x}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(result.stdout.splitlines()):
        if line.lower().endswith((".ttf", ".otf")) and ord(char) in font_coverage(line):
            return line
    return None


def unprintable(chars: Iterable[str]) -> set[str]:
    """The characters that neither the embedded font nor any installed font can draw (printed
    as ``MISSING_MARK``); cheap once the fonts' coverage is known (cached)."""
    covered = font_coverage(str(FONT_DIR / FONTS["sans", ""]))
    return {
        c
        for c in set(chars)
        if not c.isspace() and ord(c) not in covered and installed_font_for(c) is None
    }


RIGHT_TO_LEFT = frozenset({"R", "AL"})  # bidirectional classes: Hebrew, Arabic, Syriac...
MARKS = frozenset({"Mn", "Mc"})  # combining marks: Indic vowel signs, Thai, harakat, accents


@functools.lru_cache(maxsize=1024)  # the labels every slip repeats are looked at once
def needs_shaping(text: str) -> bool:
    """Whether ``text`` must go through the shaping engine (HarfBuzz, through fpdf2) to read
    right: a right-to-left letter (drawn in visual order, Arabic letters joined) or a combining
    mark (placed on its base). Latin, Greek and Cyrillic names without combining marks are
    drawn glyph by glyph, much faster."""
    if not text or text.isascii() or max(text) < "\u0300":  # Latin letters, no marks: fast
        return False
    return any(
        unicodedata.bidirectional(c) in RIGHT_TO_LEFT or unicodedata.category(c) in MARKS
        for c in text
    )


def printable(text: str) -> str:
    """``text`` on one line: control characters (CR, LF, tab...) become spaces, and runs of
    spaces one space."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


class SlipFonts:
    """The embedded fonts, the installed fallbacks found for the texts, and what is missing."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.covered = font_coverage(str(FONT_DIR / FONTS["sans", ""]))
        self.covered_mono = font_coverage(str(FONT_DIR / FONTS["mono", "B"]))
        self.fallbacks: list[str] = ["sans"]  # mono text falls back to DejaVu Sans first
        self.missing: set[str] = set()
        self.fallback_set = False

    def prepare(self, texts: Iterable[str], mono_texts: Iterable[str]) -> None:
        """Find a font for every character of ``texts`` the embedded fonts lack. Fallback
        fonts are set only when a text needs one (fpdf2 is slower with them)."""
        chars = {c for text in texts for c in text if not c.isspace()}
        mono_chars = {c for text in mono_texts for c in text if not c.isspace()}
        needs_fallback = any(ord(c) not in self.covered_mono for c in mono_chars)
        lacking = sorted(c for c in chars | mono_chars if ord(c) not in self.covered)
        for char in lacking:
            path = installed_font_for(char)
            if path is None:
                self.missing.add(char)
                continue
            needs_fallback = True
            family = f"fallback-{Path(path).stem}".lower()
            if family not in self.fallbacks:
                self.pdf.add_font(family, "", path)
                self.pdf.add_font(family, "B", path)
                self.fallbacks.append(family)
        if self.missing and ord(MISSING_MARK) not in self.covered_mono:
            needs_fallback = True  # a login's mark comes from DejaVu Sans
        if needs_fallback:
            self.pdf.set_fallback_fonts(self.fallbacks, exact_match=False)
            self.fallback_set = True

    def clean(self, text: str) -> str:
        if not (text.isprintable() and "  " not in text and text == text.strip()):
            text = printable(text)
        if self.missing and any(c in self.missing for c in text):
            return "".join(MISSING_MARK if c in self.missing else c for c in text)
        return text
