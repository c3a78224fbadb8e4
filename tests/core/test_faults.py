"""Failures in the middle of a reset leave nothing half-done, and the same batch then succeeds;
an unreachable database gives a clear error and recovers by itself."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from access_core.db.unit_of_work import Database
from access_core.errors import DatabaseUnavailable
from access_core.roster import queries as roster
from access_core.roster.resets import new_batch_id, reset_passwords
from access_core.text.catalogue import error_message
from tests.support.factories import TEST_ROUNDS, add_learner, dump_tables
from tests.support.netproxy import TcpProxy
from tests.support.pages import page

ROOT = Path(__file__).resolve().parent.parent.parent


def _learners(db: Database, n: int = 6) -> list[int]:
    return [add_learner(db, f"Nom{i}", f"Prénom{i}", login=f"login{i}") for i in range(n)]


def test_an_error_after_k_of_n_rows_rolls_back_the_whole_batch_and_retry_succeeds(
    db, admin, monkeypatch
):
    ids = _learners(db)
    before = dump_tables(db)
    batch_id = new_batch_id()
    import access_core.roster.resets as resets_module

    real_record = resets_module.audit.record
    calls: list[int] = []

    def failing_on_the_third_learner(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("injected failure")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(resets_module.audit, "record", failing_on_the_third_learner)
    with pytest.raises(RuntimeError, match="injected"):
        reset_passwords(db, admin, ids, TEST_ROUNDS, batch_id=batch_id)
    monkeypatch.setattr(resets_module.audit, "record", real_record)

    assert dump_tables(db) == before  # no partial batch, no audit event, no batch row
    assert reset_passwords(db, admin, ids, TEST_ROUNDS, batch_id=batch_id).count == len(ids)


def _kill_sql(backend: str, dbapi_connection: object) -> str:
    if backend == "postgresql":
        return f"SELECT pg_terminate_backend({dbapi_connection.info.backend_pid})"  # type: ignore[attr-defined]
    return f"KILL {dbapi_connection.thread_id()}"  # type: ignore[attr-defined]


def test_connection_killed_in_the_middle_of_a_reset(db, admin, database_url):
    if db.backend == "sqlite":
        pytest.skip("no server connection to kill with SQLite")
    ids = _learners(db)
    before = dump_tables(db)
    batch_id = new_batch_id()
    killer = create_engine(database_url, isolation_level="AUTOCOMMIT")
    updates: list[str] = []

    def kill_after_two_updates(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE LEARNERS"):
            updates.append(statement)
            if len(updates) == 2:
                with killer.connect() as other:
                    other.execute(text(_kill_sql(db.backend, conn.connection.dbapi_connection)))

    event.listen(db.engine, "after_cursor_execute", kill_after_two_updates)
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            reset_passwords(db, admin, ids, TEST_ROUNDS, batch_id=batch_id)
    finally:
        event.remove(db.engine, "after_cursor_execute", kill_after_two_updates)
        killer.dispose()

    message = error_message(caught.value, "fr")
    assert "injoignable" in message and "://" not in message
    assert dump_tables(db) == before
    assert reset_passwords(db, admin, ids, TEST_ROUNDS, batch_id=batch_id).count == len(ids)


KILLED_WORKER = textwrap.dedent(
    """
    import sys
    from sqlalchemy import event
    from access_core.db.unit_of_work import Database
    from access_core.roster.resets import reset_passwords

    url, actor, stage = sys.argv[1], sys.argv[2], sys.argv[3]
    ids = [int(i) for i in sys.argv[4].split(",")]
    db = Database.from_url(url)

    def wait_to_be_killed(label):
        print(label, flush=True)
        sys.stdin.readline()  # blocks until the parent kills this process

    def after_hashing(done, total):
        if stage == "hashed" and done == total:
            wait_to_be_killed("hashed")

    def after_first_update(conn, cursor, statement, *args):
        if stage == "in-transaction" and statement.upper().startswith("UPDATE LEARNERS"):
            wait_to_be_killed("in-transaction")

    event.listen(db.engine, "after_cursor_execute", after_first_update)
    reset_passwords(db, actor, ids, 4, progress=after_hashing)
    print("committed", flush=True)
    """
)


@pytest.mark.parametrize("stage", ["hashed", "in-transaction"])
def test_a_process_killed_before_its_commit_leaves_the_database_as_it_was(
    db, admin, database_url, stage
):
    ids = _learners(db)
    before = dump_tables(db)
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, database_url, admin, stage, ",".join(map(str, ids))],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    reached = worker.stdout.readline().strip()
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    assert reached == stage, worker.stderr.read() if worker.stderr else ""
    assert dump_tables(db) == before
    assert reset_passwords(db, admin, ids, TEST_ROUNDS).count == len(ids)


def _through_proxy(database_url: str) -> tuple[TcpProxy, str]:
    url = make_url(database_url)
    proxy = TcpProxy(
        url.host or "127.0.0.1", url.port or (5432 if "postgres" in url.drivername else 3306)
    )
    return proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def test_unreachable_database_gives_a_clear_error_then_recovers_by_itself(db, admin, database_url):
    if db.backend == "sqlite":
        pytest.skip("an embedded file cannot become unreachable over the network")
    add_learner(db, "Martin", "Léa", class_name="6e A")
    proxy, proxied_url = _through_proxy(database_url)
    app_db = Database.from_url(proxied_url)  # one engine for the whole test, as a server has
    try:
        with pytest.raises(DatabaseUnavailable) as at_start:  # down at start
            roster.list_classes(app_db, admin)
        proxy.start()
        assert [c.name for c in roster.list_classes(app_db, admin)] == ["6e A"]
        proxy.stop()  # goes away later, with pooled connections open
        with pytest.raises(DatabaseUnavailable):
            roster.list_classes(app_db, admin)
        proxy.start()  # comes back: the same engine recovers, no restart
        assert [c.name for c in roster.list_classes(app_db, admin)] == ["6e A"]
    finally:
        proxy.stop()
        app_db.dispose()

    message = error_message(at_start.value, "fr")
    assert "injoignable" in message
    assert "://" not in message and str(proxy.port) not in message


def test_the_page_says_the_database_is_unreachable_then_recovers_without_restart(
    db,
    admin,
    database_url,
    app_env,  # noqa: F811 - the fixture imported above
):
    """The dashboard's own engine (cached for the server's life) through a proxy that goes
    away and comes back: a French message, no traceback, then the page works again."""
    if db.backend == "sqlite":
        pytest.skip("an embedded file cannot become unreachable over the network")
    add_learner(db, "Martin", "Léa", class_name="6e A")
    proxy, proxied_url = _through_proxy(database_url)
    app_env.setenv("ACCESS_DATABASE_URL", database_url)
    at = page(admin)  # logged in: its server session is opened in the test database itself
    app_env.setenv("ACCESS_DATABASE_URL", proxied_url)  # what the page's engine then uses
    try:
        at.run()  # down at start
        assert not at.exception
        assert any("injoignable" in w.value for w in at.warning)
        assert not at.selectbox
        proxy.start()
        at.run()  # back: the same server-wide engine recovers
        assert not at.exception
        assert at.selectbox(key="class_id").options == ["6e A"]
        proxy.stop()
        at.run()  # gone again, with pooled connections open
        assert not at.exception
        assert any("injoignable" in w.value for w in at.warning)
        proxy.start()
        at.run()
        assert at.selectbox(key="class_id").options == ["6e A"]
    finally:
        proxy.stop()
    assert proxied_url.split("@")[-1] not in "".join(e.value for e in at.warning)
