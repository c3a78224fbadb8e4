"""The login slips as a PDF (fpdf2, with segno for the portal's QR code).

Two layouts: 8 slips per A4 portrait page (2 × 4, with cut marks), the default, and one slip
per page with the first-login steps. Text is set in DejaVu Sans, shipped in ``fonts/`` (with
its licence) and embedded; logins and passwords in DejaVu Sans Mono, where ``l``/``1``/``I``
and ``O``/``0`` differ. A character these fonts lack is drawn from an installed font that has
it (found with fontconfig's ``fc-list``); one that no font has is printed as « □ » and
reported in ``SlipsDocument.missing``, never dropped silently. A text with right-to-left letters
(Hebrew, Arabic) or combining marks is shaped (fpdf2 with HarfBuzz, ``uharfbuzz``), in a
left-to-right line; every other text is drawn glyph by glyph, much faster. Long texts shrink,
then wrap: nothing is clipped.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from fpdf import FPDF

from access_core.accounts.learner_login import LEARNER_PASSWORD_MIN_CHARS
from access_core.documents.slip_fonts import (
    FONT_DIR,
    FONTS,
    MISSING_MARK,
    SlipFonts,
    add_shipped_fonts,
    font_coverage,
    installed_font_for,
    printable,
    unprintable,
)
from access_core.documents.slip_writer import SlipWriter
from access_core.documents.slips import LAYOUTS, Slip, SlipOptions, SlipSet
from access_core.documents.workbook import safe_filename
from access_core.roster.queries import PasswordState
from access_core.text.catalogue import format_date, t

PAGE_W, PAGE_H = 210.0, 297.0


__all__ = [
    "FONTS",
    "FONT_DIR",
    "MISSING_MARK",
    "font_coverage",
    "installed_font_for",
    "printable",
    "slips_filename",
    "slips_pdf",
    "warm_fonts",
]


# The catalogue's wordings a slip repeats (labels, notices with a date, the portal line),
# formatted once per process rather than once per slip.
label = functools.lru_cache(maxsize=1024)(t)


@dataclass(frozen=True)
class SlipsDocument:
    data: bytes
    count: int
    pages: int
    skipped: tuple[str, ...]  # learners without birth date (no slip)
    missing: tuple[tuple[str, str], ...]  # (character, « Nom Prénom ») printed as MISSING_MARK


@functools.lru_cache(maxsize=8)
def qr_png(url: str) -> bytes:
    """The portal address as a QR code (PNG, 4-module quiet zone): the address, nothing else."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def _password_lines(slip: Slip, options: SlipOptions, lang: str) -> tuple[str | None, list[str]]:
    """(the mono value, or None) and the sans lines under « Mot de passe »."""
    if slip.state is PasswordState.INITIAL:
        notice = (
            label("slip_password_change", lang, date=format_date(slip.change_before))
            if slip.change_before
            else label("slip_password_change_nodate", lang)
        )
        if slip.password is not None:
            return slip.password, [notice]
        return None, [label("slip_password_hint", lang), notice]
    if slip.state is PasswordState.INITIAL_EXPIRED:
        return None, [label("slip_password_expired", lang), label("slip_expired_help", lang)]
    return None, [label("slip_password_custom", lang), label("slip_forgotten", lang)]


# --- the two layouts --------------------------------------------------------------------------

MARGIN_8, COLS, ROWS, PAD = 10.0, 2, 4, 5.0
CELL_W = (PAGE_W - 2 * MARGIN_8) / COLS
CELL_H = (PAGE_H - 2 * MARGIN_8) / ROWS
QR_8 = 19.0


def _cut_marks(pdf: FPDF) -> None:
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    xs = [MARGIN_8 + i * CELL_W for i in range(COLS + 1)]
    ys = [MARGIN_8 + j * CELL_H for j in range(ROWS + 1)]
    for x in xs:  # in the top and bottom margins
        pdf.line(x, 2, x, MARGIN_8 - 2)
        pdf.line(x, PAGE_H - MARGIN_8 + 2, x, PAGE_H - 2)
    for y in ys:  # in the left and right margins
        pdf.line(2, y, MARGIN_8 - 2, y)
        pdf.line(PAGE_W - MARGIN_8 + 2, y, PAGE_W - 2, y)
    for x in xs[1:-1]:  # crosses where inner cuts meet
        for y in ys[1:-1]:
            pdf.line(x - 3, y, x + 3, y)
            pdf.line(x, y - 3, x, y + 3)
    for x in xs[1:-1]:
        for y in (ys[0], ys[-1]):
            pdf.line(x, y - 1.5, x, y + 1.5)
    for y in ys[1:-1]:
        for x in (xs[0], xs[-1]):
            pdf.line(x - 1.5, y, x + 1.5, y)


def _slip_8(
    w: SlipWriter,
    slip: Slip,
    options: SlipOptions,
    lang: str,
    qr: bytes | None,
    x0: float,
    y0: float,
) -> None:
    x, width = x0 + PAD, CELL_W - 2 * PAD
    bottom = y0 + CELL_H - PAD
    y = y0 + PAD
    if options.school_name:
        y = w.text(x, y, width, options.school_name, style="B", size=8, min_size=6.5)
    if slip.class_name:
        y = w.text(
            x, y, width, label("slip_class", lang, class_name=slip.class_name), size=8, min_size=6.5
        )
    y = w.text(x, y + 1, width, slip.full_name, style="B", size=12, min_size=9)
    y = w.text(x, y + 1, width, label("slip_login", lang), size=7, grey=True)
    y = w.text(x, y, width, slip.login, family="mono", style="B", size=15, min_size=10)
    y = w.text(x, y + 0.5, width, label("slip_password", lang), size=7, grey=True)
    value, lines = _password_lines(slip, options, lang)
    if value is not None:
        y = w.text(x, y, width, value, family="mono", style="B", size=15)
    narrow = width - (QR_8 + 2 if qr else 0)
    qr_top = bottom - QR_8
    for index, line in enumerate(lines):
        first = index == 0 and value is None
        line_w = width if y + 4 < qr_top else narrow
        y = w.text(x, y, line_w, line, style="B" if first else "", size=9 if first else 6.5)
    if options.portal_url:
        line_w = width if y + 4 < qr_top else narrow
        w.text(
            x,
            max(y + 0.5, bottom - 6),
            line_w,
            label("slip_portal", lang, url=options.portal_url),
            size=6.5,
        )
        w.qr(qr, x0 + CELL_W - PAD - QR_8, qr_top, QR_8)


def _layout_8(
    pdf: FPDF,
    w: SlipWriter,
    slips: tuple[Slip, ...],
    options: SlipOptions,
    lang: str,
    qr: bytes | None,
    class_breaks: bool = False,
) -> None:
    position, previous = 0, None
    for index, slip in enumerate(slips):
        if index and class_breaks and slip.class_name != previous:
            position = 0  # each class starts a page of its own
        previous = slip.class_name
        if position == 0:
            pdf.add_page()
            _cut_marks(pdf)
        col, row = position % COLS, position // COLS
        position = (position + 1) % (COLS * ROWS)
        _slip_8(w, slip, options, lang, qr, MARGIN_8 + col * CELL_W, MARGIN_8 + row * CELL_H)


MARGIN_1, QR_1 = 20.0, 40.0


def _layout_1(
    pdf: FPDF,
    w: SlipWriter,
    slips: tuple[Slip, ...],
    options: SlipOptions,
    lang: str,
    qr: bytes | None,
    class_breaks: bool = False,  # one slip a page: every class starts a page anyway
) -> None:
    x, width = MARGIN_1, PAGE_W - 2 * MARGIN_1
    for slip in slips:
        pdf.add_page()
        y = MARGIN_1
        if options.school_name:
            y = w.text(x, y, width, options.school_name, style="B", size=16, min_size=11)
        if slip.class_name:
            y = w.text(
                x,
                y + 1,
                width,
                label("slip_class", lang, class_name=slip.class_name),
                size=13,
                min_size=10,
            )
        y = w.text(x, y + 6, width, slip.full_name, style="B", size=22, min_size=14)
        y = w.text(x, y + 8, width, label("slip_login", lang), size=11, grey=True)
        y = w.text(x, y + 1, width, slip.login, family="mono", style="B", size=30, min_size=14)
        y = w.text(x, y + 6, width, label("slip_password", lang), size=11, grey=True)
        value, lines = _password_lines(slip, options, lang)
        if value is not None:
            y = w.text(x, y + 1, width, value, family="mono", style="B", size=30)
        for index, line in enumerate(lines):
            first = index == 0 and value is None
            y = w.text(x, y + 1, width, line, style="B" if first else "", size=16 if first else 11)
        y += 12
        initial = slip.state is PasswordState.INITIAL
        title = label("slip_steps_title" if initial else "slip_login_title", lang)
        y = w.text(x, y, width, title, style="B", size=15)
        steps_w = width - (QR_1 + 6 if qr else 0)
        if qr:
            w.qr(qr, PAGE_W - MARGIN_1 - QR_1, y + 2, QR_1)
        for number, step in enumerate(_steps(slip, options, lang), start=1):
            y = w.text(x, y + 3, steps_w, f"{number}. {step}", size=12)


def _steps(slip: Slip, options: SlipOptions, lang: str) -> list[str]:
    url = options.portal_url
    opening = label("slip_step_open", lang, url=url) if url else label("slip_step_open_nourl", lang)
    if slip.state is not PasswordState.INITIAL:
        return [opening, label("slip_custom_steps", lang)]
    return [
        opening,
        label("slip_step_type", lang),
        label("slip_step_choose", lang, min=LEARNER_PASSWORD_MIN_CHARS),
        label("slip_step_keep", lang),
    ]


def warm_fonts() -> None:
    """Read the shipped fonts now (once per process), e.g. before forking workers that
    will inherit them."""
    add_shipped_fonts(FPDF())


def slips_pdf(
    slip_set: SlipSet,
    options: SlipOptions,
    lang: str,
    layout: str = "8",
    title: str = "",
    class_breaks: bool = False,
) -> SlipsDocument:
    """The PDF of ``slip_set`` in ``layout`` ("8": 8 per page; "1": one per page);
    ``class_breaks``: each class starts a new page (the slips are sorted by class)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0  # cell() (fallback fonts, shaped text) starts where text() does
    add_shipped_fonts(pdf)
    pdf.set_title(label("slips_title", lang, title=printable(title)) if title else "")
    pdf.set_creator("Accès apprenants")
    pdf.set_lang("en" if lang == "en" else "fr")
    fonts = SlipFonts(pdf)
    fonts.prepare(
        [options.school_name, options.portal_url]
        + [text for s in slip_set.slips for text in (s.full_name, s.class_name)],
        [s.login for s in slip_set.slips],
    )
    writer = SlipWriter(pdf, fonts)
    qr = qr_png(options.portal_url) if options.portal_url else None
    draw = _layout_8 if layout == "8" else _layout_1
    draw(pdf, writer, slip_set.slips, options, lang, qr, class_breaks)
    if not slip_set.slips:
        pdf.add_page()
    return SlipsDocument(
        bytes(pdf.output()),
        slip_set.count,
        pdf.page_no(),
        slip_set.skipped,
        missing_glyphs(slip_set, fonts.missing),
    )


def missing_glyphs(
    slip_set: SlipSet, missing: set[str] | None = None
) -> tuple[tuple[str, str], ...]:
    """(character, « Nom Prénom ») for each character of a slip that no font can draw, without
    drawing anything (the page warns before the PDF is built); ``missing``: the characters
    already found missing while drawing."""
    slips = slip_set.slips
    if missing is None:
        missing = unprintable(c for s in slips for c in s.full_name + s.login + s.class_name)
    return tuple(
        sorted(
            {
                (c, s.full_name)
                for s in slips
                for c in s.full_name + s.login + s.class_name
                if c in missing
            }
        )
    )


def slips_filename(title: str) -> str:
    """``fiches_<title>.pdf`` with a file-name-safe title (ASCII letters, digits, - and _)."""
    return f"fiches_{safe_filename(title)}.pdf"


def class_file_names(class_names: Iterable[str]) -> dict[str, str]:
    """A distinct ``fiches_<class>.pdf`` for each class, in the given order: two names that
    make the same safe title (« 6e A » and « 6e/A », or « 6A » and « 6a » on a filesystem
    that ignores case) get ``_2``, ``_3``… so that no class's file overwrites another's."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for class_name in class_names:
        stem = slips_filename(class_name).removesuffix(".pdf")
        candidate, suffix = stem, 1
        while candidate.casefold() in taken:
            suffix += 1
            candidate = f"{stem}_{suffix}"
        taken.add(candidate.casefold())
        names[class_name] = f"{candidate}.pdf"
    return names
