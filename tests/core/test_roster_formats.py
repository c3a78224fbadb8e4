"""The formats schools really export (SIECLE XML alone or zipped, SIECLE CSV, ONDE CSV), in
their encodings, read from synthetic files built in tests/roster_samples.py; and the files that
must be refused with a clear error (garbled, hostile, oversized). No database here."""

from __future__ import annotations

import io
import zipfile

import pytest

from access_core.errors import ValidationError
from access_core.imports.files import read_roster
from access_core.imports.formats.limits import ImportLimits
from access_core.imports.rows import RosterFile
from tests.support.roster_samples import (
    IMPORTED,
    PRESENT,
    PUPILS,
    TODAY,
    Pupil,
    onde_csv,
    siecle_csv,
    siecle_xml,
    siecle_zip,
)


def names(roster: RosterFile) -> list[tuple[str, str, str]]:
    return [(r.last_name, r.first_name, r.class_name) for r in roster.rows]


def expected(pupils: list[Pupil], class_prefix: str = "") -> list[tuple[str, str, str]]:
    return [(p.shown_last_name, p.first_name, f"{class_prefix}{p.division}") for p in pupils]


# --- SIECLE XML --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [("ISO-8859-15", "ISO-8859-15"), ("UTF-8", "UTF-8"), ("windows-1252", "Windows-1252")],
)
@pytest.mark.parametrize("zipped", [False, True], ids=["xml", "zip"])
def test_siecle_xml_preview_counts_classes_names_and_rejections(encoding, shown, zipped):
    data = siecle_xml(encoding=encoding)
    roster = read_roster(
        siecle_zip(data) if zipped else data,
        "ExportXML_ElevesSansAdresses.zip" if zipped else "ElevesSansAdresses.xml",
        today=TODAY,
    )
    assert (roster.format, roster.encoding, roster.school_year) == (
        "siecle_xml",
        shown if encoding != "UTF-8" else "UTF-8",
        "2025-2026",
    )
    assert roster.school == "0751234X"
    # the departed pupil is left out; usage name shown; last year's class (5Z) never taken
    assert names(roster) == expected(IMPORTED)
    assert {r.class_name for r in roster.rows} == {"4A", "4B"}
    assert [r.external_id for r in roster.rows] == [p.ine for p in IMPORTED]
    assert roster.departed == 1
    assert [(p.ref, p.name) for p in roster.problems] == [
        ("ELEVE_ID 4716", "Groupé Inès"),
        ("ELEVE_ID 4717", "Doublon Léa"),
    ]
    assert "no class" in roster.problems[0].reason
    first_line = roster.rows[0].line
    assert roster.problems[1].reason == f"external id 070803070AJ already on line {first_line}"
    assert all(p.line > 1 for p in roster.problems)


def test_siecle_xml_lines_are_those_of_the_eleve_elements():
    data = siecle_xml()
    lines = data.decode("iso-8859-15").splitlines()
    roster = read_roster(data, "ElevesSansAdresses.xml", today=TODAY)
    for row in roster.rows:
        assert lines[row.line - 1].startswith("<ELEVE ELEVE_ID=")
    for problem in roster.problems:
        eleve_id = problem.ref.split()[-1]
        assert lines[problem.line - 1].startswith(f'<ELEVE ELEVE_ID="{eleve_id}"')


def test_siecle_xml_older_files_with_nom_and_a_pupil_leaving_later_stays():
    later = [
        Pupil(
            "1",
            "071111111AA",
            "Cœur",
            "Noé",
            PUPILS[0].birth,
            "3C",
            left_on=TODAY.replace(month=6, day=30),
        ),
        Pupil("2", "072222222BB", "Bâton", "Maël", PUPILS[0].birth, "3D"),
    ]
    roster = read_roster(siecle_xml(later, old_names=True), "ElevesSansAdresses.xml", today=TODAY)
    assert names(roster) == [("Cœur", "Noé", "3C"), ("Bâton", "Maël", "3D")]
    assert roster.departed == 0 and roster.problems == []


def test_siecle_xml_a_leaving_date_that_cannot_be_read_is_a_rejected_row():
    data = siecle_xml(PUPILS[:2]).replace(
        b"<DATE_ENTREE>", b"<DATE_SORTIE>bientot</DATE_SORTIE><DATE_ENTREE>", 1
    )
    roster = read_roster(data, "e.xml", today=TODAY)
    assert [(p.ref, p.reason) for p in roster.problems] == [
        ("ELEVE_ID 4711", "unreadable DATE_SORTIE 'bientot'")
    ]


def test_siecle_zip_needs_exactly_one_xml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", siecle_xml())
        archive.writestr("b.xml", siecle_xml())
    with pytest.raises(ValidationError, match="exactly one .xml file; found 2"):
        read_roster(buffer.getvalue(), "export.zip", today=TODAY)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("__MACOSX/._a.xml", b"junk")
        archive.writestr("notes.txt", b"x")
    with pytest.raises(ValidationError, match="found 0"):
        read_roster(buffer.getvalue(), "export.zip", today=TODAY)


def test_another_xml_is_not_taken_for_a_siecle_export():
    with pytest.raises(ValidationError, match="not a SIECLE pupil export") as error:
        read_roster(b'<?xml version="1.0"?><BEE_NOMENCLATURES/>', "n.xml", today=TODAY)
    assert error.value.params["key"] == "import_not_siecle"


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE BEE_ELEVES [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE BEE_ELEVES [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["entity_expansion", "external_entity"],
)
def test_xml_entities_are_refused(doctype):
    data = (
        siecle_xml(PUPILS[:1], encoding="UTF-8")
        .replace(b"<BEE_ELEVES", doctype.encode() + b"<BEE_ELEVES", 1)
        .replace(b"<PRENOM>", b"<PRENOM>&b;&x;", 1)
    )
    with pytest.raises(ValidationError, match="entities") as error:
        read_roster(data, "e.xml", today=TODAY)
    assert error.value.params["key"] == "import_xml_forbidden"


def test_broken_xml_names_its_line():
    data = siecle_xml(PUPILS[:2], encoding="UTF-8").replace(b"</PRENOM>", b"</PRENM>", 2)
    with pytest.raises(ValidationError, match=r"XML file cannot be read \(line \d+\)"):
        read_roster(data, "e.xml", today=TODAY)


# --- SIECLE CSV and ONDE CSV -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [
        ("iso-8859-1", "Windows-1252"),
        ("cp1252", "Windows-1252"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("utf-8", "UTF-8"),
    ],
)
@pytest.mark.parametrize("with_sex", [False, True])
def test_siecle_csv_by_division(encoding, shown, with_sex):
    roster = read_roster(
        siecle_csv(encoding=encoding, with_sex=with_sex),
        "EXP_Liste_des_eleves_par_division.csv",
        today=TODAY,
    )
    assert (roster.format, roster.encoding, roster.school_year) == ("siecle_csv", shown, None)
    # no INE nor usage name in this list: the birth name is the name; ="4A" unwrapped
    in_division = [p for p in PRESENT if p.division]
    assert names(roster) == [(p.last_name, p.first_name, str(p.division)) for p in in_division]
    assert all(r.external_id is None for r in roster.rows)
    group_only = PRESENT.index(next(p for p in PRESENT if not p.division))
    assert [(p.line, p.reason, p.name) for p in roster.problems] == [
        (group_only + 2, "missing class_name", "Groupé Inès")
    ]


@pytest.mark.parametrize(
    ("encoding", "shown"),
    [("iso-8859-1", "Windows-1252"), ("cp1252", "Windows-1252"), ("utf-8-sig", "UTF-8 (BOM)")],
)
def test_onde_csv_extraction(encoding, shown):
    roster = read_roster(onde_csv(encoding=encoding), "CSVExtraction.csv", today=TODAY)
    assert (roster.format, roster.encoding) == ("onde_csv", shown)
    ok = [p for p in PRESENT if p.division and p.eleve_id != "4717"]
    assert names(roster) == expected(ok, class_prefix="CM1-CM2 ")
    assert [r.birth_date for r in roster.rows] == [p.birth for p in ok]  # both date forms
    assert [r.external_id for r in roster.rows] == [p.ine for p in ok]
    assert [(p.line, p.name) for p in roster.problems] == [(6, "Groupé Inès"), (7, "Doublon Léa")]
    assert roster.problems[0].reason == "missing class_name"
    assert roster.problems[1].reason == "external id 070803070AJ already on line 2"


def test_our_own_layout_is_still_named_csv():
    roster = read_roster(
        "Nom;Prénom;Date de naissance;Classe\nÉlie;Zoé;01/02/2012;6e A\n".encode(),
        "r.csv",
        today=TODAY,
    )
    assert (roster.format, roster.encoding, names(roster)) == (
        "csv",
        "UTF-8",
        [("Élie", "Zoé", "6e A")],
    )


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbled",
    [
        "Nom;Prénom;Date de naissance;Classe\nLefèvre;Chloé;01/02/2012;6e A\n".encode()
        .decode("cp1252")
        .encode("utf-8"),  # UTF-8 read as 8-bit, saved again
        b"Nom;Prenom;Date de naissance;Classe\nLef\xc2\x85vre;Zoe;01/02/2012;6e A\n",  # C1
        "Nom;Prenom;Date de naissance;Classe\nLef\ufffdvre;Zoe;01/02/2012;6e A\n".encode(),
    ],
    ids=["double_encoded", "c1_control", "replacement_character"],
)
def test_garbled_text_is_refused(garbled):
    with pytest.raises(ValidationError, match="garbled") as error:
        read_roster(garbled, "r.csv", today=TODAY)
    assert error.value.params["key"] == "import_garbled"


def test_bytes_no_encoding_reads_are_refused():
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid in UTF-8
    with pytest.raises(ValidationError, match="encoding is not recognised"):
        read_roster(
            b"Nom;Prenom;Date de naissance;Classe\nA\x81\x8d;B;01/02/2012;6A\n",
            "r.csv",
            today=TODAY,
        )


# --- hostile and oversized files ---------------------------------------------------------------


def test_a_file_over_the_byte_limit_is_refused_before_reading():
    with pytest.raises(ValidationError, match="larger than 1 MB") as error:
        read_roster(b"x" * (1024 * 1024 + 1), "r.csv", limits=ImportLimits(max_bytes=1024**2))
    assert error.value.params["key"] == "import_too_large"


def test_a_zip_bomb_is_refused_while_decompressing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", b"<" + b" " * (5 * 1024 * 1024))
    assert len(buffer.getvalue()) < 20_000
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        read_roster(buffer.getvalue(), "x.zip", limits=ImportLimits(max_bytes=1024**2))


def test_an_xlsx_with_one_huge_cell_is_refused():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Date de naissance", "Classe"])
    sheet.append(["A" * 2_000_000, "B", "01/02/2012", "6A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl cuts a cell to Excel's 32,767 characters: a hostile file is written by hand
    hostile = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"A" * 32767, b"A" * 2_000_000)
                assert len(content) > 2_000_000
            target.writestr(info.filename, content)
    buffer = hostile
    assert len(buffer.getvalue()) < 100_000  # small on the wire, 2 MB decompressed
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        read_roster(buffer.getvalue(), "r.xlsx", limits=ImportLimits(max_bytes=1024**2))


@pytest.mark.parametrize("kind", ["csv", "xml", "xlsx"])
def test_more_rows_than_the_limit_is_refused(kind):
    pupils = [
        Pupil(str(i), f"07{i:09d}", f"Nom{i}", "Zoé", PUPILS[0].birth, "4A") for i in range(6)
    ]
    if kind == "csv":
        data, name = siecle_csv(pupils), "r.csv"
    elif kind == "xml":
        data, name = siecle_xml(pupils), "r.xml"
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.append(["Nom", "Prénom", "Date de naissance", "Classe"])
        for p in pupils:
            workbook.active.append([p.last_name, p.first_name, "01/02/2012", "4A"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data, name = buffer.getvalue(), "r.xlsx"
    assert len(read_roster(data, name, today=TODAY, limits=ImportLimits(max_rows=6)).rows) == 6
    with pytest.raises(ValidationError, match="more than 5 rows") as error:
        read_roster(data, name, today=TODAY, limits=ImportLimits(max_rows=5))
    assert error.value.params["key"] == "import_too_many_rows"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1 << 20])
@pytest.mark.parametrize(
    "data",
    [
        siecle_xml(PUPILS[:3]),
        siecle_xml(PUPILS[:3], encoding="UTF-8"),
        b"\xef\xbb\xbf<a>\xc3\xa9</a>",
        "<a>\nok\nLef\u00c3\u00a8vre</a>".encode(),  # garbled on line 3
        b"<a>\n\x81\x8d</a>",
        b"",
        siecle_xml(PUPILS[:3], encoding="UTF-8").decode().encode("utf-16"),
        "<a>\nCŒURDEROI Lœtitia</a>".encode("iso-8859-15"),
    ],
    ids=["latin9", "utf8", "bom", "garbled", "undecodable", "empty", "utf16", "latin9_oe"],
)
def test_decoding_in_pieces_agrees_with_decoding_at_once(data, size):
    from access_core.imports.formats.encoding import decode, decode_chunks

    try:
        whole = decode(data, xml=True)
    except ValidationError as expected_error:
        with pytest.raises(ValidationError) as error:
            decode_chunks(data, xml=True, size=size)
        assert error.value.params == expected_error.params
        return
    name, guessed, pieces = decode_chunks(data, xml=True, size=size)
    assert (name, guessed, "".join(pieces)) == (whole.encoding, whole.guessed, whole.text)


def test_a_school_year_that_is_not_a_year_is_not_shown():
    data = siecle_xml(PUPILS[:1]).replace(
        b"<ANNEE_SCOLAIRE>2025<", b"<ANNEE_SCOLAIRE>[x](http://evil)<", 1
    )
    assert read_roster(data, "e.xml", today=TODAY).school_year is None


# --- the hashing estimate shown before applying ------------------------------------------------


def test_the_hashing_estimate_is_one_calibrated_hash_per_round_of_cores():
    from access_core.accounts.passwords import estimate_hashing_seconds, single_hash_seconds

    one = single_hash_seconds(4)
    assert one > 0 and single_hash_seconds(4) == one  # measured once per process
    assert estimate_hashing_seconds(0, 4) == 0.0
    assert estimate_hashing_seconds(1, 4, workers=2) == one
    assert estimate_hashing_seconds(5, 4, workers=2) == 3 * one  # 2 + 2 + 1
    assert estimate_hashing_seconds(2000, 4, workers=8) == 250 * one


@pytest.mark.parametrize(
    ("seconds", "fr", "en"),
    [
        (0.2, "1 s", "1 s"),
        (42.1, "43 s", "43 s"),
        (60.0, "1 min", "1 min"),
        (200.0, "4 min", "4 min"),
    ],
)
def test_durations_are_rounded_up(seconds, fr, en):
    from access_core.text.catalogue import format_duration

    assert (format_duration(seconds, "fr"), format_duration(seconds, "en")) == (fr, en)


def test_an_element_inside_a_field_does_not_end_the_field():
    data = siecle_xml(PUPILS[:1], encoding="UTF-8").replace(
        b"<PRENOM>Chlo\xc3\xa9</PRENOM>", b"<PRENOM>Chlo<b/>\xc3\xa9</PRENOM>", 1
    )
    assert names(read_roster(data, "e.xml", today=TODAY)) == [("Lefèvre", "Chloé", "4A")]


# --- hostile shapes: the reader stops early (their cost is measured by the bench, S3-S4) ------


def test_an_xlsx_is_read_no_wider_than_its_column_bound_whatever_its_far_cells():
    from access_core.imports.formats.tables import xlsx_table
    from tests.bench.formats import far_cell_xlsx

    data = far_cell_xlsx(row=300, column="XFD")  # 5 KB; its dimension says A1:XFD300

    table = xlsx_table(data, ImportLimits())
    assert max(len(row) for row in table) <= 256  # not padded to 16,384 cells
    assert table[:2] == [
        ["INE", "Nom", "Prénom", "Né(e) le", "Division"],
        ["X0000001", "Nom", "Prénom", "01/02/2012", "4A"],
    ]
    roster = read_roster(data, "r.xlsx", today=TODAY)
    assert [(r.external_id, r.class_name) for r in roster.rows] == [("X0000001", "4A")]
    assert roster.problems == []


def test_an_xlsx_whose_stray_cell_lies_past_the_row_limit_is_refused():
    from tests.bench.formats import far_cell_xlsx

    data = far_cell_xlsx(row=1_000_000, column="B")
    with pytest.raises(ValidationError) as error:
        read_roster(data, "r.xlsx", today=TODAY, limits=ImportLimits(max_rows=5))
    assert error.value.params["key"] == "import_too_many_rows"


def test_xml_nested_deeper_than_siecle_ever_is_refused_at_the_first_element_too_deep():
    depth = 5_000  # one element a line: the error's line is where reading stopped
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<BEE_ELEVES>\n'
        + b"<E>\n" * depth
        + b"</E>" * depth
        + b"</BEE_ELEVES>"
    )

    with pytest.raises(ValidationError, match="more than 16 deep") as error:
        read_roster(data, "ElevesSansAdresses.xml", today=TODAY)
    assert error.value.params["key"] == "import_xml_too_deep"
    assert error.value.params["line"] == 2 + 16  # BEE_ELEVES is level 1, on line 2


def test_a_siecle_file_nested_as_deep_as_the_bound_is_read():
    # ELEVE is level 4, its PRENOM level 5: wrappers inside the first name up to the bound (16)
    inner = 16 - 5
    data = siecle_xml(PUPILS[:1], encoding="UTF-8").replace(
        b"<PRENOM>Chlo\xc3\xa9</PRENOM>",
        b"<PRENOM>" + b"<i>" * inner + b"Chlo\xc3\xa9" + b"</i>" * inner + b"</PRENOM>",
        1,
    )
    assert names(read_roster(data, "e.xml", today=TODAY)) == [("Lefèvre", "Chloé", "4A")]


def test_a_csv_line_wider_than_the_column_bound_is_refused_before_it_is_split():
    data = (
        "Nom;Prénom;Date de naissance;Classe\r\n"
        "Lefèvre;Zoé;01/02/2012;4A\r\n" + ";" * 100_000 + "\r\n"
    ).encode()
    with pytest.raises(ValidationError, match=r"more than 256 columns \(line 3\)") as error:
        read_roster(data, "r.csv", today=TODAY)
    assert error.value.params["key"] == "import_too_many_columns"


def test_quoted_fields_may_hold_separators_and_line_breaks():
    data = (
        'Nom;Prénom;Date de naissance;Classe\r\n"Le;fèvre";"Zoé\r\nMarie";01/02/2012;4A\r'
        "Martin;Léa;03/04/2012;4B"
    ).encode()
    roster = read_roster(data, "r.csv", today=TODAY)
    assert [(r.line, r.last_name, r.first_name) for r in roster.rows] == [
        (2, "Le;fèvre", "Zoé Marie"),
        (3, "Martin", "Léa"),
    ]
