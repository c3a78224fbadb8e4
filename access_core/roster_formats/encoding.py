"""Turning a file's bytes into text without mojibake.

Strict UTF-8 first (a BOM removed), then the encoding an XML file declares, then Windows-1252
(what Excel writes in France for « CSV (séparateur : point-virgule) »; a superset of the
Latin-1 that SIECLE and ONDE write, for letters). Text that still holds replacement characters,
C1 control characters or the marks of UTF-8 read as Windows-1252 (« Ã© ») is refused: an
accent silently garbled would become a learner's name.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from access_core.errors import ValidationError

BOM = b"\xef\xbb\xbf"
XML_DECLARATION = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# U+FFFD, C1 controls, and « Ã© »/« Ã‰ »/« Â » + a Windows-1252 punctuation: UTF-8 read as 8-bit
MOJIBAKE = re.compile(
    "[\ufffd\u0080-\u009f]|[\u00c2\u00c3][\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178"
    "\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
NAMES = {"utf-8": "UTF-8", "iso8859-1": "ISO-8859-1", "iso8859-15": "ISO-8859-15",
         "cp1252": "Windows-1252"}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as shown to the administrator: « UTF-8 », « Windows-1252 »…


def declared_encoding(data: bytes) -> str | None:
    """The encoding named in an XML declaration, if Python knows it."""
    match = XML_DECLARATION.match(data[:200].lstrip(BOM))
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _display(codec: str) -> str:
    return NAMES.get(codec, codec.upper())


def _candidates(data: bytes, xml: bool) -> list[str]:
    candidates: list[str] = ["utf-8"]
    if xml and (declared := declared_encoding(data)) and declared not in candidates:
        candidates.append(declared)
    if "cp1252" not in candidates:
        candidates.append("cp1252")
    return candidates


def _unknown() -> ValidationError:
    return ValidationError(
        "the file's text encoding is not recognised (neither UTF-8 nor Windows-1252): "
        "save it as « CSV UTF-8 »",
        key="import_bad_encoding",
    )


def _name(codec: str, bom: bool) -> str:
    return _display(codec) + (" (BOM)" if codec == "utf-8" and bom else "")


def decode(data: bytes, xml: bool = False) -> Decoded:
    """The text of ``data``, trying UTF-8, the XML declaration's encoding, then Windows-1252."""
    body = data[len(BOM):] if data.startswith(BOM) else data
    for codec in _candidates(data, xml):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        check_garbled(text)
        return Decoded(text, _name(codec, body is not data))
    raise _unknown()


def decode_chunks(data: bytes, xml: bool = False, size: int = 1 << 20) -> tuple[
    str, Iterator[str]
]:
    """Like ``decode`` (the same encoding chosen, the same refusals) without ever holding the
    whole text: the encoding's name and the text in pieces of about ``size`` characters."""
    body = memoryview(data)[len(BOM):] if data.startswith(BOM) else memoryview(data)

    def pieces(codec: str) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        for start in range(0, len(body), size):
            yield decoder.decode(body[start : start + size], final=start + size >= len(body))
        if not body:
            yield decoder.decode(b"", final=True)

    for codec in _candidates(data, xml):
        try:
            lines, tail = 0, ""
            for piece in pieces(codec):  # a first pass checks, keeping nothing
                check_garbled(tail + piece, lines - (tail == "\n"))
                lines += piece.count("\n")
                tail = (tail + piece)[-1:]
        except UnicodeDecodeError:
            continue
        return _name(codec, len(body) != len(data)), pieces(codec)
    raise _unknown()


def check_garbled(text: str, lines_before: int = 0) -> None:
    match = MOJIBAKE.search(text)
    if match:
        line = lines_before + text.count("\n", 0, match.start()) + 1
        raise ValidationError(
            f"the file's accents are garbled (line {line}): export it again, or save it as "
            "« CSV UTF-8 »",
            line=line,
            key="import_garbled",
        )
