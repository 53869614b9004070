"""Connection pools: one to the primary, optional ones to read replicas, and the choice
of server for each unit of work (see :mod:`agora.db.replicas` for the replica rules).

Every connection runs its transactions at REPEATABLE READ and loads ``numeric`` as
``float`` (the ORM's Float and Monetary values are floats; rounding is done by fields).
A read-only unit runs in a READ ONLY transaction wherever it runs, so one that writes
fails the same way on the primary as on a replica (and is re-run as a write unit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.numeric import FloatLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from agora import metrics
from agora.db.cursor import Cursor, count_statement
from agora.db.replicas import PRIMARY_LSN_QUERY, ReplicaRouter, ReplicaState, lsn_to_int

_logger = logging.getLogger(__name__)

#: Seconds to wait for a replica connection before reading from the primary instead.
REPLICA_CONNECT_TIMEOUT = 2.0


def configure_connection(connection: psycopg.Connection) -> None:
    """Settings every Agora connection shares, pooled or not."""
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    connection.adapters.register_loader("numeric", FloatLoader)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A single configured connection outside any pool (schema tools, tests)."""
    connection = psycopg.connect(url, autocommit=autocommit)
    configure_connection(connection)
    return connection


def server_label(url: str) -> str:
    """``host:port`` of a connection URL (no credentials), to name a server in logs."""
    params = conninfo_to_dict(url)
    return f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"


@dataclass
class UnitOutcome:
    """Where one unit of work ran and what it left behind (filled in by
    :meth:`DatabasePools.cursor`, read by the transaction runner and the HTTP layer)."""

    server: str = "primary"  # "primary" or "replica"
    replica: ReplicaState | None = None
    #: the primary's WAL position after a write unit committed (read-your-writes)
    commit_lsn: int | None = None
    #: the unit failed because its connection broke (the server went away)
    connection_lost: bool = False
    retries: list[str] = field(default_factory=list)


class DatabasePools:
    """The primary pool and the replica pools of one database.

    ``cursor(readonly=True)`` runs on a usable replica when there is one (up, not lagging,
    caught up with ``min_lsn``), else on the primary.
    """

    def __init__(self, primary_url: str, replica_urls: list[str] | None = None, *,
                 min_size: int = 1, max_size: int = 10, log_queries: bool = False,
                 replica_max_lag: float = 5.0, replica_retry_after: float = 10.0,
                 replica_connect_timeout: float = REPLICA_CONNECT_TIMEOUT) -> None:
        self.primary_url = primary_url
        self.log_queries = log_queries
        self.replica_connect_timeout = replica_connect_timeout
        self.primary = self._make_pool(primary_url, min_size, max_size)
        # Replica pools start empty: a replica that is down must not delay start-up.
        self.replicas = [self._make_pool(url, 0, max_size, replica_connect_timeout)
                         for url in replica_urls or ()]
        self.router = ReplicaRouter(
            [(server_label(url), pool) for url, pool in zip(replica_urls or (), self.replicas,
                                                            strict=True)],
            max_lag=replica_max_lag, retry_after=replica_retry_after)

    @staticmethod
    def _make_pool(url: str, min_size: int, max_size: int,
                   connect_timeout: float | None = None) -> ConnectionPool:
        kwargs = {"connect_timeout": max(1, round(connect_timeout))} if connect_timeout else None
        return ConnectionPool(url, min_size=min_size, max_size=max_size, kwargs=kwargs,
                              configure=configure_connection, open=True)

    @contextmanager
    def cursor(self, *, readonly: bool = False, min_lsn: int = 0,
               outcome: UnitOutcome | None = None) -> Iterator[Cursor]:
        """A cursor in a fresh transaction: committed when the block succeeds, rolled
        back when it raises, and its connection returned to the pool either way.
        ``min_lsn``: a read-only unit must see the primary's state at that WAL position
        (the caller's last write)."""
        outcome = outcome if outcome is not None else UnitOutcome()
        chosen = self._replica_connection(min_lsn) if readonly and self.router else None
        if chosen is not None:
            outcome.replica, connection = chosen
            pool, outcome.server = outcome.replica.pool, "replica"
        else:
            pool, outcome.server, outcome.replica = self.primary, "primary", None
            connection = pool.getconn()
        metrics.add_pool_usage(outcome.server, "in_use", 1)
        try:
            connection.read_only = readonly
            with Cursor(connection, readonly=readonly, log_queries=self.log_queries,
                        on_replica=chosen is not None) as cr:
                yield cr
            if not readonly and self.router:
                outcome.commit_lsn = self._primary_position(connection)
        except BaseException:
            outcome.connection_lost = connection.broken or connection.closed
            raise
        finally:
            metrics.record_unit(readonly, outcome.server)
            metrics.add_pool_usage(outcome.server, "in_use", -1)
            self._release(pool, connection)

    def _replica_connection(self, min_lsn: int) -> tuple[ReplicaState, psycopg.Connection] | None:
        """A connection to a replica that may serve a read needing ``min_lsn``, or None
        (then the primary serves it)."""
        refusal = "down"
        for state in self.router.candidates():
            if _is_full(state.pool):
                refusal = "busy"  # every connection in use: the primary serves this one
                continue
            try:
                connection = state.pool.getconn(timeout=self.replica_connect_timeout)
            except PoolTimeout as exc:
                if _is_full(state.pool):
                    refusal = "busy"  # filled up meanwhile: healthy, just full
                else:
                    self.router.mark_down(state, exc)  # it could not connect
                continue
            except psycopg.OperationalError as exc:
                self.router.mark_down(state, exc)
                continue
            try:
                if self.router.needs_check(state, min_lsn):
                    self.router.check(state, connection)
            except psycopg.Error as exc:
                self._release(state.pool, connection)
                self.router.mark_down(state, exc)
                continue
            reason = self.router.refusal(state, min_lsn)
            if reason is None:
                return state, connection
            self._release(state.pool, connection)
            refusal = reason
        metrics.record_replica_skipped(refusal)
        return None

    def _primary_position(self, connection: psycopg.Connection) -> int | None:
        """The primary's WAL position just after this connection's commit (one query
        outside any transaction); None if it cannot be read (the commit stands)."""
        try:
            connection.autocommit = True
            try:
                count_statement()
                row = connection.execute(PRIMARY_LSN_QUERY).fetchone()
            finally:
                connection.autocommit = False
        except psycopg.Error as exc:
            _logger.warning("cannot read the primary's WAL position: %s", exc)
            return None
        position = lsn_to_int(row[0]) if row and row[0] else None
        if position is not None:
            self.router.note_commit(position)
        return position

    @staticmethod
    def _release(pool: ConnectionPool, connection: psycopg.Connection) -> None:
        if not connection.closed and connection.read_only:
            try:
                connection.read_only = False
            except psycopg.Error:  # still in a transaction: let the pool discard it
                connection.close()
        pool.putconn(connection)

    def close(self) -> None:
        for pool in (self.primary, *self.replicas):
            pool.close()


def _is_full(pool: ConnectionPool) -> bool:
    stats = pool.get_stats()
    return stats.get("pool_available", 0) == 0 and stats.get("pool_size", 0) >= (pool.max_size or 0)
