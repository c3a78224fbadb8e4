"""Bounds on what an uploaded roster may cost: bytes read, bytes decompressed, rows.

A roster is small (a large school has 3,000 pupils); a file beyond these bounds is refused with a
clear error before it can take the memory or the time of the server. Zip members are
decompressed by streaming with a byte counter: the sizes a zip declares are not trusted.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from access_core.errors import ValidationError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB
DEFAULT_MAX_ROWS = 20_000
MAX_ZIP_ENTRIES = 10_000
CHUNK = 64 * 1024
# Columns read from a sheet (those of an old .xls sheet, A-IV; cells further right are ignored)
# or a CSV line (a longer line is refused)
MAX_COLUMNS = 256


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = DEFAULT_MAX_BYTES  # the file, and everything decompressed from it
    max_rows: int = DEFAULT_MAX_ROWS  # pupils (data rows) in the file


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


def too_large(limits: ImportLimits) -> ValidationError:
    return ValidationError(
        f"the file is larger than {_mb(limits.max_bytes)} MB once decompressed "
        "(ACCESS_IMPORT_MAX_BYTES)",
        limit=_mb(limits.max_bytes),
        key="import_too_large",
    )


def too_many_rows(limits: ImportLimits) -> ValidationError:
    return ValidationError(
        f"the file has more than {limits.max_rows} rows (ACCESS_IMPORT_MAX_ROWS)",
        limit=limits.max_rows,
        key="import_too_many_rows",
    )


def too_many_columns(line: int) -> ValidationError:
    return ValidationError(
        f"the file has more than {MAX_COLUMNS} columns (line {line})",
        line=line,
        limit=MAX_COLUMNS,
        key="import_too_many_columns",
    )


def bad_xlsx() -> ValidationError:
    return ValidationError(
        "the XLSX file cannot be read (damaged or not a workbook)", key="import_bad_xlsx"
    )


def check_size(size: int, limits: ImportLimits) -> None:
    if size > limits.max_bytes:
        raise too_large(limits)


def bad_zip() -> ValidationError:
    return ValidationError("the zip file cannot be read (damaged)", key="import_bad_zip")


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = len(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise bad_zip() from None
    if entries > MAX_ZIP_ENTRIES:
        raise bad_zip()
    return archive


def read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: int,
    limits: ImportLimits,
    *,
    keep: bool = True,
) -> tuple[bytes, int]:
    """The member's bytes and their count, refused as soon as more than ``budget`` bytes come
    out; with ``keep=False`` they are only counted (``b""`` returned): one chunk in memory."""
    parts: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                total += len(chunk)
                if total > budget:
                    raise too_large(limits)
                if keep:
                    parts.append(chunk)
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ):  # damaged, unknown method, encrypted
        raise bad_zip() from None
    return b"".join(parts) if keep else b"", total


def check_decompressed(archive: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Refuse an archive whose members, all decompressed, exceed the byte limit."""
    budget = limits.max_bytes
    for info in archive.infolist():
        if info.is_dir():
            continue
        budget -= read_member(archive, info, budget, limits, keep=False)[1]


def is_ignored_entry(name: str) -> bool:
    """macOS's resource forks (``__MACOSX/``, ``._x.xml``) and other hidden entries."""
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts if p)


def single_xml(archive: zipfile.ZipFile, limits: ImportLimits) -> bytes:
    """The one ``.xml`` file of a SIECLE zip, decompressed within the byte limit."""
    xml = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not is_ignored_entry(info.filename)
        and info.filename.lower().endswith(".xml")
    ]
    if len(xml) != 1:
        raise ValidationError(
            f"the zip file must hold exactly one .xml file; found {len(xml)}",
            count=len(xml),
            key="import_zip_xml_count",
        )
    return read_member(archive, xml[0], limits.max_bytes, limits)[0]
