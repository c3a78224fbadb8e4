"""The identifier workbook, read back with openpyxl and as raw sheet XML."""

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from access_core.documents.workbook import identifier_workbook, safe_filename, workbook_filename
from access_core.roster.queries import LearnerRow, class_learners, find_class
from tests.support.factories import add_learner

HEADER = ["Nom", "Prénom", "Login", "Date de naissance"]


def row(last_name, first_name="Léa", login=None, birth_date=date(2012, 2, 29), learner_id=1):
    return LearnerRow(
        id=learner_id,
        last_name=last_name,
        first_name=first_name,
        login=login or f"login{learner_id}",
        birth_date=birth_date,
        class_name="6e A",
        must_change_password=True,
        password_changed_at=None,
        deactivated_at=None,
    )


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def all_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())


@pytest.fixture
def learners():
    return [
        row("Martin", "Léa", "lea.martin", date(2012, 2, 29), 1),
        row("Dubois", "Hugo", "hugo.dubois", date(2012, 7, 3), 2),
        row("Petit", "Zoé", "zoe.petit", date(2010, 1, 1), 3),
    ]


def test_the_header_row_is_bold_frozen_and_filtered_over_the_data(learners):
    ws = sheet(identifier_workbook("6e A", learners, "fr"))

    assert [cell.value for cell in ws[1]] == HEADER
    assert all(cell.font.b for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D4"


def test_each_learner_is_one_row_in_the_given_order(learners):
    ws = sheet(identifier_workbook("6e A", learners, "fr"))

    values = [tuple(c.value for c in ws[r][:3]) for r in range(2, 5)]
    assert values == [
        ("Martin", "Léa", "lea.martin"),
        ("Dubois", "Hugo", "hugo.dubois"),
        ("Petit", "Zoé", "zoe.petit"),
    ]


def test_birth_dates_come_back_as_dates_formatted_dd_mm_yyyy(learners):
    ws = sheet(identifier_workbook("6e A", learners, "fr"))

    cells = [ws.cell(row=r, column=4) for r in range(2, 5)]
    assert [c.value for c in cells] == [
        datetime(2012, 2, 29),
        datetime(2012, 7, 3),
        datetime(2010, 1, 1),
    ]
    assert all(c.is_date for c in cells)
    assert {c.number_format for c in cells} == {"DD/MM/YYYY"}


def test_a_missing_birth_date_is_an_empty_cell():
    ws = sheet(identifier_workbook("6e A", [row("Sans", birth_date=None)], "fr"))

    assert ws.cell(row=2, column=1).value == "Sans"
    assert ws.cell(row=2, column=4).value is None


def texts(ws) -> list[str]:
    return [c.value for line in ws.iter_rows() for c in line if isinstance(c.value, str)]


def test_the_workbook_says_the_initial_password_is_the_birth_date_ddmmyyyy(learners):
    ws = sheet(identifier_workbook("6e A", learners, "fr"))

    notes = [t for t in texts(ws) if "jjmmaaaa" in t]
    assert len(notes) == 1
    assert "mot de passe initial" in notes[0]
    assert "date de naissance" in notes[0]


def test_the_english_workbook_says_it_in_english(learners):
    ws = sheet(identifier_workbook("6e A", learners, "en"))

    assert [cell.value for cell in ws[1]] == ["Last name", "First name", "Login", "Birth date"]
    assert any("ddmmyyyy" in t and "initial password" in t for t in texts(ws))


FORMULA_LIKE = [
    '=HYPERLINK("http://evil.example","clic")',
    "=1+2",
    "+33612345678",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    "\r\nDeux lignes",
    "#N/A",
    "Jean\tTab",
]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_a_formula_like_name_comes_back_as_the_same_text_never_a_formula(text):
    data = identifier_workbook(
        "6e A", [row(text, first_name=text, login=text.strip() or "x")], "fr"
    )
    ws = sheet(data)

    assert ws.cell(row=2, column=1).value == text
    assert ws.cell(row=2, column=2).value == text
    assert ws.cell(row=2, column=1).data_type == "s"
    assert not re.search(r"<f[\s>/]", sheet_xml(data))


def test_formula_prefixed_text_cells_carry_the_quote_prefix():
    ws = sheet(identifier_workbook("6e A", [row("=1+2"), row("Martin", learner_id=2)], "fr"))

    assert ws.cell(row=2, column=1).quotePrefix
    assert not ws.cell(row=3, column=1).quotePrefix


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mar\x00tin", "Martin"),
        ("\x07Dubois\x1f", "Dubois"),
        ("=\x00cmd", "=cmd"),
        ("Li\nne", "Li\nne"),
    ],
)
def test_control_characters_are_removed_without_crashing(name, expected):
    data = identifier_workbook("6e\x00 A", [row(name, first_name=name, login="x\x07y")], "fr")
    ws = sheet(data)

    assert ws.cell(row=2, column=1).value == expected
    assert ws.cell(row=2, column=2).value == expected
    assert ws.cell(row=2, column=3).value == "xy"
    assert not re.search(r"<f[\s>/]", sheet_xml(data))


def test_an_empty_class_gives_a_workbook_with_the_header_only():
    ws = sheet(identifier_workbook("6e A", [], "fr"))

    assert [cell.value for cell in ws[1]] == HEADER
    assert ws.auto_filter.ref == "A1:D1"


@pytest.mark.parametrize(
    ("class_name", "expected"),
    [
        ("6e A", "6e_A"),
        ("Première S", "Premiere_S"),
        ("Terminale S/ES", "Terminale_S_ES"),
        ("../../etc/passwd", "etc_passwd"),
        ("CM1\\CM2", "CM1_CM2"),
        ("2nde — groupe 1", "2nde_groupe_1"),
        ("", "classe"),
        ("///", "classe"),
    ],
)
def test_safe_filename_keeps_ascii_letters_digits_hyphens_and_underscores(class_name, expected):
    assert safe_filename(class_name) == expected


def test_the_workbook_is_named_after_the_class():
    assert workbook_filename("6e A") == "identifiants_6e_A.xlsx"
    assert workbook_filename("Première/Éco") == "identifiants_Premiere_Eco.xlsx"


def test_safe_filename_is_bounded():
    assert len(safe_filename("Classe " * 50)) <= 80


def test_the_workbook_of_a_real_class_holds_no_password_hash(db, admin):
    add_learner(db, "Martin", "Léa", birth_date=date(2012, 2, 29))
    add_learner(db, "Dubois", "Hugo", password="choisi-par-hugo")
    info = find_class(db, admin, "6e A")
    rows = class_learners(db, admin, info.id)

    data = identifier_workbook(info.name, rows, "fr")

    xml = all_xml(data)
    assert "$2b$" not in xml
    assert "choisi-par-hugo" not in xml
    assert [c.value for c in sheet(data)["A"][1:3]] == ["Dubois", "Martin"]
