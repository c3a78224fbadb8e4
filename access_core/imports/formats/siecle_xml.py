"""SIECLE's pupil export (``ElevesSansAdresses.xml`` / ``ElevesAvecAdresses.xml``), streamed.

Root ``BEE_ELEVES``; ``PARAMETRES`` (``UAJ``, ``ANNEE_SCOLAIRE``); ``DONNEES/ELEVES/ELEVE``
(attribute ``ELEVE_ID``) whose direct children give the pupil (a nested
``SCOLARITE_AN_DERNIER`` holds last year's codes and is not read); the classes in
``DONNEES/STRUCTURES/STRUCTURES_ELEVE[@ELEVE_ID]/STRUCTURE`` where ``TYPE_STRUCTURE`` ``D`` is
the division (the class) and ``G`` a group (ignored). Parsed with defusedxml's SAX parser: no
entity is expanded, nothing external is fetched, and no tree is built (memory stays that of the
pupils kept).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser

from access_core.errors import ValidationError
from access_core.imports.formats.encoding import decode_chunks
from access_core.imports.formats.limits import ImportLimits, too_many_rows
from access_core.imports.formats.records import SIECLE_XML, SourceFile, SourceRecord

ROOT = "BEE_ELEVES"
PUPIL = (ROOT, "DONNEES", "ELEVES", "ELEVE")
STRUCTURE = (ROOT, "DONNEES", "STRUCTURES", "STRUCTURES_ELEVE", "STRUCTURE")
PARAMETERS = (ROOT, "PARAMETRES")
PUPIL_FIELDS = {  # direct child of ELEVE -> field
    "ID_NATIONAL": "external_id",
    "NOM_DE_FAMILLE": "last_name",
    "NOM": "last_name",  # older files
    "NOM_USAGE": "usage_name",
    "PRENOM": "first_name",
    "DATE_NAISS": "birth_date",
    "DATE_SORTIE": "left_on",
}
INACTIVE_DIVISION = "inactifs"  # a « D » structure SIECLE keeps for pupils who left
MAX_TEXT = 1000  # longer values are cut here and refused as too long by the validation
CHUNK = 256 * 1024
# SIECLE nests six levels at most (BEE_ELEVES/DONNEES/STRUCTURES/STRUCTURES_ELEVE/STRUCTURE/
# CODE_STRUCTURE); deeper is refused at the first element past this bound.
MAX_DEPTH = 16
KEPT = len(STRUCTURE) + 1  # the names of the first levels are kept: every path read is there


def too_deep(line: int) -> ValidationError:
    return ValidationError(
        f"the XML file nests elements more than {MAX_DEPTH} deep (line {line}): "
        "not a SIECLE export",
        line=line,
        depth=MAX_DEPTH,
        key="import_xml_too_deep",
    )


class _Handler(ContentHandler):
    def __init__(self, line: Callable[[], int], limits: ImportLimits) -> None:
        super().__init__()
        self.line = line
        self.limits = limits
        # the depth as a number, the names of the first KEPT levels only: each element costs
        # the same whatever its depth (a tuple of the whole path would be quadratic)
        self.depth = 0
        self.path: list[str] = []
        self.text: list[str] | None = None
        self.text_size = 0
        self.text_depth = 0
        self.pupils: dict[str, SourceRecord] = {}
        self.repeated: list[SourceRecord] = []
        self.divisions: dict[str, str] = {}
        self.pupil: dict[str, str] = {}
        self.pupil_id = ""
        self.pupil_line = 0
        self.structure: dict[str, str] = {}
        self.structure_owner = ""
        self.parameters: dict[str, str] = {}

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802 - SAX API
        if self.depth >= MAX_DEPTH:
            raise too_deep(self.line())
        self.depth += 1
        if self.depth > KEPT:
            return  # nothing read lies this deep (the text of a field is collected above)
        if not self.path and name != ROOT:
            raise ValidationError(
                f"the XML file is not a SIECLE pupil export (root {name[:40]}, expected {ROOT})",
                root=name[:40],
                key="import_not_siecle",
            )
        self.path.append(name)
        path = tuple(self.path)
        parent = path[:-1]
        if path == PUPIL:
            if len(self.pupils) + len(self.repeated) >= self.limits.max_rows:
                raise too_many_rows(self.limits)
            self.pupil = {}
            self.pupil_id = str(attrs.get("ELEVE_ID", "")).strip()[:MAX_TEXT]
            self.pupil_line = self.line()
        elif path == STRUCTURE[:-1]:
            self.structure_owner = str(attrs.get("ELEVE_ID", "")).strip()[:MAX_TEXT]
        elif path == STRUCTURE:
            self.structure = {}
        if (
            (parent == PUPIL and name in PUPIL_FIELDS)
            or (parent == STRUCTURE and name in ("CODE_STRUCTURE", "TYPE_STRUCTURE"))
            or (parent == PARAMETERS and name in ("UAJ", "ANNEE_SCOLAIRE"))
        ):
            self.text, self.text_size, self.text_depth = [], 0, len(self.path)

    def characters(self, content: str) -> None:
        if self.text is not None and self.text_size <= MAX_TEXT:
            self.text.append(content)
            self.text_size += len(content)

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        self.depth -= 1
        if self.depth >= KEPT:
            return
        path = tuple(self.path)
        parent = path[:-1]
        if self.text is not None and len(path) == self.text_depth:  # the field's own end
            value = "".join(self.text)[: MAX_TEXT + 1]
            self.text = None
            if parent == PUPIL:
                field = PUPIL_FIELDS[name]
                if value.strip() or field not in self.pupil:  # NOM after NOM_DE_FAMILLE
                    self.pupil[field] = value
            elif parent == STRUCTURE:
                self.structure[name] = value.strip()
            else:
                self.parameters[name] = value.strip()
        elif self.text is not None:
            pass  # an element inside a field: its text is the field's
        elif path == STRUCTURE:
            code = self.structure.get("CODE_STRUCTURE", "")
            if (
                self.structure.get("TYPE_STRUCTURE", "").upper() == "D"
                and code
                and code.casefold() != INACTIVE_DIVISION
            ):
                self.divisions.setdefault(self.structure_owner, code)
        elif path == PUPIL:
            record = SourceRecord(
                self.pupil_line, dict(self.pupil), f"ELEVE_ID {self.pupil_id or '?'}"
            )
            if self.pupil_id in self.pupils or not self.pupil_id:
                self.repeated.append(record)
            else:
                self.pupils[self.pupil_id] = record
        self.path.pop()


def _school_year(value: str | None) -> str | None:
    """« 2025 » (SIECLE's ANNEE_SCOLAIRE, the year the school year starts) -> « 2025-2026 »."""
    if value and value.isascii() and value.isdigit() and len(value) == 4:
        return f"{value}-{int(value) + 1}"
    return None  # anything else is not shown: file content is never rendered


def _left_before(value: str, today: date) -> bool | None:
    """Whether a DATE_SORTIE is in the past; None when it cannot be read."""
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date() < today
    except ValueError:
        return None


def read_siecle_xml(data: bytes, today: date, limits: ImportLimits) -> SourceFile:
    encoding, guessed, pieces = decode_chunks(data, xml=True, size=CHUNK)
    parser = make_parser()
    handler = _Handler(parser.getLineNumber, limits)
    parser.setContentHandler(handler)
    try:
        for piece in pieces:
            parser.feed(piece)
        parser.close()
    except DefusedXmlException:
        raise ValidationError(
            "the XML file declares entities or external references: refused",
            key="import_xml_forbidden",
        ) from None
    except SAXException as exc:
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else 0
        raise ValidationError(
            f"the XML file cannot be read (line {line}): {exc.getMessage()}",
            line=line,
            key="import_bad_xml",
        ) from None
    source = SourceFile(
        SIECLE_XML,
        encoding=encoding,
        encoding_guessed=guessed,
        school_year=_school_year(handler.parameters.get("ANNEE_SCOLAIRE")),
        school=handler.parameters.get("UAJ") or None,
        columns={
            "external_id": "ID_NATIONAL",
            "last_name": "NOM_DE_FAMILLE",
            "usage_name": "NOM_USAGE",
            "first_name": "PRENOM",
            "birth_date": "DATE_NAISS",
            "class_name": "STRUCTURE (D)",
        },
    )
    for record in handler.repeated:
        source.problems.append((record, "siecle_repeated_id", {}, _name(record)))
    for pupil_id, record in handler.pupils.items():
        left_on = str(record.values.get("left_on") or "").strip()
        if left_on:
            left = _left_before(left_on, today)
            if left is None:
                source.problems.append(
                    (record, "siecle_bad_departure", {"value": left_on[:20]}, _name(record))
                )
                continue
            if left:
                source.departed += 1
                continue
        division = handler.divisions.get(pupil_id)
        if division is None:
            source.problems.append((record, "siecle_no_division", {}, _name(record)))
            continue
        source.records.append(
            SourceRecord(record.line, {**record.values, "class_name": division}, record.ref)
        )
    return source


def _name(record: SourceRecord) -> str:
    values = record.values
    last = str(values.get("usage_name") or "").strip() or str(values.get("last_name") or "")
    return f"{last.strip()} {str(values.get('first_name') or '').strip()}".strip()[:200]
