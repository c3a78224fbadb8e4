"""Reading login slips back: the text of each slip of a PDF, by its place on the page."""

from __future__ import annotations

import io
from collections import defaultdict

from pypdf import PdfReader

from access_core.documents.slips_pdf import CELL_H, CELL_W, COLS, MARGIN_8, PAGE_H

PT_PER_MM = 72 / 25.4


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _page_fragments(page: object) -> list[tuple[float, float, str]]:
    parts: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        if text.strip():
            parts.append((cm[4] + tm[4], cm[5] + tm[5], text))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return parts


def _lines(fragments: list[tuple[float, float, str]]) -> str:
    """Fragments grouped into lines (top to bottom), each line's fragments left to right."""
    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for x, y, text in fragments:
        rows[round(y, 1)].append((x, text))
    return "\n".join(
        "".join(text for _, text in sorted(rows[y], key=lambda item: item[0]))
        for y in sorted(rows, reverse=True)
    )


def slip_texts(data: bytes, layout: str = "8") -> list[str]:
    """The text of every slip, in reading order (each slip's lines joined by newlines)."""
    reader = PdfReader(io.BytesIO(data))
    slips: list[str] = []
    for page in reader.pages:
        fragments = _page_fragments(page)
        if layout == "1":
            slips.append(_lines(fragments))
            continue
        cells: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
        for x, y, text in fragments:
            x_mm, y_mm = x / PT_PER_MM, PAGE_H - y / PT_PER_MM
            col = int((x_mm - MARGIN_8) // CELL_W)
            row = int((y_mm - MARGIN_8) // CELL_H)
            cells[row, col].append((x, y, text))
        for row, col in sorted(cells):
            assert 0 <= col < COLS
            slips.append(_lines(cells[row, col]))
    return slips


def one_line(text: str) -> str:
    """A slip's text with its lines joined by spaces (a wrapped name reads whole)."""
    return " ".join(text.split("\n"))
