"""Loading field values into the cache: column prefetch, x2many relations, and
computed fields (batched over the prefetch set, so loops stay at one query per level)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

from agora.db.sql import SQL
from agora.orm import access
from agora.orm.exceptions import MissingError
from agora.orm.newid import NewId
from agora.orm.query import Query

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: How many records one prefetch query loads at most.
PREFETCH_MAX = 1000


class FetchMixin:
    __slots__ = ()

    # -- entry point from Field.__get__ --------------------------------------------
    def _fetch_field(self: BaseModel, field: Field) -> None:
        """Make ``field`` available in the cache for ``self`` (a single record) and as
        many records of its prefetch set as one batch allows."""
        if type(self._ids[0]) is NewId:
            self._fetch_new_field(field)
            return
        if field.computed and not (field.store and self._is_stored_and_clean(field)):
            self._compute_batch(field)
            return
        if field.type in ("one2many", "many2many"):
            ids = self._prefetch_batch(field)
            self._fetch_x2many(field, ids)
            return
        if not field.column:
            raise ValueError(f"{field} cannot be fetched")
        ids = self._prefetch_batch(field)
        fields = self._prefetch_fields if field.prefetch else (field,)
        self._fetch_columns(ids, fields)
        if self._ids[0] not in self.env.cache[field]:
            if access.active_policy(self.env) is not None:
                raise access.refusal(self, "read", [self._ids[0]])
            raise MissingError(
                f"Record does not exist or has been deleted: {self._name}({self._ids[0]},)",
                model=self._name)

    def _is_stored_and_clean(self: BaseModel, field: Field) -> bool:
        pending = self.env.transaction.tocompute.get(field)
        return not pending or self._ids[0] not in pending

    def _prefetch_batch(self: BaseModel, field: Field) -> list[int]:
        """``self`` first, then other prefetchable records missing ``field``."""
        field_cache = field.cache_for(self.env)
        first = self._ids[0]
        ids = [first]
        # new (in-memory) records in the prefetch set have no row to load
        candidates = (id_ for id_ in self._prefetch_ids
                      if id_ != first and id_ not in field_cache and type(id_) is not NewId)
        ids.extend(islice(dict.fromkeys(candidates), PREFETCH_MAX - 1))
        return ids

    # -- columns ----------------------------------------------------------------------
    def _fetch_columns(self: BaseModel, ids: list[int], fields: Iterable[Field]) -> None:
        """One SELECT of ``fields`` for ``ids``; results go to the cache."""
        fields = [f for f in fields if f.column and f.name != "id"]
        transaction = self.env.transaction
        if self._name in transaction.towrite or transaction.tocompute:
            transaction.flush()
        query = Query(self._table)
        query.add_where(SQL("%s = ANY(%s)", SQL.identifier(self._table, "id"), ids))
        self._apply_access_rules(query, "read")
        columns = [SQL.identifier(self._table, "id")]
        columns.extend(SQL.identifier(self._table, f.name) for f in fields)
        self.env.cr.execute(query.select(*columns))
        self._store_rows(self.env.cr.fetchall(), fields)
        if self._name in transaction.towrite:
            # only while flushing: keep the values not yet written over the stale ones
            transaction.restore_pending((self._name,))

    def _store_rows(self: BaseModel, rows: list[tuple[Any, ...]], fields: list[Field],
                    offset: int = 1) -> list[int]:
        """Put SELECTed rows (id first) in the cache, column by column (fast path)."""
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))
        ids = columns[0]
        cache = self.env.cache
        for index, field in enumerate(fields, start=offset):
            convert = field.convert_from_column
            values = columns[index]
            if type(field).convert_from_column is _IDENTITY:
                cache[field].update(zip(ids, values, strict=True))
            else:
                cache[field].update(zip(ids, map(convert, values), strict=True))
        # Values awaiting recomputation are stale in the database: keep them out of
        # the cache so that reading them triggers the compute.
        tocompute = self.env.transaction.tocompute
        if tocompute:
            for field in fields:
                pending = tocompute.get(field)
                if pending:
                    field_cache = cache[field]
                    for id_ in pending.intersection(ids):
                        field_cache.pop(id_, None)
        return list(ids)

    # -- relations ------------------------------------------------------------------------
    def _fetch_x2many(self: BaseModel, field: Field, ids: list[int]) -> None:
        comodel = self.env[field.comodel_name]
        transaction = self.env.transaction
        if transaction.towrite or transaction.tocompute:
            transaction.flush()
        values: dict[int, list[int]] = {id_: [] for id_ in ids}
        domain = field.domain if isinstance(field.domain, list) else []
        if field.type == "one2many":
            inverse = comodel._fields[field.inverse_name]
            query = comodel._search([(field.inverse_name, "in", ids), *domain])
            if query.is_empty:
                rows: list[tuple[Any, ...]] = []
            else:
                # Load the lines' own columns in the same query: walking the lines next
                # (the usual case) then costs nothing.
                extra = [f for f in comodel._prefetch_fields if f is not inverse]
                columns = [SQL.identifier(query.alias, "id"),
                           SQL.identifier(query.alias, inverse.name)]
                columns.extend(SQL.identifier(query.alias, f.name) for f in extra)
                self.env.cr.execute(query.select(*columns))
                rows = self.env.cr.fetchall()
                comodel._store_rows(rows, [inverse, *extra])
            for row in rows:
                values[row[1]].append(row[0])
        else:
            query = comodel._search(domain)
            if not query.is_empty:
                rel = "__rel"
                query.left_join(rel, field.relation, SQL(
                    "%s = %s", SQL.identifier(rel, field.column2),
                    SQL.identifier(query.alias, "id")))
                query.add_where(SQL("%s = ANY(%s)", SQL.identifier(rel, field.column1), ids))
                self.env.cr.execute(query.select(SQL.identifier(rel, field.column1),
                                                 SQL.identifier(query.alias, "id")))
                for source, target in self.env.cr.fetchall():
                    values[source].append(target)
        field_cache = field.cache_for(self.env)
        for id_, targets in values.items():
            field_cache[id_] = tuple(targets)

    # -- computed fields ----------------------------------------------------------------
    def _compute_batch(self: BaseModel, field: Field) -> None:
        """Compute ``field`` for ``self`` and the prefetch set records that lack it."""
        transaction = self.env.transaction
        pending = transaction.tocompute.get(field)
        if field.store and pending:
            ids = [self._ids[0], *[i for i in pending if i != self._ids[0]]][:PREFETCH_MAX]
        else:
            ids = self._prefetch_batch(field)
        records = self._browse(tuple(ids), self._prefetch_ids)
        records._compute_field_values(field)

    def _compute_field_values(self: BaseModel, field: Field) -> None:
        """Run the compute of ``field`` (and fields sharing its method) on ``self``."""
        transaction = self.env.transaction
        if field.related:
            group = [field]
        else:
            group = self.registry_field_group(field)
        records = self.sudo() if field.compute_sudo else self
        ids = self._ids
        with transaction.protecting(group, ids):
            if field.related:
                records._compute_related(field)
            elif callable(field.compute):
                field.compute(records)
            else:
                getattr(records, field.compute)()
        for member in group:
            member_cache = self.env.cache[member]
            missing = [id_ for id_ in ids if id_ not in member_cache]
            if missing:
                raise ValueError(f"compute method of {member} did not assign a value to "
                                 f"{self._name}{tuple(missing)}")
            pending = transaction.tocompute.get(member)
            if pending:
                pending.difference_update(ids)

    @classmethod
    def registry_field_group(cls, field: Field) -> list[Field]:
        """Fields computed by the same method as ``field``."""
        return [f for f in cls._fields.values()
                if f.compute is not None and f.compute == field.compute
                and f.store == field.store] or [field]

    def _compute_related(self: BaseModel, field: Field) -> None:
        *path, last = field.related.split(".")
        transaction = self.env.transaction
        for record in self:
            target: Any = record
            for name in path:
                target = target[name]
                if len(target) > 1:
                    target = target[:1]
            value = target[last] if target else None
            target_field = target._fields[last] if target else field
            cache_value = (target_field.convert_to_cache(value, record)
                           if value is not None else field.empty_value())
            transaction.set_computed(field, record._ids, cache_value)

    def _inverse_related(self: BaseModel, field: Field, value: Any) -> None:
        *path, last = field.related.split(".")
        for record in self:
            target: Any = record
            for name in path:
                target = target[name]
            if target:
                target.write({last: value})

    def _compute_display_name(self: BaseModel) -> None:
        rec_name = self._rec_name_field()
        transaction = self.env.transaction
        display_field = self._fields["display_name"]
        if rec_name == "id":
            for record in self:
                transaction.set_computed(display_field, record._ids,
                                         f"{self._name},{record._ids[0]}")
            return
        name_field = self._fields[rec_name]
        for record in self:
            value = name_field.__get__(record, type(record))
            if hasattr(value, "_ids"):
                value = value.display_name if value else False
            transaction.set_computed(display_field, record._ids,
                                     value if value not in (None, False) else "")

    def _apply_access_rules(self: BaseModel, query: Query, operation: str) -> None:
        """Restrict ``query`` to the records the user may ``operation``: the record rules
        of the registry's access policy (none in the kernel, see :mod:`agora.orm.access`)."""
        access.apply_rules(self, query, operation)


from agora.orm.fields.base import Field as _Field  # noqa: E402

_IDENTITY = _Field.convert_from_column
