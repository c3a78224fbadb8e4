"""The identifier workbook of a class (.xlsx), safe to open in any spreadsheet.

Every text cell is written as text: a value starting with ``=``, ``+``, ``-``, ``@``, tab or
CR gets a quote prefix and string type, never a formula; control characters that XML cannot
carry are removed, and a CR is written ``&#13;`` so that it survives XML parsing. Built with
openpyxl's write-only mode, streamed into memory.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import date
from operator import attrgetter

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from access_core.accounts.scope import require_scope, school_in_scope
from access_core.audit import events as audit
from access_core.db.models import SchoolClass
from access_core.db.unit_of_work import Database
from access_core.errors import NotFound
from access_core.roster.queries import LearnerRow
from access_core.text.catalogue import t

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Also "#": openpyxl would write "#N/A" and the like as error cells.
RISKY_PREFIXES = (*FORMULA_PREFIXES, "#")
# A character that sends a row to the careful path: one XML cannot hold, or a CR (see
# _keep_carriage_returns); covers openpyxl's ILLEGAL_CHARACTERS_RE (tests check it).
CAREFUL_RE = re.compile(r"[\r\x00-\x08\x0b\x0c\x0e-\x1f]")
TEXT_FIELDS = ("last_name", "first_name", "login")
DATE_FORMAT = "DD/MM/YYYY"
HEADER_KEYS = ("col_last_name", "col_first_name", "col_login", "col_birth_date")
MIN_WIDTHS = (14, 14, 16, 18)
MAX_WIDTH = 60
EXPORT_ACTION = "identifiers_exported"


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run (formula prefix quoted) and that cannot
    start a new line of the file (newlines are encoded)."""
    text = "" if value is None else str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def clean_text(value: str) -> str:
    """``value`` without the control characters an .xlsx file cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def safe_filename(class_name: str) -> str:
    """A file-name-safe form of a class name: ASCII letters, digits, ``-`` and ``_``."""
    ascii_name = unicodedata.normalize("NFKD", class_name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_name).strip("_")
    return slug[:80] or "classe"


def workbook_filename(class_name: str) -> str:
    return f"identifiants_{safe_filename(class_name)}.xlsx"


def _text_cell(ws: WriteOnlyWorksheet, value: str, bold: bool = False) -> WriteOnlyCell:
    text = clean_text(value)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never a formula, an error or a number, whatever the text
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def _text(ws: WriteOnlyWorksheet, value: str) -> str | WriteOnlyCell:
    """``value`` as is when openpyxl will write it as plain text (the common case, and the
    fast one), else a text cell that cannot become a formula or an error."""
    if value.startswith(RISKY_PREFIXES) or ILLEGAL_CHARACTERS_RE.search(value):
        return _text_cell(ws, value)
    return value


def _plain(texts: tuple[str, str, str]) -> bool:
    """Whether a row's texts go to openpyxl as they are (the common case, checked once per row):
    no risky prefix, no character to remove, no CR."""
    return not (
        CAREFUL_RE.search("".join(texts))
        or texts[0].startswith(RISKY_PREFIXES)
        or texts[1].startswith(RISKY_PREFIXES)
        or texts[2].startswith(RISKY_PREFIXES)
    )


class _DateCell:
    """The date cell of the current row, shown jj/mm/aaaa: one cell styled once and given each
    row's date. A write-only sheet writes a row's cells as soon as it is appended, so the next
    row can reuse the cell (creating and styling one cell per row was the workbook's largest
    cost over bare openpyxl)."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.cell = WriteOnlyCell(ws, value=date(2000, 1, 1))
        self.cell.number_format = DATE_FORMAT

    def __call__(self, value: date | None) -> WriteOnlyCell | None:
        if value is None:
            return None
        self.cell._value = value  # the type and style stay those of the first date
        return self.cell


def _keep_carriage_returns(data: bytes) -> bytes:
    """``data`` with every raw CR of the sheet XML written ``&#13;``.

    XML readers (Excel, LibreOffice, openpyxl) turn a raw CR into LF; a character reference
    keeps it, so a name starting with CR reads back as written.
    """
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = content.replace(b"\r", b"&#13;")
            target.writestr(info, content)
    return buffer.getvalue()


def identifier_workbook(class_name: str, learners: Sequence[LearnerRow], lang: str) -> bytes:
    """The .xlsx bytes: one sheet, one row per learner, a frozen bold header with a filter."""
    wb = Workbook(write_only=True)
    wb.properties.title = clean_text(t("workbook_title", lang, class_name=class_name))
    wb.properties.description = t("workbook_note", lang)
    ws: WriteOnlyWorksheet = wb.create_sheet(title=t("workbook_sheet", lang))
    headers = [t(key, lang) for key in HEADER_KEYS]
    widths = [max(m, len(h) + 2) for m, h in zip(MIN_WIDTHS, headers, strict=True)]
    for index, field in enumerate(TEXT_FIELDS):
        longest = max(map(len, map(attrgetter(field), learners)), default=0)
        widths[index] = max(widths[index], min(MAX_WIDTH, longest + 2))
    for index, width in enumerate(widths):
        ws.column_dimensions["ABCD"[index]].width = width
    ws.freeze_panes = "A2"
    last_row = len(learners) + 1
    ws.auto_filter.ref = f"A1:D{last_row}"
    ws.append([_text_cell(ws, h, bold=True) for h in headers])
    date_cell = _DateCell(ws)
    has_cr = False
    for learner in learners:
        texts = (learner.last_name, learner.first_name, learner.login)
        birth_date = date_cell(learner.birth_date)
        if _plain(texts):
            ws.append([*texts, birth_date])
        else:
            has_cr = has_cr or any("\r" in text for text in texts)
            ws.append([*(_text(ws, text) for text in texts), birth_date])
    ws.append([])
    note = _text_cell(ws, t("workbook_note", lang))
    note.font = Font(italic=True)
    note.alignment = Alignment(wrap_text=False)
    ws.append([note])
    buffer = io.BytesIO()
    wb.save(buffer)
    if has_cr:
        return _keep_carriage_returns(buffer.getvalue())
    return buffer.getvalue()


def record_export(
    db: Database,
    actor: str,
    class_name: str,
    learner_count: int,
    *,
    school_id: int | None = None,
) -> None:
    """Audit that ``actor`` downloaded the identifier workbook of the class ``class_name`` of
    the school ``school_id`` (None: the actor's only school); a class outside the actor's
    scope is not found, as an unknown one."""

    def record(session: Session) -> None:
        scope = require_scope(session, actor)
        school = school_in_scope(session, scope, school_id)
        found = session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.name == class_name,
                SchoolClass.school_id == school,
                scope.class_clause(),
            )
        )
        if found is None:
            raise NotFound(f"no class named {class_name!r}", name=class_name)
        audit.record(
            session,
            actor,
            EXPORT_ACTION,
            details={"class": class_name, "learners": learner_count},
            class_name=class_name,
            school_id=school,
        )

    db.write(record)
