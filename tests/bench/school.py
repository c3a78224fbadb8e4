"""The generated school of the benchmark, built once and cached (SQLite file or server)."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from access_core.accounts.admins import create_admin
from access_core.accounts.passwords import hash_password
from access_core.db import statistics
from access_core.db.models import Admin, Learner, School, SchoolClass
from access_core.db.schema import upgrade_schema
from access_core.db.unit_of_work import Database
from access_core.ops.demo import FIRST_NAMES, LAST_NAMES
from access_core.roster.folding import KEY_SEPARATOR, search_key

CACHE = Path(__file__).resolve().parent / ".cache"
BENCH_ADMIN = "bench"
BENCH_PASSWORD = "bench-password-not-secret"
SEED = 6


def _class_names(count: int) -> list[str]:
    levels = ["6e", "5e", "4e", "3e", "2nde", "1re", "Tle", "CM2", "CM1", "CE2"]
    names = []
    for i in range(count):
        school, level = divmod(i, len(levels) * 30)
        grade, section = divmod(level, 30)
        suffix = f"{chr(65 + section % 26)}{section // 26 or ''}"
        names.append(f"{levels[grade]} {suffix} — É{school:03d}")
    return names


UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def bench_uai(number: int) -> str:
    """A well-formed UAI: 7 digits and their check letter (the digits modulo 23)."""
    digits = f"{number:07d}"
    return digits + UAI_LETTERS[int(digits) % 23]


def build_school(database_url: str | None, learners: int, classes: int, schools: int = 1) -> str:
    """The URL of a database holding the generated school, or district of ``schools`` schools
    sharing the classes and learners evenly (built now if missing)."""
    if database_url is None:
        CACHE.mkdir(exist_ok=True)
        suffix = f"_{schools}" if schools > 1 else ""
        database_url = f"sqlite:///{CACHE / f'school_{learners}_{classes}{suffix}.db'}"
    upgrade_schema(database_url)
    db = Database.from_url(database_url)
    try:
        with db.transaction() as session:
            have = session.scalar(select(func.count()).select_from(Learner)) or 0
            has_admin = session.scalar(select(Admin.id).where(Admin.username == BENCH_ADMIN))
        if not has_admin:
            create_admin(db, BENCH_ADMIN, BENCH_PASSWORD, 4)
        if have != learners:
            if have:
                raise SystemExit(
                    f"{database_url} holds {have} learners, not {learners}: use an empty database"
                )
            _fill(db, learners, classes, schools)
        statistics.ensure(db)  # as an installation's server or import leaves it (SQLite)
    finally:
        db.dispose()
    return database_url


def _fill(db: Database, learners: int, classes: int, schools: int) -> None:
    """Insert the generated school: COPY on PostgreSQL (a district of a million learners builds
    in about a minute), multi-row inserts elsewhere. Class ``i`` belongs to school
    ``i % schools + 1`` (school 1 is the one the schema starts with), and so do its learners."""
    print(f"building the benchmark school ({learners:,} learners)...", file=sys.stderr)
    with db.transaction(write=True) as session:
        if schools > 1:
            session.execute(
                insert(School),
                [{"uai": bench_uai(n), "name": f"École {n:03d}"} for n in range(2, schools + 1)],
            )
        names = _class_names(classes)
        session.execute(
            insert(SchoolClass),
            [{"name": n, "school_id": i % schools + 1} for i, n in enumerate(names)],
        )
        classes_by_id = session.execute(
            select(SchoolClass.id, SchoolClass.school_id).order_by(SchoolClass.id)
        ).all()
    class_ids = [(class_id, school_id) for class_id, school_id in classes_by_id]
    rows = _learner_rows(learners, class_ids)
    if db.backend == "postgresql":
        _copy_learners(db, rows)
        return
    with db.transaction(write=True) as session:
        batch: list[dict[str, object]] = []
        for row in rows:
            batch.append(dict(zip(COLUMNS, row, strict=True)))
            if len(batch) == 5000:
                session.execute(insert(Learner), batch)
                batch = []
        if batch:
            session.execute(insert(Learner), batch)


COLUMNS = (
    "external_id",
    "last_name",
    "first_name",
    "login",
    "birth_date",
    "class_id",
    "password_hash",
    "must_change_password",
    "school_id",
    "search_key",
    "deactivated_at",
)


def _learner_rows(learners: int, class_ids: list[tuple[int, int]]) -> Iterator[tuple[object, ...]]:
    """Each learner's columns (``COLUMNS``), the stored search key as the product writes it
    (``folding.learner_key``, each name folded once)."""
    rng = random.Random(SEED)
    folded: dict[str, str] = {}

    def fold(name: str) -> str:
        if name not in folded:
            folded[name] = search_key(name)
        return folded[name]

    now = datetime.now(UTC)
    # One hash for every generated learner: the benchmark measures the product's work, and no
    # figure depends on the stored hashes (each reset writes fresh ones).
    shared_hash = hash_password("01012010", 4)
    for i in range(learners):
        deactivated = now - timedelta(days=rng.uniform(0, 365)) if rng.random() < 0.03 else None
        last, first, login = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES), f"eleve{i:07d}"
        class_id, school_id = class_ids[i % len(class_ids)]
        yield (
            f"INE{i:09d}",
            last,
            first,
            login,
            date(2008, 1, 1) + timedelta(days=rng.randrange(3650)),
            class_id,
            shared_hash,
            rng.random() < 0.5,
            school_id,
            KEY_SEPARATOR.join((fold(last), fold(first), login)),
            deactivated,
        )


SEARCH_INDEX = "ix_learners_search_key"


def _copy_learners(db: Database, rows: Iterator[tuple[object, ...]]) -> None:
    """COPY, with the search's index dropped meanwhile and built again after (one build is
    much faster than a million insertions into a GIN index); its definition is kept as is."""
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (SEARCH_INDEX,))
            found = cursor.fetchone()
            cursor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        with (
            raw.cursor() as cursor,
            cursor.copy(  # type: ignore[attr-defined]
                f"COPY learners ({', '.join(COLUMNS)}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:  # the column holds naive UTC (models.UTCDateTime)
                moment = row[-1]
                copy.write_row(row[:-1] + (moment.replace(tzinfo=None) if moment else None,))
        raw.commit()
        with raw.cursor() as cursor:
            if found:
                print("building the search's index...", file=sys.stderr)
                cursor.execute(found[0])
            cursor.execute("ANALYZE learners")
        raw.commit()
    finally:
        raw.close()
