"""Drawing on the login slips' PDF: text in the shipped fonts or an installed fallback per
character, right-to-left names shaped (fpdf2 with uharfbuzz), lines and images."""

from __future__ import annotations

import io

from fpdf import FPDF

from access_core.documents.slip_fonts import (
    SlipFonts,
    needs_shaping,
)

GREY = 90
LINE_FACTOR = 0.3528 * 1.25  # line height in mm per point of font size
BASELINE_FACTOR = 0.3528 * (1.25 / 2 + 0.3)  # where cell() puts the baseline, below the top


class SlipWriter:
    """Text, lines and images on the slips' PDF: fonts chosen per character (the shipped ones,
    then installed fallbacks), right-to-left names shaped, widths measured once."""

    def __init__(self, pdf: FPDF, fonts: SlipFonts) -> None:
        self.pdf = pdf
        self.fonts = fonts
        self.widths: dict[tuple[str, str, float, str], float] = {}
        self.font: tuple[str, str, float] | None = None
        self.grey: bool | None = None
        # the lines of a wrapped text, by font and width: the notices every slip repeats
        self.wrapped: dict[tuple[tuple[str, str, float] | None, float, str], list[str]] = {}

    def set_font(self, family: str, style: str, size: float) -> None:
        if self.font != (family, style, size):
            self.pdf.set_font(family, style, size)
            self.font = (family, style, size)

    def measure(self, text: str) -> float:
        """The width of ``text`` in mm, in the current font."""
        pdf = self.pdf
        if self.fonts.fallback_set or pdf.text_shaping or pdf.current_font is None:
            return float(pdf.get_string_width(text))
        # every glyph is in the font: its advance widths, without fpdf2's per-call overhead
        return float(pdf.current_font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k)

    def width(self, family: str, style: str, size: float, text: str) -> float:
        """The width of ``text`` in the current font (which is family, style, size); the
        texts every slip repeats (labels, school, portal) are measured once."""
        # Monospaced: without fallback fonts nor shaping every character has the same advance.
        mono = family == "mono" and not self.fonts.fallback_set and not self.pdf.text_shaping
        key = (family, style, size, "m" * len(text) if mono else text)
        found = self.widths.get(key)
        if found is None:
            found = self.measure(text)
            if len(self.widths) < 4096:
                self.widths[key] = found
        return found

    def text(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        family: str = "sans",
        style: str = "",
        size: float = 9,
        min_size: float | None = None,
        grey: bool = False,
    ) -> float:
        """Write ``text`` at (x, y) within ``width`` mm: shrunk down to ``min_size`` to hold on
        one line, else wrapped at spaces, a word too long for a line shrunk until it fits.
        Nothing is clipped and every line is whole words. Returns the y below it."""
        pdf = self.pdf
        text = self.fonts.clean(text)
        shaped = needs_shaping(text)
        if shaped:
            # Right-to-left letters or combining marks: shaped (bidi order, joined letters),
            # for this text only (shaping costs much more than drawing glyph by glyph). The
            # slip reads left to right: « Nom Prénom » keeps that order when one is Latin and
            # the other Arabic.
            pdf.set_text_shaping(True, direction="ltr")
        try:
            if self.grey is not grey:  # fpdf2 keeps the colour from text to text and page to page
                pdf.set_text_color(GREY if grey else 0)
                self.grey = grey
            self.set_font(family, style, size)
            natural = self.width(family, style, size, text)
            if natural > width and min_size is not None:
                size = max(min_size, size * width / natural * 0.98)
                self.set_font(family, style, size)
                natural = self.measure(text)
            lines = [text] if natural <= width else self._wrap(text, width)
            for line in lines:
                line_size = size
                line_width = natural if len(lines) == 1 else self.measure(line)
                if line_width > width:  # one word longer than the line: smaller, never cut
                    line_size = size * width / line_width * 0.98
                    self.set_font(family, style, line_size)
                if self.fonts.fallback_set or pdf.text_shaping:  # text() does neither
                    pdf.set_xy(x, y)
                    pdf.cell(width, line_size * LINE_FACTOR, line)
                else:  # every glyph is in the font: the much faster text() at the same baseline
                    pdf.text(x, y + line_size * BASELINE_FACTOR, line)
                y += size * LINE_FACTOR
                self.set_font(family, style, size)
            return y
        finally:
            if shaped:
                pdf.set_text_shaping(False)

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy wrap at spaces in the current font (each text and width measured once)."""
        key = (self.font, width, text)
        found = self.wrapped.get(key)
        if found is None:
            found = self._wrap_measured(text, width)
            if len(self.wrapped) < 1024:
                self.wrapped[key] = found
        return found

    def _wrap_measured(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and self.measure(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        return lines

    def qr(self, image: bytes | None, x: float, y: float, size: float) -> None:
        if image is not None:
            self.pdf.image(io.BytesIO(image), x=x, y=y, w=size, h=size)
