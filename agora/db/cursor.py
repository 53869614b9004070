"""A database cursor bound to one connection: counts queries, can log them, and runs
pre-commit (ORM flush) and post-commit (mail, bus, jobs) hooks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import psycopg

from agora.db.sql import SQL

_logger = logging.getLogger("agora.sql")

#: Statements run by every cursor in the current context (one HTTP request, for its log
#: line), when a counter is installed; cursors come and go within a request.
query_counter: ContextVar[list[int] | None] = ContextVar("agora_query_counter", default=None)


def count_statement() -> None:
    """Count one statement run outside a Cursor (routing checks) in the request's total."""
    counter = query_counter.get()
    if counter is not None:
        counter[0] += 1


class Cursor:
    """One transaction's cursor. ``execute`` takes an :class:`SQL` or a code string with
    psycopg parameters; every statement is counted in ``query_count``."""

    def __init__(self, connection: psycopg.Connection, *, readonly: bool = False,
                 log_queries: bool = False, dbname: str | None = None,
                 on_replica: bool = False) -> None:
        self.connection = connection
        self.readonly = readonly
        #: connected to a read replica (whose data may trail the primary's a little)
        self.on_replica = on_replica
        self.dbname = dbname or connection.info.dbname
        self.log_queries = log_queries
        self.query_count = 0
        self.query_log: list[tuple[str, tuple[Any, ...]]] | None = None
        self._cursor = connection.cursor()
        self.precommit: list[Callable[[], None]] = []
        self.postcommit: list[Callable[[], None]] = []
        self.postrollback: list[Callable[[], None]] = []
        # Per-transaction state owned by higher layers (the ORM cache lives here).
        self.transaction: Any = None
        #: the cache signals read at the start of this transaction, by name (``access``,
        #: ``xmlid``); a name missing: unknown, so nothing is shared across transactions
        self.cache_signals: dict[str, int] = {}
        self.closed = False

    # -- statements ---------------------------------------------------------
    def execute(self, query: SQL | str, params: tuple[Any, ...] | list[Any] | None = None) -> Cursor:
        if isinstance(query, SQL):
            if params is not None:
                raise TypeError("pass parameters inside the SQL object, not beside it")
            code, params = query.code, query.params
        else:
            code = query
        self.query_count += 1
        count_statement()
        if self.query_log is not None:
            self.query_log.append((code, tuple(params or ())))
        if self.log_queries:
            start = time.perf_counter()
            self._cursor.execute(code, params or None, prepare=None)
            _logger.info("%.2fms %s %r", (time.perf_counter() - start) * 1000, code, params)
        else:
            self._cursor.execute(code, params or None)
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone()

    def dictfetchall(self) -> list[dict[str, Any]]:
        names = [column.name for column in self._cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in self._cursor.fetchall()]

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run a block in a savepoint: on error only the block is undone."""
        self.flush()
        name = f"sp_{id(self)}_{self.query_count}"
        self.execute(SQL(f'SAVEPOINT "{name}"'))
        try:
            yield
        except BaseException:
            self.execute(SQL(f'ROLLBACK TO SAVEPOINT "{name}"'))
            if self.transaction is not None:
                self.transaction.clear()
            raise
        else:
            self.flush()
            self.execute(SQL(f'RELEASE SAVEPOINT "{name}"'))

    @contextmanager
    def capture(self) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
        """Record the statements executed inside the block (code, params)."""
        previous = self.query_log
        self.query_log = log = []
        try:
            yield log
        finally:
            if previous is not None:
                previous.extend(log)
            self.query_log = previous

    # -- transaction --------------------------------------------------------
    def flush(self) -> None:
        """Run pre-commit hooks that push pending work (the ORM's buffered writes)."""
        for hook in list(self.precommit):
            hook()

    def commit(self) -> None:
        self.flush()
        self.connection.commit()
        self.cache_signals = {}
        hooks, self.postcommit = self.postcommit, []
        self.postrollback = []
        for hook in hooks:
            hook()

    def rollback(self) -> None:
        self.connection.rollback()
        self.cache_signals = {}
        self.postcommit = []
        hooks, self.postrollback = self.postrollback, []
        if self.transaction is not None:
            self.transaction.clear()
        for hook in hooks:
            hook()

    def close(self) -> None:
        if not self.closed:
            self._cursor.close()
            self.closed = True

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None and not self.connection.closed:
                self.commit()
            elif not self.connection.closed:
                self.rollback()
        finally:
            self.close()
