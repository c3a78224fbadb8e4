"""An 8-bit roster whose encoding is only guessed from its bytes (issue 19's follow-up): the
bytes 0xB4, 0xA8, 0xB8 and 0xA4 are a name's letter in ISO-8859-15 (« Ž », « š », « ž », « € »)
and a symbol typed in names in Windows-1252 (« ´ » for an apostrophe: « D´ALMEIDA »). Either
reading may be wrong, so such a name is a rejected row, never another pupil's spelling that would
deactivate the real one. A declared encoding (SIECLE XML's) is believed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.imports.formats.encoding import decode, eight_bit
from tests.support.imports import import_file, learners
from tests.support.roster_samples import TODAY, Pupil, siecle_xml

HEADER = "Nom;Prénom;Date de naissance;Classe\r\n"
OTHERS = "".join(f"ELEVE{i:02d};Léa;03/04/2012;6A\r\n" for i in range(1, 20))


def roster(first_line: bytes, extra: bytes = b"") -> bytes:
    """A Windows-1252 roster of 20 pupils (no byte 0x80-0x9F), ``first_line`` its first pupil."""
    return HEADER.encode("cp1252") + first_line + b"\r\n" + OTHERS.encode("cp1252") + extra


@pytest.mark.parametrize(
    ("byte", "symbol"),
    [(b"\xb4", "´"), (b"\xa8", "¨"), (b"\xb8", "¸"), (b"\xa4", "¤")],
    ids=["acute", "diaeresis", "cedilla", "currency"],
)
def test_a_guessed_8_bit_name_with_a_byte_plausible_either_way_is_a_rejected_row(
    db, admin, byte, symbol
):
    first = import_file(db, admin, roster("D'ALMEIDA;Inès;01/02/2012;6A".encode("cp1252")), "a.csv")
    assert len(first.new) == 20
    before = learners(db)

    again = roster(b"D" + byte + "ALMEIDA;Inès;01/02/2012;6A".encode("cp1252"))
    read = read_roster(again, "again.csv", today=TODAY)
    assert (read.encoding, read.encoding_guessed) == ("Windows-1252", True)
    (problem,) = read.problems
    assert (problem.line, problem.code) == (2, "ambiguous_symbols")
    assert problem.params == {"symbol": symbol, "fields": ("last_name",)}
    plan = imports.preview(db, admin, read)
    assert (plan.new, plan.unchanged, len(plan.rejected)) == ([], 19, 1)
    if symbol == "´":  # its rejected line still names the pupil (« ´ » folds to « ' »): kept
        assert plan.deactivated == [] and [c.login for c in plan.kept] == ["ines.dalmeida"]
    assert learners(db) == before


def test_the_iso_8859_15_reading_of_those_bytes_is_refused_too_when_guessed(db, admin):
    # « Œ » (0xBC) makes ISO-8859-15 the guess: 0xB4 then reads « Ž », « DŽALMEIDA », refused
    # (whichever reading was chosen), while « CŒURDEROI » is imported as ever.
    first = import_file(db, admin, roster("D'ALMEIDA;Inès;01/02/2012;6A".encode("cp1252")), "a.csv")
    assert len(first.new) == 20
    extra = "CŒURDEROI;Lœtitia;05/06/2012;6B\r\n".encode("iso-8859-15")
    again = roster(b"D\xb4ALMEIDA;In\xe8s;01/02/2012;6A", extra)
    read = read_roster(again, "again.csv", today=TODAY)
    assert (read.encoding, read.encoding_guessed) == ("ISO-8859-15", True)
    assert [r.last_name for r in read.rows if r.last_name.startswith("C")] == ["CŒURDEROI"]
    (problem,) = read.problems
    assert (problem.line, problem.code, problem.params["symbol"]) == (2, "ambiguous_symbols", "Ž")
    plan = imports.preview(db, admin, read)
    assert [c.row.last_name for c in plan.new if c.row] == ["CŒURDEROI"]
    assert (plan.deactivated, len(plan.rejected)) == ([], 1)
    # its line names the pupil as the Windows-1252 reading would (« D´ALMEIDA »): kept
    assert [c.login for c in plan.kept] == ["ines.dalmeida"]


@pytest.mark.parametrize(
    ("data", "codec", "guessed"),
    [
        (b"C\xbcURDEROI", "iso8859-15", True),  # Œ
        (b"L\xbdtitia", "iso8859-15", True),  # œ
        (b"L'HA\xbe", "iso8859-15", True),  # Ÿ
        (b"\xa6IMON", "iso8859-15", True),  # Š
        (b"D\xb4ALMEIDA", "cp1252", True),  # ´ or Ž: the rows decide, not the guess
        (b"D\xb4ALMEIDA \x92", "cp1252", False),  # 0x92 « ’ »: Windows-1252 for sure
    ],
)
def test_iso_8859_15_is_guessed_only_from_the_letters_windows_1252_lacks(data, codec, guessed):
    assert eight_bit(data) == codec
    assert decode(data).guessed is guessed


def test_a_declared_encoding_is_believed():
    pupils = [
        Pupil(str(6000 + i), f"07{i:09d}X", last, "Léa", date(2012, 1, 1) + timedelta(i), "6A")
        for i, last in enumerate(["Žagar", "Šimon", "Tomaž", "Martin"])
    ]
    data = siecle_xml(pupils, encoding="ISO-8859-15")
    read = read_roster(data, "ElevesSansAdresses.xml", today=TODAY)
    assert (read.encoding, read.encoding_guessed) == ("ISO-8859-15", False)
    assert not read.problems
    assert [r.last_name for r in read.rows] == ["Žagar", "Šimon", "Tomaž", "Martin"]
