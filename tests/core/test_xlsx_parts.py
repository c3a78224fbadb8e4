"""XLSX parts counted before openpyxl reads them (access_core.imports.formats.xlsx_parts): rows
of too many cells or elements, elements nested too deep and shared-string tables larger than
the sheets are refused at the bound; workbooks up to the bound are read as before."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from access_core.errors import ValidationError
from access_core.imports.files import read_roster
from access_core.imports.formats.limits import ImportLimits
from access_core.imports.formats.tables import xlsx_table
from access_core.imports.formats.xlsx_parts import (
    MAX_DEPTH,
    MAX_PART_DEPTH,
    MAX_ROW_CELLS,
    MAX_ROW_ELEMENTS,
    SHARED_STRINGS_SLACK,
)
from tests.bench.xlsx_hostile import workbook

HEADER = (
    '<row r="1"><c t="inlineStr"><is><t>Nom</t></is></c><c t="inlineStr"><is><t>Prénom</t>'
    '</is></c><c t="inlineStr"><is><t>Date de naissance</t></is></c><c t="inlineStr"><is>'
    "<t>Classe</t></is></c></row>"
)
PUPIL = (
    '<row r="2"><c t="inlineStr"><is><t>Lefèvre</t></is></c><c t="inlineStr"><is><t>Zoé</t>'
    '</is></c><c t="inlineStr"><is><t>01/02/2012</t></is></c><c t="inlineStr"><is><t>4A</t>'
    "</is></c>{more}</row>"
)
TODAY = date(2026, 9, 1)


def pupils(data: bytes) -> list[tuple[str, str, str]]:
    roster = read_roster(data, "r.xlsx", today=TODAY)
    return [(r.last_name, r.first_name, r.class_name) for r in roster.rows]


def refused_key(data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        read_roster(data, "r.xlsx", today=TODAY)
    return str(error.value.params["key"])


def test_a_row_of_as_many_cells_as_a_sheet_can_address_is_read_256_wide():
    data = workbook(HEADER + PUPIL.format(more="<c><v>1</v></c>" * (MAX_ROW_CELLS - 4)))
    table = xlsx_table(data, ImportLimits())
    assert [len(row) for row in table] == [4, 256]
    assert pupils(data) == [("Lefèvre", "Zoé", "4A")]


def test_a_row_of_more_cells_than_a_sheet_can_address_is_refused_with_its_line():
    data = workbook(HEADER + PUPIL.format(more="<c><v>1</v></c>" * (MAX_ROW_CELLS - 3)))
    with pytest.raises(ValidationError, match=r"more than 256 columns \(line 2\)") as error:
        read_roster(data, "r.xlsx", today=TODAY)
    assert error.value.params["key"] == "import_too_many_columns"


def test_the_count_stops_at_the_bound_before_the_rest_of_the_part_is_read():
    # past the bound the part is not XML any more: refused for its cells, not for its syntax
    data = workbook(HEADER + "<row>" + "<c/>" * (MAX_ROW_CELLS + 1) + "<c></row>")
    assert refused_key(data) == "import_too_many_columns"


def test_a_sheet_is_counted_no_further_than_the_row_after_the_limit():
    # what lies past the rows openpyxl reads is never read: the file is refused for its rows
    rows = HEADER + "".join(f'<row r="{n}"><c><v>{n}</v></c></row>' for n in range(2, 9))
    data = workbook(rows + '<row r="9">' + "<x>" * MAX_DEPTH + "</x>" * MAX_DEPTH + "</row>")
    with pytest.raises(ValidationError) as error:
        read_roster(data, "r.xlsx", today=TODAY, limits=ImportLimits(max_rows=5))
    assert error.value.params["key"] == "import_too_many_rows"
    assert refused_key(data) == "import_bad_xlsx"  # within the default row limit: counted


def nested(depth: int) -> str:
    """A pupil and a fifth cell nesting ``depth`` elements in all (worksheet and row included)."""
    inner = depth - 6  # worksheet/sheetData/row/c/is/t: a cell's text is at depth 6
    return PUPIL.format(
        more='<c t="inlineStr"><is>' + "<x>" * inner + "<t>a</t>" + "</x>" * inner + "</is></c>"
    )


def test_a_cell_nested_as_deep_as_the_bound_is_read():
    assert pupils(workbook(HEADER + nested(MAX_DEPTH))) == [("Lefèvre", "Zoé", "4A")]


def test_a_cell_nested_deeper_than_any_workbook_is_refused():
    assert refused_key(workbook(HEADER + nested(MAX_DEPTH + 1))) == "import_bad_xlsx"


@pytest.mark.parametrize(("depth", "read"), [(MAX_PART_DEPTH, True), (MAX_PART_DEPTH + 1, False)])
def test_other_parts_may_nest_deeper_than_a_sheet_up_to_their_own_bound(depth, read):
    # a SmartArt layout nests its layout nodes deeper than any sheet
    layout = '<?xml version="1.0"?>' + "<x>" * depth + "</x>" * depth
    data = workbook(HEADER + PUPIL.format(more=""), extra={"xl/diagrams/layout1.xml": layout})
    if read:
        assert pupils(data) == [("Lefèvre", "Zoé", "4A")]
    else:
        assert refused_key(data) == "import_bad_xlsx"


def test_a_row_of_more_elements_than_any_real_row_is_refused():
    flat = PUPIL.format(more='<c t="inlineStr"><is>' + "<x/>" * MAX_ROW_ELEMENTS + "</is></c>")
    assert refused_key(workbook(HEADER + flat)) == "import_bad_xlsx"


def shared_sheet(strings: int) -> bytes:
    """The header and a pupil whose names are shared strings 0-1, in a table of ``strings``."""
    rows = HEADER + PUPIL.replace(
        '<c t="inlineStr"><is><t>Lefèvre</t></is></c><c t="inlineStr"><is><t>Zoé</t></is></c>',
        '<c t="s"><v>0</v></c><c t="s"><v>1</v></c>',
    ).format(more="")
    extra = "".join(f"<si><t>{i:x}</t></si>" for i in range(strings - 2))
    return workbook(rows, "<si><t>Lefèvre</t></si><si><t>Zoé</t></si>" + extra)


def test_shared_strings_up_to_the_sheets_cells_and_the_slack_are_read():
    cells = 4 + 4  # the header's and the pupil's
    assert pupils(shared_sheet(cells + SHARED_STRINGS_SLACK)) == [("Lefèvre", "Zoé", "4A")]


def test_more_shared_strings_than_the_sheets_cells_and_the_slack_are_refused():
    assert refused_key(shared_sheet(4 + 4 + SHARED_STRINGS_SLACK + 1)) == "import_bad_xlsx"


def test_values_of_every_kind_read_as_before():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["INE", "Nom", "Prénom", "Né(e) le", "Division", "Note"])
    sheet.append(["X0000001", "Lefèvre", "Zoé", datetime(2012, 2, 1), "4A", 12.5])
    sheet.append(["X0000002", "Martin", "Léa", "03/04/2012", "4B", None])
    sheet.merge_cells("E3:F3")
    out = io.BytesIO()
    book.save(out)
    table = xlsx_table(out.getvalue(), ImportLimits())
    assert table == [
        ["INE", "Nom", "Prénom", "Né(e) le", "Division", "Note"],
        ["X0000001", "Lefèvre", "Zoé", datetime(2012, 2, 1), "4A", 12.5],
        ["X0000002", "Martin", "Léa", "03/04/2012", "4B"],
    ]
