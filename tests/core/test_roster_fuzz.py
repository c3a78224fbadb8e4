"""Property tests (hypothesis): whatever bytes arrive, the roster reader returns a roster or
raises the project's expected error (``AccessError``, a clear message), never anything else;
and an apply either writes the whole plan or nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access_core.db.unit_of_work import Database
from access_core.errors import AccessError
from access_core.imports import preview as imports
from access_core.imports.files import read_roster
from access_core.imports.formats.limits import ImportLimits
from access_core.imports.rows import RosterFile
from tests.support.factories import TEST_ROUNDS, dump_tables
from tests.support.roster_samples import TODAY, onde_csv, siecle_csv, siecle_xml, siecle_zip

LIMITS = ImportLimits(max_bytes=256 * 1024, max_rows=200)
NAMES = ["r.csv", "r.xlsx", "r.xml", "r.zip", "r.txt", "r", "r.pdf"]


def _xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["INE", "Nom", "Prénom", "Date de naissance", "Classe"])
    workbook.active.append(["070803070AJ", "Lefèvre", "Chloé", "17/05/2011", "4A"])
    workbook.active.append(["071234567BB", "Dupré", "Jérôme", "02/03/2011", "4B"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


VALID = {
    "siecle.xml": siecle_xml(),
    "siecle_utf8.xml": siecle_xml(encoding="UTF-8"),
    "siecle.zip": siecle_zip(siecle_xml()),
    "siecle.csv": siecle_csv(),
    "CSVExtraction.csv": onde_csv(),
    "ours.xlsx": _xlsx(),
}


def read_or_clear_error(data: bytes, name: str, today: date = TODAY) -> RosterFile | None:
    """The property itself: a roster, or an AccessError with a one-line message."""
    try:
        return read_roster(data, name, today=today, limits=LIMITS)
    except AccessError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return None


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, str]:
    """A valid file of each format, then damaged: bytes flipped, cut, inserted, repeated."""
    name = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "repeat":
            end = draw(st.integers(at, min(len(data), at + 400)))
            data[at:at] = data[at:end]
        else:
            end = draw(st.integers(at, min(len(data), at + 200)))
            del data[at:end]
    return bytes(data), name


def test_the_valid_files_are_valid():
    for name, data in VALID.items():
        roster = read_or_clear_error(data, name)
        assert roster is not None and roster.rows, name


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(NAMES))
def test_arbitrary_bytes_give_a_roster_or_a_clear_error(data, name):
    read_or_clear_error(data, name)


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(
        [
            b"PK\x03\x04",
            b"<?xml version='1.0'?>",
            b"<BEE_ELEVES>",
            b"\xef\xbb\xbfNOM;PRENOM;NE(E) LE;DIV.\n",
        ]
    ),
    data=st.binary(max_size=2000),
    name=st.sampled_from(NAMES),
)
def test_arbitrary_bytes_behind_a_plausible_start_give_a_roster_or_a_clear_error(
    prefix, data, name
):
    read_or_clear_error(prefix + data, name)


@settings(max_examples=400, deadline=None)
@given(sample=mutated())
def test_mutations_of_valid_files_give_a_roster_or_a_clear_error(sample):
    data, name = sample
    read_or_clear_error(data, name)


@settings(max_examples=60, deadline=None)
@given(
    members=st.lists(
        st.tuples(
            st.sampled_from(["a.xml", "__MACOSX/._a.xml", "._b.xml", "b.XML", "dir/", "x.txt"]),
            st.binary(max_size=300),
        ),
        max_size=4,
        unique_by=lambda member: member[0],
    )
)
def test_arbitrary_zips_give_a_roster_or_a_clear_error(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in members:
            archive.writestr(entry, b"" if entry.endswith("/") else content)
    read_or_clear_error(buffer.getvalue(), "export.zip")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sample=mutated())
def test_an_apply_writes_the_whole_plan_or_nothing(db: Database, admin: str, sample):
    data, name = sample
    roster = read_or_clear_error(data, name)
    if roster is None:
        return
    before = dump_tables(db)
    try:
        plan = imports.preview(db, admin, roster)
        outcome = imports.apply(db, admin, plan, TEST_ROUNDS, skip_bad_rows=True, force=True)
    except AccessError:
        assert dump_tables(db) == before  # refused: nothing written
        return
    after = dump_tables(db)
    assert len(after["learners"]) == len(before["learners"]) + outcome.new
