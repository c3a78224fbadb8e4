"""What reading a roster produces: valid rows, rejected rows with their line and reason
(a code and its values), the result of a whole file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from access_core.imports.formats import records as formats


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
    "external_id_other_school": "national id {external_id} is an active learner's of another "
    "school (taken over once that school has deactivated them)",
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


def english_reason(code: str, params: dict[str, object]) -> str:
    """The English reason of ``code``; field codes (``fields``) are listed as they are."""
    return REASONS[code].format(
        **{k: ", ".join(v) if isinstance(v, tuple) else v for k, v in params.items()}
    )


def problem(line: int, code: str, name: str = "", **params: object) -> RowProblem:
    """A rejected row: ``code`` (a key of ``REASONS``) and its values."""
    return RowProblem(line, english_reason(code, params), name, code=code, params=dict(params))


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
    encoding_guessed: bool = False  # an 8-bit encoding told from the bytes alone
    school_year: str | None = None  # « 2025-2026 », when the file says (SIECLE XML)
    school: str | None = None  # the school's UAI code, when the file says
    departed: int = 0  # pupils who left before today, left out as absent from the file
