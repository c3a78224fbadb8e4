"""Checking each record of a roster file: required fields, lengths, dates, logins, control
characters and misread symbols, duplicates; what a rejected row still says of its learner."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from access_core.characters import CONTROL, visible
from access_core.imports.formats.records import SourceRecord
from access_core.imports.rows import DateProblem, RosterFile, RosterRow, RowProblem, english_reason
from access_core.roster.names import full_name

REQUIRED = ("last_name", "first_name", "birth_date", "class_name")

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

# Windows-1252's reading of the eight bytes where ISO-8859-15 has letters (¼ for Œ, ½ for œ…):
# in a name they mean a file read in the wrong one of the two (see imports.formats.encoding)
AMBIGUOUS = re.compile("[\u00a4\u00a6\u00a8\u00b4\u00b8\u00bc\u00bd\u00be]")

EIGHT_BIT = ("Windows-1252", "ISO-8859-1")  # encodings (as named) that read those bytes so

# ISO-8859-15's reading of the four of those bytes that are plausible in a name either way:
# 0xB4 « Ž » or « ´ » typed for an apostrophe (« D´ALMEIDA »), 0xA8 « š » or « ¨ », 0xB8 « ž »
# or « ¸ », 0xA4 « € » or « ¤ ». Where the encoding was only guessed from the bytes, a name
# holding one is refused, never imported as another pupil's spelling.
EITHER_WAY = re.compile("[\u20ac\u0161\u017d\u017e]")
# ... and their Windows-1252 reading, by which such a rejected line still names its pupil
# (« DŽALMEIDA » is « D´ALMEIDA », the identity of « D'ALMEIDA »: kept, never deactivated)
AS_WINDOWS_1252 = str.maketrans("\u20ac\u0161\u017d\u017e", "\u00a4\u00a8\u00b4\u00b8")
LATIN9 = "ISO-8859-15"


def misread_symbols(result: RosterFile) -> re.Pattern[str] | None:
    """The characters that, in a name of ``result``, may come from reading the file in the
    wrong one of Windows-1252 and ISO-8859-15; None where the encoding leaves no doubt."""
    if result.encoding in EIGHT_BIT:
        return AMBIGUOUS
    if result.encoding == LATIN9 and result.encoding_guessed:
        return EITHER_WAY
    return None


TEXT_FIELDS = (
    "external_id",
    "last_name",
    "usage_name",
    "first_name",
    "class_name",
    "login",
    "birth_date",
)


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


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


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
        english_reason(code, params),
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


def refused(
    record: SourceRecord, code: str, params: dict[str, object], name: str, today: date
) -> RowProblem:
    """A row the reader refused, keeping its well-formed values like any rejected line."""
    texts = {key: cell_text(value) for key, value in record.values.items()}
    try:
        birth: date | None = parse_date(record.values.get("birth_date"), today)
    except ValueError:
        birth = None
    return _problem(record.line, code, params, name, record.ref, texts, birth)


def validate(records: Iterable[SourceRecord], today: date, result: RosterFile) -> None:
    # the symbols of a wrong 8-bit reading matter only where the file was read as 8-bit text
    misread = misread_symbols(result)
    seen_ids: dict[str, int] = {}
    seen_logins: dict[str, int] = {}
    for record in records:
        line, values, ref = record.line, record.values, record.ref
        if not any(cell_text(v) for v in values.values()):
            continue  # blank line
        texts = {name: cell_text(v) for name, v in values.items()}
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
                texts={
                    f: v.translate(AS_WINDOWS_1252) if misread is EITHER_WAY else v
                    for f, v in texts.items()
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
