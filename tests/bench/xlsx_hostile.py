"""S6-S8: what hostile XLSX files cost the reader (issue 19's follow-up), each read in a fresh
process for its own peak memory, against the usual 6-column workbook: S6 one row of 2.5 million
cells (74 KB), S7 one cell nesting 6 million elements (42 KB), S8 a table of 2.3 million shared
strings for a one-cell sheet (5.7 MB)."""

from __future__ import annotations

import io
import zipfile
from argparse import Namespace

from tests.bench.formats import Row, _probe, far_cell_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<row r="1"><c t="inlineStr"><is><t>Nom</t></is></c>'


def workbook(rows: str, shared: str | None = None, extra: dict[str, str] | None = None) -> bytes:
    """A minimal workbook (as the review's reproductions build them): one sheet of ``rows``,
    and a shared-strings table of the ``<si>`` elements ``shared`` when given, and ``extra``
    parts (name: text) that no relationship names."""
    overrides = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/>'
    )
    if shared is not None:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{PACKAGE}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/'
        f'relationships"><Relationship Id="rId1" Type="{OFFICE}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">'
        f"<sheetData>{rows}</sheetData></worksheet>",
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst xmlns="{MAIN}">{shared}</sst>'
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def wide_row(cells: int) -> bytes:
    return workbook(HEAD + "<c><v>1</v></c>" * cells + "</row>")


def deep_cell(depth: int) -> bytes:
    nested = "<x>" * depth + "</x>" * depth
    return workbook(HEAD + f'<c t="inlineStr"><is>{nested}<t>a</t></is></c></row>')


def many_shared_strings(count: int) -> bytes:
    return workbook(HEAD + "</row>", "".join(f"<si><t>{i:x}</t></si>" for i in range(count)))


def _measure(code: str, what: str, data: bytes, reference: tuple[float, float]) -> list[Row]:
    try:
        mb, seconds, outcome, size = _probe(data, "roster.xlsx")
    except RuntimeError as exc:
        return [(code, what, "failed", str(exc), "", "", "")]
    ref_mb, ref_seconds = reference
    return [
        (
            code,
            f"XLSX {size / 1024:.0f} KB, {what}: peak RSS above modules",
            f"{mb:.0f} MB",
            f"6 columns {ref_mb:.0f} MB",
            "",
            "≤ 50 MB",
            "yes" if mb <= 50 else "no",
        ),
        (
            "",
            f"  its time ({outcome})",
            f"{seconds:.2f} s",
            f"6 columns {ref_seconds:.2f} s",
            f"{seconds / ref_seconds:.1f}",
            "≤ 2 s",
            "yes" if seconds <= 2 else "no",
        ),
    ]


def s6_to_s8_hostile_xlsx(args: Namespace, wanted: set[str]) -> list[Row]:
    scale = 25 if args.quick else 1  # --quick: files 25 times smaller
    try:
        ref_mb, ref_seconds, _, _ = _probe(far_cell_xlsx(2, "F"), "roster.xlsx")
    except RuntimeError as exc:
        return [("S6", "XLSX reference", "failed", str(exc), "", "", "")]
    reference = (ref_mb, ref_seconds)
    cells, depth, strings = 2_500_000 // scale, 6_000_000 // scale, 2_300_000 // scale
    rows: list[Row] = []
    if "S6" in wanted:
        rows += _measure("S6", f"one row of {cells:,} cells", wide_row(cells), reference)
    if "S7" in wanted:
        rows += _measure("S7", f"one cell nesting {depth:,} elements", deep_cell(depth), reference)
    if "S8" in wanted:
        rows += _measure(
            "S8", f"{strings:,} shared strings", many_shared_strings(strings), reference
        )
    return rows


__all__ = ["deep_cell", "many_shared_strings", "s6_to_s8_hostile_xlsx", "wide_row", "workbook"]
