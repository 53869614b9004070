"""Connection pools: one to the primary, optional ones to read replicas.

Every connection runs its transactions at REPEATABLE READ and loads ``numeric`` as
``float`` (the ORM's Float and Monetary values are floats; rounding is done by fields).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.types.numeric import FloatLoader
from psycopg_pool import ConnectionPool

from agora.db.cursor import Cursor


def configure_connection(connection: psycopg.Connection) -> None:
    """Settings every Agora connection shares, pooled or not."""
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.adapters.register_loader("numeric", FloatLoader)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A single configured connection outside any pool (schema tools, tests)."""
    connection = psycopg.connect(url, autocommit=autocommit)
    configure_connection(connection)
    return connection


class DatabasePools:
    """The primary pool and the replica pools of one database.

    ``cursor(readonly=True)`` picks a replica when one is configured; routing rules
    (read-your-writes, fallback) are applied by the caller's layer.
    """

    def __init__(self, primary_url: str, replica_urls: list[str] | None = None, *,
                 min_size: int = 1, max_size: int = 10, log_queries: bool = False) -> None:
        self.primary_url = primary_url
        self.log_queries = log_queries
        self.primary = self._make_pool(primary_url, min_size, max_size)
        self.replicas = [self._make_pool(url, 0, max_size) for url in replica_urls or ()]

    @staticmethod
    def _make_pool(url: str, min_size: int, max_size: int) -> ConnectionPool:
        return ConnectionPool(url, min_size=min_size, max_size=max_size,
                              configure=configure_connection, open=True)

    def pool_for(self, readonly: bool) -> ConnectionPool:
        if readonly and self.replicas:
            return random.choice(self.replicas)
        return self.primary

    @contextmanager
    def cursor(self, *, readonly: bool = False) -> Iterator[Cursor]:
        """A cursor in a fresh transaction: committed when the block succeeds, rolled
        back when it raises, and its connection returned to the pool either way."""
        pool = self.pool_for(readonly)
        with pool.connection() as connection:
            with Cursor(connection, readonly=readonly, log_queries=self.log_queries) as cr:
                yield cr

    def close(self) -> None:
        for pool in (self.primary, *self.replicas):
            pool.close()
