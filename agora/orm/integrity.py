"""Turn PostgreSQL integrity errors into typed ORM errors naming model and field."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import psycopg

from agora.orm.exceptions import ConstraintError

if TYPE_CHECKING:
    from agora.orm.models import BaseModel


def translate_integrity_error(exc: psycopg.errors.IntegrityError,
                              model: BaseModel) -> ConstraintError:
    diag = exc.diag
    table = diag.table_name or model._table
    constraint = diag.constraint_name or ""
    registry = model.env.registry
    owner = next((m for m in registry.models.values() if m._table == table and m._auto), None)
    model_name = owner._name if owner else model._name
    field_name = diag.column_name
    if isinstance(exc, psycopg.errors.NotNullViolation):
        message = f"{model_name}: field {field_name!r} is required"
    elif isinstance(exc, psycopg.errors.ForeignKeyViolation):
        # A many2many relation table belongs to no model: name the field instead.
        relation_field = None if owner else next(
            (f for f in model._fields.values()
             if f.type == "many2many" and getattr(f, "relation", None) == table), None)
        field_name = field_name or _fk_column(constraint, table)
        if relation_field is not None:
            field_name = relation_field.name
            message = (f"{model_name}: field {field_name!r} points to a record that does "
                       f"not exist ({diag.message_detail or constraint})")
        elif diag.table_name and owner is None or table != model._table:
            message = (f"{model._name}: the record is referenced by {model_name}"
                       f".{field_name} ({diag.message_detail or constraint})")
        else:
            message = (f"{model_name}: field {field_name!r} points to a record that does "
                       f"not exist ({diag.message_detail or constraint})")
    else:
        message = None
        if owner is not None:
            for name, definition, text in owner._sql_constraints:
                if constraint == f"{owner._table}_{name}":
                    message = f"{model_name}: {text}"
                    field_name = field_name or _constraint_field(owner, definition)
                    break
        if message is None:
            message = f"{model_name}: constraint {constraint} violated ({diag.message_detail or exc})"
    return ConstraintError(message, model=model_name, field=field_name, constraint=constraint)


def _fk_column(constraint: str, table: str) -> str | None:
    prefix, suffix = f"{table}_", "_fkey"
    if constraint.startswith(prefix) and constraint.endswith(suffix):
        return constraint[len(prefix):-len(suffix)]
    return None


def _constraint_field(model: type[BaseModel], definition: str) -> str | None:
    """The field a SQL constraint is about, when its definition names exactly one of the
    model's columns (``unique(email)`` -> ``email``); None when it names several."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", definition))
    names = [name for name, field in model._fields.items()
             if field.column and name != "id" and name in words]
    return names[0] if len(names) == 1 else None
