"""CSV and XLSX files read into a table of cells, within the byte and row limits.

The CSV layouts schools export are told apart by their headers: SIECLE's « Liste des élèves
par division » (``NOM;PRENOM;NE(E) LE;MEF;DIV.;…``, values wrapped as ``="4A"``), ONDE's
``CSVExtraction.csv`` (``Nom élève;Nom d'usage élève;…;Libellé classe;…`` with a trailing
``;``) and our own layout; the header aliases of ``roster_files`` read all three.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from access_core.errors import ValidationError
from access_core.imports.formats.encoding import decode
from access_core.imports.formats.limits import (
    MAX_COLUMNS,
    ImportLimits,
    bad_xlsx,
    check_decompressed,
    open_zip,
    too_many_columns,
    too_many_rows,
)
from access_core.imports.formats.records import CSV, ONDE_CSV, SIECLE_CSV
from access_core.imports.formats.xlsx_parts import check_xlsx_parts

WRAPPED = re.compile(r'^="(.*)"$', re.DOTALL)  # ="4A": a spreadsheet's guard against numbers
ONDE_CSV_MARKS = {"libelleclasse", "nomeleve", "prenomeleve"}

Table = list[list[object]]
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # as csv reads lines (newline="")


def unwrap(value: str) -> str:
    match = WRAPPED.match(value.strip())
    return match.group(1) if match else value


def csv_table(data: bytes, limits: ImportLimits) -> tuple[Table, str, bool]:
    """The cells of a CSV file (``;``, ``,`` or a tab: Excel's « Texte Unicode »), the
    encoding it was read in and whether that encoding was guessed from the bytes."""
    decoded = decode(data)
    text = decoded.text
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)  # the first on a tie
    table: Table = []

    def lines() -> Iterator[str]:
        # csv builds a whole row before we see it: a line of 20 MB of « ; » would be a list of
        # 20 million cells (470 MB). A line is refused before, on its count of separators.
        for number, match in enumerate(LINE.finditer(text), start=1):  # no copy of the text
            line = match.group()
            if line.count(delimiter) >= MAX_COLUMNS:
                raise too_many_columns(number)
            yield line

    try:
        for row in csv.reader(lines(), delimiter=delimiter):
            if len(table) > limits.max_rows:
                raise too_many_rows(limits)
            table.append([unwrap(cell) for cell in row])
    except csv.Error as exc:
        raise ValidationError(
            f"the CSV file cannot be read (line {len(table) + 1}): {exc}",
            line=len(table) + 1,
            key="import_bad_csv",
        ) from None
    return table, decoded.encoding, decoded.guessed


def csv_format(header_keys: set[str]) -> str:
    """Which school information system wrote a CSV, from its header keys."""
    if "div" in header_keys:
        return SIECLE_CSV
    if header_keys & ONDE_CSV_MARKS:
        return ONDE_CSV
    return CSV


def xlsx_table(data: bytes, limits: ImportLimits) -> Table:
    from openpyxl import load_workbook

    # Everything the workbook would decompress is counted first: one huge cell is refused here.
    try:
        archive = open_zip(data)
    except ValidationError:
        raise bad_xlsx() from None
    check_decompressed(archive, limits)
    check_xlsx_parts(archive, limits)  # what openpyxl would build of a row or of the shared strings
    # A read-only workbook parses its sheet only while iterating: a damaged sheet fails there.
    # The sheet's declared size (its ``dimension``) is not trusted: openpyxl pads every row to
    # it, so one cell at XFD8000 would make 8,000 rows of 16,384 cells. Rows are read at most
    # MAX_COLUMNS wide and at most one past the row limit, and their empty ends are dropped.
    table: Table = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            for row in sheet.iter_rows(
                max_col=MAX_COLUMNS, max_row=limits.max_rows + 2, values_only=True
            ):
                if len(table) > limits.max_rows:
                    raise too_many_rows(limits)
                width = len(row)
                while width and row[width - 1] is None:
                    width -= 1
                table.append(list(row[:width]))
        finally:
            workbook.close()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable workbook gets the same clear message
        raise bad_xlsx() from None
    return table


__all__ = ["MAX_COLUMNS", "csv_format", "csv_table", "too_many_columns", "unwrap", "xlsx_table"]
