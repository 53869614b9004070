"""The primary + hot standby fixture, against real PostgreSQL binaries (one pair per mode)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import psycopg.errors
import pytest

from agora.testing.replica import (
    ReplicaPairError,
    ReplicaPairUnavailable,
    StreamingPair,
    find_server_bindir,
    lsn_to_int,
    streaming_pair,
)


def _no_server_binaries() -> str | None:
    try:
        find_server_bindir()
    except ReplicaPairUnavailable as exc:
        return str(exc)
    return None


_SKIP_REASON = _no_server_binaries()
pytestmark = pytest.mark.skipif(
    _SKIP_REASON is not None, reason=f"no PostgreSQL server binaries: {_SKIP_REASON}"
)


@pytest.fixture(scope="module")
def async_pair() -> Iterator[StreamingPair]:
    with streaming_pair() as pair:
        yield pair


@pytest.fixture(scope="module")
def sync_pair() -> Iterator[StreamingPair]:
    with streaming_pair(synchronous=True) as pair:
        yield pair


def execute(url: str, query: str, params: tuple[object, ...] = ()) -> None:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(query, params)


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(query).fetchall()


def test_async_rows_written_on_primary_appear_on_replica(async_pair: StreamingPair) -> None:
    execute(async_pair.primary_url, "CREATE TABLE replicated (id int PRIMARY KEY, name text)")
    execute(async_pair.primary_url, "INSERT INTO replicated VALUES (1, 'one'), (2, 'two')")
    target = async_pair.wait_replayed(timeout=10)
    assert lsn_to_int(async_pair.replica_lsn()) >= lsn_to_int(target)
    assert rows(async_pair.replica_url, "SELECT id, name FROM replicated ORDER BY id") == [
        (1, "one"),
        (2, "two"),
    ]
    assert rows(async_pair.replica_url, "SELECT pg_is_in_recovery()") == [(True,)]
    assert rows(async_pair.primary_url, "SELECT pg_is_in_recovery()") == [(False,)]


def test_async_replica_refuses_writes(async_pair: StreamingPair) -> None:
    execute(async_pair.primary_url, "CREATE TABLE IF NOT EXISTS read_only_probe (id int)")
    async_pair.wait_replayed()
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction) as info:
        execute(async_pair.replica_url, "INSERT INTO read_only_probe VALUES (1)")
    assert info.value.sqlstate == "25006"


def test_async_stopped_replica_refuses_connections_and_catches_up(
    async_pair: StreamingPair,
) -> None:
    execute(async_pair.primary_url, "CREATE TABLE outage (id int)")
    async_pair.wait_replayed()
    async_pair.stop_replica()
    try:
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(async_pair.replica_url, connect_timeout=5).close()
        # The primary keeps accepting writes while its standby is away.
        execute(async_pair.primary_url, "INSERT INTO outage SELECT generate_series(1, 500)")
        assert rows(async_pair.primary_url, "SELECT count(*) FROM outage") == [(500,)]
    finally:
        async_pair.start_replica()
    async_pair.wait_replayed(timeout=10)
    assert rows(async_pair.replica_url, "SELECT count(*) FROM outage") == [(500,)]


def test_async_wait_replayed_times_out_with_a_clear_error(async_pair: StreamingPair) -> None:
    async_pair.stop_replica()
    try:
        with pytest.raises(ReplicaPairError, match="cannot connect to the replica"):
            async_pair.wait_replayed(timeout=1)
    finally:
        async_pair.start_replica()


def test_sync_commit_is_visible_on_replica_without_waiting(sync_pair: StreamingPair) -> None:
    assert rows(sync_pair.primary_url, "SHOW synchronous_commit") == [("remote_apply",)]
    assert rows(
        sync_pair.primary_url,
        "SELECT application_name, sync_state FROM pg_stat_replication",
    ) == [("agora_replica", "sync")]
    execute(sync_pair.primary_url, "CREATE TABLE applied (id int)")
    for value in range(1, 6):
        execute(sync_pair.primary_url, "INSERT INTO applied VALUES (%s)", (value,))
        # No wait_replayed: remote_apply returned only once the standby applied the commit.
        assert rows(sync_pair.replica_url, "SELECT max(id) FROM applied") == [(value,)]


def test_unusable_pg_bin_is_an_error_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    with pytest.raises(ReplicaPairError, match="PG_BIN") as info:
        with streaming_pair(tmp_path):
            pass
    assert not isinstance(info.value, ReplicaPairUnavailable)


def test_missing_pg_basebackup_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = find_server_bindir()
    for exe in ("postgres", "initdb", "pg_ctl"):
        (tmp_path / exe).symlink_to(real / exe)
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    with pytest.raises(ReplicaPairError, match="pg_basebackup missing"):
        find_server_bindir()
