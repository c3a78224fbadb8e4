"""An XLSX's XML parts, streamed once with defusedxml's SAX parser before openpyxl reads them.

openpyxl keeps the whole element tree of the row it is reading (and of the shared string it is
reading), whatever the columns asked for, and loads the whole shared-strings table before the
first row: a 40 KB upload of one row of millions of cells, or of one cell nesting millions of
elements, cost it more than 1 GB. This pass builds nothing: it counts, part by part, and refuses
at the first element past a bound that no real workbook reaches:

- elements nested more than ``MAX_DEPTH`` deep in a sheet or the shared strings (a sheet nests
  11 at most, form controls in their ``mc:AlternateContent``), ``MAX_PART_DEPTH`` in any other
  XML part (drawings, charts, SmartArt layouts nest deeper than sheets);
- more than ``MAX_ROW_CELLS`` cells in a row (the format's last column is XFD, 16,384);
- more than ``MAX_ROW_ELEMENTS`` elements inside one row or one shared string;
- more shared strings than the workbook's sheets hold cells, plus ``SHARED_STRINGS_SLACK``
  (editors may keep a few strings no cell uses any more); the table is scanned after the
  sheets, so that this bound is known before it is read.

A sheet is counted no further than the row after the row limit: openpyxl stops there too (the
first sheet is then refused for its rows; another sheet is not read). When a sheet was so cut
short its cells are not all known, and the shared strings are then not counted against them.

What openpyxl alone decides (a part it never reads, ill-formed XML) is left to it.
"""

from __future__ import annotations

import zipfile
import zlib
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser

from access_core.imports.formats.limits import CHUNK, ImportLimits, bad_xlsx, too_many_columns

MAX_DEPTH = 32
MAX_PART_DEPTH = 256
COUNTED = {"worksheet", "sst"}  # the roots of the parts whose rows or strings are counted
MAX_ROW_CELLS = 16_384  # XFD: the last column a workbook may address
MAX_ROW_ELEMENTS = 4 * MAX_ROW_CELLS  # a full row with values and formulas: 3 per cell
SHARED_STRINGS_SLACK = 10_000


class _Deferred(Exception):
    """The part is the shared-strings table: it is scanned once every sheet has been."""


class _Enough(Exception):
    """The sheet has more rows than openpyxl will read."""


class _Counter(ContentHandler):
    def __init__(self, defer: bool, strings_bound: int | None, max_rows: int) -> None:
        super().__init__()
        self.defer = defer  # sheets are still being scanned: the shared strings wait
        self.strings_bound = strings_bound  # None: not counted
        self.max_rows = max_rows
        self.depth = 0
        self.root = ""
        self.rows = 0
        self.cells = 0  # in every row of the part
        self.row_cells = 0
        self.unit_depth = 0  # depth of the row or shared string being counted; 0 outside one
        self.unit_elements = 0
        self.strings = 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802 - SAX API
        if self.depth >= (MAX_DEPTH if self.root in COUNTED else MAX_PART_DEPTH):
            raise bad_xlsx()
        self.depth += 1
        local = name.rpartition(":")[2]
        if self.depth == 1:
            self.root = local
            if local == "sst" and self.defer:
                raise _Deferred
            return
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > MAX_ROW_ELEMENTS:
                raise bad_xlsx()
            if local == "c" and self.depth == self.unit_depth + 1:
                self.row_cells += 1
                self.cells += 1
                if self.row_cells > MAX_ROW_CELLS:
                    raise too_many_columns(self.rows)
        elif self.root == "worksheet" and local == "row":
            if self.rows > self.max_rows:
                raise _Enough
            self.rows += 1
            self.row_cells = 0
            self._start_unit()
        elif self.root == "sst" and local == "si":
            self.strings += 1
            if self.strings_bound is not None and self.strings > self.strings_bound:
                raise bad_xlsx()
            self._start_unit()

    def _start_unit(self) -> None:
        self.unit_depth = self.depth
        self.unit_elements = 0

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        if self.depth == self.unit_depth:
            self.unit_depth = 0
        self.depth -= 1


def _scan(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    max_rows: int,
    *,
    defer: bool = False,
    strings_bound: int | None = None,
) -> int | None:
    """The cells counted in the part (0 for a part that is not a sheet, None for a sheet of more
    rows than ``max_rows``)."""
    parser = make_parser()
    counter = _Counter(defer, strings_bound, max_rows)
    parser.setContentHandler(counter)
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                parser.feed(chunk)
        parser.close()
    except _Enough:
        return None
    except (DefusedXmlException, SAXException):
        pass  # not XML, or forbidden constructs: openpyxl refuses the parts it reads
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
        raise bad_xlsx() from None
    return counter.cells if counter.root == "worksheet" else 0


def check_xlsx_parts(archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Refuse a workbook whose XML parts would cost openpyxl more than a real one can."""
    deferred: list[zipfile.ZipInfo] = []
    cells: int | None = 0
    max_rows = limits.max_rows + 1  # and a header
    for info in archive.infolist():
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels")):
            continue
        try:
            counted = _scan(archive, info, max_rows, defer=True)
        except _Deferred:
            deferred.append(info)
            continue
        cells = None if cells is None or counted is None else cells + counted
    for info in deferred:
        bound = None if cells is None else cells + SHARED_STRINGS_SLACK
        _scan(archive, info, max_rows, strings_bound=bound)


__all__ = ["MAX_DEPTH", "MAX_PART_DEPTH", "MAX_ROW_CELLS", "MAX_ROW_ELEMENTS", "check_xlsx_parts"]
