"""Reading a roster file (CSV or XLSX) into validated rows, each with its line number.

Headers are matched without regard to case, accents, spaces or punctuation, in French or
English (see README, « Roster import »). Every problem names the line of the file (the header
is line 1) and the reason; nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from access_core.errors import ValidationError
from access_core.logins import fold
from access_core.names import full_name

FIELDS = ("external_id", "last_name", "first_name", "birth_date", "class_name", "login")
REQUIRED = ("last_name", "first_name", "birth_date", "class_name")
HEADER_ALIASES = {
    "external_id": ("external_id", "ine", "identifiant national", "id", "numero national"),
    "last_name": ("last_name", "nom", "nom de famille"),
    "first_name": ("first_name", "prenom"),
    "birth_date": ("birth_date", "date de naissance", "ne(e) le", "nee le", "ne le"),
    "class_name": ("class", "classe", "division"),
    "login": ("login", "identifiant"),
}
FIELD_LABELS = {
    "external_id": "INE",
    "last_name": "Nom",
    "first_name": "Prénom",
    "birth_date": "Date de naissance",
    "class_name": "Classe",
    "login": "Login",
}
OLDEST_BIRTH_YEAR = 1900
# The lengths of the database columns: a longer value is a bad row, not a database error.
MAX_LENGTHS = {
    "external_id": 64,
    "last_name": 100,
    "first_name": 100,
    "class_name": 100,
    "login": 64,
}
LOGIN_PATTERN = re.compile(r"[a-z0-9]([a-z0-9._-]*[a-z0-9])?")


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
# words the code in its own language (i18n ``reject_<code>``).
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
}


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str
    name: str = ""
    code: str = ""
    params: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


def problem(line: int, code: str, name: str = "", **params: object) -> RowProblem:
    """A rejected row: ``code`` (a key of ``REASONS``) and its values."""
    return RowProblem(line, REASONS[code].format(**params), name, code, dict(params))


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
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = ALIAS_TO_FIELD.get(_key(str(header or "")))
        if name and name not in mapping.values():
            mapping[index] = name
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        seen = ", ".join(str(h) for h in headers if h not in (None, "")) or "(none)"
        raise ValidationError(
            f"unknown column layout (line 1): missing {', '.join(missing)}; columns found: {seen}",
            missing=missing, key="import_unknown_layout", columns=seen,
        )
    return mapping


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _rows_from_table(table: list[list[object]], today: date) -> RosterFile:
    if not table or not any(_text(c) for c in table[0]):
        raise ValidationError("the file is empty: no header row", key="import_empty_file")
    mapping = _map_headers(table[0])
    result = RosterFile(columns={name: str(table[0][i]) for i, name in mapping.items()})
    seen_ids: dict[str, int] = {}
    seen_logins: dict[str, int] = {}
    for line, cells in enumerate(table[1:], start=2):
        values: dict[str, object] = {
            name: (cells[i] if i < len(cells) else None) for i, name in mapping.items()
        }
        if not any(_text(v) for v in values.values()):
            continue  # blank line
        texts = {name: _text(v) for name, v in values.items()}
        name = full_name(texts.get("last_name"), texts.get("first_name"))
        missing = [FIELD_LABELS[f] for f in REQUIRED if not texts.get(f)]
        if missing:
            result.problems.append(problem(line, "missing_fields", name, fields=", ".join(missing)))
            continue
        too_long = [FIELD_LABELS[f] for f, n in MAX_LENGTHS.items() if len(texts.get(f, "")) > n]
        if too_long:
            result.problems.append(problem(line, "too_long", name, fields=", ".join(too_long)))
            continue
        try:
            birth = parse_date(values["birth_date"], today)
        except DateProblem as exc:
            result.problems.append(problem(line, exc.code, name, **exc.params))
            continue
        external_id = texts.get("external_id") or None
        login = texts.get("login", "").lower() or None
        if login and not LOGIN_PATTERN.fullmatch(login):
            result.problems.append(problem(line, "bad_login", name, login=login))
            continue
        # external ids are compared without case, as MariaDB's unique index does
        id_key = external_id.casefold() if external_id else None
        if id_key and id_key in seen_ids:
            result.problems.append(
                problem(
                    line, "duplicate_external_id", name,
                    external_id=external_id, other_line=seen_ids[id_key],
                )
            )
            continue
        if login and login in seen_logins:
            result.problems.append(
                problem(line, "duplicate_login", name, login=login, other_line=seen_logins[login])
            )
            continue
        if id_key:
            seen_ids[id_key] = line
        if login:
            seen_logins[login] = line
        result.rows.append(
            RosterRow(
                line=line,
                last_name=texts["last_name"],
                first_name=texts["first_name"],
                birth_date=birth,
                class_name=texts["class_name"],
                external_id=external_id,
                login=login,
            )
        )
    return result


def _csv_table(data: bytes) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "the CSV file is not UTF-8: save it as « CSV UTF-8 »", key="import_not_utf8"
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_table(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    # A read-only workbook parses its sheet only while iterating: a damaged sheet fails there.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - any unreadable workbook gets the same clear message
        raise ValidationError(
            "the XLSX file cannot be read (damaged or not a workbook)", key="import_bad_xlsx"
        ) from None


def read_roster(data: bytes, filename: str, today: date | None = None) -> RosterFile:
    """Parse and validate a roster file; ``filename`` tells CSV from XLSX."""
    today = today or date.today()
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx" or data[:4] == b"PK\x03\x04":
        table = _xlsx_table(data)
    elif suffix in ("csv", "txt", ""):
        table = _csv_table(data)
    else:
        raise ValidationError(
            f"unsupported file type .{suffix}: use .csv or .xlsx", key="import_file_type"
        )
    return _rows_from_table(table, today)
