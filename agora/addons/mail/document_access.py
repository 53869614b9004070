"""SQL building blocks for rows that belong to a document (``model``, ``res_id``):
messages, followers, activities. Their access follows the document's, so the checks
are conditions on the row's two columns, evaluated inside the query that needs them
(a search's own query, or one query for a check by id): never a query per row or per
document model.

- :func:`documents` is the condition "the row names a record of a model inheriting a
  mixin (``mail.thread``...) on which the user may do an operation": the model's access
  rights, then its record rules as an EXISTS on the document's key.
- :func:`check_rows` refuses (AccessError, one query) the rows of a recordset that do
  not match a condition; :func:`check_values` the same for rows not inserted yet.
- :func:`any_of`, :func:`all_of` and :func:`user_partner` compose conditions.

Everything is TRUE / a no-op for the superuser and without an access policy.

Limits: a document model that restricts access only in Python (an override of
``check_access`` or of ``search``) is not seen by these conditions; give it a record
rule or an ``_apply_access_rules`` override instead.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from agora.db.sql import SQL
from agora.orm import access
from agora.orm.exceptions import AccessError, MissingError
from agora.orm.query import FALSE, TRUE, Query, make_alias

#: the column types a row checked before it exists may have (VALUES needs them typed)
_CASTS = {"varchar": "%s::varchar", "integer": "%s::integer"}

#: (id(registry), mixin) -> (the registry, id of its models, the models inheriting the
#: mixin): worked out once per set of models, not at every search
_INHERITING: dict[tuple[int, str], tuple[weakref.ref[Any], int, tuple[str, ...]]] = {}


def models_inheriting(registry: Any, mixin: str) -> tuple[str, ...]:
    """The concrete models of ``registry`` that inherit ``mixin`` (e.g. ``mail.thread``:
    the models with a chatter)."""
    key = (id(registry), mixin)
    known = _INHERITING.get(key)
    if known is not None and known[0]() is registry and known[1] == id(registry.models):
        return known[2]
    base = registry.models.get(mixin)
    names = tuple(name for name, cls in registry.items()
                  if base is not None and not cls._abstract and issubclass(cls, base))
    for gone in [k for k, entry in _INHERITING.items() if entry[0]() is None]:
        del _INHERITING[gone]  # registries gone
    _INHERITING[key] = (weakref.ref(registry), id(registry.models), names)
    return names


def documents(env: Any, alias: str, model_column: str, id_column: str, operation: str,
              mixin: str = "mail.thread") -> SQL:
    """The SQL condition that the row ``alias`` names, by its columns ``model_column``
    and ``id_column``, a record of a model inheriting ``mixin`` on which the user of
    ``env`` may ``operation`` (read, write): access rights on the model, and the record
    passes the model's record rules. TRUE for the superuser; FALSE when no model is
    allowed at all. Rows naming any other model match only for the superuser."""
    policy = access.active_policy(env)
    if policy is None:
        return TRUE

    def column(name: str) -> SQL:
        return SQL.identifier(alias, name)

    free: list[str] = []
    parts: list[SQL] = []
    for name in models_inheriting(env.registry, mixin):
        try:
            # the policy itself, not access.check_model: a filter, not a refused attempt
            policy.check_model(env, name, operation)
        except AccessError:
            continue
        document = env[name]
        sub = Query(document._table, make_alias(alias, f"{operation}_document"))
        document._apply_access_rules(sub, operation)
        if sub.is_empty:
            continue
        if sub.where_clause == TRUE:
            free.append(name)
            continue
        # correlated on the primary key: one row looks up one document
        sub.add_where(SQL("%s = %s", SQL.identifier(sub.alias, "id"), column(id_column)))
        parts.append(SQL("(%s = %s AND EXISTS (%s))", column(model_column), name,
                         sub.select(SQL("1"))))
    if free:
        parts.insert(0, SQL("(%s = ANY(%s) AND %s > 0)", column(model_column), free,
                            column(id_column)))
    if not parts:
        return FALSE
    return SQL("(%s)", SQL.join(" OR ", parts))


def user_partner(env: Any) -> SQL:
    """The partner of the user of ``env``, looked up in the query that uses it rather
    than with a query of its own."""
    return SQL("(SELECT partner_id FROM %s WHERE id = %s)",
               SQL.identifier(env["res.users"]._table), env.uid)


def any_of(*conditions: SQL) -> SQL:
    """``conditions`` ORed, folding the constants (TRUE wins, FALSE drops out)."""
    return _fold(" OR ", TRUE, FALSE, conditions)


def all_of(*conditions: SQL) -> SQL:
    """``conditions`` ANDed, folding the constants (FALSE wins, TRUE drops out)."""
    return _fold(" AND ", FALSE, TRUE, conditions)


def _fold(operator: str, absorbing: SQL, neutral: SQL, conditions: tuple[SQL, ...]) -> SQL:
    if any(condition == absorbing for condition in conditions):
        return absorbing
    kept = [condition for condition in conditions if condition != neutral]
    if not kept:
        return neutral
    return kept[0] if len(kept) == 1 else SQL("(%s)", SQL.join(operator, kept))


def check_values(model: Any, operation: str, columns: dict[str, str],
                 rows: list[tuple[Any, ...]], condition: Callable[[Any, str], SQL],
                 rule: str, reason: str) -> None:
    """Raise AccessError unless every one of ``rows`` matches ``condition(model,
    alias)``: a check of rows before they exist (one query; none for the superuser).
    ``columns`` names the values of each row, in order, with their types (keys of
    ``_CASTS``)."""
    env = model.env
    if not rows or access.active_policy(env) is None:
        return
    alias = "vals"
    matched = condition(model, alias)
    if matched == FALSE:
        found = 0
    else:
        listing = SQL.join(", ", [SQL("(%s)", SQL.join(", ", [
            SQL(_CASTS[kind], value) for kind, value in zip(columns.values(), row, strict=True)
        ])) for row in rows])
        env.cr.execute(SQL("SELECT COUNT(*) FROM (VALUES %s) AS %s(%s) WHERE %s", listing,
                           SQL.identifier(alias),
                           SQL.join(", ", [SQL.identifier(name) for name in columns]),
                           matched))
        found = env.cr.fetchone()[0]
    if found == len(rows):
        return
    error = AccessError(
        f"You are not allowed to {access.VERBS.get(operation, operation)} "
        f"{access.describe_model(model)} records: {reason} ('{rule}', operation: "
        f"{operation}).", model=model._name)
    access.note_refusal(model, operation, error, "rule", [], [rule])
    raise error


def check_rows(records: Any, operation: str, condition: Callable[[Any, str], SQL],
               rule: str, reason: str) -> None:
    """Raise AccessError unless every row of ``records`` matches ``condition(records,
    alias)`` (one query; none for the superuser), MissingError when none of the refused
    ids exists. ``rule`` names the restriction and ``reason`` says why in the message."""
    env = records.env
    ids = [id_ for id_ in dict.fromkeys(records._ids) if isinstance(id_, int)]
    if not ids or access.active_policy(env) is None:
        return
    transaction = env.transaction
    if transaction.towrite or transaction.tocompute:
        transaction.flush()  # the query must see the pending values
    query = Query(records._table)
    query.add_where(SQL("%s = ANY(%s)", SQL.identifier(query.alias, "id"), ids))
    query.add_where(condition(records, query.alias))
    found: set[int] = set()
    if not query.is_empty:
        env.cr.execute(query.select())
        found = {row[0] for row in env.cr.fetchall()}
    refused = [id_ for id_ in ids if id_ not in found]
    if not refused:
        return
    env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id",
                       SQL.identifier(records._table), refused))
    existing = [row[0] for row in env.cr.fetchall()]
    if not existing:
        raise MissingError(f"Record does not exist or has been deleted: "
                           f"{records._name}{tuple(refused)}", model=records._name)
    shown = ", ".join(map(str, existing[:10])) + (", ..." if len(existing) > 10 else "")
    error = AccessError(
        f"You are not allowed to {access.VERBS.get(operation, operation)} "
        f"{access.describe_model(records)} records [{shown}]: {reason} ('{rule}', "
        f"operation: {operation}).", model=records._name)
    access.note_refusal(records, operation, error, "rule", existing, [rule])
    raise error
