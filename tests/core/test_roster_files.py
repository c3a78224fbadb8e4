"""Reading roster files (no database): the real files of tests/data, header matching, the
line number and reason of every bad row, and clear errors for files that cannot be read."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from access_core.errors import ValidationError
from access_core.imports.files import read_roster
from access_core.imports.rows import RosterFile
from tests.data import make_data

DATA = Path(__file__).parent.parent / "data"
TODAY = date(2025, 9, 1)


def read(name: str) -> RosterFile:
    return read_roster((DATA / name).read_bytes(), name, today=TODAY)


def rows_as_tuples(roster: RosterFile) -> list[tuple[object, ...]]:
    return [
        (r.line, r.last_name, r.first_name, r.birth_date, r.class_name, r.external_id, r.login)
        for r in roster.rows
    ]


def problems(roster: RosterFile) -> dict[int, str]:
    return {p.line: p.reason for p in roster.problems}


# --- the files of tests/data -----------------------------------------------------------------


def test_bom_semicolon_file():
    raw = (DATA / "roster_bom_semicolon.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # really a BOM + CRLF file
    roster = read("roster_bom_semicolon.csv")
    assert roster.problems == []
    # the BOM is not glued to the first header: « INE » is recognised as the external id
    assert roster.columns == {
        "external_id": "INE",
        "last_name": "NOM",
        "first_name": "Prénom",
        "birth_date": "Né(e) le",
        "class_name": "Division",
    }
    assert rows_as_tuples(roster) == [
        (2, "Dupont", "Léa", date(2013, 5, 17), "6e A", "070123456AB", None),
        (3, "N'Diaye", "Moussa", date(2012, 11, 3), "5e B", "070123457BC", None),
        (4, "Le Gall", "Jean-Baptiste", date(2013, 1, 9), "6e A", "070123458CD", None),
        (5, "Müller", "Zoé", date(2012, 2, 29), "5e B", "070123459DE", None),
    ]


def test_comma_file_with_quoted_fields():
    roster = read("roster_comma_quoted.csv")
    assert roster.problems == []
    assert roster.columns["class_name"] == "class"
    assert rows_as_tuples(roster) == [
        (2, 'Martin, dit "le Grand"', "Paul", date(2012, 9, 1), "4e C", "ENG-001", None),
        (3, "O'Connor", "Siobhán", date(2011, 7, 14), "3e A, option latin", "ENG-002", None),
        (4, "Durand", "Anne-Sophie", date(2012, 12, 31), "4e C", "ENG-003", "as.durand"),
    ]


def test_french_xlsx_with_date_cells_and_a_text_date():
    roster = read("roster_french.xlsx")
    assert roster.problems == []
    assert rows_as_tuples(roster) == [
        (2, "Lefèvre", "Chloé", date(2013, 4, 2), "6e A", "XL-001", None),
        (3, "Nguyễn", "Bảo", date(2012, 10, 15), "5e B", "XL-002", None),
        (4, "Da Silva", "João", date(2012, 6, 5), "5e B", "XL-003", None),  # a text cell
        (5, "Œuvray", "Cécile", date(2011, 12, 24), "4e C", "70123456", None),  # a number cell
    ]


def test_xlsx_is_recognised_by_its_content_whatever_its_name():
    data = (DATA / "roster_french.xlsx").read_bytes()
    assert len(read_roster(data, "export", today=TODAY).rows) == 4


def test_committed_xlsx_is_what_the_generator_writes():
    assert make_data.build_xlsx() == (DATA / "roster_french.xlsx").read_bytes()


def test_every_kind_of_bad_row_is_reported_with_its_line_and_reason():
    roster = read("roster_bad_rows.csv")
    assert [(r.line, r.last_name, r.first_name) for r in roster.rows] == [
        (2, "Petit", "Lucas"),
        (8, "Bernard", "Tom"),
        (14, "Chevalier", "Manon"),  # line 11 is blank: line numbers stay those of the file
    ]
    found = problems(roster)
    assert sorted(found) == [3, 4, 5, 6, 7, 9, 10, 12, 13]
    assert found[3] == "missing first_name"  # a field code: the edge words it
    assert "impossible date" in found[4] and "31/02/2013" in found[4]
    assert "future" in found[5] and "01/09/2099" in found[5]
    assert "before 1900" in found[6] and "15/03/1899" in found[6]
    assert found[7] == "external id BAD-001 already on line 2"
    assert found[9] == "login tom.bernard already on line 8"  # compared without case
    assert "unreadable date" in found[10] and "le 3 mai 2013" in found[10]
    assert found[12] == "missing birth_date"
    assert found[13] == "missing class_name"
    names = {p.line: p.name for p in roster.problems}
    assert names[4] == "Girard Inès" and names[9] == "Bernard Théo"


def test_header_only_file_has_no_rows_and_no_problems():
    roster = read("roster_empty.csv")
    assert roster.rows == [] and roster.problems == []


def test_unknown_layout_names_the_missing_columns():
    with pytest.raises(ValidationError) as caught:
        read("roster_unknown_layout.csv")
    message = str(caught.value)
    assert "line 1" in message
    assert "missing last_name, birth_date, class_name" in message
    assert "first_name" not in message  # found, so not reported missing
    assert caught.value.params["missing"] == ["last_name", "birth_date", "class_name"]


# --- header matching and delimiters -----------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "nom;prenom;date de naissance;classe",
        "NOM;PRÉNOM;DATE DE NAISSANCE;CLASSE",
        "  Nom ; Prénom ;DateDeNaissance; Classe  ",
        "Nom;Prenom;NÉ(E) LE;division",
        "Nom de famille;Prénom;Née le;Division",
        "last_name;first_name;birth_date;class",
        "Last Name;First Name;Birth Date;CLASS",
        "LAST-NAME;first name;BIRTH_DATE;Class",
    ],
)
def test_headers_match_regardless_of_case_accents_and_spaces(header):
    data = f"{header}\nÉtienne;Zoé;17/05/2013;6e A\n".encode()
    roster = read_roster(data, "roster.csv", today=TODAY)
    assert rows_as_tuples(roster) == [(2, "Étienne", "Zoé", date(2013, 5, 17), "6e A", None, None)]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("INE", "external_id"),
        ("Identifiant national", "external_id"),
        ("identifiant  NATIONAL", "external_id"),
        ("ID", "external_id"),
        ("external_id", "external_id"),
        ("External ID", "external_id"),
        ("Identifiant", "login"),
        ("LOGIN", "login"),
    ],
)
def test_optional_headers(header, field):
    data = f"Nom,Prénom,Date de naissance,Classe,{header}\nDurand,Léo,2013-05-17,6e A,Abc.1\n"
    roster = read_roster(data.encode(), "roster.csv", today=TODAY)
    row = roster.rows[0]
    assert roster.columns[field] == header
    if field == "external_id":
        assert (row.external_id, row.login) == ("Abc.1", None)
    else:
        assert (row.external_id, row.login) == (None, "abc.1")  # logins are lower-cased


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_delimiter_is_detected_with_or_without_bom(delimiter, bom):
    lines = [
        ["Nom", "Prénom", "Date de naissance", "Classe"],
        ["Durand", "Léo", "17/05/2013", "6e A"],
        ["Petit", "Ana", "2012-01-31", "5e B"],
    ]
    data = bom + "\r\n".join(delimiter.join(cells) for cells in lines).encode()
    roster = read_roster(data, "roster.csv", today=TODAY)
    assert roster.problems == []
    assert [(r.last_name, r.first_name, r.birth_date, r.class_name) for r in roster.rows] == [
        ("Durand", "Léo", date(2013, 5, 17), "6e A"),
        ("Petit", "Ana", date(2012, 1, 31), "5e B"),
    ]


def test_semicolon_file_keeps_commas_inside_fields():
    data = 'Nom;Prénom;Date de naissance;Classe\n"Martin, dit ""Petit""";Léa;17/05/2013;6e A\n'
    roster = read_roster(data.encode(), "roster.csv", today=TODAY)
    assert roster.rows[0].last_name == 'Martin, dit "Petit"'


def test_spaces_inside_values_are_tidied():
    data = "Nom;Prénom;Date de naissance;Classe\n  Le   Gall ; Anne ; 17/05/2013 ;6e   A\n"
    row = read_roster(data.encode(), "roster.csv", today=TODAY).rows[0]
    assert (row.last_name, row.first_name, row.class_name) == ("Le Gall", "Anne", "6e A")


def test_date_on_the_day_is_accepted_and_the_next_day_is_in_the_future():
    data = "Nom;Prénom;Date de naissance;Classe\nA;B;01/09/2025;6e A\nC;D;02/09/2025;6e A\n"
    roster = read_roster(data.encode(), "roster.csv", today=TODAY)
    assert [r.line for r in roster.rows] == [2]
    assert "future" in problems(roster)[3]


def test_1900_is_accepted_and_1899_is_not():
    data = "Nom;Prénom;Date de naissance;Classe\nA;B;01/01/1900;6e A\nC;D;31/12/1899;6e A\n"
    roster = read_roster(data.encode(), "roster.csv", today=TODAY)
    assert [r.birth_date for r in roster.rows] == [date(1900, 1, 1)]
    assert "before 1900" in problems(roster)[3]


def test_the_same_external_id_with_another_case_is_a_duplicate():
    lines = ["INE;Nom;Prénom;Date de naissance;Classe", "ab-1;A;B;01/01/2013;6e A"]
    lines.append("AB-1;C;D;01/01/2013;6e A")
    roster = read_roster("\n".join(lines).encode(), "roster.csv", today=TODAY)
    assert problems(roster) == {3: "external id AB-1 already on line 2"}


def test_values_longer_than_their_column_are_bad_rows():
    header = "INE;Nom;Prénom;Date de naissance;Classe;Login"
    lines = [
        header,
        f"{'1' * 64};{'N' * 100};{'P' * 100};01/01/2013;{'C' * 100};{'l' * 64}",  # at the limits
        f"{'1' * 65};Nom;Prénom;01/01/2013;6e A;",
        f"2;{'N' * 101};Prénom;01/01/2013;6e A;",
        f"3;Nom;{'P' * 101};01/01/2013;6e A;",
        f"4;Nom;Prénom;01/01/2013;{'C' * 101};",
        f"5;Nom;Prénom;01/01/2013;6e A;{'l' * 65}",
    ]
    roster = read_roster("\n".join(lines).encode(), "roster.csv", today=TODAY)
    assert [r.line for r in roster.rows] == [2]
    found = problems(roster)
    assert sorted(found) == [3, 4, 5, 6, 7]
    for line, field in [
        (3, "external_id"),
        (4, "last_name"),
        (5, "first_name"),
        (6, "class_name"),
        (7, "login"),
    ]:
        assert found[line] == f"too long: {field}", found[line]


@pytest.mark.parametrize("login", ["léa.martin", "lea martin", "lea@martin", "-lea", ".lea"])
def test_a_login_a_learner_could_not_type_is_a_bad_row(login):
    data = f"Nom;Prénom;Date de naissance;Classe;Login\nMartin;Léa;01/01/2013;6e A;{login}\n"
    roster = read_roster(data.encode(), "roster.csv", today=TODAY)
    assert roster.rows == []
    assert "login" in problems(roster)[2]


@pytest.mark.parametrize("login", ["lea.martin", "l.martin2", "lea_martin", "lea-anne.m"])
def test_ordinary_logins_are_accepted(login):
    data = f"Nom;Prénom;Date de naissance;Classe;Login\nMartin;Léa;01/01/2013;6e A;{login}\n"
    roster = read_roster(data.encode(), "roster.csv", today=TODAY)
    assert [r.login for r in roster.rows] == [login]


# --- files that cannot be read ------------------------------------------------------------------


def test_windows_1252_csv_is_read_with_its_accents():
    text = "Nom;Prénom;Date de naissance;Classe\nLefèvre;Chloé;17/05/2013;6e A\n"
    roster = read_roster(text.encode("cp1252"), "roster.csv", today=TODAY)
    assert roster.encoding == "Windows-1252"
    assert [(r.last_name, r.first_name) for r in roster.rows] == [("Lefèvre", "Chloé")]


def test_garbled_csv_is_a_clear_error():
    text = "Nom;Prénom;Date de naissance;Classe\nLefèvre;Chloé;17/05/2013;6e A\n"
    garbled = text.encode("utf-8").decode("cp1252").encode("utf-8")  # « LefÃ¨vre »
    with pytest.raises(ValidationError, match="garbled \\(line 1\\)"):
        read_roster(garbled, "roster.csv", today=TODAY)


def test_empty_file_is_a_clear_error():
    with pytest.raises(ValidationError, match="empty"):
        read_roster(b"", "roster.csv", today=TODAY)


def test_unsupported_extension_is_a_clear_error():
    with pytest.raises(ValidationError, match=r"unsupported file type \.xls"):
        read_roster(b"\xd0\xcf\x11\xe0 old excel", "roster.xls", today=TODAY)


@pytest.mark.parametrize("damage", ["truncated", "not_a_zip"])
def test_damaged_xlsx_is_a_clear_error(damage):
    data = (DATA / "roster_french.xlsx").read_bytes()
    broken = data[: len(data) // 2] if damage == "truncated" else b"Nom;Prenom\nthis is no zip"
    with pytest.raises(ValidationError, match="XLSX file cannot be read"):
        read_roster(broken, "roster.xlsx", today=TODAY)


def test_xlsx_with_a_damaged_sheet_is_a_clear_error():
    """The archive opens but the sheet's XML is cut: read-only workbooks only parse the sheet
    while iterating, which must give the same clear error."""
    source = zipfile.ZipFile(io.BytesIO((DATA / "roster_french.xlsx").read_bytes()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(info.filename, content)
    with pytest.raises(ValidationError, match="XLSX file cannot be read"):
        read_roster(output.getvalue(), "roster.xlsx", today=TODAY)
