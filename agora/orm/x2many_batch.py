"""x2many values of records created together, written in a few statements.

Creating 300 orders of 5 lines each through ``create([...])`` would otherwise insert the
lines order by order (and their many2many links line by line). On brand-new records the
common commands are simple: one2many CREATE and many2many SET/LINK, with nothing to
detach or delete; those are gathered across all records and written with one INSERT per
field. Anything else keeps the general per-record path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import psycopg

from agora.db.sql import SQL
from agora.orm.commands import Command
from agora.orm.flush import modified
from agora.orm.integrity import translate_integrity_error

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel


def write_new_x2many(records: BaseModel, later_by_record: list[dict[Field, Any]],
                     normalize: Any) -> list[dict[Field, Any]]:
    """Write the batchable x2many values of the new ``records``; return what is left for
    the per-record path. ``normalize(field, value, record)`` turns a value into commands."""
    batchable: dict[Field, list[tuple[int, list[tuple[Any, ...]]]]] = {}
    remaining: list[dict[Field, Any]] = []
    for record_id, later in zip(records._ids, later_by_record, strict=True):
        rest: dict[Field, Any] = {}
        for field, value in later.items():
            if field.type not in ("one2many", "many2many") or field.computed:
                rest[field] = value
                continue
            commands = normalize(field, value, records.browse(record_id))
            if _simple(field, commands):
                batchable.setdefault(field, []).append((record_id, commands))
            else:
                rest[field] = value
        remaining.append(rest)
    for field, entries in batchable.items():
        if field.type == "one2many":
            _create_lines(records, field, entries)
        else:
            _link_all(records, field, entries)
    return remaining


def _simple(field: Field, commands: list[tuple[Any, ...]]) -> bool:
    if field.type == "one2many":
        return all(command[0] == Command.CREATE for command in commands)
    return all(command[0] in (Command.SET, Command.LINK) for command in commands)


def _create_lines(records: BaseModel, field: Field, entries: list[tuple[int, list]]) -> None:
    inverse = field.inverse_name
    vals_list = [{**command[2], inverse: record_id}
                 for record_id, commands in entries for command in commands]
    comodel = records.env[field.comodel_name]
    lines = comodel.create(vals_list) if vals_list else comodel
    # The new parents' lines are exactly those just created: when their order can be
    # worked out from the cache, the one2many is known without reading it back.
    by_parent: dict[int, list[int]] = {record_id: [] for record_id, _commands in entries}
    for line_id, vals in zip(lines._ids, vals_list, strict=True):
        by_parent[vals[inverse]].append(line_id)
    key = None if field.domain else _order_key(comodel, inverse)
    field_cache = field.cache_for(records.env) if key else None
    for record_id, line_ids in by_parent.items():
        records._forget(field, record_id)
        if field_cache is not None:
            try:
                field_cache[record_id] = tuple(sorted(line_ids, key=key))
            except _Unknown:
                field_cache = None
                records._forget(field, record_id)


class _Unknown(Exception):
    """A value the order depends on is not in the cache."""


#: field types whose Python order is PostgreSQL's (no collation, no join)
_SORTABLE = frozenset(("integer", "float", "monetary", "date", "datetime", "boolean"))


def _order_key(comodel: BaseModel, inverse: str | None) -> Any:
    """A sort key reproducing ``comodel._order`` for lines of one parent, or None when the
    order needs the database (text collation, other many2ones, NULLS clauses)."""
    terms = []
    for part in comodel._order.split(","):
        words = part.split()
        if not words or len(words) > 2:
            return None
        name = words[0]
        descending = len(words) == 2 and words[1].lower() == "desc"
        if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
            return None
        if name == inverse:
            continue  # the same parent for every line
        field = comodel._fields.get(name)
        if name != "id" and (field is None or not field.column or field.type not in _SORTABLE):
            return None
        terms.append((None if name == "id" else field, descending))
    cache = comodel.env.cache

    def key(line_id: int) -> tuple:
        parts = []
        for field, descending in terms:
            if field is None:
                value = line_id
            else:
                values = cache[field]
                if line_id not in values:
                    raise _Unknown
                value = values[line_id]
                if field.type == "boolean":
                    value = bool(value)
            # PostgreSQL puts NULLs last ascending and first descending
            parts.append(_Ranked(value, descending))
        return tuple(parts)
    return key


class _Ranked:
    """One term of a sort key: NULL greater than any value; reversed when descending."""

    __slots__ = ("value", "descending")

    def __init__(self, value: Any, descending: bool) -> None:
        self.value = value
        self.descending = descending

    def __lt__(self, other: _Ranked) -> bool:
        a, b = (other.value, self.value) if self.descending else (self.value, other.value)
        if a is None:
            return False
        if b is None:
            return True
        return a < b

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ranked) and self.value == other.value


def _link_all(records: BaseModel, field: Field, entries: list[tuple[int, list]]) -> None:
    pairs: dict[tuple[int, int], None] = {}
    for record_id, commands in entries:
        for command in commands:
            targets = command[2] if command[0] == Command.SET else [command[1]]
            for target in targets:
                pairs[(record_id, target)] = None
    linked = list(dict.fromkeys(pair[1] for pair in pairs))
    if pairs:
        left = [pair[0] for pair in pairs]
        right = [pair[1] for pair in pairs]
        try:
            records.env.cr.execute(SQL(
                "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int4[], %s::int4[]) "
                "ON CONFLICT DO NOTHING", SQL.identifier(field.relation),
                SQL.identifier(field.column1), SQL.identifier(field.column2), left, right))
        except psycopg.errors.IntegrityError as exc:
            raise translate_integrity_error(exc, records) from None
    touched = records.browse([record_id for record_id, _commands in entries])
    # New records are linked to exactly these targets: known without reading them back
    # when their model's order can be worked out from the cache.
    comodel = records.env[field.comodel_name]
    key = _order_key(comodel, None)
    field_cache = field.cache_for(records.env) if key and not field.domain else None
    targets_of: dict[int, list[int]] = {record_id: [] for record_id in touched._ids}
    for record_id, target in pairs:
        targets_of[record_id].append(target)
    for record_id in touched._ids:
        records._forget(field, record_id)
        if field_cache is not None:
            try:
                field_cache[record_id] = tuple(sorted(targets_of[record_id], key=key))
            except _Unknown:
                field_cache = None
                records._forget(field, record_id)
    records._invalidate_inverse_relations([field])
    modified(touched, [field])
    others = records.env.registry.inverse_fields.get(field, ())
    if others:
        targets = records.env[field.comodel_name].browse(linked)
        for other in others:
            modified(targets, [other])
