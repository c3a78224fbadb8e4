"""Reading a roster file into validated rows, each with its line number.

The format is detected (SIECLE XML, alone or zipped; SIECLE CSV; ONDE CSV; our own CSV/XLSX
layout: see ``imports.formats`` and docs/import-formats.md). Headers are matched without
regard to case, accents, spaces or punctuation, in French or English. Every problem names the
line of the file (the header is line 1; for SIECLE XML the line of the ``ELEVE`` element, and
its ``ELEVE_ID``) and the reason; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from access_core.errors import ValidationError
from access_core.imports.formats import records as formats
from access_core.imports.formats.encoding import wide_encoding
from access_core.imports.formats.limits import ImportLimits, check_size, open_zip, single_xml
from access_core.imports.formats.records import SourceFile, SourceRecord
from access_core.imports.formats.siecle_xml import read_siecle_xml
from access_core.imports.formats.tables import csv_format, csv_table, xlsx_table
from access_core.roster.logins import fold
from access_core.roster.names import full_name

REQUIRED = ("last_name", "first_name", "birth_date", "class_name")
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
OLDEST_BIRTH_YEAR = 1900
# The lengths of the database columns: a longer value is a bad row, not a database error.
MAX_LENGTHS = {
    "external_id": 64,
    "last_name": 100,
    "usage_name": 100,
    "first_name": 100,
    "class_name": 100,
    "login": 64,
}
LOGIN_PATTERN = re.compile(r"[a-z0-9]([a-z0-9._-]*[a-z0-9])?")
# Characters no name, class or login holds: C0 and C1 controls (NUL breaks PostgreSQL, ESC
# rewrites a terminal), DEL, and the bidirectional overrides and isolates that reorder what is
# shown. Tabs and line breaks inside a value are tidied into spaces before this check.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Windows-1252's reading of the eight bytes where ISO-8859-15 has letters (¼ for Œ, ½ for œ…):
# in a name they mean a file read in the wrong one of the two (see roster_formats.encoding)
AMBIGUOUS = re.compile("[\u00a4\u00a6\u00a8\u00b4\u00b8\u00bc\u00bd\u00be]")
EIGHT_BIT = ("Windows-1252", "ISO-8859-1")  # encodings (as named) that read those bytes so
TEXT_FIELDS = (
    "external_id",
    "last_name",
    "usage_name",
    "first_name",
    "class_name",
    "login",
    "birth_date",
)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(header))


ALIAS_TO_FIELD = {
    _key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass(frozen=True)
class RosterRow:
    line: int
    last_name: str
    first_name: str
    birth_date: date
    class_name: str
    external_id: str | None = None
    login: str | None = None


# Why a row is rejected: a code, its values, and the English reason (the CLI's); the interface
# words the code in its own language (i18n ``reject_<code>``). Fields are named by their codes
# (``fields``: a tuple of ``last_name``...), which i18n words (``field_<code>``).
REASONS = {
    "missing_fields": "missing {fields}",
    "too_long": "too long: {fields}",
    "impossible_date": "impossible date {value!r}",
    "unreadable_date": "unreadable date {value!r} (expected jj/mm/aaaa or aaaa-mm-jj)",
    "future_date": "birth date {date} is in the future",
    "too_old_date": "birth date {date} is before {year}",
    "bad_login": "login {login!r}: only letters a-z, digits, . - _",
    "duplicate_external_id": "external id {external_id} already on line {other_line}",
    "duplicate_login": "login {login} already on line {other_line}",
    "same_learner_twice": "the same learner is on another line",
    "login_taken": "login {login} belongs to another learner",
    "siecle_repeated_id": "ELEVE_ID missing or repeated",
    "siecle_bad_departure": "unreadable DATE_SORTIE {value!r}",
    "siecle_no_division": "no class (division) in the file",
    "control_characters": "control characters in {fields}",
    "ambiguous_symbols": "symbol {symbol} in {fields} (encoding misread): save the file as "
    "« CSV UTF-8 »",
}


@dataclass(frozen=True)
class RowProblem:
    """A rejected line, with those of its values that are valid (to recognise its learner)."""

    line: int
    reason: str
    name: str = ""
    ref: str = ""  # where else the file names the row: « ELEVE_ID 4711 » in SIECLE XML
    external_id: str | None = None
    login: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    birth_date: date | None = None
    code: str = ""  # a key of REASONS (worded by i18n's « reject_<code> »)
    params: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


def _reason(code: str, params: dict[str, object]) -> str:
    """The English reason of ``code``; field codes (``fields``) are listed as they are."""
    return REASONS[code].format(
        **{k: ", ".join(v) if isinstance(v, tuple) else v for k, v in params.items()}
    )


def problem(line: int, code: str, name: str = "", **params: object) -> RowProblem:
    """A rejected row: ``code`` (a key of ``REASONS``) and its values."""
    return RowProblem(line, _reason(code, params), name, code=code, params=dict(params))


class DateProblem(ValueError):
    """An unusable birth date, with its code and values (see ``REASONS``)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(REASONS[code].format(**params))
        self.code = code
        self.params = params


@dataclass
class RosterFile:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    format: str = formats.CSV  # see roster_formats.records
    encoding: str | None = None  # None for XLSX
    school_year: str | None = None  # « 2025-2026 », when the file says (SIECLE XML)
    school: str | None = None  # the school's UAI code, when the file says
    departed: int = 0  # pupils who left before today, left out as absent from the file


def parse_date(value: object, today: date) -> date:
    """A birth date from ``dd/mm/yyyy``, ``yyyy-mm-dd`` or a spreadsheet date cell."""
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                parsed = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}", text):
                raise DateProblem("impossible_date", value=text)
            raise DateProblem("unreadable_date", value=text)
    if parsed > today:
        raise DateProblem("future_date", date=f"{parsed:%d/%m/%Y}")
    if parsed.year < OLDEST_BIRTH_YEAR:
        raise DateProblem("too_old_date", date=f"{parsed:%d/%m/%Y}", year=OLDEST_BIRTH_YEAR)
    return parsed


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


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _table_source(table: list[list[object]], format_: str) -> SourceFile:
    if not table or not any(_text(c) for c in table[0]):
        raise ValidationError("the file is empty: no header row", key="import_empty_file")
    mapping = _map_headers(table[0])
    if format_ == formats.CSV:
        format_ = csv_format({_key(str(h or "")) for h in table[0]})
    source = SourceFile(format_, columns={name: str(table[0][i]) for i, name in mapping.items()})
    for line, cells in enumerate(table[1:], start=2):
        values = {name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()}
        source.records.append(SourceRecord(line, values))
    return source


def visible(text: str) -> str:
    """``text`` with its control characters shown as symbols (« ␛ » for ESC), never acted on
    by a terminal or a page."""
    return CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text
    )


def _problem(
    line: int,
    code: str,
    params: dict[str, object],
    name: str,
    ref: str,
    texts: dict[str, str],
    birth: date | None,
) -> RowProblem:
    """A rejected line keeping its well-formed identifying values (never its bad ones)."""
    name, ref = visible(name), visible(ref)
    valid = {
        f: texts.get(f) or None
        for f in ("external_id", "login", "last_name", "first_name")
        if len(texts.get(f, "")) <= MAX_LENGTHS[f] and not CONTROL.search(texts.get(f, ""))
    }
    login = (valid.get("login") or "").lower() or None
    return RowProblem(
        line,
        _reason(code, params),
        name,
        ref,
        external_id=valid.get("external_id"),
        login=login if login and LOGIN_PATTERN.fullmatch(login) else None,
        last_name=valid.get("last_name"),
        first_name=valid.get("first_name"),
        birth_date=birth,
        code=code,
        params=params,
    )


def _refused(
    record: SourceRecord, code: str, params: dict[str, object], name: str, today: date
) -> RowProblem:
    """A row the reader refused, keeping its well-formed values like any rejected line."""
    texts = {key: _text(value) for key, value in record.values.items()}
    try:
        birth: date | None = parse_date(record.values.get("birth_date"), today)
    except ValueError:
        birth = None
    return _problem(record.line, code, params, name, record.ref, texts, birth)


def _validate(records: Iterable[SourceRecord], today: date, result: RosterFile) -> None:
    # the symbols of a wrong 8-bit reading matter only where the file was read as 8-bit text
    misread = AMBIGUOUS if result.encoding in EIGHT_BIT else None
    seen_ids: dict[str, int] = {}
    seen_logins: dict[str, int] = {}
    for record in records:
        line, values, ref = record.line, record.values, record.ref
        if not any(_text(v) for v in values.values()):
            continue  # blank line
        texts = {name: _text(v) for name, v in values.items()}
        # the usage name, where there is one, is the name the pupil goes by
        last_name = texts.get("usage_name") or texts.get("last_name", "")
        name = full_name(last_name, texts.get("first_name"))

        birth: date | None = None
        date_problem: DateProblem | None = None
        try:
            birth = parse_date(values.get("birth_date"), today)
        except DateProblem as exc:
            date_problem = exc

        def reject(
            code: str,
            line: int = line,
            ref: str = ref,
            name: str = name,
            texts: dict[str, str] = texts,
            birth: date | None = birth,
            params: dict[str, object] | None = None,
        ) -> None:
            result.problems.append(_problem(line, code, params or {}, name, ref, texts, birth))

        # first: the other reasons quote the values
        control = tuple(f for f in TEXT_FIELDS if CONTROL.search(texts.get(f, "")))
        if control:
            reject("control_characters", params={"fields": control})
            continue
        symbols = {
            f: match.group()
            for f in TEXT_FIELDS
            if misread and f != "birth_date" and (match := misread.search(texts.get(f, "")))
        }
        if symbols:
            reject(
                "ambiguous_symbols",
                params={
                    "symbol": next(iter(symbols.values())),
                    "fields": tuple(symbols),
                },
            )
            continue
        missing = tuple(f for f in REQUIRED if not texts.get(f))
        if missing:
            reject("missing_fields", params={"fields": missing, "count": len(missing)})
            continue
        too_long = tuple(f for f, n in MAX_LENGTHS.items() if len(texts.get(f, "")) > n)
        if too_long:
            reject("too_long", params={"fields": too_long})
            continue
        if birth is None:
            assert date_problem is not None
            reject(date_problem.code, params=dict(date_problem.params))
            continue
        external_id = texts.get("external_id") or None
        login = texts.get("login", "").lower() or None
        if login and not LOGIN_PATTERN.fullmatch(login):
            reject("bad_login", params={"login": login})
            continue
        # external ids are compared without case, as MariaDB's unique index does
        id_key = external_id.casefold() if external_id else None
        if id_key and id_key in seen_ids:
            reject(
                "duplicate_external_id",
                params={"external_id": external_id, "other_line": seen_ids[id_key]},
            )
            continue
        if login and login in seen_logins:
            reject("duplicate_login", params={"login": login, "other_line": seen_logins[login]})
            continue
        if id_key:
            seen_ids[id_key] = line
        if login:
            seen_logins[login] = line
        result.rows.append(
            RosterRow(
                line=line,
                last_name=last_name,
                first_name=texts["first_name"],
                birth_date=birth,
                class_name=texts["class_name"],
                external_id=external_id,
                login=login,
            )
        )


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
        table, encoding = csv_table(data, limits)
        source = _table_source(table, formats.CSV)
        source.encoding = encoding
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
        school_year=source.school_year,
        school=source.school,
        departed=source.departed,
    )
    for record, code, params, name in source.problems:
        result.problems.append(_refused(record, code, params, name, today))
    _validate(source.records, today, result)
    result.problems.sort(key=lambda p: p.line)
    return result
