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
    if vals_list:
        records.env[field.comodel_name].create(vals_list)
    for record_id, _commands in entries:
        records._forget(field, record_id)


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
    for record_id in touched._ids:
        records._forget(field, record_id)
    records._invalidate_inverse_relations([field])
    modified(touched, [field])
    others = records.env.registry.inverse_fields.get(field, ())
    if others:
        targets = records.env[field.comodel_name].browse(linked)
        for other in others:
            modified(targets, [other])
