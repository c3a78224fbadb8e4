"""SQLite's planner statistics: written after a bulk change, and once for a database that
never had any; the one-school search then reads the table rather than every row by its id."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text

from access_core.db import statistics
from access_core.db.models import Learner
from access_core.ops import demo
from tests.support.imports import csv_roster, run

pytestmark = pytest.mark.usefixtures("db")


def test_refresh_writes_statistics_saying_one_school_holds_every_learner(db):
    if db.backend != "sqlite":
        assert statistics.missing(db) is False
        statistics.refresh(db)  # nothing to do, nothing fails
        return
    demo.create_demo_school(db, 4, learners_per_class=3)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
        connection.commit()
    assert statistics.missing(db)

    statistics.refresh(db)

    assert not statistics.missing(db)
    with db.engine.connect() as connection:
        learners = connection.execute(text("SELECT count(*) FROM learners")).scalar_one()
        stat = connection.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_learners_school_deactivated'")
        ).scalar_one()
    # « rows, rows per school_id, ... »: every learner in the one school, which is what makes
    # SQLite scan the table for a school's search rather than fetch each row through the index
    # (at 100,000 learners: 69 → 35 ms, docs/performance.md)
    assert stat.split()[:2] == [str(learners), str(learners)]


def test_the_demo_school_and_an_import_refresh_the_statistics(db, admin, monkeypatch):
    refreshed: list[object] = []
    monkeypatch.setattr(statistics, "refresh", refreshed.append)

    run(db, admin, csv_roster("INE-A;Martin;Léa;01/02/2013;Z1"))
    assert refreshed == [db]

    db.write(lambda session: session.execute(delete(Learner)))
    demo.create_demo_school(db, 4, learners_per_class=2)
    assert refreshed == [db, db]
