"""The identifier workbook over many rows: every row keeps its own date and its guarantees
whether it takes the plain path or the careful one (see exports._plain and exports._DateCell)."""

import io
import zipfile
from datetime import date, timedelta

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from access_core.documents.workbook import CAREFUL_RE, MAX_WIDTH, identifier_workbook
from access_core.roster.queries import LearnerRow


def row(i, last_name="Lefèvre", first_name="Anaïs", birth_date=None):
    return LearnerRow(
        id=i,
        last_name=last_name,
        first_name=first_name,
        login=f"eleve{i:04d}",
        birth_date=birth_date,
        class_name="6e A",
        must_change_password=True,
        password_changed_at=None,
        deactivated_at=None,
    )


def read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_each_row_keeps_its_own_birth_date_and_format_among_missing_ones():
    start = date(2008, 1, 1)
    dates = [None if i % 7 == 3 else start + timedelta(days=37 * i) for i in range(300)]
    learners = [row(i, birth_date=d) for i, d in enumerate(dates)]

    ws = read(identifier_workbook("6e A", learners, "fr"))

    cells = [ws.cell(row=i + 2, column=4) for i in range(len(dates))]
    assert [c.value.date() if c.value else None for c in cells] == dates
    assert {c.number_format for c in cells if c.value} == {"DD/MM/YYYY"}


def test_risky_rows_among_plain_ones_stay_text_and_plain_rows_stay_as_written():
    names = ["Martin", "=1+2", "Dubois", "#N/A", "Pe\x07tit", "-Zoé", "Durand", "Ro\rux", "Éloi"]
    learners = [row(i, last_name=n, birth_date=date(2012, 1, 1 + i)) for i, n in enumerate(names)]

    data = identifier_workbook("6e A", learners, "fr")
    ws = read(data)

    got = [ws.cell(row=i + 2, column=1) for i in range(len(names))]
    assert [c.value for c in got] == [n.replace("\x07", "") for n in names]
    assert all(c.data_type == "s" for c in got)
    assert [c.quotePrefix for c in got] == [n[0] in "=-" for n in names]
    assert [ws.cell(row=i + 2, column=4).value.day for i in range(len(names))] == [
        1 + i for i in range(len(names))
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_a_carriage_return_in_a_late_row_is_kept():
    learners = [row(i) for i in range(50)] + [row(50, first_name="Jean\rPierre")]

    ws = read(identifier_workbook("6e A", learners, "fr"))

    assert ws.cell(row=52, column=2).value == "Jean\rPierre"


def test_column_widths_follow_the_longest_text_up_to_the_maximum():
    learners = [row(1, last_name="L" * 30), row(2, first_name="P" * 200)]

    ws = read(identifier_workbook("6e A", learners, "fr"))

    assert ws.column_dimensions["A"].width == 32
    assert ws.column_dimensions["B"].width == MAX_WIDTH
    assert ws.column_dimensions["C"].width == 16


def test_every_character_openpyxl_refuses_sends_the_row_to_the_careful_path():
    refused = [chr(c) for c in range(0x10000) if ILLEGAL_CHARACTERS_RE.search(chr(c))]

    assert refused
    assert all(CAREFUL_RE.search(char) for char in refused)
    assert CAREFUL_RE.search("\r")
