"""Turning a file's bytes into text without mojibake.

A UTF-16 (or UTF-32) byte-order mark decides the encoding (Excel's « Texte Unicode »,
LibreOffice's « Unicode (UTF-16) »), as does UTF-16 without a mark, recognised by the NUL bytes
between ASCII letters. Otherwise strict UTF-8 first (a BOM removed), then the encoding an XML
file declares, then an 8-bit encoding told from the bytes: Windows-1252 (what Excel writes in
France for « CSV (séparateur : point-virgule) ») when the file holds a byte 0x80-0x9F, which
ISO-8859 only uses for control characters; else ISO-8859-15 (SIECLE's charset, LibreOffice's
« Europe occidentale ») when it holds one of the four bytes that are letters of names only
there (0xBC « Œ », 0xBD « œ », 0xBE « Ÿ », 0xA6 « Š »: « ¼ ½ ¾ ¦ » in Windows-1252, never in a
name); else Windows-1252 (the same letters, or the four bytes plausible in either reading:
0xB4 « ´ » typed for an apostrophe or « Ž », 0xA8 « ¨ » or « š », 0xB8 « ¸ » or « ž », 0xA4
« ¤ » or « € »). Such a guess is marked ``guessed``: the import then refuses a name holding one
of those four bytes, whichever reading was chosen (``imports.validation``). Text that still
holds replacement characters, C1 control characters or the marks of UTF-8 read as Windows-1252
(« Ã© ») is refused: an accent silently garbled would become a learner's name.
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
NAMES = {
    "utf-8": "UTF-8",
    "iso8859-1": "ISO-8859-1",
    "iso8859-15": "ISO-8859-15",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
}
# Byte-order marks that name their encoding (UTF-32's first: it begins like UTF-16's)
UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
WINDOWS_ONLY = re.compile(rb"[\x80-\x9f]")  # letters in Windows-1252, controls in ISO-8859
# of the eight bytes where ISO-8859-15 (€ Š š Ž ž Œ œ Ÿ) and Windows-1252 (¤ ¦ ¨ ´ ¸ ¼ ½ ¾)
# differ, those whose ISO-8859-15 letter is a name's and whose Windows-1252 symbol is not
LATIN9_ONLY = re.compile(rb"[\xa6\xbc\xbd\xbe]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as shown to the administrator: « UTF-8 », « Windows-1252 »…
    guessed: bool = False  # an 8-bit encoding told from the bytes (no BOM, no declaration)


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


def unicode_bom(data: bytes) -> str | None:
    """The codec a UTF-16 or UTF-32 byte-order mark names (the codec then removes the mark)."""
    for bom, codec in UNICODE_BOMS:
        if data.startswith(bom):
            return codec
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a mark: ASCII text has a NUL byte beside each letter, always the same
    side; text in an 8-bit encoding or in UTF-8 never has."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= half * 0.3 and even == 0:
        return "utf-16-le"
    if even >= half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def eight_bit(data: bytes | memoryview) -> str:
    """Windows-1252 or ISO-8859-15, told apart by the bytes only one of them uses for letters
    of names."""
    if WINDOWS_ONLY.search(data):
        return "cp1252"
    if LATIN9_ONLY.search(data):
        return "iso8859-15"
    return "cp1252"  # the same letters in both: named as Excel writes it


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, by its byte-order mark or its NUL bytes; None for other text."""
    return unicode_bom(data) or _utf16_without_bom(data)


def _candidates(data: bytes, xml: bool) -> list[tuple[str, bool]]:
    """The codecs to try in turn, each with whether it is only a guess from the bytes."""
    wide = wide_encoding(data)
    if wide:
        return [(wide, False)]
    candidates: list[str] = ["utf-8"]
    if xml and (declared := declared_encoding(data)) and declared not in candidates:
        candidates.append(declared)
    tried = [(codec, False) for codec in candidates]
    if (guess := eight_bit(data)) not in candidates:
        # a byte 0x80-0x9F is Windows-1252 for sure (ISO-8859's control characters)
        tried.append((guess, not WINDOWS_ONLY.search(data)))
    return tried


def _unknown() -> ValidationError:
    return ValidationError(
        "the file's text encoding is not recognised (neither UTF-8 nor Windows-1252): "
        "save it as « CSV UTF-8 »",
        key="import_bad_encoding",
    )


def _name(codec: str, bom: bool) -> str:
    return _display(codec) + (" (BOM)" if codec in ("utf-8", "utf-16", "utf-32") and bom else "")


def decode(data: bytes, xml: bool = False) -> Decoded:
    """The text of ``data``, trying UTF-8, the XML declaration's encoding, then Windows-1252."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    for codec, guessed in _candidates(data, xml):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        check_garbled(text)
        name = _name(codec, body is not data or codec in ("utf-16", "utf-32"))
        return Decoded(text, name, guessed)
    raise _unknown()


def decode_chunks(
    data: bytes, xml: bool = False, size: int = 1 << 20
) -> tuple[str, bool, Iterator[str]]:
    """Like ``decode`` (the same encoding chosen, the same refusals) without ever holding the
    whole text: the encoding's name, whether it was guessed, and the text in pieces of about
    ``size`` characters."""
    body = memoryview(data)[len(BOM) :] if data.startswith(BOM) else memoryview(data)

    def pieces(codec: str) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        for start in range(0, len(body), size):
            yield decoder.decode(body[start : start + size], final=start + size >= len(body))
        if not body:
            yield decoder.decode(b"", final=True)

    for codec, guessed in _candidates(data, xml):
        try:
            lines, tail = 0, ""
            for piece in pieces(codec):  # a first pass checks, keeping nothing
                check_garbled(tail + piece, lines - (tail == "\n"))
                lines += piece.count("\n")
                tail = (tail + piece)[-1:]
        except UnicodeDecodeError:
            continue
        return (
            _name(codec, len(body) != len(data) or codec in ("utf-16", "utf-32")),
            guessed,
            pieces(codec),
        )
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
