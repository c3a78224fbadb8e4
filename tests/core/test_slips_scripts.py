"""Names in right-to-left scripts on the login slips (issue 19, item 16): shaped (Arabic letters
joined, drawn right to left), checked on the page as poppler renders it and in its text layer;
a script that no font has prints as « □ » and is reported."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, features

from access_core.documents import slips_pdf
from access_core.documents.slip_fonts import needs_shaping
from tests.support.slips_helpers import one_line, slip_texts
from tests.support.slips_rows import OPTIONS, make, row

ARABIC = ("العلي", "محمد")
HEBREW = ("כהן", "נועה")
MIXED = ("Benali", "ياسمين")
DPI = 200
NAME_PT = 22  # the name's size on a one-per-page slip (no shrinking for these short names)


def test_only_right_to_left_text_and_combining_marks_go_through_the_shaping_engine() -> None:
    assert needs_shaping("محمد") and needs_shaping("נועה") and needs_shaping("Benali ياسمين")
    assert needs_shaping("Nguye\u0302\u0303n")  # decomposed accents: marks placed on their base
    for text in (
        "Dubois Hugo",
        "Œuvray-Straße Łukasz",
        "Ζωγράφου Ζωή",
        "Дмитриев",
        "Nguyễn",
        "17052013",
        "",
    ):
        assert not needs_shaping(text), text  # drawn glyph by glyph, the fast way


@pytest.mark.parametrize("layout", ["8", "1"])
@pytest.mark.parametrize("name", [ARABIC, HEBREW], ids=["arabic", "hebrew"])
def test_a_right_to_left_name_reads_in_order_in_the_text_layer(
    layout: str, name: tuple[str, str]
) -> None:
    last, first = name
    document = slips_pdf.slips_pdf(
        make([row(1, last, first, login="m.alali")]), OPTIONS, "fr", layout
    )
    assert document.missing == ()
    (text,) = slip_texts(document.data, layout)
    assert f"{last} {first}" in one_line(text)
    assert "m.alali" in text.split("\n")


def _ink(image: Image.Image) -> Image.Image:
    """``image`` (grey, black on white) cropped to its ink."""
    box = ImageChops.invert(image).point(lambda v: 255 if v > 96 else 0).getbbox()
    assert box is not None, "nothing drawn"
    return image.crop(box)


def _slip_name(tmp_path: Path, last: str, first: str) -> Image.Image:
    """The name as poppler draws a one-per-page slip (no school, no class: the name is the
    first line, 26 mm from the top, 22 pt bold)."""
    slip_set = make([row(1, last, first, class_name=None, login="x")])
    path = tmp_path / "slip.pdf"
    path.write_bytes(
        slips_pdf.slips_pdf(slip_set, replace(OPTIONS, school_name=""), "fr", "1").data
    )
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-gray",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as page:
        mm = DPI / 25.4
        band = page.convert("L").crop((int(15 * mm), int(23 * mm), int(195 * mm), int(40 * mm)))
    return _ink(band)


def _reference(text: str, engine: ImageFont.Layout) -> Image.Image:
    """``text`` in the slips' bold font at the same size, laid out by Pillow: with
    ``Layout.RAQM`` (FriBiDi + HarfBuzz, left-to-right paragraph) as it must read; with
    ``Layout.BASIC`` glyph by glyph in typing order, which is how an unshaped name looks."""
    font_path = str(slips_pdf.FONT_DIR / slips_pdf.FONTS["sans", "B"])
    font = ImageFont.truetype(font_path, size=round(NAME_PT * DPI / 72), layout_engine=engine)
    image = Image.new("L", (3000, 300), 255)
    kwargs = {"direction": "ltr"} if engine == ImageFont.Layout.RAQM else {}
    ImageDraw.Draw(image).text((20, 50), text, font=font, fill=0, **kwargs)
    return _ink(image)


def _difference(image: Image.Image, other: Image.Image) -> float:
    """Mean absolute difference (0: same, 1: inverse), ``other`` scaled to ``image``."""
    scaled = other.resize(image.size, Image.Resampling.BILINEAR)
    histogram = ImageChops.difference(image, scaled).histogram()
    return sum(value * count for value, count in enumerate(histogram)) / (
        255 * image.width * image.height
    )


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without libraqm")
@pytest.mark.parametrize("name", [ARABIC, HEBREW, MIXED], ids=["arabic", "hebrew", "mixed"])
def test_a_right_to_left_name_is_drawn_shaped_not_mirrored(
    tmp_path: Path, name: tuple[str, str]
) -> None:
    last, first = name
    drawn = _slip_name(tmp_path, last, first)
    shaped = _reference(f"{last} {first}", ImageFont.Layout.RAQM)
    unshaped = _reference(f"{last} {first}", ImageFont.Layout.BASIC)
    assert _difference(shaped, unshaped) > 0.1  # the two readings do differ
    # Same size as the reference laid out by Pillow, and the same picture.
    assert abs(drawn.width - shaped.width) <= 0.03 * shaped.width, (drawn.size, shaped.size)
    assert _difference(drawn, shaped) < 0.05
    assert _difference(drawn, unshaped) > 2 * _difference(drawn, shaped)


def test_a_right_to_left_script_no_font_has_prints_boxes_and_is_reported() -> None:
    last = "ܫܡܥܘܢ"  # Syriac: not in DejaVu
    if any(slips_pdf.installed_font_for(char) for char in last):
        pytest.skip("an installed font has Syriac")
    document = slips_pdf.slips_pdf(make([row(1, last, "Zoé")]), OPTIONS, "fr", "8")
    assert {char for char, _ in document.missing} == set(last)
    assert {name for _, name in document.missing} == {f"{last} Zoé"}
    (text,) = slip_texts(document.data)
    assert f"{slips_pdf.MISSING_MARK * len(last)} Zoé" in one_line(text)
