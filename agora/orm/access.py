"""Pluggable access control.

The kernel knows *where* access is checked (create/read/write/unlink, every search query
and column fetch, fields restricted to groups) but not *what* is allowed: that is the job
of an :class:`AccessPolicy` set on the registry (``registry.access_policy``). Without one
(the kernel default) everything is allowed. The base module installs a policy built on
``ir.model.access``, ``ir.rule`` and ``res.groups``.

Superuser environments (``env.su``) are never checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from agora.db.sql import SQL
from agora.orm.exceptions import AccessError, MissingError

if TYPE_CHECKING:
    from agora.orm.environment import Environment
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel
    from agora.orm.query import Query

OPERATIONS = ("read", "write", "create", "unlink")

#: how messages name an operation ("You are not allowed to <verb> ...")
VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


class AccessPolicy(Protocol):
    """What a registry's access policy provides. Methods are only called for
    non-superuser environments."""

    def check_model(self, env: Environment, model_name: str, operation: str) -> None:
        """Raise AccessError if the user may not ``operation`` records of the model at all."""

    def rule_domain(self, env: Environment, model_name: str, operation: str) -> list[Any]:
        """The domain the records must match for ``operation`` (``[]``: no restriction)."""

    def check_field_groups(self, env: Environment, model: BaseModel, field: Field) -> bool:
        """Whether the user may read and write ``field`` (its ``groups`` attribute)."""

    def failing_rules(self, env: Environment, model_name: str, operation: str,
                      ids: list[int]) -> list[str]:
        """Names of the rules that ``ids`` fail (only called to explain a refusal)."""


#: set while a caller only asks whether an operation would be allowed: its refusals are
#: answers, not security events
_probing: ContextVar[bool] = ContextVar("agora_access_probing", default=False)
#: ids recorded per refusal event (the message names the first ten)
_LOGGED_IDS = 100


@contextmanager
def probing() -> Iterator[None]:
    """Refusals raised inside the block are not logged as security events (for code
    that tries an access to decide what to show, e.g. ``check_access_rights(...,
    raise_exception=False)``)."""
    token = _probing.set(True)
    try:
        yield
    finally:
        _probing.reset(token)


def note_refusal(model: BaseModel, operation: str, error: Exception, kind: str,
                 ids: list[int] | tuple[int, ...] = (), rules: list[str] | None = None,
                 field: str | None = None) -> None:
    """Log the refusal ``error`` as an ``access_denied`` security event (stored even if
    the transaction rolls back; see :mod:`agora.security.audit`). ``kind``: "model"
    (ir.model.access), "rule" (record rules), "field" (field groups). Refusals of the same
    user, model, operation and kind within one transaction make one event."""
    if _probing.get():
        return
    from agora.security import audit
    env = model.env
    ids = list(dict.fromkeys(ids))
    for entry in audit.pending_events(env.cr):
        same = entry.details or {}
        if entry.event == audit.ACCESS_DENIED and entry.uid == env.uid \
                and entry.model == model._name and same.get("operation") == operation \
                and same.get("kind") == kind and same.get("field") == field:
            known = same.setdefault("ids", [])
            known.extend(i for i in ids if i not in known)
            del known[_LOGGED_IDS:]
            return
    details: dict[str, Any] = {"operation": operation, "kind": kind, "ids": ids[:_LOGGED_IDS],
                               "message": str(error)[:1000]}
    if rules:
        details["rules"] = list(rules)
    if field:
        details["field"] = field
    audit.log_security_event(env.cr, audit.ACCESS_DENIED, uid=env.uid, model=model._name,
                             res_id=ids[0] if len(ids) == 1 else None, details=details)


def check_model(model: BaseModel, operation: str, policy: AccessPolicy) -> None:
    """The policy's model access check for ``operation``; a refusal is logged."""
    try:
        policy.check_model(model.env, model._name, operation)
    except AccessError as exc:
        note_refusal(model, operation, exc, "model", model._ids)
        raise


def active_policy(env: Environment) -> AccessPolicy | None:
    """The policy to apply in ``env``: None for the superuser or without a policy."""
    if env.su:
        return None
    return getattr(env.registry, "access_policy", None)


def describe_model(model: BaseModel) -> str:
    return f"'{model._description or model._name}' ({model._name})"


def apply_rules(model: BaseModel, query: Query, operation: str,
                policy: AccessPolicy | None = None) -> None:
    """Restrict ``query`` (on ``model``'s table, aliased ``query.alias``) to the records
    matching the rules of ``operation``."""
    policy = policy or active_policy(model.env)
    if policy is None:
        return
    domain = policy.rule_domain(model.env, model._name, operation)
    if not domain:
        return
    from agora.orm.domain_sql import DomainCompiler
    # Rule domains are compiled as superuser: paths they follow are not restricted again.
    query.add_where(DomainCompiler(model.sudo(), query, query.alias).compile(domain))


def check_record_rules(records: BaseModel, operation: str) -> None:
    """Raise AccessError unless every record of ``records`` matches the rules of
    ``operation`` (one query; none when no rule applies)."""
    policy = active_policy(records.env)
    if policy is None or not records._ids:
        return
    domain = policy.rule_domain(records.env, records._name, operation)
    if not domain:
        return
    _run_rule_check(records, operation, domain, policy)


def check_rules_after_write(records: BaseModel, written: Iterable[str]) -> None:
    """After ``records`` were written (fields ``written``), raise AccessError unless they
    still match the write rules: a user may not move a record out of what they may
    modify (into another company, to another owner...). The rules were checked on the
    records as they were; create checks the new records the same way.

    One query, after a flush of the pending writes, and only when it can matter: none for
    the superuser, for a model without write rules, or when the rules read none of the
    written fields nor of the computed fields depending on them (:func:`affected_fields`)
    on the records themselves.
    On refusal the change has been applied to the transaction: the caller rolls it back,
    as for any error raised by ``write`` (every RPC call does)."""
    policy = active_policy(records.env)
    if policy is None or not records._ids:
        return
    domain = policy.rule_domain(records.env, records._name, "write")
    if not domain:
        return
    read = rule_fields(records, domain)
    if read is not None and read.isdisjoint(affected_fields(records, written)):
        return
    _run_rule_check(records, "write", domain, policy, after_write=True)


def rule_fields(model: BaseModel, domain: list[Any]) -> set[str] | None:
    """Names of the fields of ``model`` whose values on a record decide whether it
    matches ``domain`` (the first step of each path: a path through a relation starts
    with the relational field). None when that cannot be told: a field that is not
    stored (its search method or related path may read anything) or unknown."""
    names: set[str] = set()
    for leaf in domain:
        if not (isinstance(leaf, list | tuple) and len(leaf) == 3):
            continue  # '&', '|', '!'
        path, operator = leaf[0], leaf[1]
        if not isinstance(path, str):
            continue  # TRUE_LEAF / FALSE_LEAF
        name = path.partition(".")[0]
        field = model._fields.get(name)
        if field is None or not field.store:
            return None
        names.add(name)
        if operator in ("child_of", "parent_of"):
            # the hierarchy of the records themselves (``id child_of ...``) moves with
            # their parent
            names.update((model._parent_name, "parent_path"))
    return names


def affected_fields(model: BaseModel, written: Iterable[str]) -> set[str]:
    """``written`` and the computed fields of ``model`` that depend on them, directly or
    through other fields and models (whatever the path: a superset of what a write of
    ``written`` can change on the records themselves)."""
    fields = model._fields
    triggers = model.env.registry.field_triggers
    todo = [fields[name] for name in written if name in fields]
    seen = set(todo)
    while todo:
        for dependent, _path in triggers.get(todo.pop(), ()):
            if dependent not in seen:
                seen.add(dependent)
                todo.append(dependent)
    return {field.name for field in seen if field.model_name == model._name}


def _run_rule_check(records: BaseModel, operation: str, domain: list[Any],
                    policy: AccessPolicy, after_write: bool = False) -> None:
    """One query: the ids of ``records`` matching ``domain``; the others are refused."""
    from agora.orm.query import Query
    transaction = records.env.transaction
    if transaction.towrite or transaction.tocompute:
        transaction.flush()
    ids = list(dict.fromkeys(records._ids))
    query = Query(records._table)
    query.add_where(SQL("%s = ANY(%s)", SQL.identifier(records._table, "id"), ids))
    apply_rules(records, query, operation, policy)
    if query.is_empty:
        found: set[int] = set()
    else:
        records.env.cr.execute(query.select())
        found = {row[0] for row in records.env.cr.fetchall()}
    refused = [id_ for id_ in ids if id_ not in found]
    if refused:
        raise refusal(records, operation, refused, policy, after_write)


def refusal(records: BaseModel, operation: str, ids: list[int],
            policy: AccessPolicy | None = None, after_write: bool = False) -> Exception:
    """The error for ``ids`` refused by the rules of ``operation``: MissingError for the
    ones that do not exist at all, AccessError naming the rules otherwise (``after_write``:
    refused as they became by a write)."""
    cr = records.env.cr
    cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s)", SQL.identifier(records._table),
                   list(ids)))
    existing = sorted(row[0] for row in cr.fetchall())
    if not existing:
        return MissingError(
            f"Record does not exist or has been deleted: {records._name}{tuple(ids)}",
            model=records._name)
    policy = policy or active_policy(records.env)
    names = policy.failing_rules(records.env, records._name, operation, existing) \
        if policy is not None else []
    rules = ", ".join(f"'{name}'" for name in names) if names else "record rules"
    shown = ", ".join(str(i) for i in existing[:10]) + (", ..." if len(existing) > 10 else "")
    reason = (f"the change would take them out of what you may modify ({rules})"
              if after_write else f"refused by {rules}")
    error = AccessError(
        f"You are not allowed to {VERBS.get(operation, operation)} {describe_model(records)} "
        f"records [{shown}]: {reason} (operation: {operation}).",
        model=records._name)
    note_refusal(records, operation, error, "rule", existing, names)
    return error


def check_fields(model: BaseModel, fields: list[Field], operation: str) -> None:
    """AccessError naming the first field of ``fields`` restricted to groups the user is
    not in."""
    policy = active_policy(model.env)
    if policy is None:
        return
    for field in fields:
        if field.groups and not policy.check_field_groups(model.env, model, field):
            error = AccessError(
                f"You are not allowed to {VERBS.get(operation, operation)} field "
                f"'{field.name}' ({field.string}) of {describe_model(model)}: it is restricted "
                f"to the groups {field.groups}.", model=model._name, field=field.name)
            note_refusal(model, operation, error, "field", model._ids, field=field.name)
            raise error


def accessible_fields(model: BaseModel, fields: list[Field]) -> list[Field]:
    """``fields`` without the ones restricted to groups the user is not in."""
    policy = active_policy(model.env)
    if policy is None:
        return fields
    return [f for f in fields
            if not f.groups or policy.check_field_groups(model.env, model, f)]
