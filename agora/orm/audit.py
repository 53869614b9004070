"""Audit of data changes for the models that opt in with ``_audit = True``.

A model opts in with a class attribute; an ``_inherit`` extension inherits it, and an
addon may switch it on (or off) for a model it extends::

    class Partner(models.Model):
        _inherit = "res.partner"
        _audit = True

Every ``create``, ``write`` and ``unlink`` of such a model then leaves one row per record
in ``audit_log`` (:mod:`agora.security.audit`): the user (the real one, also under
``sudo()``), the time, and the old and new values of the fields concerned (only those
that change, for ``write``). The rows are queued on the transaction and written by one
multi-row INSERT at the end of the next flush, with the data they describe: a loop of
writes costs one INSERT, and a rolled-back change (savepoint included) leaves no row.

Old values come from the cache; what it lacks is read for the whole batch in one query
(as superuser: the write/unlink access was checked already). Secrets are never
recorded: a field declared ``audit=False``, a password-hash field, or one restricted to
Settings (``groups`` naming ``base.group_system``) shows as ``"***"``. Binary values
show as their size. For x2many fields the commands given are recorded, not the
resulting ids (that would cost a query per field and record); related and inverse
fields are audited through the records they write, if their model opts in. Stored
computed fields recomputed at flush are not changes made by anyone: not recorded.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from agora.security import audit as _trail

if TYPE_CHECKING:
    from agora.orm.environment import Transaction
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: fields never recorded: the ORM's own bookkeeping
_SKIPPED = frozenset(("id", "display_name", "create_date", "write_date", "create_uid",
                      "write_uid", "parent_path"))


def is_audited(model: BaseModel) -> bool:
    """Whether ``model`` opted in (``_audit = True`` on its final class)."""
    return bool(getattr(model, "_audit", False))


def is_secret(field: Field) -> bool:
    """Whether values of ``field`` must never reach the trail in clear."""
    if getattr(field, "audit", True) is False:
        return True
    if "password" in type(field).__name__.lower():
        return True
    groups = getattr(field, "groups", None) or ""
    return "base.group_system" in groups


def to_json(field: Field, value: Any) -> Any:
    """A cache-format value as JSON can hold it."""
    if value is None:
        return None
    if is_secret(field):
        return _trail.MASK
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    return _plain(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if hasattr(value, "_ids"):  # a recordset inside x2many commands
        return list(value._ids)
    return str(value)


def _details(records: BaseModel) -> dict[str, Any] | None:
    # a change made with sudo() by a normal user is worth knowing
    env = records.env
    from agora.orm.environment import SUPERUSER_ID
    return {"sudo": True} if env.su and env.uid != SUPERUSER_ID else None


def _queue(records: BaseModel, entries: list[_trail.Entry]) -> None:
    if entries:
        records.env.transaction.audit_rows.extend(entries)


# -- the three operations ------------------------------------------------------------------
def record_create(records: BaseModel, columns_by_record: list[dict[str, Any]],
                  later_by_record: list[dict[Field, Any]]) -> None:
    """Queue one row per new record: its given values (defaults included)."""
    fields = records._fields
    uid, details, now = records.env.uid, _details(records), _trail.now()
    entries = []
    for id_, columns, later in zip(records._ids, columns_by_record, later_by_record,
                                   strict=True):
        values = {name: to_json(fields[name], value) for name, value in columns.items()
                  if name not in _SKIPPED}
        values.update((field.name, to_json(field, value)) for field, value in later.items())
        entries.append(_trail.Entry(operation=_trail.CREATE, uid=uid, model=records._name,
                                    res_id=id_, new_values=values, details=details,
                                    create_date=now))
    _queue(records, entries)


def record_write(records: BaseModel, columns: dict[Field, Any],
                 later: dict[Field, Any]) -> None:
    """Queue one row per record whose values change (``columns``: cache-format values
    about to be written; ``later``: x2many commands and inverse values)."""
    compared = [f for f in columns if f.name not in _SKIPPED and not is_secret(f)]
    secrets = [f for f in columns if f.name not in _SKIPPED and is_secret(f)]
    old = old_values(records, compared)
    uid, details, now = records.env.uid, _details(records), _trail.now()
    entries = []
    for id_ in records._ids:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field in compared:
            previous = old[field].get(id_)
            if previous != columns[field]:
                before[field.name] = to_json(field, previous)
                after[field.name] = to_json(field, columns[field])
        for field in secrets:
            before[field.name] = after[field.name] = _trail.MASK
        for field, value in later.items():
            after[field.name] = to_json(field, value)
        if after:
            entries.append(_trail.Entry(operation=_trail.WRITE, uid=uid, model=records._name,
                                        res_id=id_, old_values=before, new_values=after,
                                        details=details, create_date=now))
    _queue(records, entries)


def record_unlink(records: BaseModel) -> None:
    """Queue one row per record about to be deleted: its stored values."""
    fields = [f for f in records._column_fields
              if f.name not in _SKIPPED and not is_secret(f)]
    old = old_values(records, fields)
    uid, details, now = records.env.uid, _details(records), _trail.now()
    entries = []
    for id_ in dict.fromkeys(records._ids):
        values = {field.name: to_json(field, old[field].get(id_)) for field in fields}
        entries.append(_trail.Entry(operation=_trail.UNLINK, uid=uid, model=records._name,
                                    res_id=id_, old_values=values, details=details,
                                    create_date=now))
    _queue(records, entries)


def old_values(records: BaseModel, fields: list[Field]) -> dict[Field, dict[int, Any]]:
    """The current values of ``fields`` (columns) for ``records``: from the cache, the
    missing ones in one query for the batch."""
    fields = [f for f in fields if f.column]
    if fields:
        sudo = records.sudo().with_context(active_test=False)
        sudo._read_into_cache(fields)
    cache = records.env.cache
    return {field: cache[field] for field in fields}


# -- writing --------------------------------------------------------------------------------
def write_pending(transaction: Transaction) -> None:
    """Insert the queued rows (one statement); called at the end of a flush."""
    entries = transaction.audit_rows
    if not entries:
        return
    transaction.audit_rows = []
    _trail.write_events(transaction.cr, entries)
