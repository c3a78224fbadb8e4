"""The characters of a roster file, imported into real databases (issue 19): the same roster saved
in another encoding (ISO-8859-15, UTF-16) is the same roster, and a control character in a name,
class or login is a rejected row naming its line, never a database error or a terminal rewritten.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.text.catalogue import rejection_reason
from tests.support.imports import import_file, learners
from tests.support.roster_samples import PRESENT, TODAY, Pupil, onde_csv, siecle_csv, siecle_xml

# 20 pupils, the names of French schools: Œ and œ are the letters ISO-8859-15 has and Latin-1
# lacks; « Ÿ » and « Š » too.
ROSTER = [
    Pupil(
        str(5000 + i),
        "",
        last,
        first,
        date(2011, 1, 1) + timedelta(days=37 * i),
        "4A" if i % 2 else "4B",
    )
    for i, (last, first) in enumerate(
        [
            ("CŒURDEROI", "Lœtitia"),
            ("Lefèvre", "Chloé"),
            ("Benoît", "Zoé"),
            ("N'Diaye", "Anaïs"),
            ("Garçon", "Jérôme"),
            ("Dupré", "Noël"),
            ("Bœuf", "Maëlle"),
            ("Šimon", "Luka"),
            ("L'Haÿ", "Ÿvonne"),
            ("Martin", "Hélène"),
            ("Rousseau", "Gaëtan"),
            ("Müller", "Jürgen"),
            ("Façade", "Inès"),
            ("Œuvray", "Cœline"),
            ("Petit", "Aurélien"),
            ("Leroy", "Ophélie"),
            ("Moreau", "Théo"),
            ("Girard", "Léna"),
            ("Dubœuf", "Raphaël"),
            ("Vœux", "Salomé"),
        ]
    )
]


def our_csv(pupils: list[Pupil], separator: str = ";") -> str:
    lines = [separator.join(["Nom", "Prénom", "Date de naissance", "Classe"])]
    lines += [
        separator.join([p.last_name, p.first_name, p.birth.strftime("%d/%m/%Y"), p.division or ""])
        for p in pupils
    ]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("data", "name", "encoding"),
    [
        (siecle_csv(ROSTER, encoding="iso-8859-15"), "EXP_Liste.csv", "ISO-8859-15"),
        (our_csv(ROSTER).encode("iso-8859-15"), "r.csv", "ISO-8859-15"),
        # Excel's « Texte Unicode »: UTF-16 with its BOM, tab-separated
        (our_csv(ROSTER, "\t").encode("utf-16"), "r.txt", "UTF-16 (BOM)"),
        (our_csv(ROSTER, ";").encode("utf-16-le"), "r.csv", "UTF-16LE"),  # no BOM
        (siecle_csv(ROSTER, encoding="cp1252"), "EXP_Liste.csv", "Windows-1252"),
    ],
    ids=["siecle_csv_latin9", "csv_latin9", "utf16_bom_tabs", "utf16le_no_bom", "cp1252"],
)
def test_the_same_roster_in_another_encoding_changes_nothing(db, admin, data, name, encoding):
    first = import_file(db, admin, siecle_csv(ROSTER, encoding="utf-8"), "EXP_Liste.csv")
    assert len(first.new) == 20 and not first.rejected
    before = learners(db)
    assert before["CŒURDEROI Lœtitia"] == ("CŒURDEROI", "Lœtitia", "4B", True)

    roster = read_roster(data, name, today=TODAY)
    assert roster.encoding == encoding and not roster.problems
    plan = imports.preview(db, admin, roster)
    assert (plan.new, plan.updated, plan.deactivated, plan.rejected) == ([], [], [], [])
    assert plan.unchanged == 20
    assert learners(db) == before


def test_a_siecle_xml_export_in_utf16_is_read():
    pupils = PRESENT[:3]
    text = (
        siecle_xml(pupils, encoding="UTF-8")
        .decode()
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    for data in (text.encode("utf-16"), text.encode("utf-16-be")):
        roster = read_roster(data, "ElevesSansAdresses", today=TODAY)
        assert roster.format == "siecle_xml"
        assert [(r.last_name, r.first_name) for r in roster.rows] == [
            (p.shown_last_name, p.first_name) for p in pupils if p.division
        ]


def test_the_symbols_a_wrong_8_bit_reading_gives_are_a_rejected_row():
    # A Windows-1252 file (its ’ is 0x92) holding 0xBC and 0xBD: ISO-8859-15's Œ and œ copied
    # into it. Read as Windows-1252 they are ¼ and ½: the row is refused, not a new learner.
    data = ("Nom;Prénom;Date de naissance;Classe\r\nN’Diaye;Anaïs;01/02/2011;4A\r\n").encode(
        "cp1252"
    ) + ("C\xbcURDEROI;L\xbdtitia;03/04/2011;4B\r\n".encode("latin-1"))
    roster = read_roster(data, "r.csv", today=TODAY)
    assert roster.encoding == "Windows-1252"
    assert [r.last_name for r in roster.rows] == ["N’Diaye"]
    (problem,) = roster.problems
    assert (problem.line, problem.code) == (3, "ambiguous_symbols")
    assert problem.params["fields"] == ("last_name", "first_name")
    assert rejection_reason(problem.code, problem.params, problem.reason, "fr") == (
        "symbole ¼ dans : Nom, Prénom (encodage mal reconnu) : "
        "enregistrez le fichier en « CSV UTF-8 »"
    )


def test_those_symbols_in_a_utf8_file_were_typed_so_and_are_kept():
    data = "Nom;Prénom;Date de naissance;Classe\r\nN´Diaye;Anaïs;01/02/2011;4A½\r\n".encode()
    roster = read_roster(data, "r.csv", today=TODAY)
    assert [(r.last_name, r.class_name) for r in roster.rows] == [("N´Diaye", "4A½")]
    assert not roster.problems


NUL, ESC, BEL = "\x00", "\x1b", "\x07"


@pytest.mark.parametrize(
    ("field", "value", "fields"),
    [
        ("last_name", f"Martin{NUL}", "Nom"),
        ("first_name", f"L{ESC}[2J{ESC}[Héa", "Prénom"),
        ("division", f"4A{BEL}", "Classe"),
    ],
)
@pytest.mark.parametrize("layout", ["csv", "siecle_csv", "onde_csv"])
def test_a_control_character_is_a_rejected_row_with_its_line(
    db, admin, field, value, fields, layout
):
    pupils = list(ROSTER[:4])
    pupils[1] = replace(pupils[1], **{field: value})
    if layout == "onde_csv":
        pupils = [replace(p, ine=f"0712345{i:04d}A") for i, p in enumerate(pupils)]
        data, name = onde_csv(pupils, encoding="utf-8"), "CSVExtraction.csv"
    elif layout == "siecle_csv":
        data, name = siecle_csv(pupils, encoding="utf-8"), "EXP_Liste.csv"
    else:
        data, name = our_csv(pupils).encode(), "r.csv"

    plan = import_file(db, admin, data, name)  # the bad row skipped; never a DataError

    (problem,) = plan.rejected
    assert (problem.line, problem.code) == (3, "control_characters")
    assert rejection_reason(problem.code, problem.params, problem.reason, "fr") == (
        f"caractères de contrôle dans : {fields}"
    )
    assert not any(c in problem.name for c in (NUL, ESC, BEL))  # shown as ␀ ␛ ␇
    if field != "division":  # the bad value is not kept to recognise the learner
        assert getattr(problem, field) is None
    assert len(plan.new) == 3
    assert sorted((last, first) for last, first, _, _ in learners(db).values()) == sorted(
        (p.last_name, p.first_name) for i, p in enumerate(pupils) if i != 1
    )


def test_the_cli_shows_a_rejected_name_without_its_escape_sequence(db, admin, cli, tmp_path):
    pupils = list(ROSTER[:3])
    pupils[2] = replace(pupils[2], last_name=f"Benoît{BEL}{ESC}[2J{ESC}[31m")
    path = tmp_path / "r.csv"
    path.write_bytes(our_csv(pupils).encode())

    code, out, err = cli("import", str(path), "--actor", admin)

    assert code == 1 and ESC not in out + err and BEL not in out + err
    assert "line 4: control characters in Last name (Benoît␇␛[2J␛[31m Zoé)" in out


def test_a_control_character_in_siecle_xml_is_refused_by_the_parser():
    data = siecle_xml(PRESENT[:1], encoding="UTF-8").replace(b"<PRENOM>", b"<PRENOM>&#x1B;", 1)
    with pytest.raises(Exception) as error:
        read_roster(data, "e.xml", today=TODAY)
    assert error.value.params["key"] == "import_bad_xml"  # type: ignore[attr-defined]
