"""Reading a roster file into validated rows, each with its line number.

The format is detected (SIECLE XML, alone or zipped; SIECLE CSV; ONDE CSV; our own CSV/XLSX
layout: see ``imports.formats`` and docs/import-formats.md). Headers are matched without
regard to case, accents, spaces or punctuation, in French or English. Every problem names the
line of the file (the header is line 1; for SIECLE XML the line of the ``ELEVE`` element, and
its ``ELEVE_ID``) and the reason; nothing here touches the database.
"""

from __future__ import annotations

import re
from datetime import date

from access_core.errors import ValidationError
from access_core.imports.formats import records as formats
from access_core.imports.formats.encoding import wide_encoding
from access_core.imports.formats.limits import ImportLimits, check_size, open_zip, single_xml
from access_core.imports.formats.records import SourceFile, SourceRecord
from access_core.imports.formats.siecle_xml import read_siecle_xml
from access_core.imports.formats.tables import csv_format, csv_table, xlsx_table
from access_core.imports.rows import RosterFile
from access_core.imports.validation import REQUIRED, cell_text, refused, validate
from access_core.roster.logins import fold

HEADER_ALIASES = {
    "external_id": ("external_id", "ine", "identifiant national", "id", "numero national"),
    "last_name": ("last_name", "nom", "nom de famille", "nom eleve"),
    "usage_name": ("usage_name", "nom d'usage", "nom d'usage eleve", "nom usage"),
    "first_name": ("first_name", "prenom", "prenom eleve"),
    "birth_date": (
        "birth_date",
        "date de naissance",
        "ne(e) le",
        "nee le",
        "ne le",
        "date naissance",
    ),
    "class_name": ("class", "classe", "division", "div.", "libelle classe"),
    "login": ("login", "identifiant"),
}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(header))


ALIAS_TO_FIELD = {
    _key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


def _map_headers(headers: list[object]) -> dict[int, str]:
    """Column index -> field; refuses a layout without the required columns."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = ALIAS_TO_FIELD.get(_key(str(header or "")))
        if name and name not in mapping.values():
            mapping[index] = name
    missing = [f for f in REQUIRED if f not in mapping.values()]  # codes, worded by i18n
    if missing:
        seen = ", ".join(str(h) for h in headers if h not in (None, "")) or "(none)"
        raise ValidationError(
            f"unknown column layout (line 1): missing {', '.join(missing)}; columns found: {seen}",
            missing=missing,
            key="import_unknown_layout",
            columns=seen,
        )
    return mapping


def _table_source(table: list[list[object]], format_: str) -> SourceFile:
    if not table or not any(cell_text(c) for c in table[0]):
        raise ValidationError("the file is empty: no header row", key="import_empty_file")
    mapping = _map_headers(table[0])
    if format_ == formats.CSV:
        format_ = csv_format({_key(str(h or "")) for h in table[0]})
    source = SourceFile(format_, columns={name: str(table[0][i]) for i, name in mapping.items()})
    for line, cells in enumerate(table[1:], start=2):
        values = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
        source.records.append(SourceRecord(line, values))
    return source


def _is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _looks_like_xml(data: bytes) -> bool:
    if codec := wide_encoding(data):  # UTF-16/32: the first characters, decoded
        start = data[:64].decode(codec, errors="ignore")
        return start.lstrip("\ufeff \t\r\n")[:1] == "<"
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _read_source(data: bytes, suffix: str, today: date, limits: ImportLimits) -> SourceFile:
    if suffix == "xlsx":
        return _table_source(xlsx_table(data, limits), formats.XLSX)
    if _is_zip(data) or suffix == "zip":
        archive = open_zip(data)
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return _table_source(xlsx_table(data, limits), formats.XLSX)
        return read_siecle_xml(single_xml(archive, limits), today, limits)
    if suffix == "xml" or _looks_like_xml(data):
        return read_siecle_xml(data, today, limits)
    if suffix in ("csv", "txt", ""):
        table, encoding, guessed = csv_table(data, limits)
        source = _table_source(table, formats.CSV)
        source.encoding, source.encoding_guessed = encoding, guessed
        return source
    raise ValidationError(
        f"unsupported file type .{suffix[:10]}: use .csv, .xlsx, .xml or .zip",
        key="import_file_type",
    )


def read_roster(
    data: bytes, filename: str, today: date | None = None, limits: ImportLimits | None = None
) -> RosterFile:
    """Parse and validate a roster file, whatever its format (detected from its content, and
    its name's suffix where the content does not tell)."""
    today = today or date.today()
    limits = limits or ImportLimits()
    check_size(len(data), limits)
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    source = _read_source(data, suffix, today, limits)
    result = RosterFile(
        columns=source.columns,
        format=source.format,
        encoding=source.encoding,
        encoding_guessed=source.encoding_guessed,
        school_year=source.school_year,
        school=source.school,
        departed=source.departed,
    )
    for record, code, params, name in source.problems:
        result.problems.append(refused(record, code, params, name, today))
    validate(source.records, today, result)
    result.problems.sort(key=lambda p: p.line)
    return result
