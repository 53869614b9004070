"""Schema synchronisation: make tables, columns, constraints and indexes match the models.

Safe changes are applied (new tables and columns, widening type changes, NOT NULL when no
row is empty, foreign keys, indexes, relation tables, SQL constraints). A change that could
lose data (narrowing a type, changing it incompatibly) is refused with SchemaError.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from agora.db.sql import SQL, check_identifier
from agora.orm.exceptions import SchemaError

if TYPE_CHECKING:
    from agora.db.cursor import Cursor
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel
    from agora.orm.registry import Registry

_logger = logging.getLogger(__name__)

#: information_schema udt names of our DDL types
_UDT = {"varchar": "varchar", "text": "text", "int4": "int4", "float8": "float8",
        "numeric": "numeric", "bool": "bool", "date": "date", "timestamp": "timestamp",
        "jsonb": "jsonb", "bytea": "bytea"}
#: (from udt, to udt) conversions that keep every value
_SAFE_CASTS = {
    ("varchar", "text"), ("text", "varchar"), ("int4", "int8"), ("int4", "float8"),
    ("int4", "numeric"), ("float8", "numeric"), ("numeric", "float8"), ("date", "timestamp"),
    ("varchar", "varchar"), ("bool", "varchar"), ("int4", "varchar"), ("int4", "text"),
}
_ONDELETE_CODES = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null",
                   "d": "set default"}


def sync_schema(registry: Registry, cr: Cursor) -> None:
    """Create or alter the tables of every model in ``registry``."""
    cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext('agora_schema_sync'))"))
    models = [m for m in registry.models.values() if m._auto and not m._abstract]
    with immediate_constraints(cr):
        for model in models:
            _sync_table(cr, model)
            # a model may own more than its fields' columns (e.g. secrets no field may
            # expose): ``_init_schema(cr)`` adds them, idempotently, after its table
            if hasattr(model, "_init_schema"):
                model._init_schema(cr)
        for model in models:
            _sync_constraints(cr, model, registry)


def add_missing_columns(cr: Cursor, table: str, columns: dict[str, str]) -> None:
    """Add to ``table`` the columns of ``columns`` (name -> type and default, source code
    of a model, never user input) it lacks. Nothing is altered, hence nothing locked,
    when none is missing: ``ADD COLUMN IF NOT EXISTS`` would lock the table (say
    ``res_users``, stopping every login) until the install commits."""
    cr.execute(SQL("SELECT column_name FROM information_schema.columns"
                   " WHERE table_schema = current_schema() AND table_name = %s", table))
    existing = {name for (name,) in cr.fetchall()}
    missing = [(check_identifier(name), ddl) for name, ddl in columns.items()
               if name not in existing]
    if missing:
        clauses = SQL.join(", ", (SQL(f"ADD COLUMN IF NOT EXISTS %s {ddl}",
                                      SQL.identifier(name)) for name, ddl in missing))
        cr.execute(SQL("ALTER TABLE %s %s", SQL.identifier(table), clauses))


def missing_tables(cr: Cursor, tables: list[str]) -> list[str]:
    """Those of ``tables`` that do not exist yet (one query)."""
    cr.execute(SQL("SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NULL",
                   list(tables)))
    return [name for (name,) in cr.fetchall()]


@contextmanager
def immediate_constraints(cr: Cursor) -> Iterator[None]:
    """Check deferred foreign keys now: PostgreSQL refuses to ALTER a table with pending
    checks (rows written earlier in the same transaction)."""
    cr.execute(SQL("SET CONSTRAINTS ALL IMMEDIATE"))
    yield
    cr.execute(SQL("SET CONSTRAINTS ALL DEFERRED"))


def _columns(cr: Cursor, table: str) -> dict[str, dict[str, Any]]:
    cr.execute(SQL("SELECT column_name, udt_name, is_nullable, character_maximum_length "
                   "FROM information_schema.columns WHERE table_schema = current_schema() "
                   "AND table_name = %s", table))
    return {name: {"udt": udt, "nullable": nullable == "YES", "size": size}
            for name, udt, nullable, size in cr.fetchall()}


def _sync_table(cr: Cursor, model: type[BaseModel]) -> None:
    table = SQL.identifier(model._table)
    cr.execute(SQL("CREATE TABLE IF NOT EXISTS %s (id SERIAL PRIMARY KEY)", table))
    existing = _columns(cr, model._table)
    for field in model._fields.values():
        if not field.column or field.name == "id":
            continue
        column = existing.get(field.name)
        ddl = field.ddl_type
        if column is None:
            cr.execute(SQL(f"ALTER TABLE %s ADD COLUMN %s {ddl}", table,
                           SQL.identifier(field.name)))
            column = {"udt": _UDT[field.sql_type], "nullable": True, "size": None}
        else:
            _alter_type(cr, model, field, column)
        _sync_not_null(cr, model, field, column)


def _alter_type(cr: Cursor, model: type[BaseModel], field: Field, column: dict[str, Any]) -> None:
    wanted = _UDT[field.sql_type]
    size = getattr(field, "size", None) if field.sql_type == "varchar" else None
    current = column["udt"]
    if current == wanted and (wanted != "varchar" or column["size"] == size):
        return
    table = SQL.identifier(model._table)
    name = SQL.identifier(field.name)
    if current == wanted == "varchar" and size and (column["size"] is None or column["size"] > size):
        cr.execute(SQL(f"SELECT count(*) FROM %s WHERE length(%s) > {int(size)}", table, name))
        if cr.fetchone()[0]:
            raise SchemaError(
                f"{model._name}.{field.name}: cannot shrink column to varchar({size}), some "
                "values are longer; shorten them first", model=model._name, field=field.name)
    elif (current, wanted) not in _SAFE_CASTS:
        cr.execute(SQL("SELECT count(*) FROM %s WHERE %s IS NOT NULL", table, name))
        if cr.fetchone()[0]:
            raise SchemaError(
                f"{model._name}.{field.name}: changing the column from {current} to {wanted} "
                "could lose data; migrate the values first", model=model._name, field=field.name)
    _logger.info("altering %s.%s from %s to %s", model._table, field.name, current, wanted)
    cr.execute(SQL(f"ALTER TABLE %s ALTER COLUMN %s TYPE {field.ddl_type} USING %s::{wanted}",
                   table, name, name))


def _sync_not_null(cr: Cursor, model: type[BaseModel], field: Field, column: dict[str, Any]) -> None:
    table = SQL.identifier(model._table)
    name = SQL.identifier(field.name)
    required = bool(field.required) and not field.computed
    if required and column["nullable"]:
        cr.execute(SQL("SELECT EXISTS (SELECT 1 FROM %s WHERE %s IS NULL)", table, name))
        if cr.fetchone()[0]:
            _logger.warning("%s.%s is required but has empty rows: NOT NULL not set",
                            model._name, field.name)
            return
        cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", table, name))
    elif not required and not column["nullable"]:
        cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", table, name))


def _existing_constraints(cr: Cursor, table: str) -> dict[str, tuple[str, str]]:
    cr.execute(SQL("SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                   "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = %s "
                   "AND t.relnamespace = current_schema()::regnamespace", table))
    return {name: (kind, definition) for name, kind, definition in cr.fetchall()}


def _sync_constraints(cr: Cursor, model: type[BaseModel], registry: Registry) -> None:
    table = SQL.identifier(model._table)
    constraints = _existing_constraints(cr, model._table)
    cr.execute(SQL("SELECT c.conname, c.confdeltype FROM pg_constraint c JOIN pg_class t "
                   "ON t.oid = c.conrelid WHERE t.relname = %s AND c.contype = 'f'", model._table))
    fk_actions = dict(cr.fetchall())
    # Only missing indexes are created: CREATE INDEX IF NOT EXISTS would still lock the
    # table against writes until the install commits, on every install, in every table.
    indexes = _existing_indexes(cr, model._table)
    for field in model._fields.values():
        if field.type == "many2one" and field.column:
            comodel = registry.models[field.comodel_name]
            if not comodel._auto or comodel._abstract:
                continue
            name = check_identifier(f"{model._table}_{field.name}_fkey"[:63])
            action = field.ondelete
            current = fk_actions.get(name)
            if current is not None and _ONDELETE_CODES.get(current) == action:
                pass
            else:
                if current is not None:
                    cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", table,
                                   SQL.identifier(name)))
                # The log fields point to the user doing the work, who may be the
                # superuser being created in the same transaction (base install).
                deferred = " DEFERRABLE INITIALLY DEFERRED" if field.name in (
                    "create_uid", "write_uid") else ""
                cr.execute(SQL(f"ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s"
                               f"(id) ON DELETE {action.upper()}{deferred}", table,
                               SQL.identifier(name),
                               SQL.identifier(field.name), SQL.identifier(comodel._table)))
        if field.column and field.name != "id" and (field.index or field.type == "many2one"
                                                    or field.name == "parent_path"):
            index = check_identifier(f"{model._table}__{field.name}_index"[:63])
            method = SQL(" text_pattern_ops") if field.name == "parent_path" else SQL("")
            if index not in indexes:
                cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s%s)",
                               SQL.identifier(index), table, SQL.identifier(field.name), method))
        if field.type == "many2many" and field.store and not field.computed:
            _sync_relation(cr, model, field, registry)
    for name, definition, _message in model._sql_constraints:
        full = f"{model._table}_{name}"
        existing = constraints.get(full)
        if existing and _same_definition(existing[1], definition):
            continue
        if existing:
            cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", table, SQL.identifier(full)))
        # The definition is source code of the model (like a column type), never user input.
        cr.execute(SQL._raw(f'ALTER TABLE "{model._table}" ADD CONSTRAINT "{full}" {definition}'))


def _existing_indexes(cr: Cursor, table: str) -> set[str]:
    cr.execute(SQL("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                   " AND tablename = %s", table))
    return {name for (name,) in cr.fetchall()}


#: Casts PostgreSQL adds when it prints a constraint back (``(0)::double precision``).
_CAST = re.compile(r"::[a-z_]+(?: [a-z_]+)*(?:\[\])?")


def _same_definition(current: str, declared: str) -> bool:
    """Whether PostgreSQL's rendering of a constraint is the declared one: compared
    without case, spaces, parentheses and the casts PostgreSQL adds, so an unchanged
    constraint is not dropped and re-added (and its table locked) at every install."""
    def squash(text: str) -> str:
        return "".join(ch for ch in _CAST.sub("", text.lower()) if ch not in ' ()"\n\t')
    return squash(current) == squash(declared)


def _sync_relation(cr: Cursor, model: type[BaseModel], field: Field, registry: Registry) -> None:
    comodel = registry.models[field.comodel_name]
    relation = SQL.identifier(field.relation)
    col1, col2 = SQL.identifier(field.column1), SQL.identifier(field.column2)
    cr.execute(SQL("CREATE TABLE IF NOT EXISTS %s (%s INTEGER NOT NULL REFERENCES %s(id) ON DELETE "
                   "CASCADE, %s INTEGER NOT NULL REFERENCES %s(id) ON DELETE CASCADE, "
                   "PRIMARY KEY (%s, %s))", relation, col1, SQL.identifier(model._table), col2,
                   SQL.identifier(comodel._table), col1, col2))
    index = check_identifier(f"{field.relation}__{field.column2}_index"[:63])
    cr.execute(SQL("SELECT to_regclass(%s) IS NULL", index))
    if cr.fetchone()[0]:
        cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s, %s)", SQL.identifier(index),
                       relation, col2, col1))
