"""Writing buffered changes: recompute pending stored fields, then UPDATE in batches.

Also home of ``modified``: given records whose fields changed, find the computed fields
that depend on them (through the registry's trigger graph) and mark or invalidate them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import psycopg

from agora.db.sql import SQL
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import MissingError
from agora.orm.integrity import translate_integrity_error

if TYPE_CHECKING:
    from agora.orm.environment import Transaction
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: rows per batched UPDATE statement
UPDATE_BATCH = 1000
_SQL_TYPE = re.compile(r"^[a-z0-9]+$")


def flush_transaction(transaction: Transaction) -> None:
    env = Environment(transaction.cr, SUPERUSER_ID, {}, su=True, registry=transaction.registry)
    # Computing may modify other fields, and writing may trigger nothing new, so loop
    # until both queues are empty (bounded to catch dependency cycles).
    for _round in range(1000):
        while transaction.tocompute:
            field, ids = next(iter(transaction.tocompute.items()))
            if not ids:
                del transaction.tocompute[field]
                continue
            batch = tuple(sorted(ids))[:1000]
            records = env[field.model_name]._browse(batch, batch)
            try:
                records._compute_field_values(field)
            except MissingError:
                # some were deleted meanwhile (ON DELETE CASCADE from another table):
                # nothing to recompute for them
                existing = records.exists()
                ids.difference_update(set(batch) - set(existing._ids))
                existing._compute_field_values(field)
            ids.difference_update(batch)
        if not transaction.towrite:
            return
        model_name = next(iter(transaction.towrite))
        rows = transaction.towrite.pop(model_name)
        write_rows(env[model_name], rows)
    raise RuntimeError("flush did not converge: computed field dependencies form a cycle")


def write_pending(transaction: Transaction) -> None:
    """Write every buffered value, without recomputing anything."""
    env = Environment(transaction.cr, SUPERUSER_ID, {}, su=True, registry=transaction.registry)
    while transaction.towrite:
        model_name = next(iter(transaction.towrite))
        rows = transaction.towrite.pop(model_name)
        write_rows(env[model_name], rows)


def write_rows(model: BaseModel, rows: dict[int, dict[str, Any]]) -> None:
    """UPDATE the given rows: one statement per group of rows writing the same columns."""
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for id_, values in rows.items():
        groups[tuple(sorted(values))].append(id_)
    fields = model._fields
    table = SQL.identifier(model._table)
    cr = model.env.cr
    for names, ids in groups.items():
        columns = [fields[name] for name in names]
        for start in range(0, len(ids), UPDATE_BATCH):
            chunk = ids[start:start + UPDATE_BATCH]
            if len(chunk) == 1:
                values = rows[chunk[0]]
                assignments = SQL.join(", ", (
                    SQL("%s = %s", SQL.identifier(f.name), f.convert_to_column(values[f.name]))
                    for f in columns))
                query = SQL("UPDATE %s SET %s WHERE id = %s", table, assignments, chunk[0])
            else:
                query = _batched_update(model, columns, chunk, rows)
            try:
                cr.execute(query)
            except psycopg.errors.IntegrityError as exc:
                raise translate_integrity_error(exc, model) from None
            if cr.rowcount != len(chunk):  # a write to ids that do not exist (any more)
                raise MissingError(
                    f"{model._name}: records {_missing(cr, model, chunk)} do not exist or "
                    "have been deleted", model=model._name)


def _missing(cr: Any, model: BaseModel, ids: list[int]) -> list[int]:
    cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s)", SQL.identifier(model._table), ids))
    found = {row[0] for row in cr.fetchall()}
    return [id_ for id_ in ids if id_ not in found]


def _batched_update(model: BaseModel, columns: list[Field], ids: list[int],
                    rows: dict[int, dict[str, Any]]) -> SQL:
    casts = []
    for field in columns:
        sql_type = field.sql_type or ""
        if not _SQL_TYPE.match(sql_type):
            raise ValueError(f"{field}: unexpected SQL type {sql_type!r}")
        casts.append(f"%s::{sql_type}")
    row_code = "(%s::int4, " + ", ".join(casts) + ")"
    params: list[Any] = []
    for id_ in ids:
        values = rows[id_]
        params.append(id_)
        params.extend(f.convert_to_column(values[f.name]) for f in columns)
    values_sql = SQL._raw(", ".join([row_code] * len(ids)), tuple(params))
    names = SQL.join(", ", (SQL.identifier(f.name) for f in columns))
    assignments = SQL.join(", ", (SQL("%s = %s", SQL.identifier(f.name),
                                      SQL.identifier("__v", f.name)) for f in columns))
    return SQL("UPDATE %s SET %s FROM (VALUES %s) AS __v(id, %s) WHERE %s = __v.id",
               SQL.identifier(model._table), assignments, values_sql, names,
               SQL.identifier(model._table, "id"))


def modified(records: BaseModel, fields: list[Field], create: bool = False) -> None:
    """Mark for recomputation (stored) or drop from the cache (not stored) every computed
    field that depends on ``fields`` of ``records``, transitively.

    ``create`` says ``records`` were just inserted: no other record can point to them yet,
    so dependents reached backwards through a many2one/many2many are skipped (no query).
    """
    if not records or not fields:
        return
    registry = records.env.registry
    triggers = registry.field_triggers
    if not any(field in triggers for field in fields):
        return
    transaction = records.env.transaction
    cache = transaction.cache
    seen: set[tuple[Field, int]] = set()
    todo: list[tuple[BaseModel, list[Field]]] = [(records.sudo(), fields)]
    first = True
    while todo:
        recs, changed = todo.pop()
        for field in changed:
            for target_field, path in triggers.get(field, ()):
                if path and create and first and _needs_search(path[-1:]):
                    continue
                if not target_field.store and target_field not in triggers \
                        and _needs_search(path):
                    # Only cached values depend on the change, and nothing depends on
                    # them: dropping them is enough, and cheaper than a reverse search
                    # per write (which would make loops of writes N+1).
                    _drop_cached(transaction, target_field)
                    continue
                targets = _reverse(recs, path)
                ids = [id_ for id_ in targets._ids if (target_field, id_) not in seen]
                if not ids:
                    continue
                seen.update((target_field, id_) for id_ in ids)
                field_cache = cache[target_field]
                if target_field.store:
                    # remember what the database holds: recomputing the same value
                    # then costs no UPDATE
                    before = transaction.stored_before[target_field]
                    for id_ in ids:
                        if id_ in field_cache:
                            before[id_] = field_cache.pop(id_)
                    transaction.tocompute[target_field].update(ids)
                else:
                    for id_ in ids:
                        field_cache.pop(id_, None)
                todo.append((targets._browse(tuple(ids), tuple(ids)), [target_field]))
        first = False


def _needs_search(path: tuple[Field, ...]) -> bool:
    """Whether reversing ``path`` needs a query (only one2many steps use the cache)."""
    return any(field.type != "one2many" or field.computed for field in path)


def _drop_cached(transaction: Transaction, field: Field) -> None:
    """Forget the cached values of a non-stored computed field (except those being
    computed right now, which the running compute method is assigning)."""
    field_cache = transaction.cache.get(field)
    if not field_cache:
        return
    protected = transaction.protected.get(field)
    if protected:
        for id_ in [id_ for id_ in field_cache if id_ not in protected]:
            del field_cache[id_]
    else:
        field_cache.clear()


def _reverse(records: BaseModel, path: tuple[Field, ...]) -> BaseModel:
    """The records from which following ``path`` reaches some of ``records``."""
    for field in reversed(path):
        model = records.env[field.model_name]
        if not records:
            return model
        if field.type == "one2many" and not field.computed:
            records = records.mapped(field.inverse_name)
        else:
            records = model.with_context(active_test=False).search(
                [(field.name, "in", list(records._ids))])
    return records
