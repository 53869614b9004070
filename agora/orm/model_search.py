"""search, search_count, search_read, name_search, name_create, and ORDER BY."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from agora.db.sql import SQL
from agora.orm import access, api
from agora.orm.domain import mentions_field, normalize_domain
from agora.orm.domain_sql import DomainCompiler
from agora.orm.exceptions import InvalidOrderError, InvalidValueError
from agora.orm.query import Query, make_alias

if TYPE_CHECKING:
    from agora.orm.models import BaseModel

_ORDER_TERM = re.compile(
    r"^\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?:\s+(?P<direction>asc|desc))?"
    r"(?:\s+nulls\s+(?P<nulls>first|last))?\s*$", re.IGNORECASE)


#: LIMIT and OFFSET are bigints in PostgreSQL
_MAX_BOUND = 2**63 - 1


def check_bound(model: BaseModel, name: str, value: Any) -> int:
    """A ``limit`` or ``offset`` a caller gave: an integer PostgreSQL takes, else a typed
    error (a string or a number beyond 64 bits would only fail in the driver)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_BOUND:
        raise InvalidValueError(f"{model._name}: invalid {name} {value!r}", model=model._name)
    return value


def check_names(model: BaseModel, name: str, value: Any) -> list[str]:
    """A list of field names (or specs) a caller gave, else a typed error: a number or a
    dict where the names should be would only fail further down, untyped."""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        names = list(value)
        if all(isinstance(item, str) for item in names):
            return names
    raise InvalidValueError(f"{model._name}: {name} must be a list of names, got {value!r}",
                            model=model._name)


class SearchMixin:
    __slots__ = ()

    # -- building queries -------------------------------------------------------------
    def _search(self: BaseModel, domain: Any, offset: int = 0, limit: int | None = None,
                order: str | None = None) -> Query:
        """A Query selecting the ids matching ``domain`` (nothing executed yet)."""
        domain = normalize_domain(domain, self._name)
        active = self._active_field_name()
        if active and self.env.context.get("active_test", True) and \
                not mentions_field(domain, active):
            domain = ["&", (active, "=", True), *domain] if domain else [(active, "=", True)]
        transaction = self.env.transaction
        if transaction.towrite or transaction.tocompute:
            transaction.flush()
        query = Query(self._table)
        query.add_where(DomainCompiler(self, query, query.alias).compile(domain))
        self._apply_access_rules(query, "read")
        if order is not False:
            query.order = self._order_to_sql(order or self._order, query, query.alias)
        if limit is not None and limit is not False:
            query.limit = check_bound(self, "limit", limit)
        if offset:
            query.offset = check_bound(self, "offset", offset)
        return query

    def _active_field_name(self: BaseModel) -> str | None:
        if self._active_name:
            return self._active_name
        return "active" if "active" in self._fields and self._fields["active"].column else None

    def _order_to_sql(self: BaseModel, order: str, query: Query, alias: str,
                      seen: frozenset[str] = frozenset()) -> SQL:
        if not isinstance(order, str):
            raise InvalidOrderError(f"{self._name}: invalid order {order!r}", model=self._name)
        terms: list[SQL] = []
        for part in order.split(","):
            match = _ORDER_TERM.match(part)
            if not match:
                raise InvalidOrderError(f"{self._name}: invalid order term {part.strip()!r}",
                                        model=self._name)
            name = match["field"]
            direction = (match["direction"] or "ASC").upper()
            nulls = f" NULLS {match['nulls'].upper()}" if match["nulls"] else ""
            field = self._fields.get(name)
            if field is None:
                raise InvalidOrderError(f"{self._name}: cannot order by unknown field {name!r}",
                                        model=self._name, field=name)
            if field.groups:
                access.check_fields(self, [field], "read")
            if field.type == "many2one" and field.column:
                comodel = self.env[field.comodel_name]
                if comodel._name in seen:
                    terms.append(SQL(f"%s {direction}{nulls}", SQL.identifier(alias, name)))
                    continue
                join_alias = make_alias(alias, name)
                query.left_join(join_alias, comodel._table, SQL(
                    "%s = %s", SQL.identifier(join_alias, "id"), SQL.identifier(alias, name)))
                sub_order = comodel._order
                if direction == "DESC":
                    sub_order = _reverse_order(sub_order)
                terms.append(comodel._order_to_sql(sub_order, query, join_alias,
                                                   seen | {self._name}))
                continue
            if not field.column:
                raise InvalidOrderError(
                    f"{self._name}: cannot order by {name!r}, it is not stored in a column",
                    model=self._name, field=name)
            column = SQL.identifier(alias, name)
            if field.type == "boolean":  # NULL is False: one rank, as Odoo orders them
                column = SQL("COALESCE(%s, FALSE)", column)
            terms.append(SQL(f"%s {direction}{nulls}", column))
        if not terms:
            raise InvalidOrderError(f"{self._name}: empty order", model=self._name)
        return SQL.join(", ", terms)

    # -- public search API ----------------------------------------------------------------
    @api.model
    def search(self: BaseModel, domain: Any = None, offset: int = 0, limit: int | None = None,
               order: str | None = None) -> BaseModel:
        """The records matching ``domain``, ordered by ``order`` (default ``_order``)."""
        self.browse().check_access("read")
        # a caller's False (odoo-client-lib sends it for "none") is the default order;
        # only internal callers of _search ask for no ORDER BY at all
        query = self._search(domain, offset, limit, order or None)
        if query.is_empty:
            return self.browse()
        self.env.cr.execute(query.select())
        ids = tuple(row[0] for row in self.env.cr.fetchall())
        return self._browse(ids, ids)

    @api.model
    def search_count(self: BaseModel, domain: Any = None, limit: int | None = None) -> int:
        self.browse().check_access("read")
        query = self._search(domain, limit=limit, order=False)
        if query.is_empty:
            return 0
        if limit is None or limit is False:
            self.env.cr.execute(query.select(SQL("COUNT(*)")))
        else:
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) AS t", query.select(SQL("1"))))
        return self.env.cr.fetchone()[0]

    @api.model
    def search_fetch(self: BaseModel, domain: Any, field_names: list[str], offset: int = 0,
                     limit: int | None = None, order: str | None = None) -> BaseModel:
        """search() that loads the column fields among ``field_names`` in the same query."""
        self.browse().check_access("read")
        fields = self._read_field_list(field_names)
        query = self._search(domain, offset, limit, order or None)  # False: default order
        if query.is_empty:
            return self.browse()
        columns = [f for f in fields if f.column and f.name != "id"
                   and not self.env.transaction.tocompute.get(f)]
        selected = [SQL.identifier(query.alias, "id")]
        selected.extend(SQL.identifier(query.alias, f.name) for f in columns)
        self.env.cr.execute(query.select(*selected))
        rows = self.env.cr.fetchall()
        ids = tuple(self._store_rows(rows, columns)) if columns else tuple(r[0] for r in rows)
        return self._browse(ids, ids)

    @api.model
    def search_read(self: BaseModel, domain: Any = None, fields: list[str] | None = None,
                    offset: int = 0, limit: int | None = None, order: str | None = None,
                    load: str | None = "_classic_read") -> list[dict[str, Any]]:
        """search() then read(), the columns fetched by the search query itself."""
        field_list = self._read_field_list(fields)
        if fields:
            access.check_fields(self, field_list, "read")
        else:
            field_list = access.accessible_fields(self, field_list)
        records = self.search_fetch(domain, [f.name for f in field_list], offset, limit, order)
        if not records:
            return []
        records._read_into_cache(field_list)
        return records._values_from_cache(field_list, use_display_name=load == "_classic_read")

    # -- names ------------------------------------------------------------------------------
    def _rec_name_field(self: BaseModel) -> str:
        if self._rec_name and self._rec_name in self._fields:
            return self._rec_name
        return "name" if "name" in self._fields else "id"

    @api.model
    def name_search(self: BaseModel, name: str = "", domain: Any = None,
                    operator: str = "ilike", limit: int | None = 100,
                    args: Any = None) -> list[tuple[int, str]]:
        """``[(id, display_name)]`` of records whose name matches ``name``."""
        domain = normalize_domain(domain or args or [], self._name)
        rec_name = self._rec_name_field()
        if name or operator not in ("ilike", "like", "=like", "=ilike"):
            if rec_name == "id":
                raise InvalidValueError(f"{self._name} has no name field to search",
                                        model=self._name)
            domain = ["&", (rec_name, operator, name), *normalize_domain(domain, self._name)] \
                if domain else [(rec_name, operator, name)]
        records = self.search(domain, limit=limit)
        return [(record.id, record.display_name) for record in records]

    @api.model
    def name_create(self: BaseModel, name: str) -> tuple[int, str]:
        rec_name = self._rec_name_field()
        if rec_name == "id":
            raise InvalidValueError(f"{self._name} has no name field: cannot name_create",
                                    model=self._name)
        record = self.create({rec_name: name})
        return (record.id, record.display_name)

    def name_get(self: BaseModel) -> list[tuple[int, str]]:
        return [(record.id, record.display_name) for record in self]


def _reverse_order(order: str) -> str:
    terms = []
    for part in order.split(","):
        match = _ORDER_TERM.match(part)
        if not match:
            raise InvalidOrderError(f"invalid order term {part.strip()!r}")
        direction = "asc" if (match["direction"] or "asc").lower() == "desc" else "desc"
        terms.append(f"{match['field']} {direction}")
    return ", ".join(terms)
