"""Read replicas at the pool level, on a real streaming replica (asynchronous, and
synchronous with remote_apply): which server answers, the 25006 retry, read-your-writes,
the lag bound, and falling back when the replica stops."""

from __future__ import annotations

import psycopg
import pytest

from agora.db.cursor import query_counter
from agora.db.pool import DatabasePools, UnitOutcome
from agora.db.replicas import lsn_to_int
from agora.db.transaction import run_in_transaction
from agora.db.url import create_database
from agora.testing.replica import streaming_pair
from tests.db.replica_helpers import database_urls, replay_paused, wait_until

DB = "agora_replica_routing"


def _where(cr) -> tuple[bool, int]:
    cr.execute("SELECT pg_is_in_recovery(), current_setting('port')::int")
    return cr.fetchone()


def _count(cr, name: str) -> int:
    cr.execute("SELECT count(*) FROM probe WHERE name = %s", (name,))
    return cr.fetchone()[0]


def _insert(name: str):
    def work(cr):
        cr.execute("INSERT INTO probe (name) VALUES (%s)", (name,))
    return work


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    with streaming_pair(tmp_path_factory.mktemp("async")) as pair:
        create_database(pair.primary_url, DB)
        with psycopg.connect(database_urls(pair, DB)[0], autocommit=True) as connection:
            connection.execute("CREATE TABLE probe (id serial PRIMARY KEY, name text)")
        pair.wait_replayed()
        yield pair


@pytest.fixture
def pools(pair):
    primary, replica = database_urls(pair, DB)
    pools = DatabasePools(primary, [replica], min_size=0, max_size=3, replica_max_lag=60,
                          replica_retry_after=0.5, replica_connect_timeout=1)
    yield pools
    pools.close()


def _ports(pair) -> tuple[int, int]:
    return (psycopg.conninfo.conninfo_to_dict(pair.primary_url)["port"],
            psycopg.conninfo.conninfo_to_dict(pair.replica_url)["port"])


def test_reads_run_on_the_replica_and_writes_on_the_primary(pair, pools):
    primary_port, replica_port = map(int, _ports(pair))
    read, write = UnitOutcome(), UnitOutcome()
    assert run_in_transaction(pools, _where, readonly=True, outcome=read) == (True, replica_port)
    assert read.server == "replica" and read.commit_lsn is None
    assert run_in_transaction(pools, _where, outcome=write) == (False, primary_port)
    # a write unit reports where the primary's WAL stood after its commit
    assert write.server == "primary" and write.commit_lsn is not None
    assert write.commit_lsn <= lsn_to_int(pair.primary_lsn())


def test_a_readonly_unit_that_writes_on_the_replica_is_rerun_on_the_primary(pair, pools):
    tries: list[tuple[bool, int]] = []

    def work(cr):
        tries.append(_where(cr))
        cr.execute("INSERT INTO probe (name) VALUES ('retried') RETURNING id")
        return cr.fetchone()[0]

    outcome = UnitOutcome()
    run_in_transaction(pools, work, readonly=True, outcome=outcome)
    assert [in_recovery for in_recovery, _port in tries] == [True, False]
    assert outcome.retries == ["readonly_write"] and outcome.server == "primary"
    assert run_in_transaction(pools, lambda cr: _count(cr, "retried")) == 1


def test_a_session_reads_its_own_write_while_the_replica_lags(pair, pools):
    with replay_paused(pair):
        write = UnitOutcome()
        run_in_transaction(pools, _insert("mine"), outcome=write)
        # Another caller (no write of its own) reads the stale replica: the write is
        # not there yet, which is what makes the next check meaningful.
        stranger = UnitOutcome()
        assert run_in_transaction(pools, lambda cr: _count(cr, "mine"), readonly=True,
                                  outcome=stranger) == 0
        assert stranger.server == "replica"
        # The writer's reads go to the primary until a replica has replayed its commit.
        writer = UnitOutcome()
        assert run_in_transaction(pools, lambda cr: _count(cr, "mine"), readonly=True,
                                  min_lsn=write.commit_lsn, outcome=writer) == 1
        assert writer.server == "primary"
    # Replay resumed and caught up: the writer reads from the replica again, and sees it.
    writer = UnitOutcome()
    assert run_in_transaction(pools, lambda cr: _count(cr, "mine"), readonly=True,
                              min_lsn=write.commit_lsn, outcome=writer) == 1
    assert writer.server == "replica"


def test_a_replica_lagging_beyond_the_bound_serves_no_reads(pair):
    primary, replica = database_urls(pair, DB)
    pools = DatabasePools(primary, [replica], min_size=0, max_size=2, replica_max_lag=0.3)
    pools.router.check_interval = 0.05
    try:
        with replay_paused(pair):
            run_in_transaction(pools, _insert("lag"))  # the primary moves on...
            # ...and after the bound, even callers with no write of their own avoid it
            assert wait_until(lambda: _read_server(pools) == "primary", timeout=5)
            assert pools.router.replicas[0].lag > 0.3
            assert run_in_transaction(pools, lambda cr: _count(cr, "lag"), readonly=True) == 1
        assert wait_until(lambda: _read_server(pools) == "replica", timeout=5)
    finally:
        pools.close()


def _read_server(pools: DatabasePools) -> str:
    outcome = UnitOutcome()
    run_in_transaction(pools, _where, readonly=True, outcome=outcome)
    return outcome.server


def test_reads_fall_back_to_the_primary_when_the_replica_stops(pair, pools):
    assert _read_server(pools) == "replica"  # a pooled replica connection now exists
    pair.stop_replica()
    try:
        # The pooled connection is dead: the unit fails on it, is re-run on the primary,
        # and the caller sees only the answer.
        outcome = UnitOutcome()
        assert run_in_transaction(pools, _where, readonly=True,
                                  outcome=outcome)[0] is False
        assert outcome.server == "primary"
        assert outcome.retries == ["replica_unavailable"]
        assert pools.router.candidates() == []  # skipped for retry_after
        assert _read_server(pools) == "primary"
        wait_until(lambda: pools.router.candidates() != [], timeout=2)
        # retried after the delay: still down, so still the primary, without an error
        assert _read_server(pools) == "primary"
    finally:
        pair.start_replica()
    pair.wait_replayed()
    assert wait_until(lambda: _read_server(pools) == "replica", timeout=10)


def test_with_remote_apply_the_replica_shows_a_commit_at_once(tmp_path):
    with streaming_pair(tmp_path, synchronous=True) as pair:
        create_database(pair.primary_url, DB)
        primary, replica = database_urls(pair, DB)
        with psycopg.connect(primary, autocommit=True) as connection:
            connection.execute("CREATE TABLE probe (id serial PRIMARY KEY, name text)")
        pools = DatabasePools(primary, [replica], min_size=0, max_size=2)
        try:
            for n in range(5):
                run_in_transaction(pools, _insert(f"sync{n}"))
                # no read-your-writes position given: any caller sees it on the replica
                outcome = UnitOutcome()
                assert run_in_transaction(pools, lambda cr, n=n: _count(cr, f"sync{n}"),
                                          readonly=True, outcome=outcome) == 1
                assert outcome.server == "replica"
        finally:
            pools.close()


def test_routing_costs_one_statement_per_write_and_none_per_read(pair, pools):
    """Query counts of the hot path: a read on a replica checked recently runs only its
    own statements; a write adds one (the primary's WAL position, for read-your-writes);
    a read needing a newer position than last seen adds one check."""
    pools.router.check_interval = 60  # the first read checks; the next ones trust it
    counter = [0]
    token = query_counter.set(counter)
    try:
        run_in_transaction(pools, _where, readonly=True)
        counter[0] = 0
        assert run_in_transaction(pools, _where, readonly=True)[0] is True
        assert counter[0] == 1
        counter[0] = 0
        write = UnitOutcome()
        run_in_transaction(pools, _insert("counted"), outcome=write)
        assert counter[0] == 2
        counter[0] = 0
        pair.wait_replayed()
        outcome = UnitOutcome()
        run_in_transaction(pools, lambda cr: _count(cr, "counted"), readonly=True,
                           min_lsn=write.commit_lsn, outcome=outcome)
        assert outcome.server == "replica" and counter[0] == 2
    finally:
        query_counter.reset(token)


def test_a_replica_pool_in_full_use_sends_the_next_read_to_the_primary(pair):
    primary, replica = database_urls(pair, DB)
    pools = DatabasePools(primary, [replica], min_size=0, max_size=1, replica_max_lag=60)
    try:
        outer, inner = UnitOutcome(), UnitOutcome()
        with pools.cursor(readonly=True, outcome=outer) as cr:
            assert _where(cr)[0] is True
            # its only connection is taken: no waiting for it, and not marked down
            assert run_in_transaction(pools, _where, readonly=True, outcome=inner)[0] is False
        assert (outer.server, inner.server) == ("replica", "primary")
        assert pools.router.candidates() != []
        assert _read_server(pools) == "replica"
    finally:
        pools.close()
