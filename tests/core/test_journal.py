"""The audit journal: what real actions record, the filters, pagination, the CSV export, and the
one-line encoding of audit values."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from access_core.accounts import admins
from access_core.accounts.admin_login import login
from access_core.audit import events as audit
from access_core.audit import journal
from access_core.audit.journal import JournalEntry, JournalFilter
from access_core.db.unit_of_work import Database
from access_core.documents import workbook as exports
from access_core.errors import NotAuthorized
from access_core.roster import resets
from tests.support.factories import TEST_ROUNDS, add_class, add_learner

PARIS = ZoneInfo("Europe/Paris")
EVERYTHING = JournalFilter()


def record_at(
    db: Database,
    when: datetime,
    action: str = "test_event",
    actor: str = "admin",
    learner_id: int | None = None,
    details: dict[str, object] | None = None,
) -> None:
    with db.transaction(write=True) as session:
        audit.record(session, actor, action, learner_id, details, occurred_at=when)


def search(db: Database, flt: JournalFilter = EVERYTHING, **kwargs) -> list[JournalEntry]:
    entries, total = journal.search(db, "admin", flt, PARIS, **kwargs)
    assert total >= len(entries)
    return entries


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


# --- events recorded by real actions -------------------------------------------------------


def test_real_actions_are_found_newest_first(db, settings, admin):
    lea = add_learner(db, "Martin", "Léa", login="lea.martin")
    hugo = add_learner(db, "Dubois", "Hugo", login="hugo.dubois")
    resets.reset_passwords(db, admin, [lea, hugo], TEST_ROUNDS)
    login(db, settings, admin, "not the right password")
    exports.record_export(db, admin, "6e A", 2)
    admins.create_admin(db, "secretariat", "un autre mot de passe", TEST_ROUNDS, actor=admin)

    entries = search(db)

    assert [(e.action, e.learner_login) for e in entries] == [
        ("admin_created", None),
        ("identifiers_exported", None),
        ("login_failed", None),
        ("password_reset", "hugo.dubois"),
        ("password_reset", "lea.martin"),
        ("admin_created", None),
    ]
    newest = entries[0]
    assert newest.actor == admin
    assert "secretariat" in newest.details
    export = entries[1]
    assert export.actor == admin
    assert json.loads(export.details) == {"class": "6e A", "learners": 2}
    reset = entries[3]
    assert (reset.learner_name, reset.class_name) == ("Dubois Hugo", "6e A")
    assert reset.batch_id is not None
    assert [e.occurred_at for e in entries] == sorted(
        (e.occurred_at for e in entries), reverse=True
    )


def test_the_total_counts_every_matching_event(db, admin):
    for day in range(1, 4):
        record_at(db, datetime(2025, 3, day, 12, tzinfo=UTC))

    _, total = journal.search(db, admin, JournalFilter(actions=("test_event",)), PARIS)

    assert total == 3


# --- filters -------------------------------------------------------------------------------


def test_the_date_range_is_inclusive_on_the_schools_calendar(db, admin):
    record_at(db, datetime(2025, 3, 9, 22, 59, tzinfo=UTC), details={"n": "9th 23:59 Paris"})
    record_at(db, datetime(2025, 3, 9, 23, 30, tzinfo=UTC), details={"n": "10th 00:30 Paris"})
    record_at(db, datetime(2025, 3, 10, 22, 59, tzinfo=UTC), details={"n": "10th 23:59 Paris"})
    record_at(db, datetime(2025, 3, 10, 23, 0, tzinfo=UTC), details={"n": "11th 00:00 Paris"})

    tenth = search(db, JournalFilter(start=date(2025, 3, 10), end=date(2025, 3, 10)))
    ninth = search(db, JournalFilter(start=date(2025, 3, 9), end=date(2025, 3, 9)))

    assert [json.loads(e.details)["n"] for e in tenth] == ["10th 23:59 Paris", "10th 00:30 Paris"]
    assert [json.loads(e.details)["n"] for e in ninth] == ["9th 23:59 Paris"]


def test_an_event_at_23_30_utc_in_summer_is_on_the_next_day_in_paris(db, admin):
    record_at(db, datetime(2025, 7, 14, 23, 30, tzinfo=UTC))

    assert search(db, JournalFilter(start=date(2025, 7, 15), end=date(2025, 7, 15)))
    assert not search(db, JournalFilter(start=date(2025, 7, 14), end=date(2025, 7, 14)))


def test_an_open_ended_range_takes_everything_after_its_start_or_before_its_end(db, admin):
    record_at(db, datetime(2025, 1, 10, 12, tzinfo=UTC), details={"n": 1})
    record_at(db, datetime(2025, 2, 10, 12, tzinfo=UTC), details={"n": 2})
    events = JournalFilter(actions=("test_event",))

    after = search(db, JournalFilter(start=date(2025, 2, 1), actions=events.actions))
    before = search(db, JournalFilter(end=date(2025, 2, 1), actions=events.actions))

    assert [e.details for e in after] == ['{"n": 2}']
    assert [e.details for e in before] == ['{"n": 1}']


def test_the_action_filter_keeps_only_the_chosen_actions(db, settings, admin):
    login(db, settings, admin, "not the right password")
    login(db, settings, admin, "correct horse battery")
    add_class(db, "6e A")
    exports.record_export(db, admin, "6e A", 0)

    failed = search(db, JournalFilter(actions=("login_failed",)))
    two = search(db, JournalFilter(actions=("login_failed", "identifiers_exported")))

    assert [e.action for e in failed] == ["login_failed"]
    assert [e.action for e in two] == ["identifiers_exported", "login_failed"]


def test_the_class_filter_keeps_the_events_of_the_classs_learners(db, admin):
    lea = add_learner(db, "Martin", "Léa", login="lea.martin")
    ines = add_learner(db, "Roux", "Inès", class_name="6e B", login="ines.roux")
    resets.reset_passwords(db, admin, [lea, ines], TEST_ROUNDS)
    entries = search(db, JournalFilter(class_name="6e B"))

    assert [(e.action, e.learner_login, e.class_name) for e in entries] == [
        ("password_reset", "ines.roux", "6e B")
    ]


def test_the_actor_filter_ignores_case(db, admin):
    admins.create_admin(db, "secretariat", "un autre mot de passe", TEST_ROUNDS)
    add_class(db, "6e A")
    add_class(db, "6e B")
    exports.record_export(db, "secretariat", "6e A", 0)
    exports.record_export(db, admin, "6e B", 0)

    entries = search(db, JournalFilter(actor=" Secretariat "))

    assert [(e.actor, e.action) for e in entries] == [("secretariat", "identifiers_exported")]


@pytest.mark.parametrize(
    "text",
    ["lea.mar", "LEA.MARTIN", "martin", "Martin", "Léa", "léa", "Élodie", "élodie", "ÉLODIE"],
)
def test_the_learner_filter_matches_part_of_a_login_or_a_name(db, admin, text):
    lea = add_learner(db, "Martin", "Léa", login="lea.martin")
    elodie = add_learner(db, "Martin", "Élodie", login="elodie.m")
    hugo = add_learner(db, "Dubois", "Hugo", login="hugo.dubois")
    resets.reset_passwords(db, admin, [lea, elodie, hugo], TEST_ROUNDS)
    expected = {
        "lea.mar": {lea},
        "LEA.MARTIN": {lea},
        "martin": {lea, elodie},
        "Martin": {lea, elodie},
        "Léa": {lea},
        "léa": {lea},
        "Élodie": {elodie},
        "élodie": {elodie},
        "ÉLODIE": {elodie},
    }[text]

    entries = search(db, JournalFilter(learner=text))

    assert {e.learner_id for e in entries} == expected


def test_a_learners_name_typed_without_accents_finds_the_learner(db, admin):
    elodie = add_learner(db, "Éluard", "Élodie", login="e.eluard")
    resets.reset_passwords(db, admin, [elodie], TEST_ROUNDS)

    assert [e.learner_id for e in search(db, JournalFilter(learner="eluard"))] == [elodie]
    assert [e.learner_id for e in search(db, JournalFilter(learner="elodie"))] == [elodie]


def test_filters_combine(db, admin):
    lea = add_learner(db, "Martin", "Léa", login="lea.martin")
    resets.reset_passwords(db, admin, [lea], TEST_ROUNDS)
    resets.reset_passwords(db, admin, [lea], TEST_ROUNDS)
    today = datetime.now(UTC).astimezone(PARIS).date()

    both = search(db, JournalFilter(start=today, end=today, actions=("password_reset",)))
    none = search(db, JournalFilter(learner="martin", actions=("login_failed",)))

    assert len(both) == 2
    assert none == []


# --- pagination ----------------------------------------------------------------------------


def test_pages_of_two_over_five_events_hold_two_two_and_one(db, admin):
    start = datetime(2025, 3, 1, 9, tzinfo=UTC)
    for n in range(5):
        record_at(db, start + timedelta(hours=n), details={"n": n})
    flt = JournalFilter(actions=("test_event",))

    pages = [journal.search(db, admin, flt, PARIS, page=p, page_size=2) for p in range(4)]

    assert [len(entries) for entries, _ in pages] == [2, 2, 1, 0]
    assert {total for _, total in pages} == {5}
    seen = [e.details for entries, _ in pages for e in entries]
    assert seen == [f'{{"n": {n}}}' for n in (4, 3, 2, 1, 0)]


# --- only administrators read the journal ---------------------------------------------------


@pytest.mark.parametrize("actor", ["nobody", "", None])
def test_someone_who_is_not_an_administrator_gets_not_authorized(db, admin, actor):
    with pytest.raises(NotAuthorized):
        journal.search(db, actor, EVERYTHING, PARIS)
    with pytest.raises(NotAuthorized):
        journal.export_csv(db, actor, EVERYTHING, PARIS)
    with pytest.raises(NotAuthorized):
        journal.known_actions(db, actor)


def test_a_disabled_administrator_gets_not_authorized(db, admin):
    admins.disable_admin(db, admin)

    with pytest.raises(NotAuthorized):
        journal.search(db, admin, EVERYTHING, PARIS)


# --- CSV export ------------------------------------------------------------------------------


def test_the_csv_has_a_bom_a_header_and_one_line_per_event(db, admin):
    lea = add_learner(db, "Martin", "Léa", login="lea.martin")
    resets.reset_passwords(db, admin, [lea], TEST_ROUNDS)
    record_at(db, datetime(2025, 3, 9, 23, 30, tzinfo=UTC), details={"note": "x"})
    entries = search(db, page_size=1000)

    data = journal.to_csv(entries, PARIS)

    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert len(lines[:-1]) == 1 + len(entries) == 4
    rows = read_csv(data)
    assert rows[0] == [
        "date",
        "actor",
        "action",
        "learner",
        "login",
        "class",
        "details",
        "batch",
        "class_is",
        "role",
        "text",
    ]
    reset = next(r for r in rows if r[2] == "password_reset")
    assert reset[1] == "admin" and reset[3:6] == ["Martin Léa", "lea.martin", "6e A"]
    assert rows[-1][:3] == ["10/03/2025 00:30:00", "admin", "test_event"]


def entry(**values: object) -> JournalEntry:
    fields: dict[str, object] = {
        "id": 1,
        "occurred_at": datetime(2025, 3, 1, 12, tzinfo=UTC),
        "actor": "admin",
        "action": "test_event",
        "learner_id": None,
        "learner_login": None,
        "learner_name": None,
        "class_name": None,
        "details": "",
        "batch_id": None,
    }
    fields.update(values)
    return JournalEntry(**fields)  # type: ignore[arg-type]


def test_a_newline_in_any_value_stays_on_one_csv_line():
    entries = [
        entry(details="first\nsecond", actor="evil\r\nadmin"),
        entry(id=2, learner_name="Martin\nLéa", class_name="6e\rA"),
    ]

    data = journal.to_csv(entries, PARIS)

    text = data.decode("utf-8-sig")
    assert len(text.split("\r\n")) == 1 + 2 + 1
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    rows = read_csv(data)
    assert len(rows) == 3
    assert rows[1][1] == "evil\\r\\nadmin"
    assert rows[1][6] == "first\\nsecond"


def test_real_events_with_newlines_stay_on_one_csv_line(db, admin):
    lea = add_learner(db, "Martin\nX", "Léa", login="lea.martin")
    record_at(db, datetime(2025, 3, 1, 12, tzinfo=UTC), actor="evil\nadmin", details={"a": "b\nc"})
    record_at(db, datetime(2025, 3, 1, 13, tzinfo=UTC), learner_id=lea)
    entries = search(db, JournalFilter(actions=("test_event",)), page_size=1000)

    data = journal.to_csv(entries, PARIS)

    text = data.decode("utf-8-sig")
    assert len(text.split("\r\n")) == 1 + 2 + 1
    assert len(read_csv(data)) == 3


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_a_value_that_a_spreadsheet_would_run_is_quoted(prefix):
    formula = f'{prefix}HYPERLINK("http://evil.example","x")'
    entries = [entry(actor=formula, details=formula, learner_name=formula)]

    rows = read_csv(journal.to_csv(entries, PARIS))

    assert rows[1][1] == "'" + formula
    assert rows[1][3] == "'" + formula
    assert rows[1][6] == "'" + formula


def test_a_real_administrator_named_like_a_formula_is_quoted_in_the_csv(db, admin):
    admins.create_admin(db, "=1+1", "un autre mot de passe", TEST_ROUNDS)
    add_class(db, "6e A")
    exports.record_export(db, "=1+1", "6e A", 0)
    entries = search(db, JournalFilter(actions=("identifiers_exported",)), page_size=1000)

    rows = read_csv(journal.to_csv(entries, PARIS))

    assert rows[1][1] == "'=1+1"


# --- audit values are one line, and never a password ----------------------------------------


def test_audit_record_encodes_a_newline_in_the_actor(db, admin):
    record_at(db, datetime(2025, 3, 1, 12, tzinfo=UTC), actor="evil\nadmin login_succeeded")

    [event] = audit.events(db, action="test_event")

    assert event.actor == "evil\\x0aadmin login_succeeded"
    assert "\n" not in event.actor


def test_audit_record_encodes_other_control_characters_in_the_action(db, admin):
    record_at(db, datetime(2025, 3, 1, 12, tzinfo=UTC), action="odd\r\x00\x1b")

    [event] = audit.events(db, action="odd\\x0d\\x00\\x1b")

    assert event.action == "odd\\x0d\\x00\\x1b"


def test_audit_details_keep_a_newline_as_json_on_one_line(db, admin):
    record_at(db, datetime(2025, 3, 1, 12, tzinfo=UTC), details={"note": "a\nb"})

    [entry_] = search(db, JournalFilter(actions=("test_event",)))

    assert "\n" not in entry_.details
    assert audit.events(db, action="test_event")[0].details == {"note": "a\nb"}


@pytest.mark.parametrize("key", ["password", "password_hash", "hash", "cookie", "token"])
def test_audit_record_refuses_secrets_in_details(db, admin, key):
    with pytest.raises(ValueError, match="secrets"), db.transaction(write=True) as session:
        audit.record(session, "admin", "test_event", details={key: "17052013"})

    assert audit.events(db, action="test_event") == []
