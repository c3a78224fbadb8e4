"""A staff account's one-page slip (PDF): its username and the password just generated for it,
to hand over in person; the password must be changed at the first login. The same fonts and
writer as the learners' slips (``slips_pdf``)."""

from __future__ import annotations

from fpdf import FPDF

from access_core.documents.slip_fonts import FONT_DIR, FONTS, SlipFonts
from access_core.documents.slip_writer import SlipWriter
from access_core.documents.workbook import safe_filename
from access_core.text.catalogue import t

PAGE_W = 210.0
MARGIN = 20.0


def account_slip_pdf(
    username: str, password: str, lang: str, display_name: str | None = None
) -> bytes:
    """One A4 page: title, the account's name, username and password, the first-login note."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    for (family, style), name in FONTS.items():
        pdf.add_font(family, style, str(FONT_DIR / name))
    pdf.set_title(t("slip_account_title", lang))
    pdf.set_creator("Accès apprenants")
    pdf.set_lang("en" if lang == "en" else "fr")
    fonts = SlipFonts(pdf)
    fonts.prepare([display_name or ""], [username, password])
    writer = SlipWriter(pdf, fonts)
    pdf.add_page()
    x, width = MARGIN, PAGE_W - 2 * MARGIN
    y = writer.text(x, MARGIN, width, t("slip_account_title", lang), style="B", size=18)
    if display_name:
        y = writer.text(x, y + 6, width, display_name, style="B", size=20, min_size=12)
    y = writer.text(x, y + 8, width, t("slip_account_username", lang), size=11, grey=True)
    y = writer.text(x, y + 1, width, username, family="mono", style="B", size=26, min_size=12)
    y = writer.text(x, y + 6, width, t("slip_account_password", lang), size=11, grey=True)
    y = writer.text(x, y + 1, width, password, family="mono", style="B", size=26, min_size=12)
    writer.text(x, y + 10, width, t("slip_account_note", lang), size=12)
    return bytes(pdf.output())


def account_slip_filename(username: str) -> str:
    return f"compte_{safe_filename(username)}.pdf"
