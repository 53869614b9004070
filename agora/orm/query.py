"""The query builder: FROM with joins, WHERE conditions, ORDER BY, LIMIT/OFFSET.

Everything is an :class:`SQL` object: values are parameters, identifiers are checked.
"""

from __future__ import annotations

import hashlib

from agora.db.sql import SQL, check_identifier

FALSE = SQL("FALSE")
TRUE = SQL("TRUE")


def make_alias(parent: str, link: str) -> str:
    """A readable, unique and valid alias for ``parent`` followed through ``link``."""
    alias = f"{parent}__{link}"
    if len(alias) > 63:
        digest = hashlib.sha256(alias.encode()).hexdigest()[:10]
        alias = f"{alias[:52]}_{digest}"
    return check_identifier(alias)


class Query:
    """A SELECT over one table (``alias``) with LEFT JOINs added by paths."""

    def __init__(self, table: str, alias: str | None = None) -> None:
        self.table = check_identifier(table)
        self.alias = check_identifier(alias or table)
        self._joins: dict[str, tuple[str, SQL]] = {}
        self._where: list[SQL] = []
        self.order: SQL | None = None
        self.limit: int | None = None
        self.offset: int = 0
        self.group_by: SQL | None = None

    # -- building ---------------------------------------------------------------
    def left_join(self, alias: str, table: str, condition: SQL) -> str:
        """Add ``LEFT JOIN table AS alias ON condition`` once; return the alias."""
        if alias not in self._joins:
            self._joins[check_identifier(alias)] = (check_identifier(table), condition)
        return alias

    def add_where(self, condition: SQL) -> None:
        if condition == TRUE:
            return
        self._where.append(condition)

    @property
    def is_empty(self) -> bool:
        """True when a condition is the constant FALSE: no row can match."""
        return any(condition == FALSE for condition in self._where)

    # -- rendering ----------------------------------------------------------------
    @property
    def from_clause(self) -> SQL:
        parts = [SQL("%s AS %s", SQL.identifier(self.table), SQL.identifier(self.alias))
                 if self.alias != self.table else SQL.identifier(self.table)]
        for alias, (table, condition) in self._joins.items():
            parts.append(SQL("LEFT JOIN %s AS %s ON %s", SQL.identifier(table),
                             SQL.identifier(alias), condition))
        return SQL.join(" ", parts)

    @property
    def where_clause(self) -> SQL:
        if not self._where:
            return TRUE
        if len(self._where) == 1:
            return self._where[0]
        return SQL.join(" AND ", (SQL("(%s)", c) for c in self._where))

    def select(self, *columns: SQL, distinct: bool = False) -> SQL:
        if not columns:
            columns = (SQL.identifier(self.alias, "id"),)
        parts = [SQL("SELECT DISTINCT" if distinct else "SELECT"), SQL.join(", ", columns),
                 SQL("FROM %s", self.from_clause)]
        if self._where:
            parts.append(SQL("WHERE %s", self.where_clause))
        if self.group_by:
            parts.append(SQL("GROUP BY %s", self.group_by))
        if self.order:
            parts.append(SQL("ORDER BY %s", self.order))
        if self.limit is not None:
            parts.append(SQL("LIMIT %s", int(self.limit)))
        if self.offset:
            parts.append(SQL("OFFSET %s", int(self.offset)))
        return SQL.join(" ", parts)

    def subselect(self, column: SQL | None = None) -> SQL:
        """This query as ``SELECT column ...`` for use in ``IN (...)``; ordering kept only
        when a limit makes it meaningful."""
        order, self.order = self.order, (self.order if self.limit is not None else None)
        try:
            return self.select(column or SQL.identifier(self.alias, "id"))
        finally:
            self.order = order

    def __repr__(self) -> str:
        sql = self.select()
        return f"<Query {sql.code!r} {sql.params!r}>"
