"""Shared by the replica routing tests: a database on a real primary + hot standby pair,
and ways to make the standby lag on purpose."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from agora.db.url import url_for_database
from agora.testing.replica import StreamingPair


def pause_replay(pair: StreamingPair) -> None:
    """The standby keeps receiving WAL but stops applying it: it lags for sure."""
    with psycopg.connect(pair.replica_url, autocommit=True) as connection:
        connection.execute("SELECT pg_wal_replay_pause()")


def resume_replay(pair: StreamingPair) -> None:
    with psycopg.connect(pair.replica_url, autocommit=True) as connection:
        connection.execute("SELECT pg_wal_replay_resume()")
    pair.wait_replayed()


@contextmanager
def replay_paused(pair: StreamingPair) -> Iterator[None]:
    pause_replay(pair)
    try:
        yield
    finally:
        resume_replay(pair)


def database_urls(pair: StreamingPair, dbname: str) -> tuple[str, str]:
    """(primary URL, replica URL) of ``dbname``, once the standby has it."""
    pair.wait_replayed()
    return url_for_database(pair.primary_url, dbname), url_for_database(pair.replica_url, dbname)


def wait_until(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
