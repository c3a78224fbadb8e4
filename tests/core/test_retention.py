"""Retention: the purge deletes learners past the deactivated table's window (same rule, same
boundary), everything naming them, old journal events and ended sessions; it keeps a learner
reactivated meanwhile, even by an import committing on another connection at the same time."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import String, Text, func, select, text, update
from sqlalchemy.orm import Session

from access_core.accounts import learner_login
from access_core.audit import journal
from access_core.db.models import AdminSession, AuditEvent, Base, Learner, LoginThrottle
from access_core.db.unit_of_work import Database
from access_core.documents import learner_data
from access_core.ops import health
from access_core.roster import retention
from access_core.roster.queries import deactivation_window_start, recently_deactivated
from access_core.roster.resets import reset_passwords
from access_core.roster.retention import Terms
from access_ui.wording import journal_learner
from tests.support.factories import TEST_ROUNDS, add_learner

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
TERMS = Terms(learner_months=3, journal_months=12, tz=PARIS)
START = deactivation_window_start(NOW, 3, PARIS)


def learner_ids(db: Database) -> set[int]:
    with db.transaction() as session:
        return set(session.scalars(select(Learner.id)))


def test_the_purge_uses_the_deactivated_tables_boundary_to_the_second(db, admin):
    before = add_learner(
        db, "Avant", "Un", login="avant", deactivated_at=START - timedelta(seconds=1)
    )
    at = add_learner(db, "Pile", "Deux", login="pile", deactivated_at=START)
    after = add_learner(
        db, "Apres", "Trois", login="apres", deactivated_at=START + timedelta(seconds=1)
    )
    active = add_learner(db, "Actif", "Quatre", login="actif")

    listed = {row.id for row in recently_deactivated(db, admin, 3, PARIS, NOW)}
    due = {row.id for row in retention.overdue(db, admin, 3, PARIS, NOW)}
    result = retention.purge(db, admin, TERMS, NOW)

    assert listed == {after}  # the table: deactivated after the window's start
    assert due == {before, at}  # the purge: every other deactivated learner, no more
    assert result.learners == 2
    assert learner_ids(db) == {after, active}


def test_a_learner_reactivated_between_the_dry_run_and_the_purge_is_kept(db, admin):
    old = NOW - timedelta(days=200)
    kept = add_learner(db, "Revenu", "Léon", login="revenu", deactivated_at=old)
    gone = add_learner(db, "Parti", "Paul", login="parti", deactivated_at=old)
    assert {r.id for r in retention.overdue(db, admin, 3, PARIS, NOW)} == {kept, gone}

    with db.transaction(write=True) as session:  # an import brings him back
        session.execute(update(Learner).where(Learner.id == kept).values(deactivated_at=None))
    result = retention.purge(db, admin, TERMS, NOW)

    assert result.learners == 1
    assert learner_ids(db) == {kept}


def _reactivate(url: str, learner_id: int, outcome: dict[str, int]) -> None:
    """What an import's update does, through the unit of work (retried on a deadlock)."""
    other = Database.from_url(url)

    def work(session: Session) -> int:
        result = session.execute(
            update(Learner)
            .where(Learner.id == learner_id, Learner.deactivated_at.is_not(None))
            .values(deactivated_at=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    try:
        outcome["reactivated"] = other.write(work)
    finally:
        other.dispose()


def test_an_import_reactivating_a_learner_while_the_purge_runs_never_loses_him(
    database_url, db, admin
):
    """The import's update runs on another connection right after the purge has chosen its
    learners: it must either wait for the purge (and then find the learner gone, never
    reactivated) or, having committed, keep the learner and his journal whole."""
    old = NOW - timedelta(days=200)
    learner = add_learner(db, "Course", "Camille", login="course", deactivated_at=old)
    reset_passwords(db, admin, [learner], TEST_ROUNDS)  # a journal event naming him
    outcome: dict[str, int] = {}
    worker: list[threading.Thread] = []

    from sqlalchemy import event

    def after_select(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if worker or not statement.lstrip().upper().startswith("SELECT"):
            return
        if "learners.deactivated_at <=" not in statement.replace('"', "").replace("`", ""):
            return
        thread = threading.Thread(target=_reactivate, args=(database_url, learner, outcome))
        worker.append(thread)
        thread.start()
        thread.join(timeout=3)  # a correct purge holds the row: the import waits for it

    event.listen(db.engine, "after_cursor_execute", after_select)
    try:
        retention.purge(db, admin, TERMS, NOW)
    finally:
        event.remove(db.engine, "after_cursor_execute", after_select)
    worker[0].join()

    with db.transaction() as session:
        row = session.execute(select(Learner.deactivated_at).where(Learner.id == learner)).first()
        details = session.scalars(
            select(AuditEvent.details).where(AuditEvent.learner_id == learner)
        ).all()
    if outcome["reactivated"]:  # the import won: he is back, whole
        assert row is not None and row[0] is None
        assert any("course" in (d or "") for d in details)
    else:  # the purge won: the import found nobody to reactivate
        assert row is None


def _text_values(db: Database) -> list[str]:
    values: list[str] = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                rows = conn.execute(select(column)).scalars().all()
                if isinstance(column.type, String | Text):
                    values += [str(v) for v in rows if v is not None]
                else:
                    values += [str(v) for v in rows if isinstance(v, date)]
    return values


def test_after_a_purge_no_table_holds_the_learners_login_names_or_birth_date(db, admin, settings):
    birth = date(2011, 2, 3)
    learner = add_learner(
        db, "Quetzalbrun", "Zéphyrine", class_name="5e Z", login="zquetzal", birth_date=birth
    )
    other = add_learner(db, "Durand", "Marie", class_name="5e Z", login="mdurand")
    reset_passwords(db, admin, [learner, other], TEST_ROUNDS)
    for _ in range(settings.login_max_failures + 1):  # throttle rows and a lockout event
        learner_login.authenticate(db, settings, "zquetzal", "wrong-password")
    learner_data.learner_data(db, admin, "zquetzal")  # an access request, journaled
    journal.export_csv(db, admin, journal.JournalFilter(learner="Quetzalbrun"), PARIS)
    journal.export_csv(db, admin, journal.JournalFilter(learner="zquetzal"), PARIS)
    with db.transaction(write=True) as session:
        session.execute(
            update(Learner)
            .where(Learner.id == learner)
            .values(deactivated_at=NOW - timedelta(days=120))
        )
        throttled = session.scalar(
            select(LoginThrottle.id).where(LoginThrottle.learner_id == learner)
        )
        events_before = session.scalars(
            select(AuditEvent.id).where(AuditEvent.learner_id == learner)
        ).all()
    assert throttled is not None and len(events_before) >= 3
    forms = ("zquetzal", "Quetzalbrun", "Zéphyrine", "2011-02-03", "03022011", "03/02/2011")
    assert any(f in v for v in _text_values(db) for f in forms)  # the scan sees them before

    retention.purge(db, admin, TERMS, NOW)

    leaks = [v for v in _text_values(db) if any(f.casefold() in v.casefold() for f in forms)]
    assert leaks == []
    with db.transaction() as session:  # the events stay, with his number
        events_after = session.scalars(
            select(AuditEvent.id).where(AuditEvent.learner_id == learner)
        ).all()
        assert session.scalar(select(Learner.login).where(Learner.id == other)) == "mdurand"
    assert events_after == events_before
    entries, _ = journal.search(db, admin, journal.JournalFilter(), PARIS, page_size=500)
    about_him = [e for e in entries if e.learner_id == learner]
    assert about_him and {journal_learner(e, "fr") for e in about_him} == {
        f"Élève supprimé n° {learner}"
    }
    other_reset = [e for e in entries if e.learner_id == other and e.action == "password_reset"]
    assert other_reset and "mdurand" in other_reset[0].details  # others are untouched


def test_the_purge_deletes_journal_events_and_ended_sessions_past_their_term(db, admin):
    year_ago = NOW - timedelta(days=400)
    recent = NOW - timedelta(days=30)
    with db.transaction(write=True) as session:
        for moment in (year_ago, recent):
            session.add(AuditEvent(occurred_at=moment, actor=admin, action="login_succeeded"))
            session.add(
                AdminSession(
                    token_hash=f"{moment.timestamp():064.0f}"[-64:],
                    username=admin,
                    created_at=moment,
                    last_seen_at=moment,
                    ended_at=moment,
                    end_reason="logout",
                )
            )

    result = retention.purge(db, admin, TERMS, NOW)

    assert (result.learners, result.journal_events, result.sessions) == (0, 1, 1)
    with db.transaction() as session:
        kept = session.scalars(select(AuditEvent.occurred_at)).all()
        sessions = session.scalars(select(AdminSession.created_at)).all()
        purge_event = session.scalar(
            select(AuditEvent.details).where(AuditEvent.action == retention.PURGE_ACTION)
        )
    assert year_ago not in kept and recent in kept
    assert sessions == [recent]
    assert json.loads(purge_event or "{}") == {"learners": 0, "journal_events": 1, "sessions": 1}


def test_the_overview_counts_accounts_deleted_within_seven_days(db, admin):
    # « Jours restants » 0 to 6: gone by the end of the 7th day counting today
    add_learner(db, "Bientot", "A", login="bientot", deactivated_at=START + timedelta(days=2))
    add_learner(
        db, "Limite", "B", login="limite", deactivated_at=START + timedelta(days=6, hours=1)
    )
    add_learner(db, "Plustard", "C", login="plustard", deactivated_at=START + timedelta(days=8))
    add_learner(db, "Depasse", "D", login="depasse", deactivated_at=START - timedelta(days=3))

    assert retention.due_within(db, admin, 3, PARIS, 7, NOW) == 2
    summary = retention.overdue_summary(db, 3, PARIS, NOW)
    assert summary.count == 1
    assert summary.oldest == START - timedelta(days=3)


def test_a_learners_data_holds_everything_but_the_hash_and_is_journaled(db, admin):
    learner = add_learner(db, "Petit", "Noé", class_name="4e B", login="npetit")
    reset_passwords(db, admin, [learner], TEST_ROUNDS)

    data = json.loads(learner_data.learner_data(db, admin, "npetit", "json", NOW))
    as_csv = learner_data.learner_data(db, admin, "npetit", "csv", NOW).decode("utf-8-sig")

    with db.transaction() as session:
        stored_hash = session.scalar(select(Learner.password_hash).where(Learner.id == learner))
        exports = session.scalars(
            select(AuditEvent.actor).where(
                AuditEvent.action == learner_data.EXPORT_ACTION, AuditEvent.learner_id == learner
            )
        ).all()
    assert data["learner"]["last_name"] == "Petit" and data["learner"]["class"] == "4e B"
    assert data["learner"]["birth_date"] == "2013-05-17"
    assert data["account"]["password_set"] is True and data["account"]["active"] is True
    assert data["lockout"]["locked"] is False
    assert {e["action"] for e in data["journal"]} >= {"password_reset", "learner_data_exported"}
    assert stored_hash and stored_hash not in json.dumps(data) and stored_hash not in as_csv
    assert "$2b$" not in as_csv and "npetit" in as_csv
    assert exports == [admin, admin]


def test_only_an_active_administrator_purges(db, admin):
    from access_core.errors import AccessError

    add_learner(db, "Vieux", "V", login="vieux", deactivated_at=NOW - timedelta(days=200))
    with pytest.raises(AccessError):
        retention.purge(db, "intrus", TERMS, NOW)
    assert len(learner_ids(db)) == 1


def test_an_unknown_login_is_not_found(db, admin):
    from access_core.errors import NotFound

    with pytest.raises(NotFound):
        learner_data.learner_data(db, admin, "personne")
    with db.transaction() as session:
        found = text("SELECT COUNT(*) FROM audit_events WHERE action = 'learner_data_exported'")
        assert session.execute(found).scalar() == 0


CROSSED = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Paris: the term ends for Léa


@pytest.mark.parametrize(
    ("clock", "reported"),
    [
        (CROSSED - timedelta(seconds=1), False),  # not yet past the term
        (CROSSED + timedelta(hours=2), False),  # crossed today: tonight's purge deletes her
        (CROSSED + timedelta(hours=14), False),  # 23:00: still before tonight's purge
        (CROSSED + timedelta(hours=24, seconds=-1), False),  # still within the day's grace
        (CROSSED + timedelta(hours=24), True),  # a night's purge was missed
        (CROSSED + timedelta(days=30), True),
    ],
)
def test_check_reports_a_learner_only_past_the_term_by_more_than_a_day(db, admin, clock, reported):
    # deactivated on 3 Sept 10:00 Paris: past the three months' term on 3 Dec 10:00 Paris
    add_learner(
        db,
        "Martin",
        "Léa",
        login="lea.martin",
        deactivated_at=datetime(2026, 9, 3, 8, 0, tzinfo=UTC),
    )

    problem = health.retention_problem(db, 3, PARIS, clock)

    assert (problem is not None) is reported
    if reported:
        assert problem is not None and "1 learner(s)" in problem and "2026-09-03" in problem


def test_the_purge_keeps_the_exact_boundary_while_check_allows_a_day(db, admin):
    add_learner(
        db,
        "Martin",
        "Léa",
        login="lea.martin",
        deactivated_at=datetime(2026, 9, 3, 8, 0, tzinfo=UTC),
    )
    clock = CROSSED + timedelta(seconds=1)

    assert health.retention_problem(db, 3, PARIS, clock) is None
    assert retention.purge(db, admin, TERMS, clock).learners == 1


def test_a_new_learner_never_takes_a_purged_learners_number(db, admin):
    """Review 2 #1: SQLite gave the next learner max(id) + 1, the purged learner's own id when
    he had the highest one: his kept events (« Élève supprimé n° N ») became hers."""
    kept = add_learner(db, "Reste", "Anne", login="areste")
    gone = add_learner(
        db, "Ancien", "Paul", login="pancien", deactivated_at=NOW - timedelta(days=200)
    )
    assert gone > kept
    reset_passwords(db, admin, [gone], TEST_ROUNDS)
    with db.transaction() as session:
        his_events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.learner_id == gone)
        )
    assert his_events

    assert retention.purge(db, admin, TERMS, NOW).learners == 1
    new = add_learner(db, "Nouvelle", "Inès", login="inouvelle")

    assert new != gone
    data = json.loads(learner_data.learner_data(db, admin, "inouvelle", "json", NOW))
    assert [e["action"] for e in data["journal"]] == [learner_data.EXPORT_ACTION]
    entries, _ = journal.search(db, admin, journal.JournalFilter(), PARIS, page_size=500)
    his = [e for e in entries if e.learner_id == gone and e.action == "password_reset"]
    assert his and journal_learner(his[0], "fr") == f"Élève supprimé n° {gone}"


def test_the_purge_masks_a_name_typed_in_another_case_or_without_accents(db, admin):
    """Review 2 #3: on PostgreSQL the case-sensitive LIKE let « quetzalbrun » (stored
    QUETZALBRUN) stay in the journal; an accent-less « Zephyrine » stayed on every backend."""
    add_learner(
        db,
        "QUETZALBRUN",
        "Zéphyrine",
        login="zephyrine.quetzalbrun",
        deactivated_at=NOW - timedelta(days=200),
    )
    add_learner(db, "Durand", "Marie", login="mdurand")
    typed = ("quetzalbrun", "Zephyrine Quetzalbrun", "ZEPHYRINE.QUETZALBRUN", "Zephyrine")
    for text_typed in (*typed, "Durand"):
        journal.export_csv(db, admin, journal.JournalFilter(learner=text_typed), PARIS)

    retention.purge(db, admin, TERMS, NOW)

    with db.transaction() as session:
        details = [d for d in session.scalars(select(AuditEvent.details)) if d]
    assert [d for d in details if "uetzal" in d.lower() or "phyrine" in d.lower()] == []
    assert any("Durand" in d for d in details)  # another learner's filter stays
