"""Synthetic roster files as SIECLE and ONDE export them (made-up pupils; layouts from
/work/shared/ROSTER_FORMATS.md): a small school with two classes, a departed pupil, a pupil in
a group only, a repeated INE, accents and a usage name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from xml.sax.saxutils import escape, quoteattr

TODAY = date(2026, 1, 15)
SCHOOL_YEAR = "2025"


@dataclass(frozen=True)
class Pupil:
    eleve_id: str
    ine: str
    last_name: str
    first_name: str
    birth: date
    division: str | None  # None: in a group only
    usage_name: str = ""
    group: str = ""
    left_on: date | None = None

    @property
    def shown_last_name(self) -> str:
        return self.usage_name or self.last_name


PUPILS = (
    Pupil("4711", "070803070AJ", "Lefèvre", "Chloé", date(2011, 5, 17), "4A", group="LV2 ESP"),
    Pupil(
        "4712", "071234567BB", "Martin-Garçon", "Jérôme", date(2011, 3, 2), "4A", usage_name="Dupré"
    ),
    Pupil("4713", "071234568CC", "Benoît", "Zoé", date(2011, 11, 30), "4B"),
    Pupil("4714", "071234569DD", "N'Diaye", "Anaïs Éléonore", date(2010, 12, 24), "4B"),
    Pupil(
        "4715", "071234570EE", "Sortant", "Paul", date(2011, 1, 9), "4A", left_on=date(2025, 11, 3)
    ),
    Pupil("4716", "071234571FF", "Groupé", "Inès", date(2011, 7, 14), None, group="LATIN"),
    Pupil("4717", "070803070AJ", "Doublon", "Léa", date(2011, 2, 1), "4B"),
)
PRESENT = [p for p in PUPILS if p.left_on is None]
# what a correct import of the SIECLE XML keeps: present, in a division, first of its INE
IMPORTED = [p for p in PRESENT if p.division and p.eleve_id != "4717"]


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def siecle_xml(
    pupils: tuple[Pupil, ...] | list[Pupil] = PUPILS,
    encoding: str = "ISO-8859-15",
    old_names: bool = False,
) -> bytes:
    """``ElevesSansAdresses.xml``: pupils, then their structures, as SIECLE writes them."""
    out = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<BEE_ELEVES VERSION="2.1">',
        "<PARAMETRES><UAJ>0751234X</UAJ>"
        f"<ANNEE_SCOLAIRE>{SCHOOL_YEAR}</ANNEE_SCOLAIRE>"
        "<DATE_EXPORT>10/01/2026</DATE_EXPORT><HORODATAGE>10/01/2026 08:00:00</HORODATAGE>"
        "</PARAMETRES>",
        "<DONNEES>",
        "<ELEVES>",
    ]
    for p in pupils:
        name_tag = "NOM" if old_names else "NOM_DE_FAMILLE"
        out.append(f'<ELEVE ELEVE_ID={quoteattr(p.eleve_id)} ELENOET="{p.eleve_id}0">')
        out.append(f"<ID_NATIONAL>{escape(p.ine)}</ID_NATIONAL>")
        out.append(f"<{name_tag}>{escape(p.last_name)}</{name_tag}>")
        if p.usage_name:
            out.append(f"<NOM_USAGE>{escape(p.usage_name)}</NOM_USAGE>")
        out.append(f"<PRENOM>{escape(p.first_name)}</PRENOM><PRENOM2>Marie</PRENOM2>")
        out.append(f"<DATE_NAISS>{_d(p.birth)}</DATE_NAISS><CODE_SEXE>2</CODE_SEXE>")
        out.append("<CODE_MEF>10310019110</CODE_MEF><DATE_ENTREE>01/09/2025</DATE_ENTREE>")
        if p.left_on:
            out.append(f"<DATE_SORTIE>{_d(p.left_on)}</DATE_SORTIE>")
        # last year's class, nested: must not be taken for this year's
        out.append(
            "<SCOLARITE_AN_DERNIER><CODE_STRUCTURE>5Z</CODE_STRUCTURE>"
            "<NOM>Ancien</NOM></SCOLARITE_AN_DERNIER>"
        )
        out.append("</ELEVE>")
    out += ["</ELEVES>", "<STRUCTURES>"]
    for p in pupils:
        out.append(f"<STRUCTURES_ELEVE ELEVE_ID={quoteattr(p.eleve_id)}>")
        if p.group:
            out.append(
                f"<STRUCTURE><CODE_STRUCTURE>{escape(p.group)}</CODE_STRUCTURE>"
                "<TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>"
            )
        if p.division:
            out.append(
                f"<STRUCTURE><CODE_STRUCTURE>{escape(p.division)}</CODE_STRUCTURE>"
                "<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
            )
        out.append("</STRUCTURES_ELEVE>")
    out += ["</STRUCTURES>", "</DONNEES>", "</BEE_ELEVES>", ""]
    return "\n".join(out).encode(encoding)


def siecle_zip(xml: bytes, macos: bool = True) -> bytes:
    """``ExportXML_ElevesSansAdresses.zip``, with the entries macOS adds when asked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", xml)
        if macos:
            archive.writestr("__MACOSX/._ElevesSansAdresses.xml", b"\x00\x05\x16\x07junk.xml")
            archive.writestr("._ElevesSansAdresses.xml", b"\x00\x05\x16\x07")
    return buffer.getvalue()


def siecle_csv(
    pupils: list[Pupil] = PRESENT, encoding: str = "iso-8859-1", with_sex: bool = False
) -> bytes:
    """« Liste des élèves par division »: no INE, divisions wrapped as ="4A"."""
    sex = ["SEXE"] if with_sex else []
    header = [
        "NOM",
        "PRENOM",
        *sex,
        "NE(E) LE",
        "MEF",
        "DIV.",
        "REG.",
        "OPT1",
        "OPT2",
        "DIV. PREC.",
        "Doublant",
    ]
    lines = [";".join(header)]
    for p in pupils:
        division = f'="{p.division}"' if p.division else ""
        cells = [
            p.last_name,
            p.first_name,
            *(["F"] if with_sex else []),
            _d(p.birth),
            "4EME",
            division,
            "DP DAN",
            "ANGLAIS LV1",
            "ESPAGNOL LV2",
            '="5Z"',
            "N",
        ]
        lines.append(";".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


ONDE_HEADER = [
    "Nom élève",
    "Nom d’usage élève",
    "Prénom élève",
    "Date naissance",
    "Sexe",
    "INE",
    "Adresse1",
    "Cp1",
    "Commune1",
    "Pays1",
    "Adresse2",
    "Cp2",
    "Commune2",
    "Pays2",
    " Cycle",
    "Niveau",
    "Libellé classe",
    "Identifiant classe",
    "Attestation fournie",
    "Autorisation associations",
    "Autorisation photo",
    "Décision de passage",
]


def onde_csv(pupils: list[Pupil] = PRESENT, encoding: str = "iso-8859-1") -> bytes:
    """``CSVExtraction.csv``: trailing ``;``, a stray space and ’ in headers, both date forms,
    one class mixing two levels."""
    header = ";".join(ONDE_HEADER)
    if "\u2019" not in header.encode(encoding, "replace").decode(encoding):  # not in Latin-1
        header = header.replace("\u2019", "'")
    lines = [header + ";"]
    for index, p in enumerate(pupils):
        birth = _d(p.birth) if index % 2 == 0 else p.birth.isoformat()
        level = "CM1" if index % 3 else "CM2"
        cells = [
            p.last_name,
            p.usage_name,
            p.first_name,
            birth,
            "F",
            p.ine,
            "1 rue des Écoles",
            "75001",
            "PARIS",
            "FRANCE",
            "",
            "",
            "",
            "",
            "C3",
            level,
            f"CM1-CM2 {p.division}" if p.division else "",
            "1234" if p.division else "",
            "Oui",
            "Non",
            "Oui",
            "",
        ]
        lines.append(";".join(cells) + ";")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def with_departure(pupil_id: str, left_on: date, pupils: tuple[Pupil, ...] = PUPILS) -> list[Pupil]:
    return [replace(p, left_on=left_on) if p.eleve_id == pupil_id else p for p in pupils]
