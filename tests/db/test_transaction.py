"""The db core against a real PostgreSQL: cursor counting, SQL composition, retries."""

from __future__ import annotations

import psycopg
import pytest

from agora.db.cursor import Cursor
from agora.db.pool import DatabasePools, UnitOutcome
from agora.db.sql import SQL, check_identifier
from agora.db.transaction import TransactionRetryExhausted, run_in_transaction
from agora.testing.concurrency import run_concurrently


@pytest.fixture(scope="module")
def pools(agora_database):
    pools = DatabasePools(agora_database[1], min_size=1, max_size=4)
    with pools.cursor() as cr:
        cr.execute("CREATE TABLE IF NOT EXISTS tx_counter (id int PRIMARY KEY, value int)")
        cr.execute("INSERT INTO tx_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET value = 0")
    yield pools
    pools.close()


def test_sql_values_are_parameters_and_identifiers_checked():
    query = SQL("SELECT %s FROM %s WHERE name = %s", SQL.identifier("t", "c"),
                SQL.identifier("t"), "x'; DROP TABLE t; --")
    assert query.code == 'SELECT "t"."c" FROM "t" WHERE name = %s'
    assert query.params == ("x'; DROP TABLE t; --",)
    with pytest.raises(ValueError, match="invalid SQL identifier"):
        SQL.identifier('name"; DROP')
    with pytest.raises(ValueError):
        check_identifier("1abc")
    with pytest.raises(ValueError, match="expects 1 arguments"):
        SQL("a = %s", 1, 2)
    with pytest.raises(ValueError, match="expects arguments"):
        SQL("a = %s")


def test_cursor_counts_and_captures(pools):
    with pools.cursor() as cr:
        before = cr.query_count
        with cr.capture() as log:
            cr.execute(SQL("SELECT %s", 1))
            cr.execute("SELECT %s", (2,))
        assert cr.query_count - before == 2
        assert [params for _code, params in log] == [(1,), (2,)]
        assert cr.fetchone() == (2,)


def test_connections_use_repeatable_read_and_float_numeric(pools):
    with pools.cursor() as cr:
        cr.execute("SHOW transaction_isolation")
        assert cr.fetchone()[0] == "repeatable read"
        cr.execute("SELECT 1.25::numeric")
        value = cr.fetchone()[0]
        assert isinstance(value, float) and value == 1.25


def test_failed_unit_of_work_is_rolled_back(pools):
    def work(cr: Cursor) -> None:
        cr.execute("UPDATE tx_counter SET value = 99 WHERE id = 1")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_in_transaction(pools, work)
    with pools.cursor() as cr:
        cr.execute("SELECT value FROM tx_counter WHERE id = 1")
        assert cr.fetchone()[0] != 99


def test_postcommit_hooks_run_only_after_commit(pools):
    events: list[str] = []

    def ok(cr: Cursor) -> None:
        cr.postcommit.append(lambda: events.append("committed"))

    def failing(cr: Cursor) -> None:
        cr.postcommit.append(lambda: events.append("should not run"))
        raise ValueError("no")

    run_in_transaction(pools, ok)
    with pytest.raises(ValueError):
        run_in_transaction(pools, failing)
    assert events == ["committed"]


def test_serialization_failures_are_retried(pools):
    """Concurrent read-modify-write increments at REPEATABLE READ conflict; the runner
    replays the losers so that no increment is lost."""
    workers, per_worker = 4, 5
    attempts: list[int] = []

    def increment(cr: Cursor) -> None:
        attempts.append(1)
        cr.execute("SELECT value FROM tx_counter WHERE id = 1")
        value = cr.fetchone()[0]
        cr.execute("UPDATE tx_counter SET value = %s WHERE id = 1", (value + 1,))

    def worker() -> None:
        for _ in range(per_worker):
            run_in_transaction(pools, increment, max_tries=50, base_delay=0.005)

    with pools.cursor() as cr:
        cr.execute("UPDATE tx_counter SET value = 0 WHERE id = 1")
    run_concurrently(worker, workers)
    with pools.cursor() as cr:
        cr.execute("SELECT value FROM tx_counter WHERE id = 1")
        assert cr.fetchone()[0] == workers * per_worker
    assert len(attempts) > workers * per_worker  # some units of work were replayed


def test_retries_are_bounded(pools):
    calls: list[int] = []

    def always_conflicts(cr: Cursor) -> None:
        calls.append(1)
        raise psycopg.errors.SerializationFailure("conflict")

    with pytest.raises(TransactionRetryExhausted, match="3 tries"):
        run_in_transaction(pools, always_conflicts, max_tries=3, base_delay=0.001)
    assert len(calls) == 3


def test_a_configured_server_that_is_no_standby_serves_no_reads(agora_database):
    # The same server named as its own "replica": it answers, but is not in recovery,
    # so it could trail nothing and diverge from anything; reads stay on the primary.
    pools = DatabasePools(agora_database[1], [agora_database[1]], min_size=0, max_size=2)
    outcome = UnitOutcome()
    try:
        with pools.cursor(readonly=True, outcome=outcome) as cr:
            assert cr.readonly and not cr.on_replica
            cr.execute("SELECT 1")
            assert cr.fetchone() == (1,)
        assert outcome.server == "primary"
        assert not pools.router.replicas[0].standby
        assert pools.router.candidates() == []  # not tried again before retry_after
    finally:
        pools.close()


def test_a_readonly_unit_that_writes_is_rerun_as_a_write_unit(agora_database):
    # Read-only units run READ ONLY on the primary too, so a unit wrongly marked
    # read-only fails (25006) the same way everywhere, and is replayed as a write.
    pools = DatabasePools(agora_database[1], min_size=0, max_size=2)
    calls: list[bool] = []

    def work(cr):
        calls.append(cr.readonly)
        cr.execute("CREATE TABLE IF NOT EXISTS ro_retry_probe (n int)")
        cr.execute("INSERT INTO ro_retry_probe VALUES (1) RETURNING n")
        return cr.fetchone()[0]

    outcome = UnitOutcome()
    try:
        assert run_in_transaction(pools, work, readonly=True, outcome=outcome) == 1
        assert calls == [True, False]
        assert outcome.retries == ["readonly_write"] and outcome.server == "primary"
        with pools.cursor() as cr:
            cr.execute("SELECT count(*) FROM ro_retry_probe")
            assert cr.fetchone() == (1,)  # written once: the failed try left nothing
        with pools.cursor(readonly=True) as cr:
            cr.execute("SHOW transaction_read_only")
            assert cr.fetchone() == ("on",)
        with pools.cursor() as cr:  # the pooled connection is writable again
            cr.execute("SHOW transaction_read_only")
            assert cr.fetchone() == ("off",)
            cr.execute("DROP TABLE ro_retry_probe")
    finally:
        pools.close()
