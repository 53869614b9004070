"""The databases one server process serves: a pool set per database, opened on first use.

Pools are created lazily so a prefork master can build this object before forking:
each worker then opens its own connections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg

from agora.db.cursor import Cursor
from agora.db.pool import DatabasePools, UnitOutcome
from agora.db.transaction import run_in_transaction
from agora.db.url import list_databases, url_for_database, validate_dbname

T = TypeVar("T")


class UnknownDatabaseError(LookupError):
    """The database does not exist on the server (or may not be served)."""


class Databases:
    """``server_url`` names the PostgreSQL server (any database on it); each served
    database gets its own :class:`DatabasePools` (primary and replicas)."""

    def __init__(self, server_url: str, replica_urls: list[str] | None = None, *,
                 pool_min: int = 1, pool_max: int = 10, log_queries: bool = False,
                 replica_max_lag: float = 5.0, replica_retry_after: float = 10.0) -> None:
        self.server_url = server_url
        self.replica_urls = list(replica_urls or ())
        self.replica_max_lag = replica_max_lag
        self.replica_retry_after = replica_retry_after
        self.pool_min = pool_min
        self.pool_max = pool_max
        self.log_queries = log_queries
        self._pools: dict[str, DatabasePools] = {}
        self._lock = threading.Lock()
        #: dbname -> (initialised, when checked): a database once initialised stays so
        self._initialised: dict[str, tuple[bool, float]] = {}

    def list(self) -> list[str]:
        """Databases on the server one can connect to, maintenance database excluded."""
        return [name for name in list_databases(self.server_url) if name != "postgres"]

    def initialised(self, dbname: str, recheck_after: float = 10.0) -> bool:
        """Whether Agora is installed in ``dbname`` (its module table exists); a "no" is
        checked again after ``recheck_after`` seconds."""
        known = self._initialised.get(dbname)
        if known is not None and (known[0] or time.monotonic() - known[1] < recheck_after):
            return known[0]
        try:
            with psycopg.connect(url_for_database(self.server_url, dbname),
                                 autocommit=True, connect_timeout=5) as connection:
                row = connection.execute(
                    "SELECT to_regclass('ir_module_module') IS NOT NULL").fetchone()
            result = bool(row and row[0])
        except psycopg.Error:
            result = False
        self._initialised[dbname] = (result, time.monotonic())
        return result

    def served(self) -> list[str]:
        """Databases with Agora installed, sorted."""
        return [name for name in self.list() if self.initialised(name)]

    def check_served(self, dbname: str) -> None:
        """UnknownDatabaseError unless ``dbname`` is a valid name of a database with
        Agora installed (cheap once known: a "yes" is remembered)."""
        try:
            validate_dbname(dbname)
        except ValueError as exc:
            raise UnknownDatabaseError(str(exc)) from None
        if not self.initialised(dbname):
            raise UnknownDatabaseError(
                f"database {dbname!r} does not exist or has no Agora installed")

    def pools(self, dbname: str) -> DatabasePools:
        pools = self._pools.get(dbname)
        if pools is not None:
            return pools
        validate_dbname(dbname)
        with self._lock:
            pools = self._pools.get(dbname)
            if pools is None:
                if dbname not in list_databases(self.server_url):
                    raise UnknownDatabaseError(f"database {dbname!r} does not exist")
                pools = DatabasePools(
                    url_for_database(self.server_url, dbname),
                    [url_for_database(url, dbname) for url in self.replica_urls],
                    min_size=min(self.pool_min, self.pool_max), max_size=self.pool_max,
                    log_queries=self.log_queries, replica_max_lag=self.replica_max_lag,
                    replica_retry_after=self.replica_retry_after)
                self._pools[dbname] = pools
        return pools

    def run(self, dbname: str, work: Callable[[Cursor], T], *, readonly: bool = False,
            min_lsn: int = 0, outcome: UnitOutcome | None = None) -> T:
        """``work(cr)`` in one transaction on ``dbname`` (a database with Agora
        installed, else UnknownDatabaseError), replayed on conflicts; a read-only unit
        may run on a replica that has replayed ``min_lsn`` (see run_in_transaction)."""
        self.check_served(dbname)
        return run_in_transaction(self.pools(dbname), work, readonly=readonly,
                                  min_lsn=min_lsn, outcome=outcome)

    def forget(self, dbname: str) -> None:
        """Close the pools of a database (before it is dropped)."""
        with self._lock:
            pools = self._pools.pop(dbname, None)
        if pools is not None:
            pools.close()

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for item in pools:
            item.close()
