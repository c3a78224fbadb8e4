"""What every format reader produces: one pupil's raw values, and what was found in the file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Formats, as named in ``RosterFile.format`` (translated for display by the pages).
SIECLE_XML = "siecle_xml"
SIECLE_CSV = "siecle_csv"
ONDE_CSV = "onde_csv"
CSV = "csv"
XLSX = "xlsx"


@dataclass(frozen=True)
class SourceRecord:
    """The raw values of one pupil (field name -> value as read), where it was in the file."""

    line: int
    values: Mapping[str, object]
    ref: str = ""  # e.g. "ELEVE_ID 4711" for SIECLE XML


@dataclass
class SourceFile:
    format: str
    records: list[SourceRecord] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    encoding: str | None = None
    encoding_guessed: bool = False  # an 8-bit encoding told from the bytes alone
    school_year: str | None = None
    school: str | None = None  # UAI code (SIECLE's UAJ)
    departed: int = 0  # pupils who left before today (SIECLE's DATE_SORTIE), left out
    # rows already refused by the reader, with the values they hold (to recognise the learner)
    # (record, reason code of imports.rows.REASONS, its values, name)
    problems: list[tuple[SourceRecord, str, dict[str, object], str]] = field(default_factory=list)
